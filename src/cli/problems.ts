import { formatMessage, type Problem } from "../errors";

/** Problems of one kind shown in full; the rest are counted. */
const EXAMPLES = 3;

/**
 * A dataset's problems as a report a person reads: one entry per kind, the most frequent
 * first, with its count, a few examples and the fix, instead of one line per problem (a
 * detector's 1,758 boxes past the image edge are one finding).
 */
export function problemReport(problems: readonly Problem[]): string[] {
  // One entry (of one or more lines) per kind.
  const byKind = new Map<string, Problem[]>();
  for (const p of problems) {
    const list = byKind.get(p.kind);
    if (list) list.push(p);
    else byKind.set(p.kind, [p]);
  }
  return [...byKind.values()]
    .sort((a, b) => b.length - a.length)
    .map((list) => {
      if (list.length === 1) return formatMessage(list[0]);
      const lines = [`${list.length} ${list[0].kind} problems, for example:`];
      for (const p of list.slice(0, EXAMPLES)) lines.push(`  - ${formatMessage({ ...p, hint: undefined })}`);
      if (list.length > EXAMPLES) lines.push(`  - ... and ${list.length - EXAMPLES} more`);
      const hints = new Set(list.slice(0, EXAMPLES).flatMap((p) => (p.hint === undefined ? [] : [p.hint])));
      for (const hint of hints) lines.push(`  fix: ${hint}`);
      return lines.join("\n");
    });
}

/** Prints a dataset's problems on stderr as warnings: the results stand, the input deserves a look. */
export function warnProblems(problems: readonly Problem[]): void {
  for (const entry of problemReport(problems)) console.error(`warning: ${entry}`);
}
