import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { InterruptedError } from "../../src/image/batches";
import { decodeImage, ImageError, type DecodedImage } from "../../src/image/decode";
import { defaultCacheRoot } from "../../src/image/cache";
import { GraphBuilder } from "../../src/onnx/graph";
import { computeForImages, type FileComputation, type ImageComputation } from "../../src/image/pipeline";
import { openSession, releaseSessions } from "../../src/onnx/session";
import { removeTmpDirs, tmpDir } from "../helpers/data";

const SIZE = 16;
let dir: string;
let files: string[];

beforeAll(async () => {
  dir = tmpDir("pipeline");
  files = [];
  for (let i = 0; i < 12; i++) {
    const file = path.join(dir, `img${i}.png`);
    await sharp({
      create: { width: 20 + i, height: 30, channels: 3, background: { r: i * 20, g: 100, b: 255 - i * 20 } },
    })
      .png()
      .toFile(file);
    files.push(file);
  }
  fs.writeFileSync(files[4], "not an image");
});
afterAll(async () => {
  await releaseSessions();
  removeTmpDirs();
});

/** Mean colour per image (uint8 NHWC in, 3 floats out), as an ONNX graph. */
async function meanColour(): Promise<ImageComputation> {
  const g = new GraphBuilder();
  const x = g.input("images", "uint8", ["batch", SIZE, SIZE, 3]);
  g.output(
    g.node("ReduceMean", [g.node("Cast", [x], { to: 1 })], { axes: [1, 2], keepdims: 0 }),
    "float32",
    ["batch", 3],
    "mean",
  );
  const { session } = await openSession(g.build());
  return {
    name: "mean-colour",
    version: 1,
    width: 3,
    decode: { resize: { width: SIZE, height: SIZE } },
    compute: async (images: DecodedImage[]) => {
      const batch = new Uint8Array(images.length * SIZE * SIZE * 3);
      images.forEach((im, k) => batch.set(im.data, k * im.data.length));
      const out = await session.run({ images: new ort.Tensor("uint8", batch, [images.length, SIZE, SIZE, 3]) });
      return out.mean.data as Float32Array;
    },
  };
}

/**
 * The mean colour as a computation that decodes its files itself, `inFlight` batches at once,
 * the earlier batches slower so that later ones finish first.
 */
async function decodingItself(
  inFlight: number,
  maxBytesInFlight?: number,
): Promise<{ computation: FileComputation; mostRunning: () => number; started: () => number }> {
  const comp = await meanColour();
  let running = 0,
    most = 0,
    batchNo = 0,
    started = 0;
  const computation: FileComputation = {
    name: "mean-colour-files",
    version: 1,
    width: 3,
    batchesInFlight: inFlight,
    maxBytesInFlight,
    computeFiles: async (batch) => {
      running++;
      started += batch.length;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 40 - 10 * (batchNo++ % 4)));
      const decoded = await Promise.all(
        batch.map((f) =>
          decodeImage(f.bytes, { name: f.name, resize: { width: SIZE, height: SIZE } }).catch(
            (e: unknown) => e as ImageError,
          ),
        ),
      );
      const good = decoded.filter((d): d is DecodedImage => !(d instanceof ImageError));
      const means = good.length ? await comp.compute(good) : new Float32Array(0);
      const rows = new Float32Array(batch.length * 3);
      let g = 0;
      decoded.forEach((d, k) => d instanceof ImageError || rows.set(means.subarray(3 * g, 3 * ++g), 3 * k));
      running--;
      return { rows, errors: decoded.map((d) => (d instanceof ImageError ? d : null)) };
    },
  };
  return { computation, mostRunning: () => most, started: () => started };
}

