import { BlindspotError } from "../errors";

/**
 * Returns `name` when it is one of `fields`; otherwise throws an error that names the closest
 * field ("did you mean camera?") and lists them all. `what` is how the message names a field
 * ("field", "object field", "label field", "column"); `place` is the option or method.
 */
export function checkField(name: unknown, fields: readonly string[], place: string, what = "field"): string {
  if (typeof name === "string" && fields.includes(name)) return name;
  const close = typeof name === "string" ? closestName(name, fields) : null;
  throw new BlindspotError({
    place,
    message:
      typeof name === "string" || name === undefined
        ? `no ${what} ${JSON.stringify(name) ?? "undefined"}${didYouMean(close)}`
        : `a ${what} name must be a string, got ${typeof name}`,
    hint: fields.length ? listLines(`${what}s are: `, fields) : `there are no ${what}s to choose from`,
  });
}

/** Width of a line of names in a hint: a notebook's stderr breaks longer lines inside words. */
const LINE = 90;

/** `head` and the names, comma-separated, in lines of at most LINE characters (continued with an indent). */
function listLines(head: string, names: readonly string[]): string {
  const lines = [head];
  names.forEach((name, i) => {
    const item = i < names.length - 1 ? `${name}, ` : name;
    if (lines[lines.length - 1].length + item.trimEnd().length > LINE) lines.push("    ");
    lines[lines.length - 1] += item;
  });
  return lines.map((l) => l.trimEnd()).join("\n");
}

/** "; did you mean "camera"?" for a close name, else nothing. */
export function didYouMean(close: string | null): string {
  return close === null ? "" : `; did you mean ${JSON.stringify(close)}?`;
}

/** The name a typo most likely meant: the fewest edits (ignoring case), at most one per three letters. */
export function closestName(name: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.min(3, Math.floor(name.length / 3));
  for (const candidate of names) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= bestDistance && (best === null || d < bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}
