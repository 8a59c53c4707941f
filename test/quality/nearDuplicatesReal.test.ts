import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { duplicateGroups } from "../../src/embed/duplicates";
import { load } from "../../src/formats/api";
import { IMAGE_EXTENSIONS, listFiles } from "../../src/formats/common/files";
import { plantNearCopies } from "../../src/plant/nearCopies";
import { computeQuality, nearDuplicateRows } from "../../src/quality/issues";
import { HAS_SHARED, removeTmpDirs, SHARED, onSharedData, TEST_CACHE, tmpDir } from "../helpers/data";

/**
 * Near duplicates of mode "dataset" on real photos: sign-digits (2,062 hands on a white wall) and voc100, with near
 * copies planted by plantNearCopies. Every flagged pair that is not a planted copy must be listed, with a reason, in
 * the fixture; recall per source set must not fall below the fixture's.
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

describe.skipIf(!HAS_SHARED)(onSharedData("near duplicates on real photos with planted copies"), () => {
  it("finds the planted copies, and flags no pair that is not listed with a reason", { timeout: 600_000 }, async () => {
    const sources = ["sign-digits/Dataset", "voc100/images"].flatMap((dir) =>
      listFiles(path.join(SHARED, dir), (f) => IMAGE_EXTENSIONS.test(f)).map((f) => path.join(SHARED, dir, f)),
    );
    const out = tmpDir("near-real");
    const m = await plantNearCopies({ sources, out, root: SHARED, count: fixture.copies, seed: fixture.seed });
    const ds = await load(out, { format: "image-folder" });
    await computeQuality(ds, { mode: "dataset", cacheRoot: TEST_CACHE });

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
});
