/** Seeded random numbers for the projections (mulberry32 underneath, as everywhere in blindspot). */

import { mulberry32 } from "../../dataset/view";

export { mulberry32 };

/** A standard normal sampler (Box-Muller, both values of each pair used). */
export function gaussian(rand: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // 1 - rand() lies in (0, 1]: the logarithm stays finite.
    const r = Math.sqrt(-2 * Math.log(1 - rand())),
      t = 2 * Math.PI * rand();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** n x dim standard normal values, row-major. */
export function gaussianMatrix(n: number, dim: number, seed: number): Float32Array {
  const next = gaussian(mulberry32(seed));
  return Float32Array.from({ length: n * dim }, next);
}
