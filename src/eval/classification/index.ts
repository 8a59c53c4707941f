export { confusionMatrix, marginals } from "./confusion";
export { classScores, accuracy, balancedAccuracy, cohenKappa, matthews, type ClassScores } from "./scores";
export { logLoss, topKAccuracy, type ProbabilityMatrix } from "./probabilistic";
export { precisionRecallCurve, averagePrecision, rocCurve, rocAuc, type PrCurve, type RocCurve } from "./curves";
export { rocAucOneVsRest, rocAucOneVsOne, averagePrecisionOneVsRest } from "./multiclass";
export { brierScore, calibrationCurve, reliability, binnedCalibration, type Reliability } from "./calibration";
export { thresholdSweep, type ThresholdSweep } from "./sweep";
export {
  evaluateClassification,
  type ClassificationEvaluation,
  type ClassificationResults,
  type EvaluateClassificationOptions,
  type ClassificationSkipReason,
  type ClassRow,
  type Averages,
  type ProbabilisticResults,
} from "./evaluate";
