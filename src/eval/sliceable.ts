import type { Dataset } from "../dataset/dataset";

/**
 * An evaluation whose metrics can be recomputed on any subset of its samples. Slices, model
 * comparisons and bootstrap intervals are all built on this one method.
 */
export interface Sliceable {
  readonly dataset: Dataset;
  /** The prediction field evaluated (a model's name). */
  readonly field: string;
  /** Names of the scalar metrics `metricsOf` returns, in order; the first is the headline one. */
  readonly metrics: readonly string[];
  /**
   * The metrics over the samples at these rows of `dataset.samples` (as it was when the
   * evaluation ran). A row may repeat (bootstrap resamples); NaN where a metric is undefined.
   */
  metricsOf(rows: Int32Array): Float64Array;
}
