import { progress, type Progress } from "./progress";

/** Work shorter than this leaves no bar in the output. */
export const PROGRESS_AFTER_MS = 1000;

/**
 * Progress bars for an engine call that reports (phase, done, total): one bar per phase, shown
 * once the phase has run a second. The bar's tick() throws once the user interrupted the
 * kernel, which ends the engine's loop. `done()` closes the last bar (call it in a finally).
 */
export function phaseBars(labelOf: (phase: string) => string): { onProgress: (phase: string, done: number, total: number) => void; done: () => void } {
  let bar: Progress | null = null;
  let phase: string | null = null;
  let reported = 0;
  return {
    onProgress(name, done, total) {
      if (name !== phase || !bar) {
        bar?.done();
        phase = name;
        reported = 0;
        bar = progress(total, labelOf(name), { showAfterMs: PROGRESS_AFTER_MS });
      }
      bar.tick(Math.max(0, done - reported));
      reported = Math.max(reported, done);
    },
    done: () => (bar as Progress | null)?.done(),
  };
}

/**
 * Runs `run` with progress bars unless the caller passed its own `onProgress`. `phased`: the
 * engine reports (phase, done, total); otherwise (done, total).
 */
export async function withBars<O extends object, R>(
  label: string | ((phase: string) => string),
  options: O | undefined,
  phased: boolean,
  run: (options: O) => Promise<R>,
): Promise<R> {
  const given = (options ?? {}) as O & { onProgress?: unknown };
  if (given.onProgress) return run(given);
  const bars = phaseBars(typeof label === "string" ? () => label : label);
  const onProgress = phased ? bars.onProgress : (done: number, total: number) => bars.onProgress("", done, total);
  try {
    return await run({ ...given, onProgress });
  } finally {
    bars.done();
  }
}
