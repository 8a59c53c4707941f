import type { Problem } from "../errors";
import type { ImageErrorKind } from "./decode";

/** The kinds of problem that say an image file cannot be read, whichever pass found it. */
const UNREADABLE: ReadonlySet<string> = new Set<ImageErrorKind>([
  "missing-image",
  "corrupt-image",
  "truncated-image",
  "image-too-large",
  "unsupported-image",
]);

/**
 * The problems of `found` that `known` does not hold yet. An image file that a sample already
 * has as unreadable (found by the load or an earlier pass, in its own words) is one problem,
 * not one per pass; other problems are new unless the very same one is known.
 */
export function newProblems(known: readonly Problem[], found: readonly Problem[]): Problem[] {
  const key = (p: Problem) =>
    JSON.stringify(UNREADABLE.has(p.kind) ? [p.sampleId, p.file] : [p.sampleId, p.kind, p.file, p.place, p.message]);
  const seen = new Set(known.map(key));
  return found.filter((p) => !seen.has(key(p)) && seen.add(key(p)));
}
