import * as aq from "arquero";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { leakage, DUPLICATE_FIELDS } from "../../src/analyze/leakage";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { load } from "../../src/formats/api";
import { plantNearCopies, type PlantManifest } from "../../src/plant/nearCopies";
import { HAS_SHARED, removeTmpDirs, SHARED, onSharedData, TEST_CACHE, tmpDir, VOC_IMAGES } from "../helpers/data";

/**
 * Leakage on real photos with near copies planted by the committed, seeded plantNearCopies (half
 * of them in another split than their source; splits from planted.json, in a field of its own).
 * What must hold whatever the near-duplicate search finds: every pair reported lies in one
 * duplicate set of computeQuality and across two splits, every planted crossing pair that the
 * search grouped is reported, and no planted pair within one split is. Recall of the planted
 * crossing pairs and the pairs reported that were not planted are printed, pair by pair.
 */
afterAll(removeTmpDirs);

const SIGNS = path.join(SHARED, "sign-digits/Dataset");
const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** The planted folder as a dataset, with each file's split of planted.json as `planted_split`. */
function withPlantedSplits(ds: Dataset, m: PlantManifest): Dataset {
  const files = Array.from(values<string>(ds.samples, "filepath"));
  return ds.setFields(aq.table({ id: ds.samples.array("id"), planted_split: files.map((f) => m.split[f] ?? null) }));
}

async function check(name: string, ds: Dataset, m: PlantManifest) {
  const r = await leakage(ds, { splits: "planted_split", quality: { cacheRoot: TEST_CACHE } });
  const s = ds.samples.objects() as Record<string, any>[];
  const row = new Map(s.map((x) => [x.id as string, x]));
  const reported = (r.pairs.objects() as Record<string, string>[]).map((p) => {
    const a = row.get(p.id_a)!,
      b = row.get(p.id_b)!;
    // In one duplicate set of computeQuality, and in two different planted splits.
    const exact = a[DUPLICATE_FIELDS.exact] !== null && a[DUPLICATE_FIELDS.exact] === b[DUPLICATE_FIELDS.exact];
    const near = a[DUPLICATE_FIELDS.near] !== null && a[DUPLICATE_FIELDS.near] === b[DUPLICATE_FIELDS.near];
    expect(exact || near, `${p.id_a} ${p.id_b}`).toBe(true);
    expect(a.planted_split).not.toBe(b.planted_split);
    expect([p.split_a, p.split_b]).toEqual([a.planted_split, b.planted_split]);
    return key(a.filepath, b.filepath);
  });
  const reportedSet = new Set(reported);
  const byFile = new Map(s.map((x) => [x.filepath as string, x]));
  const grouped = (p: { source: string; copy: string }) => {
    const a = byFile.get(p.source)!,
      b = byFile.get(p.copy)!;
    return [DUPLICATE_FIELDS.exact, DUPLICATE_FIELDS.near].some((f) => a[f] !== null && a[f] === b[f]);
  };
  const crossing = m.pairs.filter((p) => m.split[p.source] !== m.split[p.copy]);
  const within = m.pairs.filter((p) => m.split[p.source] === m.split[p.copy]);
  expect(crossing.length).toBe(m.pairs.length / 2);
  for (const p of crossing.filter(grouped)) expect(reportedSet.has(key(p.source, p.copy))).toBe(true);
  for (const p of within) expect(reportedSet.has(key(p.source, p.copy))).toBe(false);
  const found = crossing.filter((p) => reportedSet.has(key(p.source, p.copy)));
  const planted = new Set(crossing.map((p) => key(p.source, p.copy)));
  const other = reported.filter((k) => !planted.has(k));
  console.log(
    `${name}: ${found.length} of ${crossing.length} planted crossing pairs found ` +
      `(recall ${(found.length / crossing.length).toFixed(2)}); ${other.length} pairs reported that were not planted` +
      (other.length ? `: ${other.join(", ")}` : ""),
  );
  expect(found.length).toBeGreaterThan(0);
  return r;
}

describe.skipIf(!HAS_SHARED)(onSharedData("leakage on real photos with planted copies across splits"), () => {
  it("voc100: 40 near copies, 20 of them in another split", async () => {
    const out = tmpDir("leakage-voc");
    const sources = fs
      .readdirSync(VOC_IMAGES)
      .sort()
      .map((f) => path.join(VOC_IMAGES, f));
    const m = await plantNearCopies({ sources, out, root: VOC_IMAGES, count: 40, seed: 1 });
    const b = new DatasetBuilder("voc100-planted", out);
    for (const f of Object.keys(m.split).sort()) b.addSample({ id: f, filepath: f });
    await check("voc100", withPlantedSplits(b.build(), m), m);
  }, 300_000);

  it("sign-digits: 200 near copies among 2,062 hands, 100 of them in another split", async () => {
    const out = tmpDir("leakage-signs");
    const sources = fs
      .readdirSync(SIGNS)
      .sort()
      .flatMap((c) =>
        fs
          .readdirSync(path.join(SIGNS, c))
          .sort()
          .map((f) => path.join(SIGNS, c, f)),
      );
    const m = await plantNearCopies({ sources, out, root: SIGNS, count: 200, seed: 1 });
    await check("sign-digits", withPlantedSplits(await load(out, { format: "image-folder" }), m), m);
  }, 600_000);
});
