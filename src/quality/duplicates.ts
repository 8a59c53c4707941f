/**
 * Duplicate sets as Cleanvision 0.3.7 finds them (issue_managers/duplicate_issue_manager.py):
 *
 * - exact duplicates: images whose pixel arrays have the same md5 (np.asarray(image).tobytes():
 *   the decoded pixels, not the file bytes, so a PNG and a lossless copy of it are duplicates;
 *   the pixels as stored, since PIL does not apply the EXIF orientation, so a copy that differs
 *   only by its orientation tag is an exact duplicate);
 * - near duplicates: images with the same perceptual hash (phash.ts). A near set whose members
 *   all lie in one exact set is dropped (those images are exact duplicates only); a near set
 *   larger than the exact sets inside it keeps all its members. (Cleanvision drops near sets
 *   equal to an exact set; its near sets cannot be smaller, as it hashes the stored pixels both
 *   times. Ours can, where an exact set holds copies that differ by their EXIF orientation.)
 *
 * `distance` > 0 widens near duplicates to hashes at most that many bits apart (Cleanvision
 * has only 0): sets are then the connected components of that relation.
 */

import { createHash } from "node:crypto";
import { storedOrder } from "../image/orientation";
import { hammingDistance } from "./phash";
import type { QualityImage } from "./stats";

/**
 * md5 of the pixels as Pillow holds them: in the file's stored order (before EXIF orientation),
 * one byte per pixel for a grayscale file, else R G B.
 */
export function pixelMd5(image: QualityImage): string {
  const md5 = createHash("md5");
  const rgb = storedOrder(image.rgb, image.width, image.height, 3, image.orientation ?? 1);
  if (image.channels === 3) return md5.update(rgb).digest("hex");
  const gray = new Uint8Array(image.width * image.height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgb[3 * i];
  return md5.update(gray).digest("hex");
}

export interface DuplicateSets {
  /** Per item: its set's number (sets numbered in order of their first member), or null. */
  group: (number | null)[];
  /** Cleanvision's score: 1 / set size for members, 1 otherwise (null where the key is null). */
  score: (number | null)[];
  sets: number[][];
}

/** Sets of items with equal keys (null keys belong to no set). */
export function exactSets(keys: readonly (string | null)[]): number[][] {
  const byKey = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (k === null) return;
    const set = byKey.get(k);
    if (set) set.push(i);
    else byKey.set(k, [i]);
  });
  return [...byKey.values()].filter((s) => s.length > 1);
}

/** Sets of items whose hashes are at most `distance` bits apart, chained (connected components). */
export function nearSets(hashes: readonly (string | null)[], distance: number): number[][] {
  if (distance === 0) return exactSets(hashes);
  const parent = hashes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  // Pigeonhole: hashes within `distance` bits agree on at least one of distance + 1 parts, so
  // only items sharing a part are compared. Parts are runs of hex digits.
  const length = hashes.find((h) => h !== null)?.length ?? 0;
  const parts = Math.min(distance + 1, length);
  const candidates = new Map<string, number[]>();
  hashes.forEach((h, i) => {
    if (h === null) return;
    for (let p = 0; p < parts; p++) {
      // A hash shorter than distance + 1 digits cannot use parts: one bucket compares all pairs.
      const key =
        parts <= distance
          ? ""
          : `${p}:${h.slice(Math.floor((p * length) / parts), Math.floor(((p + 1) * length) / parts))}`;
      const bucket = candidates.get(key) ?? [];
      for (const j of bucket)
        if (find(i) !== find(j) && hammingDistance(h, hashes[j]!) <= distance) parent[find(i)] = find(j);
      bucket.push(i);
      candidates.set(key, bucket);
      if (key === "") break;
    }
  });
  return exactSets(hashes.map((h, i) => (h === null ? null : String(find(i)))));
}

/** Numbers the sets and gives each item its set and Cleanvision's score. */
export function describeSets(sets: number[][], keys: readonly (string | null)[]): DuplicateSets {
  const ordered = [...sets].sort((a, b) => a[0] - b[0]);
  const group: (number | null)[] = keys.map(() => null);
  const score: (number | null)[] = keys.map((k) => (k === null ? null : 1));
  ordered.forEach((set, g) => {
    for (const i of set) {
      group[i] = g;
      score[i] = 1 / set.length;
    }
  });
  return { group, score, sets: ordered };
}

/** Cleanvision's rule: near sets within one exact set are not near duplicates. */
export function withoutExactSets(near: number[][], exact: number[][]): number[][] {
  const exactSetOf = new Map(exact.flatMap((set, k) => set.map((i) => [i, k])));
  return near.filter((s) => !s.every((i) => exactSetOf.has(i) && exactSetOf.get(i) === exactSetOf.get(s[0])));
}
