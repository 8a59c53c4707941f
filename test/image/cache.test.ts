import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { defaultCacheRoot, hashBytes, ResultCache } from "../../src/image/cache";
import { removeTmpDirs, tmpDir } from "../helpers/data";

afterAll(removeTmpDirs);

const hashes = Array.from({ length: 10 }, (_, i) => hashBytes(Buffer.from(`image ${i}`)));
const rowsOf = (ids: number[], width: number) =>
  Float32Array.from(ids.flatMap((i) => Array.from({ length: width }, (_, k) => i + k / 10)));

describe("ResultCache", () => {
  test("rows written in chunks are found again after reopening; only missing ones need computing", () => {
    const root = defaultCacheRoot(tmpDir("cache"));
    const opts = { root, name: "quality", version: 1, width: 3, flushRows: 4 };
    const a = ResultCache.open(opts);
    expect(a.folder).toBe(path.join(root, "quality", "1"));
    a.putMany(hashes.slice(0, 3), rowsOf([0, 1, 2], 3));
    expect(fs.existsSync(a.folder)).toBe(false); // below flushRows: nothing written yet
    expect(Array.from(a.get(hashes[1])!)).toEqual(Array.from(rowsOf([1], 3)));
    a.putMany(hashes.slice(3, 6), rowsOf([3, 4, 5], 3)); // reaches 4: one chunk of 6
    expect(fs.readdirSync(a.folder)).toHaveLength(1);
    a.putMany([hashes[6]], rowsOf([6], 3));
    a.close();

    const b = ResultCache.open(opts);
    expect(b.size).toBe(7);
    const missing = hashes.filter((h) => !b.has(h));
    expect(missing).toEqual(hashes.slice(7));
    const { rows, found } = b.getMany([hashes[5], hashes[8], hashes[0]]);
    expect(Array.from(found)).toEqual([1, 0, 1]);
    expect(Array.from(rows)).toEqual([...rowsOf([5], 3), 0, 0, 0, ...rowsOf([0], 3)]);
    b.close();
  });

  test("a crash mid-write leaves no entry: temporary and cut-short chunk files are skipped", () => {
    const root = tmpDir("cache-crash");
    const opts = { root, name: "embed", version: "v2", width: 2 };
    const a = ResultCache.open(opts);
    a.putMany(hashes.slice(0, 2), rowsOf([0, 1], 2));
    a.close();
    const [chunk] = fs.readdirSync(a.folder);
    const whole = fs.readFileSync(path.join(a.folder, chunk));
    // A writer killed before its rename (old: removed on open), and a chunk cut short by a bad copy.
    const tmp = path.join(a.folder, `.chunk-zzz.bin.123.abcd.tmp`);
    fs.writeFileSync(tmp, whole.subarray(0, 20));
    fs.utimesSync(tmp, new Date(0), new Date(0));
    fs.writeFileSync(path.join(a.folder, "chunk-zzzz-cut.bin"), whole.subarray(0, whole.length - 3));
    const b = ResultCache.open(opts);
    expect(b.size).toBe(2);
    expect(Array.from(b.get(hashes[1])!)).toEqual(Array.from(rowsOf([1], 2)));
    expect(fs.existsSync(tmp)).toBe(false);
    b.close();
  });

  test("versions and widths do not mix; the newest row of a hash wins", () => {
    const root = tmpDir("cache-versions");
    const v1 = ResultCache.open({ root, name: "q", version: 1, width: 2 });
    v1.putMany([hashes[0]], Float32Array.of(1, 1));
    v1.putMany([hashes[0]], Float32Array.of(2, 2));
    v1.close();
    v1.putMany([hashes[0]], Float32Array.of(3, 3));
    v1.close();
    const again = ResultCache.open({ root, name: "q", version: 1, width: 2 });
    expect(Array.from(again.get(hashes[0])!)).toEqual([3, 3]);
    again.close();
    expect(ResultCache.open({ root, name: "q", version: 2, width: 2 }).has(hashes[0])).toBe(false);
    expect(ResultCache.open({ root, name: "q", version: 1, width: 5 }).has(hashes[0])).toBe(false);
  });

  test("misuse fails clearly", () => {
    const c = ResultCache.open({ root: tmpDir("cache-misuse"), name: "q", version: 1, width: 2 });
    expect(() => c.putMany([hashes[0]], Float32Array.of(1))).toThrow(/need 2 floats/);
    expect(() => c.putMany(["abc"], Float32Array.of(1, 2))).toThrow(/not a sha256/);
    expect(() => ResultCache.open({ root: "x", name: "..", version: 1, width: 2 })).toThrow(
      /cannot name a cache folder/,
    );
  });
});
