export { evaluateDetections, DetectionEvaluation, BACKGROUND, type DetectionEvalOptions } from "./evaluate";
export { STAT_NAMES } from "./summarize";
export { defaultParams, linspace, type CocoParams } from "./params";
export type { IouType } from "./data";
