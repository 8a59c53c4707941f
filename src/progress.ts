import { AsyncLocalStorage } from "node:async_hooks";

/** Progress of a run in phases: (phase, done, total); runs of one phase report the phase "". */
export type PhaseProgress = (phase: string, done: number, total: number) => void;

/** The reporter of one run; `done()` closes it when the run ends, however it ends. */
export interface ProgressReporter {
  onProgress: PhaseProgress;
  done(): void;
}

/** Makes the reporter of a run; `labelOf` names each phase for a person. */
export type ProgressFactory = (labelOf: (phase: string) => string) => ProgressReporter;

let defaultFactory: ProgressFactory | null = null;
/** Set while a run reports to a default reporter, so that the runs inside it do not open their own. */
const reporting = new AsyncLocalStorage<true>();

/**
 * Sets the reporter of the engine's long runs (`load`, `computeQuality`, `knn`, ...) called
 * without an `onProgress` of their own: the notebook kernel sets progress bars here at load
 * (its stop button ends a run through them); scripts and the CLI set none. null: none.
 */
export function setDefaultProgress(factory: ProgressFactory | null): void {
  defaultFactory = factory;
}

/** "loading: images", "UMAP: nearest neighbours": a label per phase of the run named `what`. */
export function phaseLabel(what: string): (phase: string) => string {
  return (phase) => (phase ? `${what}: ${phase === "knn" ? "nearest neighbours" : phase}` : what);
}

/**
 * Runs a long engine call with the caller's `onProgress`, or else with the default reporter when
 * one is set and no outer run reports already (a UMAP's k-NN is a phase of the UMAP's bar, not a
 * bar of its own). `phased`: the call reports (phase, done, total); otherwise (done, total).
 */
export async function withProgress<O extends { onProgress?: unknown }, R>(
  label: string | ((phase: string) => string),
  options: O,
  phased: boolean,
  run: (options: O) => Promise<R>,
): Promise<R> {
  if (options.onProgress || !defaultFactory || reporting.getStore()) return run(options);
  const reporter = defaultFactory(typeof label === "string" ? () => label : label);
  const onProgress = phased
    ? reporter.onProgress
    : (done: number, total: number) => reporter.onProgress("", done, total);
  try {
    return await reporting.run(true, () => run({ ...options, onProgress }));
  } finally {
    reporter.done();
  }
}
