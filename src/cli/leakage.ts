import { leakage, type Leakage, type LeakageOptions } from "../analyze/leakage";
import { BlindspotError } from "../errors";
import { checkOptions, stringOption, type ParsedArgs } from "./args";
import { loadFromArgs, READ_OPTIONS } from "./load";
import { warnProblems } from "./problems";
import { progressLine } from "./progress";

/** Rows of each table printed in the readable report; --json has them all. */
const SHOWN = 20;

/**
 * `blindspot leakage PATH`: duplicates, groups and time overlap across splits. Exit status 0
 * when nothing leaks, 1 when something does (a pipeline's check); errors exit 2 (see main.ts).
 */
export async function leakageCommand(args: ParsedArgs): Promise<number> {
  checkOptions(args, [...READ_OPTIONS, "splits", "groups", "time", "time-order", "no-duplicates", "json"], "leakage");
  const path = args.positional[0];
  if (!path)
    throw new BlindspotError({
      message: "leakage needs a PATH",
      hint: "blindspot leakage PATH [--format F] [--groups FIELD] [--time FIELD] [--json]",
    });
  const timeField = stringOption(args, "time");
  const order = stringOption(args, "time-order");
  if (order !== undefined && timeField === undefined)
    throw new BlindspotError({ place: "--time-order", message: "--time-order needs --time", hint: "add --time FIELD" });
  const options: LeakageOptions = {
    splits: stringOption(args, "splits"),
    groups: stringOption(args, "groups"),
    time: timeField === undefined ? undefined : { field: timeField, order: order?.split(",").map((s) => s.trim()) },
    duplicates: !args.options.has("no-duplicates"),
  };
  const ds = await loadFromArgs(path, args, stringOption(args, "format"));
  const progress = progressLine();
  const result = await leakage(ds, { ...options, onProgress: (done, total) => progress("duplicates", done, total) });
  warnProblems(ds.problems);
  const unparsable = result.summary.timeOverlap?.unparsable;
  if (unparsable?.count)
    console.error(
      `warning: ${unparsable.count} values of ${result.summary.timeOverlap!.field} are no time and were left out, ` +
        `e.g. ${unparsable.examples.map((e) => `${e.id}: ${JSON.stringify(e.value)}`).join(", ")}`,
    );
  console.log(args.options.has("json") ? JSON.stringify(asJson(result), null, 2) : report(result));
  return result.summary.leaked ? 1 : 0;
}

function asJson(r: Leakage) {
  return {
    summary: r.summary,
    findings: r.findings.objects(),
    pairs: r.pairs.objects(),
    groups: r.groups.objects(),
    time: r.time.objects(),
  };
}

/** The report a person reads: the verdict, each kind of finding counted, then the first rows of each. */
function report(r: Leakage): string {
  const s = r.summary;
  const splits = Object.entries(s.splits)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const lines = [
    `leakage in ${r.dataset.name}: ${s.leaked ? `FOUND, ${s.samples} samples involved` : "none found"}`,
    `splits (${s.splitField}): ${splits}${s.unsplit ? `; ${s.unsplit} samples without a split` : ""}`,
  ];
  const d = s.crossSplitPairs;
  lines.push(
    d
      ? `duplicates across splits: ${d.exact} exact and ${d.near} near pairs in ${d.sets} sets (${d.samples} samples)`
      : "duplicates: not looked for (--no-duplicates)",
  );
  if (s.groupsAcrossSplits) {
    const g = s.groupsAcrossSplits;
    lines.push(`groups of ${g.field} in more than one split: ${g.groups} (${g.samples} samples)`);
  }
  if (s.timeOverlap) {
    const t = s.timeOverlap;
    lines.push(
      `time overlap of ${t.field} (${t.order.join(" < ")}): ${t.samples} samples dated before the latest of an ` +
        `earlier split${t.missing ? `; ${t.missing} without a time` : ""}` +
        `${t.unparsable.count ? `; ${t.unparsable.count} unparsable` : ""}`,
    );
  }
  const section = (title: string, rows: string[]) => {
    if (!rows.length) return;
    lines.push("", `${title}:`, ...rows.slice(0, SHOWN).map((x) => `  ${x}`));
    if (rows.length > SHOWN) lines.push(`  ... and ${rows.length - SHOWN} more (--json lists all)`);
  };
  section(
    "duplicate pairs across splits",
    (r.pairs.objects() as Record<string, string>[]).map(
      (p) => `${p.kind.padEnd(5)} ${p.id_a} (${p.split_a})  ${p.id_b} (${p.split_b})`,
    ),
  );
  section(
    `groups of ${r.fields.groups} in more than one split`,
    (r.groups.objects() as Record<string, string>[]).map((g) => `${g.group}: ${g.per_split}`),
  );
  section(
    "time overlap",
    (r.time.objects() as Record<string, string | number>[]).map(
      (t) =>
        `${t.samples} ${t.later} samples dated before ${t.earlier}'s latest (${t.earlier_latest}); ` +
        `${t.later} starts ${t.later_earliest}`,
    ),
  );
  return lines.join("\n");
}
