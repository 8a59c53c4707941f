import { generateDemo } from "../demo";
import { summarize, type DatasetSummary } from "../dataset/summary";
import { BlindspotError, type Problem } from "../errors";
import { exportDataset } from "../formats/api";
import { FORMATS } from "../formats/registry";
import { checkOptions, numberOption, parseArgs, stringOption, type ParsedArgs } from "./args";
import { AUDIT_USAGE, auditCommand } from "./audit";
import { evalCommand } from "./eval";
import { leakageCommand } from "./leakage";
import { loadFromArgs, READ_OPTIONS } from "./load";
import { plantCommand } from "./plant";
import { problemReport, warnProblems } from "./problems";
import { progressLine } from "./progress";
import { SPLIT_USAGE, splitCommand } from "./split";

const USAGE = `blindspot: find where and why computer-vision models fail

usage:
  blindspot info PATH [--format F] [--images DIR] [--classes LIST|FILE] [--field NAME]
                      [--gt PATH --gt-format F] [--json]
  blindspot convert IN OUT --to F [--from F] [--images DIR] [--classes LIST|FILE]
                      [--field NAME] [--lossy]
  blindspot eval classification FILE --truth COLUMN (--probs COLUMNS | --pred COLUMN)
                      [--classes LIST] [--json]
  blindspot eval detection --gt FILE --pred FILE [--iou-type bbox|segm] [--iou T]
                      [--class-agnostic] [--gt-format F] [--pred-format F]
                      [--images DIR] [--classes LIST|FILE] [--json]
  blindspot leakage PATH [--format F] [--splits FIELD] [--groups FIELD] [--time FIELD]
                      [--time-order A,B,C] [--no-duplicates] [--json]
${AUDIT_USAGE}
  blindspot demo [--samples N] [--seed S] [--out DIR]
  blindspot plant DIR --out DIR --count N [--seed S] [--flip]
${SPLIT_USAGE}
  blindspot formats

PATH is a labels file or folder in any format (\`blindspot formats\` lists them) or a
saved blindspot dataset. With --gt, PATH holds predictions for the dataset at --gt.
eval classification reads a CSV or JSON Lines table, one sample per row: COLUMNS are the
class probability columns, named after the classes (or named by --classes, in order).
eval detection is COCO's evaluation (pycocotools' numbers): --gt a COCO file (or any
format with --gt-format), --pred a COCO results list (or --pred-format); --iou and
--class-agnostic set how objects are matched for the per-class counts.
leakage lists exact and near duplicates in different splits, groups (--groups: scene,
video, patient) in more than one split, and samples of a later split (--time-order,
default train,val,test) dated before the latest of an earlier one; it exits 1 when
something leaks, 0 when nothing does, 2 on bad input.
audit runs every check the dataset supports (image quality, duplicates, leakage, class
balance and coverage, label errors, weak slices, fairness, drift, overconfidence, the
train-test gap) and ranks the findings by the share of the model's errors they account for;
--pred adds a prediction file. --fail-on rules such as label_issues>0.02,leakage>0,
worst_slice_gap>0.1 compare the share of samples of each kind of finding (or the largest
excess share of errors of a slice): exit 1 when one is broken, 0 when none is, 2 on bad input.
plant copies the images under DIR into --out (same sub-folders) with N seeded near copies
beside their sources, and writes planted.json: the pairs, their edits, and a split per file.`;

const FLAGS = new Set(["json", "lossy", "help", "class-agnostic", "flip", "no-duplicates", "stratify", "shuffle"]);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // audit's --json names a file; elsewhere --json is a flag (print JSON).
  const args = parseArgs(rest, command === "audit" ? new Set([...FLAGS].filter((f) => f !== "json")) : FLAGS);
  if (args.options.has("help")) {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case "info":
      return info(args);
    case "convert":
      return convert(args);
    case "eval":
      return evalCommand(args);
    case "leakage":
      return leakageCommand(args);
    case "audit":
      return auditCommand(args);
    case "demo":
      return demo(args);
    case "plant":
      return plantCommand(args);
    case "formats":
      return formats();
    case "split":
      return splitCommand(args);
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return 0;
    default:
      throw new BlindspotError({
        message: `unknown command ${JSON.stringify(command)}`,
        hint: "commands: info, convert, eval, leakage, split, demo, plant, formats (blindspot help)",
      });
  }
}

