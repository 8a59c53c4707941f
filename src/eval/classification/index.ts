export { confusionMatrix, marginals } from "./confusion";
export { classScores, accuracy, balancedAccuracy, cohenKappa, matthews, type ClassScores } from "./scores";
export { logLoss, topKAccuracy, type ProbabilityMatrix } from "./probabilistic";
