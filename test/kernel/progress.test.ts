import { describe, expect, test } from "vitest";
import { progress } from "../../kernel/progress";
import { BlindspotError } from "../../src/errors";
import { captureOutputs } from "./helpers";

/** A clock the test moves by hand. */
function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("progress", () => {
  test("one display updated in place, at most every 100 ms, ending with the final state", () => {
    const { outputs } = captureOutputs("progress-throttle");
    const clock = manualClock();
    const bar = progress(10_000, "images", { now: clock.now });
    for (let i = 0; i < 10_000; i++) {
      bar.tick();
      clock.advance(0.1); // 10,000 ticks over one second
    }
    bar.done();
    const ids = new Set(outputs.map((o) => o.transient.display_id));
    expect(ids.size).toBe(1);
    expect(outputs[0].update).toBe(false);
    expect(outputs.slice(1).every((o) => o.update)).toBe(true);
    // The first state, one update per 100 ms of the second, and the final state.
    console.log(`10,000 ticks in 1 s gave ${outputs.length} displays`);
    expect(outputs.length).toBeLessThanOrEqual(12);
    expect(outputs.length).toBeGreaterThanOrEqual(10);
    const last = outputs[outputs.length - 1].data;
    expect(last["text/plain"]).toMatch(/^images \[#{30}\] 10,000\/10,000 100% done after 1\.0 s$/);
    expect(last["text/html"]).toContain("width:100.0%");
    const middle = outputs[5].data["text/plain"] as string;
    expect(middle).toMatch(/\/s ETA \d/);
  });

  test("work shorter than showAfterMs leaves no output", () => {
    const { outputs } = captureOutputs("progress-quiet");
    const clock = manualClock();
    const bar = progress(100, "quick", { showAfterMs: 1000, now: clock.now });
    for (let i = 0; i < 100; i++) {
      bar.tick();
      clock.advance(5);
    }
    bar.done();
    expect(outputs).toHaveLength(0);
  });

  test("an interrupt makes the next tick throw and the bar say so", async () => {
    const { outputs } = captureOutputs("progress-interrupt");
    // In a kernel tslab has its own SIGINT listener; stand in for it.
    const kernelListener = () => undefined;
    process.on("SIGINT", kernelListener);
    try {
      const bar = progress(1000, "embedding");
      // The listener is added once the synchronous code that made the bar is over.
      await new Promise((resolve) => setImmediate(resolve));
      let done = 0;
      const err = (() => {
        try {
          for (; done < 1000; done++) {
            if (done === 300) process.emit("SIGINT", "SIGINT");
            bar.tick();
          }
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(BlindspotError);
      expect((err as Error).message).toMatch(/^interrupted \(embedding\) after 300 of 1,000/);
      expect(done).toBe(300);
      expect(outputs[outputs.length - 1].data["text/plain"]).toContain("interrupted after");
      // An ended bar is not interrupted again.
      process.emit("SIGINT", "SIGINT");
      expect(outputs.filter((o) => String(o.data["text/plain"]).includes("interrupted"))).toHaveLength(1);
    } finally {
      process.removeListener("SIGINT", kernelListener);
    }
  });

  test("a bad total is refused", () => {
    expect(() => progress(-1)).toThrow(/progress total must be a number >= 0/);
  });
});