async function info(args: ParsedArgs): Promise<number> {
  checkOptions(args, [...READ_OPTIONS, "json"], "info");
  const path = args.positional[0];
  if (!path) throw new BlindspotError({ message: "info needs a PATH", hint: "blindspot info PATH [--format F]" });
  const ds = await loadFromArgs(path, args, stringOption(args, "format"));
  const summary = summarize(ds);
  console.log(args.options.has("json") ? JSON.stringify(summary, null, 2) : describe(summary, ds.problems));
  return 0;
}

async function convert(args: ParsedArgs): Promise<number> {
  checkOptions(args, [...READ_OPTIONS, "from", "to", "lossy"], "convert");
  const [input, output] = args.positional;
  const to = stringOption(args, "to");
  if (!input || !output || !to)
    throw new BlindspotError({
      message: "convert needs IN, OUT and --to",
      hint: "blindspot convert IN OUT --to coco [--from voc]",
    });
  const ds = await loadFromArgs(input, args, stringOption(args, "from") ?? stringOption(args, "format"));
  const report = await exportDataset(ds, output, {
    format: to,
    field: stringOption(args, "field"),
    lossy: args.options.has("lossy"),
  });
  warnProblems(ds.problems);
  console.log(`wrote ${output} (${to}): ${ds.count()} samples, ${report.objects} objects, ${report.files} files`);
  for (const d of report.dropped) console.error(`left out: ${d}`);
  return 0;
}

async function demo(args: ParsedArgs): Promise<number> {
  checkOptions(args, ["samples", "seed", "out", "json"], "demo");
  const samples = numberOption(args, "samples", 2000);
  const out = stringOption(args, "out") ?? `demo-data/demo${samples}`;
  const progress = progressLine();
  const started = Date.now();
  const { dataset } = await generateDemo({
    samples,
    seed: numberOption(args, "seed", 0),
    out,
    onProgress: (done, total) => progress("rendering", done, total),
  });
  console.error(`demo dataset written to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const summary = summarize(dataset);
  console.log(args.options.has("json") ? JSON.stringify(summary, null, 2) : describe(summary, dataset.problems));
  return 0;
}

function formats(): number {
  for (const f of FORMATS) {
    const holds = Object.entries(f.holds)
      .filter(([, v]) => v)
      .map(([k]) => k)
      .join(", ");
    console.log(
      `${f.name.padEnd(14)} ${f.read ? "read" : "    "} ${f.write ? "write" : "     "}  ` +
        `${f.description}\n${"".padEnd(27)}holds: ${holds}`,
    );
  }
  return 0;
}

/** Human-readable summary, with the problems by kind. */
function describe(s: DatasetSummary, problems: readonly Problem[]): string {
  const lines = [`${s.name}: ${s.samples} samples, ${s.objects} objects, ${s.categories} categories`];
  if (s.imagesDir) lines.push(`images: ${s.imagesDir}`);
  const splits = Object.entries(s.splits)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  lines.push(`splits: ${splits}`);
  for (const f of s.fields) {
    const top = Object.entries(f.labels)
      .slice(0, 12)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    lines.push(
      `${f.name} (${f.kind}${f.predicted ? ", predicted" : ""}): ${f.count} labels: ` +
        `${top}${Object.keys(f.labels).length > 12 ? ", ..." : ""}`,
    );
  }
  lines.push(`columns: ${s.columns.join(", ")}`);
  if (s.problems.total) {
    lines.push(
      `problems: ${s.problems.total} (${Object.entries(s.problems.byKind)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")})`,
    );
    for (const entry of problemReport(problems)) lines.push(`  ${entry.replace(/\n/g, "\n  ")}`);
  } else lines.push("problems: none");
  return lines.join("\n");
}

/** Commands whose exit status 1 reports a finding (for a pipeline's check): their errors exit 2. */
const CHECKS = new Set(["leakage", "audit"]);

/** Entry point of bin/blindspot: errors print as message and fix, not as a stack trace. */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof BlindspotError) console.error(`error: ${err.message}`);
      else
        console.error(
          `error: ${(err as Error)?.message ?? String(err)}\n  this is a bug in blindspot; please report it with the ` +
            `command you ran` +
            `${process.env.BLINDSPOT_DEBUG ? `\n${(err as Error)?.stack}` : " (set BLINDSPOT_DEBUG=1 for details)"}`,
        );
      process.exitCode = CHECKS.has(argv[0]) ? 2 : 1;
    },
  );
}
