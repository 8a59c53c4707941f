import * as fs from "node:fs";
import * as path from "node:path";
import * as aq from "arquero";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/analyze/audit";
import { DUPLICATE_FIELDS, leakage } from "../../src/analyze/leakage";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { duplicateGroups } from "../../src/embed/duplicates";
import { load } from "../../src/formats/api";
import { IMAGE_EXTENSIONS, listFiles } from "../../src/formats/common/files";
import { plantNearCopies, type PlantManifest } from "../../src/plant/nearCopies";
import { computeQuality, nearDuplicateRows } from "../../src/quality/issues";
import { HAS_SHARED, removeTmpDirs, SHARED, onSharedData, TEST_CACHE, tmpDir } from "../helpers/data";

/**
 * Near duplicates of mode "dataset" on real photos: sign-digits (2,062 hands on a white wall) and voc100, with near
 * copies planted by plantNearCopies. Every flagged pair that is not a planted copy must be listed, with a reason, in
 * the fixture; recall per source set must not fall below the fixture's. The same planted set, with the splits
 * plantNearCopies drew, is the leakage test on real photos: one dataset-mode pass serves both.
 */
const FIXTURE = path.resolve(__dirname, "../fixtures/near-duplicates/real-photos.json");
interface Fixture {
  seed: number;
  copies: number;
  recall: Record<"all" | "voc100" | "sign-digits", number>;
  nonCopies: { a: string; b: string; reason: string }[];
}
const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Fixture;
const key = (a: string, b: string) => [a, b].sort().join(" | ");

afterAll(removeTmpDirs);

