export { generateDemo, TRUTH_FILE, type DemoOptions } from "./generate";
export type { DemoTruth, ObjectRef } from "./truth";
export { MODEL_FIELD } from "./dataset";
export { CLASSES } from "./types";
