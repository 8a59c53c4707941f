import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IMAGE_EXTENSIONS, listFiles } from "../../src/formats/common/files";
import { plantNearCopies } from "../../src/plant/nearCopies";
import { fileHash, loadComparable } from "../../src/quality/nearCopy/load";
import { verifyPairs } from "../../src/quality/nearCopy/pairs";
import { HAS_SHARED, SHARED, onSharedData, removeTmpDirs, tmpDir } from "../helpers/data";

afterAll(removeTmpDirs);

/**
 * The pixel-by-pixel check of candidate pairs, on voc100's photos with ten planted copies: every pair of the set is a
 * candidate, and worker threads must give what one thread gives, as must the pair cache, cold, partly and wholly warm.
 */
describe.skipIf(!HAS_SHARED)(onSharedData("near-copy check of candidate pairs"), () => {
  it(
    "finds the planted copies among all pairs, the same on worker threads as on one",
    { timeout: 300_000 },
    async () => {
      const dir = path.join(SHARED, "voc100/images");
      const sources = listFiles(dir, (f) => IMAGE_EXTENSIONS.test(f)).map((f) => path.join(dir, f));
      const out = tmpDir("near-copy-pairs");
      const planted = await plantNearCopies({ sources, out, count: 10, seed: 5 });
      const files = Object.keys(planted.split).sort();
      const pixels = await Promise.all(files.map((f) => loadComparable(path.join(out, f))));
      const pairs = files.flatMap((_, a) => files.slice(a + 1).map((_, k) => [a, a + 1 + k] as [number, number]));
      const loaded = new Set<number>();
      const load = async (r: number) => (loaded.add(r), pixels[r]);
      const hash = (r: number) => fileHash(path.join(out, files[r]));

      const progress: number[] = [];
      const one = await verifyPairs(pairs, { load }, { threads: 1 });
      const two = await verifyPairs(pairs, { load }, { threads: 2, onProgress: (done) => progress.push(done) });
      expect(two).toEqual(one);
      expect(progress.at(-1)).toBe(pairs.length);
      expect(progress.length).toBeGreaterThan(2);

      // The pair cache: the pairs of the first 40 images, then all pairs (only the others are compared), then all
      // again (nothing is loaded): the same copies with the same scores, bit for bit.
      const cacheRoot = tmpDir("pair-cache");
      const early = pairs.filter(([, b]) => b < 40);
      const some = await verifyPairs(early, { load, hash }, { cacheRoot });
      expect(some).toEqual(one.filter((p) => p.b < 40));
      loaded.clear();
      expect(await verifyPairs(pairs, { load, hash }, { cacheRoot })).toEqual(one);
      expect(Math.min(...loaded)).toBe(0); // image 0 pairs with images >= 40
      loaded.clear();
      const warm: number[] = [];
      expect(await verifyPairs(pairs, { load, hash }, { cacheRoot, onProgress: (d) => warm.push(d) })).toEqual(one);
      expect(loaded.size).toBe(0);
      expect(warm.at(-1)).toBe(pairs.length);

      const found = new Set(one.map((p) => `${files[p.a]} | ${files[p.b]}`));
      const copies = planted.pairs.map((p) => [p.source, p.copy].sort().join(" | "));
      expect(copies.filter((c) => !found.has(c))).toEqual([]);
      expect([...found].filter((f) => !copies.includes(f))).toEqual([]);
    },
  );
});
