import { gaussian, mulberry32 } from "../../src/embed/project/random";

/** Shared data and checks of the projection tests. */

/** `blobs` Gaussian blobs of `size` rows in `dim` dimensions, centres far apart in direction (cosine). */
export function blobs(
  blobCount: number,
  size: number,
  dim: number,
  seed: number,
): { data: Float32Array; label: Int32Array } {
  const next = gaussian(mulberry32(seed));
  const centres = Array.from({ length: blobCount }, () => Array.from({ length: dim }, () => 4 * next()));
  const data = new Float32Array(blobCount * size * dim),
    label = new Int32Array(blobCount * size);
  for (let r = 0; r < blobCount * size; r++) {
    label[r] = r % blobCount;
    for (let t = 0; t < dim; t++) data[r * dim + t] = centres[label[r]][t] + next();
  }
  return { data, label };
}

/** Share of each 2-D point's 10 nearest 2-D neighbours (Euclidean) that come from its own blob. */
export function sameBlobNeighbours(points: Float32Array, label: Int32Array): number {
  const n = label.length;
  let same = 0;
  for (let i = 0; i < n; i++) {
    const d = Array.from(
      { length: n },
      (_, j) => (points[2 * i] - points[2 * j]) ** 2 + (points[2 * i + 1] - points[2 * j + 1]) ** 2,
    );
    const nearest = Array.from(d.keys())
      .filter((j) => j !== i)
      .sort((a, b) => d[a] - d[b])
      .slice(0, 10);
    same += nearest.filter((j) => label[j] === label[i]).length;
  }
  return same / (10 * n);
}
