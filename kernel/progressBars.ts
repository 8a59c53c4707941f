import type { ProgressReporter } from "../src/progress";
import { progress, type Progress } from "./progress";

/** Work shorter than this leaves no bar in the output. */
export const PROGRESS_AFTER_MS = 1000;

/**
 * Progress bars for an engine call that reports (phase, done, total): one bar per phase, shown
 * once the phase has run a second. The bar's tick() throws once the user interrupted the
 * kernel, which ends the engine's loop. `done()` closes the last bar (call it in a finally).
 * The kernel makes these the engine's default reporter (`setDefaultProgress`, see index.ts).
 */
export function phaseBars(labelOf: (phase: string) => string): ProgressReporter {
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
