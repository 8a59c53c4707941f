import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { split } from "../../../src/analyze/split";
import { values } from "../../../src/dataset/columns";
import { load } from "../../../src/formats/api";
import { computeQuality } from "../../../src/quality/issues";
import { HAS_SHARED, SHARED, tmpDir } from "../../helpers/data";
import { plantCopies } from "./plantCopies";

/**
 * Real photos with planted copies: 30 sign-digit photos per class and 40 copies (byte copies,
 * re-encodings, rescales, brightness changes), duplicate sets from computeQuality's mode
 * "dataset". Every set it reports, planted or a look-alike hand, stays in one part.
 */
describe.skipIf(!HAS_SHARED)("split on real photos with planted copies", () => {
  it("keeps every duplicate set whole, stratified 70/15/15 and 5-fold", { timeout: 300_000 }, async () => {
    const root = tmpDir("split-signs");
    const planted = await plantCopies(path.join(SHARED, "sign-digits/Dataset"), root, {
      perClass: 30,
      copies: 40,
      seed: 11,
    });
    const ds = await load(root, { format: "image-folder" });
    await computeQuality(ds, { mode: "dataset" });
    const ids = Array.from(values<string>(ds.samples, "filepath"));
    const rowOf = new Map(ids.map((f, i) => [f, i]));
    const exact = values<number | null>(ds.samples, "quality_exact_duplicate_group");
    const near = values<number | null>(ds.samples, "quality_near_duplicate_group");
    const together = (a: number, b: number) =>
      (exact[a] !== null && exact[a] === exact[b]) || (near[a] !== null && near[a] === near[b]);
    const found = planted.filter((p) => together(rowOf.get(p.original)!, rowOf.get(p.copy)!));
    console.log(`planted copies found as duplicates: ${found.length} of ${planted.length}`);
    expect(found.length).toBeGreaterThan(planted.length / 2);

    for (const options of [
      { stratify: true, seed: 4 },
      { k: 5, stratify: true, shuffle: true, seed: 4 },
    ]) {
      const result = split(ds, options);
      const { method, units, duplicateSets, largestGap } = result.summary;
      console.log(
        `${method}: ${ids.length} photos, ${units} units, ${duplicateSets} duplicate sets, largest gap ${largestGap}`,
      );
      expect(duplicateSets).toBeGreaterThan(0);
      const part = values<string | number>(ds.samples, result.summary.field);
      for (const column of [exact, near]) {
        const partOfSet = new Map<number, string | number>();
        for (let i = 0; i < ids.length; i++) {
          const set = column[i];
          if (set === null) continue;
          if (!partOfSet.has(set)) partOfSet.set(set, part[i]);
          expect(part[i], `${ids[i]} left its duplicate set`).toBe(partOfSet.get(set));
        }
      }
      for (const p of found) expect(part[rowOf.get(p.copy)!]).toBe(part[rowOf.get(p.original)!]);
      // Stratified by the ten classes: each part's count of a class within two samples of its share.
      expect(result.summary.largestGap).toBeLessThanOrEqual(2);
    }
  });
});
