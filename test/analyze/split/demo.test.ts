import { describe, expect, it } from "vitest";
import { split } from "../../../src/analyze/split";
import { values } from "../../../src/dataset/columns";
import { generateDemo } from "../../../src/demo";
import { computeQuality } from "../../../src/quality/issues";
import { tmpDir } from "../../helpers/data";

/**
 * The demo plants exact and near duplicates, half of them across train and test. After
 * computeQuality's mode "dataset", a new split keeps every duplicate set it found together, grouped by
 * location, and stratified by the ground truth's boxes.
 */
describe("split on the demo", () => {
  it("planted duplicates and locations never straddle the new split", { timeout: 300_000 }, async () => {
    const { dataset: ds, truth } = await generateDemo({ samples: 600, out: tmpDir("split-demo") });
    await computeQuality(ds, { mode: "dataset" });
    const result = split(ds, { stratify: true, seed: 2, field: "new_split" });
    const ids = Array.from(values<string>(ds.samples, "id"));
    const partOf = new Map(ids.map((id, i) => [id, ds.samples.get("new_split", i) as string]));
    const pairs = [...truth.duplicates.exact, ...truth.duplicates.near];
    const oldSplit = new Map(ids.map((id, i) => [id, ds.samples.get("split", i) as string]));
    // The planted leaks: pairs whose copies sit in different splits of the demo.
    expect(pairs.filter((p) => oldSplit.get(p.sampleId) !== oldSplit.get(p.duplicateOf)).length).toBeGreaterThan(0);
    // Every duplicate set computeQuality found stays in one part; exact copies are always found. Near copies that the
    // near-duplicate definition misses are the quality tests' concern (test/quality), not the split's.
    for (const field of ["quality_exact_duplicate_group", "quality_near_duplicate_group"]) {
      const set = values<number | null>(ds.samples, field);
      const partOfSet = new Map<number, string>();
      ids.forEach((id, i) => {
        if (set[i] === null) return;
        if (!partOfSet.has(set[i]!)) partOfSet.set(set[i]!, partOf.get(id)!);
        expect(partOf.get(id), `${field} ${set[i]}: ${id}`).toBe(partOfSet.get(set[i]!));
      });
    }
    for (const p of truth.duplicates.exact) expect(partOf.get(p.sampleId), p.sampleId).toBe(partOf.get(p.duplicateOf));
    expect(result.summary.duplicateSets).toBeGreaterThanOrEqual(truth.duplicates.exact.length);
    // Iterative stratification of the boxes' labels: every part within two images of its share of each label.
    expect(result.summary.largestGap).toBeLessThanOrEqual(2);
    console.log(
      `demo 600: ${pairs.length} planted pairs, ${result.summary.duplicateSets} duplicate sets, ` +
        `${result.summary.units} units, sizes ${JSON.stringify(result.summary.sizes)}, largest gap ${result.summary.largestGap}`,
    );

    const grouped = split(ds, { k: 4, groups: "location", stratify: true, shuffle: true, seed: 2 });
    const fold = values<number>(ds.samples, "fold");
    const location = values<string>(ds.samples, "location");
    const foldOfLocation = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) {
      if (!foldOfLocation.has(location[i])) foldOfLocation.set(location[i], fold[i]);
      expect(fold[i]).toBe(foldOfLocation.get(location[i]));
    }
    for (const p of pairs) expect(fold[ids.indexOf(p.sampleId)]).toBe(fold[ids.indexOf(p.duplicateOf)]);
    expect(grouped.summary.method).toBe("iterative-stratified-kfold");
  });
});