describe.skipIf(!HAS_SHARED)(onSharedData("near duplicates and leakage on real photos with planted copies"), () => {
  let m: PlantManifest;
  let ds: Dataset;
  beforeAll(async () => {
    const sources = ["sign-digits/Dataset", "voc100/images"].flatMap((dir) =>
      listFiles(path.join(SHARED, dir), (f) => IMAGE_EXTENSIONS.test(f)).map((f) => path.join(SHARED, dir, f)),
    );
    const out = tmpDir("near-real");
    m = await plantNearCopies({ sources, out, root: SHARED, count: fixture.copies, seed: fixture.seed });
    ds = await load(out, { format: "image-folder" });
    await computeQuality(ds, { mode: "dataset", cacheRoot: TEST_CACHE });
  }, 600_000);

  it("finds the planted copies, and flags no pair that is not listed with a reason", () => {
    const files = Array.from(values<string>(ds.samples, "filepath"));
    const ids = Array.from(values<string>(ds.samples, "id"));
    const group = values<number | null>(ds.samples, "quality_near_duplicate_group");
    const groupOf = new Map(files.map((f, i) => [f, group[i]]));
    const found = (p: { source: string; copy: string }) =>
      groupOf.get(p.source) != null && groupOf.get(p.source) === groupOf.get(p.copy);
    const recall = (prefix: string) => {
      const pairs = m.pairs.filter((p) => p.source.startsWith(prefix));
      return pairs.filter(found).length / pairs.length;
    };
    const measured = { all: recall(""), voc100: recall("voc100/"), "sign-digits": recall("sign-digits/") };

    const members = new Map<number, string[]>();
    files.forEach((f, i) => group[i] != null && members.set(group[i]!, [...(members.get(group[i]!) ?? []), f]));
    const planted = new Set(m.pairs.map((p) => key(p.source, p.copy)));
    const flagged = [...members.values()].flatMap((set) =>
      set.flatMap((a, i) => set.slice(i + 1).map((b) => key(a, b))),
    );
    const nonCopies = flagged.filter((k) => !planted.has(k)).sort();
    console.log(
      `near duplicates on ${files.length} real photos (${m.pairs.length} planted copies): recall ` +
        `${JSON.stringify(measured)}, ${nonCopies.length} flagged non-copy pairs ` +
        `(${((1000 * nonCopies.length) / files.length).toFixed(2)} per 1,000 images)`,
    );
    expect(nonCopies).toEqual(fixture.nonCopies.map((p) => key(p.a, p.b)).sort());
    for (const p of fixture.nonCopies) expect(p.reason.length).toBeGreaterThan(20);
    expect(nonCopies.length / files.length).toBeLessThanOrEqual(1 / 1000);
    for (const [k, floor] of Object.entries(fixture.recall))
      expect(measured[k as keyof typeof measured], k).toBeGreaterThanOrEqual(floor);

    // The pairs kept with the rows join exactly the sets written.
    const rows = nearDuplicateRows(ds);
    const again = duplicateGroups(rows.pairs, rows.threshold);
    const setsOf = (g: (number | null)[] | Int32Array, name: (r: number) => string) => {
      const s = new Map<number, string[]>();
      Array.from(g).forEach((v, r) => v != null && v >= 0 && s.set(v, [...(s.get(v) ?? []), name(r)]));
      return [...s.values()].map((x) => x.sort().join(" | ")).sort();
    };
    expect(setsOf(again.group, (r) => rows.ids[r])).toEqual(setsOf(Array.from(group), (i) => ids[i]));
    // Every pair joined directly is one the search verified: its aligned correlation is kept as its similarity.
    for (let r = 0; r < rows.ids.length; r++)
      for (let j = 0; j < rows.pairs.k && rows.pairs.indices[r * rows.pairs.k + j] >= 0; j++)
        expect(rows.pairs.similarity[r * rows.pairs.k + j]).toBeGreaterThanOrEqual(rows.threshold);
  });

  /**
   * Leakage across the planted splits (plantNearCopies' planted.json: half of the copies in another
   * split than their source). What must hold whatever the near-duplicate search found: every pair
   * reported lies in one duplicate set of computeQuality and across two splits, every planted
   * crossing pair that the search grouped is reported, and no planted pair within one split is.
   */
  it("reports the planted copies across splits that it grouped, and none within a split", async () => {
    const files = Array.from(values<string>(ds.samples, "filepath"));
    const withSplits = ds.setFields(
      aq.table({ id: ds.samples.array("id"), planted_split: files.map((f) => m.split[f] ?? null) }),
    );
    const r = await leakage(withSplits, { splits: "planted_split", quality: { cacheRoot: TEST_CACHE } });
    const rows = new Map((ds.samples.objects() as Record<string, any>[]).map((x) => [x.id as string, x]));
    const inOneSet = (a: Record<string, any>, b: Record<string, any>) =>
      Object.values(DUPLICATE_FIELDS).some((f) => a[f] !== null && a[f] === b[f]);
    const reported = new Set(
      (r.pairs.objects() as Record<string, string>[]).map((p) => {
        const a = rows.get(p.id_a)!,
          b = rows.get(p.id_b)!;
        expect(inOneSet(a, b), `${p.id_a} ${p.id_b}`).toBe(true);
        expect(a.planted_split).not.toBe(b.planted_split);
        expect([p.split_a, p.split_b]).toEqual([a.planted_split, b.planted_split]);
        return key(a.filepath, b.filepath);
      }),
    );
    const byFile = new Map([...rows.values()].map((x) => [x.filepath as string, x]));
    const grouped = (p: { source: string; copy: string }) => inOneSet(byFile.get(p.source)!, byFile.get(p.copy)!);
    const crossing = m.pairs.filter((p) => m.split[p.source] !== m.split[p.copy]);
    expect(crossing.length).toBe(m.pairs.length / 2);
    for (const p of crossing.filter(grouped)) expect(reported.has(key(p.source, p.copy))).toBe(true);
    for (const p of m.pairs.filter((p) => m.split[p.source] === m.split[p.copy]))
      expect(reported.has(key(p.source, p.copy))).toBe(false);
    const planted = new Set(crossing.map((p) => key(p.source, p.copy)));
    const other = [...reported].filter((k) => !planted.has(k));
    const found = (prefix: string) => {
      const pairs = crossing.filter((p) => p.source.startsWith(prefix));
      return `${pairs.filter((p) => reported.has(key(p.source, p.copy))).length} of ${pairs.length}`;
    };
    console.log(
      `leakage: planted crossing pairs found: voc100 ${found("voc100/")}, sign-digits ${found("sign-digits/")}; ` +
        `${other.length} pairs reported that were not planted${other.length ? `: ${other.join(", ")}` : ""}`,
    );
    expect(other).toEqual([]);
    expect(crossing.filter((p) => reported.has(key(p.source, p.copy))).length).toBeGreaterThan(0);
  });

  it("the audit names the planted copies across splits among its leakage findings", async () => {
    // planted_split was set by the test above; the duplicate sets are computeQuality's, already there.
    const a = await audit(ds, { split: "planted_split" });
    const files = Array.from(values<string>(ds.samples, "filepath"));
    const idOf = new Map(files.map((f, i) => [f, ds.samples.get("id", i) as string]));
    const leaked = new Set(a.findings.filter((f) => f.kind === "leakage").flatMap((f) => f.samples));
    const crossing = m.pairs.filter((p) => m.split[p.source] !== m.split[p.copy]);
    const found = crossing.filter((p) => leaked.has(idOf.get(p.source)!) && leaked.has(idOf.get(p.copy)!));
    console.log(
      `audit of ${files.length} real photos: ${found.length} of ${crossing.length} planted copies across splits ` +
        `among the leakage findings\n` +
        a.findings.map((f) => `  ${f.rank}. [${f.kind}] ${f.statement}`).join("\n"),
    );
    expect(found.length / crossing.length).toBeGreaterThanOrEqual(fixture.recall.all - 0.05);
    expect(a.findings.some((f) => f.kind === "duplicates")).toBe(true);
  });
});
