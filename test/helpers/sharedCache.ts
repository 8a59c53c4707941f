import * as fs from "node:fs";
import * as path from "node:path";

/**
 * One result cache for the whole test run: the heavy tests and the notebooks they run embed the
 * same images (sign-digits, the 2,000-sample demo), and the first to do so computes for all.
 * Tests of the computations themselves use none.
 */
export const TEST_CACHE = path.resolve(__dirname, "../.tmp/cache");

/** Vitest's global set-up: each run starts with an empty TEST_CACHE, so no result outlives the code that made it. */
export default function emptyTestCache(): void {
  fs.rmSync(TEST_CACHE, { recursive: true, force: true });
}
