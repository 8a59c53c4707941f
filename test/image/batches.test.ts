import { describe, expect, test } from "vitest";
import { forEachBatch, InterruptedError, type Batch } from "../../src/image/batches";
import { ImageError } from "../../src/image/decode";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("forEachBatch", () => {
  test("hands batches over in order though loads finish out of order, with bounded look-ahead", async () => {
    let inFlight = 0,
      maxInFlight = 0,
      maxAhead = 0,
      handled = 0;
    const seen: number[][] = [];
    const progress: [number, number][] = [];
    const result = await forEachBatch(
      23,
      async (i) => {
        maxAhead = Math.max(maxAhead, i - handled);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep((i * 7) % 5); // later items often finish first
        inFlight--;
        return i * 10;
      },
      5,
      async (b: Batch<number>) => {
        expect(b.values).toEqual(b.indices.map((i) => i * 10));
        seen.push(b.indices);
        await sleep(3);
        handled = b.start + b.indices.length;
      },
      { concurrency: 3, onProgress: (d, t) => progress.push([d, t]) },
    );
    expect(result).toEqual({ done: 23, failed: 0 });
    expect(seen.flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(seen.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(maxInFlight).toBe(3);
    expect(maxAhead).toBeLessThanOrEqual(10); // never more than the batch in hand plus one more
    expect(progress).toEqual([
      [0, 23],
      [5, 23],
      [10, 23],
      [15, 23],
      [20, 23],
      [23, 23],
    ]);
  });

  test("an item that fails with an ImageError is reported in its batch; the others go on", async () => {
    const batches: Batch<string>[] = [];
    const result = await forEachBatch(
      6,
      async (i) => {
        if (i % 3 === 1) throw new ImageError("corrupt-image", `img${i}.jpg`, "bad", "fix it");
        return `img${i}`;
      },
      4,
      async (b) => void batches.push(b),
    );
    expect(result).toEqual({ done: 6, failed: 2 });
    expect(batches.map((b) => b.indices)).toEqual([[0, 2, 3], [5]]);
    expect(batches.map((b) => b.failures.map((f) => [f.index, f.error.kind]))).toEqual([
      [[1, "corrupt-image"]],
      [[4, "corrupt-image"]],
    ]);
  });

  test("any other error stops the run, thrown synchronously or not", async () => {
    for (const load of [
      (i: number) => (i === 3 ? Promise.reject(new TypeError("bug")) : Promise.resolve(i)),
      (i: number) => {
        if (i === 3) throw new TypeError("bug");
        return Promise.resolve(i);
      },
    ]) {
      const handled: number[] = [];
      await expect(forEachBatch(10, load, 2, async (b) => void handled.push(...b.indices))).rejects.toThrow("bug");
      expect(handled).toEqual([0, 1]);
    }
  });

  test("an abort stops between batches, saying how many were done", async () => {
    const ac = new AbortController();
    let loads = 0;
    const err = await forEachBatch(
      100,
      async (i) => {
        loads++;
        await sleep(1);
        return i;
      },
      10,
      async (b) => {
        if (b.start === 20) ac.abort();
      },
      { signal: ac.signal, concurrency: 4 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err).toMatchObject({
      done: 30,
      total: 100,
      message: expect.stringContaining("interrupted after 30 of 100 items"),
    });
    await sleep(20);
    expect(loads).toBeLessThanOrEqual(40 + 4); // no loading runs on after the stop
    // An already aborted signal does nothing.
    await expect(
      forEachBatch(
        5,
        async (i) => i,
        2,
        async () => {},
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toMatchObject({ done: 0 });
  });

  test("an empty run reports 0 of 0", async () => {
    const progress: number[][] = [];
    expect(
      await forEachBatch(
        0,
        async () => 1,
        4,
        async () => {
          throw new Error("no batch expected");
        },
        { onProgress: (d, t) => progress.push([d, t]) },
      ),
    ).toEqual({ done: 0, failed: 0 });
    expect(progress).toEqual([[0, 0]]);
  });
});