describe("computeForImages", () => {
  test("rows in file order, NaN and an ImageError for a bad file, then everything from the cache", async () => {
    const comp = await meanColour();
    const cacheRoot = defaultCacheRoot(dir);
    const first = await computeForImages(files, comp, { batchSize: 5, cacheRoot });
    expect([first.computed, first.reused]).toEqual([11, 0]);
    expect(first.errors.map((e) => [e.index, e.error.kind])).toEqual([[4, "corrupt-image"]]);
    for (let i = 0; i < files.length; i++) {
      const row = Array.from(first.rows.subarray(i * 3, i * 3 + 3));
      if (i === 4) expect(row.every(Number.isNaN)).toBe(true);
      else row.forEach((v, c) => expect(v).toBeCloseTo([i * 20, 100, 255 - i * 20][c], 3));
    }
    let calls = 0;
    const second = await computeForImages(
      files,
      {
        ...comp,
        compute: async (im) => {
          calls++;
          return comp.compute(im);
        },
      },
      { batchSize: 5, cacheRoot },
    );
    expect([second.computed, second.reused, calls]).toEqual([0, 11, 0]);
    expect(Array.from(second.rows)).toEqual(Array.from(first.rows));
  });

  test("without a cacheRoot, $BLINDSPOT_CACHE is the cache; null turns it off", async () => {
    const comp = await meanColour();
    const root = tmpDir("pipeline-env-cache");
    const before = process.env.BLINDSPOT_CACHE;
    process.env.BLINDSPOT_CACHE = root;
    try {
      const first = await computeForImages(files, comp, { batchSize: 5 });
      expect([first.computed, first.reused]).toEqual([11, 0]);
      expect(fs.readdirSync(path.join(root, comp.name))).toHaveLength(1);
      const again = await computeForImages(files, comp, { batchSize: 5 });
      expect([again.computed, again.reused]).toEqual([0, 11]);
      const off = await computeForImages(files, comp, { batchSize: 5, cacheRoot: null });
      expect([off.computed, off.reused]).toEqual([11, 0]);
    } finally {
      if (before === undefined) delete process.env.BLINDSPOT_CACHE;
      else process.env.BLINDSPOT_CACHE = before;
    }
  });

  test("an interrupted run keeps its finished batches; the next run computes only the rest", async () => {
    const comp = await meanColour();
    const cacheRoot = defaultCacheRoot(tmpDir("pipeline-resume"));
    const ac = new AbortController();
    const err = await computeForImages(files, comp, {
      batchSize: 3,
      cacheRoot,
      signal: ac.signal,
      onProgress: (done) => {
        if (done === 6) ac.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    const resumed = await computeForImages(files, comp, { batchSize: 3, cacheRoot });
    expect([resumed.computed, resumed.reused]).toEqual([6, 5]); // 0-5 cached (4 is bad), 6-11 computed
  });

  test("a computation that decodes the files itself: batches in flight at once, finishing out of order", async () => {
    const expected = await computeForImages(files, await meanColour(), { batchSize: 3 });
    const { computation, mostRunning } = await decodingItself(3);
    const cacheRoot = defaultCacheRoot(tmpDir("pipeline-files"));
    const got = await computeForImages(files, computation, { batchSize: 3, cacheRoot });
    expect(mostRunning()).toBe(3);
    expect(Array.from(got.rows)).toEqual(Array.from(expected.rows));
    expect(got.errors.map((e) => [e.index, e.error.kind, e.error.file])).toEqual([[4, "corrupt-image", files[4]]]);
    expect([got.computed, got.reused]).toEqual([11, 0]);
    const again = await computeForImages(files, computation, { batchSize: 3, cacheRoot });
    expect([again.computed, again.reused]).toEqual([0, 11]);
    expect(Array.from(again.rows)).toEqual(Array.from(expected.rows));
  });

  test("batches in flight hold at most maxBytesInFlight of files, or one batch", async () => {
    const sizes = files.map((f) => fs.statSync(f).size),
      batchBytes = (b: number) => sizes.slice(3 * b, 3 * b + 3).reduce((a, c) => a + c, 0);
    const twoBatches = Math.max(...[0, 1, 2].map((b) => batchBytes(b) + batchBytes(b + 1)));
    for (const [maxBytes, most] of [
      [1, 1],
      [twoBatches, 2],
    ]) {
      const { computation, mostRunning } = await decodingItself(3, maxBytes);
      const got = await computeForImages(files, computation, { batchSize: 3 });
      expect(got.computed, `maxBytesInFlight ${maxBytes}`).toBe(11);
      expect(mostRunning(), `maxBytesInFlight ${maxBytes}`).toBe(most);
    }
  });

  test(
    "an interrupted run with batches in flight keeps every batch it started; progress counts " + "finished ones",
    async () => {
      const { computation, started } = await decodingItself(3);
      const cacheRoot = defaultCacheRoot(tmpDir("pipeline-files-resume"));
      const ac = new AbortController(),
        seen: number[] = [];
      let abortedAt = -1;
      const err = await computeForImages(files, computation, {
        batchSize: 3,
        cacheRoot,
        signal: ac.signal,
        onProgress: (done) => {
          seen.push(done);
          if (done >= 3 && abortedAt < 0) {
            abortedAt = done;
            ac.abort();
          }
        },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InterruptedError);
      // Counts of finished images only, never past the total, never going back.
      expect(seen[0]).toBe(0);
      expect(seen.every((d, i) => d % 3 === 0 && d <= files.length && (i === 0 || d > seen[i - 1]))).toBe(true);
      // The batches in flight at the abort were finished and cached too; file 4 cannot be
      // decoded and is never cached.
      const before = started();
      expect(before).toBeGreaterThan(abortedAt);
      expect(seen.at(-1)).toBe(before);
      const resumed = await computeForImages(files, computation, { batchSize: 3, cacheRoot });
      expect(resumed.reused).toBe(before > 4 ? before - 1 : before);
      expect(resumed.computed + resumed.reused).toBe(11);
    },
  );

  test("a compute that returns the wrong number of floats fails loudly", async () => {
    const comp = await meanColour();
    await expect(
      computeForImages(files.slice(0, 2), { ...comp, compute: async () => new Float32Array(1) }),
    ).rejects.toThrow(/returned 1 floats for 2 images of width 3/);
  });
});
