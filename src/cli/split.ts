import { split, type SplitOptions } from "../analyze/split";
import { BlindspotError } from "../errors";
import { exportDataset, load } from "../formats/api";
import { detectFormat, FORMATS, formatByName } from "../formats/registry";
import { checkOptions, numberOption, stringOption, type ParsedArgs } from "./args";
import { classesOption } from "./classes";
import { warnProblems } from "./problems";
import { progressLine } from "./progress";

export const SPLIT_USAGE = `  blindspot split PATH --out OUT [--format F] [--ratios 0.7,0.15,0.15 | --k 5]
                      [--stratify] [--groups FIELD] [--time FIELD] [--seed N] [--shuffle]
                      [--field NAME] [--images DIR] [--classes LIST|FILE] [--json]`;

/** Samples named in the warning about unreadable times. */
const NAMED = 5;

/**
 * `blindspot split`: splits the dataset at PATH (see analyze/split) and writes it to OUT in its own
 * format, the split as that format keeps splits (COCO's image `split`, YOLO's and image folders'
 * split folders, VOC's ImageSets lists, a column in CSV / JSON Lines / blindspot datasets); k
 * folds go into a `fold` column, which only formats with metadata columns hold. Everything is
 * checked before OUT is written.
 */
export async function splitCommand(args: ParsedArgs): Promise<number> {
  const known = ["out", "format", "ratios", "k", "stratify", "groups", "time", "seed", "shuffle", "field"];
  checkOptions(args, [...known, "images", "classes", "json"], "split");
  const input = args.positional[0];
  const out = stringOption(args, "out");
  if (!input || !out)
    throw new BlindspotError({
      message: "split needs PATH and --out",
      hint: "blindspot split labels.json --out split.json [--ratios 0.7,0.15,0.15 | --k 5] [--stratify]",
    });
  const format = stringOption(args, "format") ? formatByName(stringOption(args, "format")!) : detectFormat(input);
  const options = splitOptions(args);
  if (options.k !== undefined && !format.holds.metadata)
    throw new BlindspotError({
      place: "--k",
      message: `${format.name} has no place for a fold column (it cannot hold per-sample metadata)`,
      hint:
        `split by --ratios (written as ${format.name}'s splits), or convert to a format with metadata first: ` +
        FORMATS.filter((f) => f.holds.metadata && f.write)
          .map((f) => f.name)
          .join(", "),
    });
  const ds = await load(input, {
    format: format.name,
    images: stringOption(args, "images"),
    classes: classesOption(args),
    onProgress: progressLine(),
  });
  const result = split(ds, options);
  const { summary } = result;
  if (summary.unreadableTimes.count)
    console.error(
      `warning: ${summary.unreadableTimes.count} samples have a ${summary.time} that is not a time ` +
        `(${summary.unreadableTimes.ids.slice(0, NAMED).join(", ")}${summary.unreadableTimes.count > NAMED ? ", ..." : ""})` +
        `: written without a ${summary.field}`,
    );
  const report = await exportDataset(ds, out, { format: format.name });
  warnProblems(ds.problems);
  if (args.options.has("json")) console.log(JSON.stringify(summary, null, 2));
  else {
    const sizes = summary.parts.map((p) => `${p} ${summary.sizes[p]}`).join(", ");
    console.log(
      `wrote ${out} (${format.name}): ${summary.method} into ${summary.field}: ${sizes}; ` +
        `${summary.units} units kept whole (${summary.duplicateSets} duplicate sets)` +
        (summary.largestGap === null
          ? ""
          : `; largest gap from the ideal class count ${+summary.largestGap.toFixed(2)}`),
    );
  }
  for (const d of report.dropped) console.error(`left out: ${d}`);
  return 0;
}

function splitOptions(args: ParsedArgs): SplitOptions {
  const ratios = stringOption(args, "ratios");
  const stratify = args.options.get("stratify");
  return {
    ...(ratios !== undefined && { ratios: ratios.split(",").map(parseRatio) }),
    ...(args.options.has("k") && { k: numberOption(args, "k", 5) }),
    ...(stratify !== undefined && { stratify: stratify === true ? true : stratify }),
    groups: stringOption(args, "groups"),
    time: stringOption(args, "time"),
    seed: numberOption(args, "seed", 0),
    ...(args.options.has("shuffle") && { shuffle: true }),
    field: stringOption(args, "field"),
  };
}

function parseRatio(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n))
    throw new BlindspotError({
      place: "--ratios",
      message: `${JSON.stringify(text)} is not a number`,
      hint: "write --ratios 0.7,0.15,0.15",
    });
  return n;
}
