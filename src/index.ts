/**
 * blindspot: find where and why computer-vision models fail.
 * The public API a notebook cell or script imports.
 */
export { Dataset, type SampleSelection, type TagChange } from "./dataset/dataset";
export { View, type Expr, type CountOptions } from "./dataset/view";
export { PatchesView, type PatchesOptions, type Outcome, type SizeRange } from "./dataset/patches";
export { DatasetBuilder, type SampleInit, type ObjectInit } from "./dataset/builder";
export { GROUND_TRUTH, type Category, type FieldInfo, type FieldKind } from "./dataset/schema";
export { saveDataset as save, loadDataset as open } from "./dataset/persist";
export { summarize, type DatasetSummary } from "./dataset/summary";
export { load, importLabels, exportDataset, detectFormat, type LoadOptions, type ExportOptions } from "./formats/api";
export { FORMATS, formatByName } from "./formats/registry";
export type { Format, Capabilities, ReadOptions, WriteOptions, WriteReport } from "./formats/format";
export { BlindspotError, type Problem } from "./errors";
export { setDefaultProgress, type PhaseProgress, type ProgressFactory, type ProgressReporter } from "./progress";
export { generateDemo } from "./demo";
export {
  evaluateClassification,
  type ClassificationEvaluation,
  type ClassificationResults,
  type EvaluateClassificationOptions,
  type ClassificationSkipReason,
} from "./eval/classification";
export {
  evaluateDetections,
  DetectionEvaluation,
  BACKGROUND,
  STAT_NAMES,
  type DetectionEvalOptions,
  type CocoParams,
  type IouType,
} from "./eval/detection";
export { bySlice, type SliceOptions } from "./eval/slices";
export type { Sliceable } from "./eval/sliceable";
export {
  computeQuality,
  flagQuality,
  type QualityOptions,
  type QualitySummary,
  type FlagOptions,
  type FlagMode,
} from "./quality/issues";
export type { RelativeOptions } from "./quality/relative";
export type { NearDuplicateOptions } from "./quality/nearDuplicates";
export { computeEmbeddings, type EmbedOptions, type Embeddings } from "./embed/embed";
export { knn, type KnnOptions, type KnnResult } from "./embed/knn";
export { duplicateGroups, type DuplicateGroups } from "./embed/duplicates";
export { similar, type SimilarQuery, type SimilarResult } from "./embed/similar";
export { uniqueness, representativeness } from "./embed/scores";
export { pca, type PcaOptions } from "./embed/project/pca";
export { umap, type UmapOptions } from "./embed/project/umap";
export { tsne, type TsneOptions } from "./embed/project/tsne";
export {
  projectEmbeddings,
  type EmbeddingRows,
  type Projection,
  type ProjectionMethod,
  type ProjectionOptions,
  type ProjectionRecord,
} from "./embed/project/project";
export { loadModel, type LoadModelOptions } from "./embed/model/load";
export { openSession, type Provider } from "./onnx/session";
export { decodeImage, ImageError, type DecodeOptions, type DecodedImage } from "./image/decode";
export { nearDuplicateRows, type NearDuplicateRows } from "./quality/issues";
export { leakage, Leakage, DUPLICATE_FIELDS, type LeakageOptions, type LeakageSummary } from "./analyze/leakage";
export {
  plantNearCopies,
  type PlantOptions,
  type PlantManifest,
  type PlantedPair,
  type Transform as PlantTransform,
} from "./plant/nearCopies";
export { split, type SplitOptions, type SplitResult, type SplitSummary, type SplitMethod } from "./analyze/split";
// Data failures: coverage and hidden imbalance, class weights, rebalancing plans.
export {
  coverage,
  type Coverage,
  type CoverageOptions,
  type CoverageSummary,
  type CoverageFinding,
  type CrossTab,
} from "./analyze/coverage";
export {
  classWeights,
  type ClassWeights,
  type ClassWeightOptions,
  type ClassWeightsFile,
  type WeightMethod,
  type WeightUnit,
} from "./analyze/classWeights";
export {
  resamplePlan,
  type ResamplePlan,
  type ResamplePlanOptions,
  type ResamplePlanSummary,
} from "./analyze/resamplePlan";
// Label errors: confident learning, as cleanlab defines it, on out-of-fold probabilities.
export { crossValProbs, type CrossValOptions, type CrossValProbs } from "./analyze/crossValProbs";
export { labelIssues, type LabelIssues, type LabelIssueOptions, type LabelIssuesSummary } from "./analyze/labelIssues";
export { FILTERS as LABEL_ISSUE_FILTERS, type FilterBy } from "./analyze/labelIssues/filter";
export {
  boxLabelIssues,
  BOX_ISSUE_TYPES,
  type BoxIssueType,
  type BoxLabelIssues,
  type BoxLabelIssueOptions,
  type BoxLabelIssuesSummary,
} from "./analyze/boxIssues";
export {
  neighborIssues,
  type NeighborIssues,
  type NeighborIssueOptions,
  type NeighborIssuesSummary,
} from "./analyze/neighborIssues";
export {
  applyCorrections,
  type CorrectionOptions,
  type Corrections,
  type ReviewDecision,
} from "./analyze/review/applyCorrections";
export { exportLabelIssues, type ExportIssuesOptions, type ExportedIssues } from "./analyze/review/exportIssues";
export { plantBoxErrors, type BoxErrorOptions, type PlantedBoxErrors } from "./plant/boxErrors";
// Model failures: fairness across groups, as Fairlearn defines it.
export {
  fairness,
  FAIRNESS_DEFAULTS,
  type Fairness,
  type FairnessOptions,
  type FairnessScores,
  type FairnessSummary,
  type Gap,
} from "./analyze/fairness";
export { RATE_NAMES as FAIRNESS_METRICS, type RateName as FairnessMetric } from "./analyze/fairness/rates";
export {
  compareSplits,
  COMPARE_SPLITS_DEFAULTS,
  type CompareSplits,
  type CompareSplitsOptions,
  type CompareSplitsSummary,
} from "./analyze/compareSplits";
// Slices nobody named: SliceLine, as the sliceline package defines it.
export {
  findSlices,
  FIND_SLICES_DEFAULTS,
  type FindSlicesOptions,
  type FindSlicesSummary,
  type FoundSlices,
} from "./analyze/slices";
export {
  errorClusters,
  ERROR_CLUSTER_DEFAULTS,
  type ErrorClusterOptions,
  type ErrorClusters,
  type ErrorClustersSummary,
} from "./analyze/slices/clusters";
// Data drift between a reference and a current set, as Evidently decides it.
export {
  drift,
  DRIFT_THRESHOLDS,
  type Drift,
  type DriftOptions,
  type DriftSummary,
  type DriftTest,
} from "./analyze/drift";
export {
  driftOverTime,
  type DriftOverTime,
  type DriftOverTimeOptions,
  type DriftOverTimeSummary,
} from "./analyze/drift/overTime";
export type { WindowSize } from "./analyze/time/windows";
export { embeddingDrift, type EmbeddingDrift, type EmbeddingDriftOptions } from "./analyze/drift/embeddings";
// Confidence against outcomes over time, and the confident errors with a second opinion from the pixels.
export {
  overconfidence,
  type Overconfidence,
  type OverconfidenceOptions,
  type OverconfidenceSummary,
} from "./analyze/overconfidence";
export { SCORE_METHODS as LABEL_QUALITY_METHODS, type ScoreMethod } from "./analyze/labelIssues/scores";
export { chiSquareTest, cramersV, type ChiSquareResult, type Contingency } from "./analyze/stats/chiSquare";
export { gammaP, gammaQ, chiSquareSurvival } from "./analyze/stats/gamma";
// The audit: every failure mode the dataset lets us look for, ranked by what it costs the model.
export {
  audit,
  AUDIT_CHECKS,
  AUDIT_DEFAULTS,
  FINDING_KINDS,
  type Audit,
  type AuditOptions,
  type AuditSummary,
  type Effect,
  type Finding,
  type FindingKind,
  type Skipped,
} from "./analyze/audit";
export { report, REPORT_DEFAULTS, type ReportOptions, type ReportResult } from "./report";
