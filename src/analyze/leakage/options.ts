import type { Dataset } from "../../dataset/dataset";
import { values } from "../../dataset/columns";
import { checkField } from "../../dataset/fieldCheck";
import { BlindspotError } from "../../errors";
import type { LeakageOptions } from "./result";
import { splitCodes, type SplitCodes } from "./splits";

/** Time order when `time` names only the field: these splits, of those the dataset has. */
const DEFAULT_ORDER = ["train", "val", "test"];

export interface CheckedOptions {
  splitField: string;
  splits: SplitCodes;
  groupField: string | null;
  /** The time field, and its order as split codes (at least two). */
  time: { field: string; order: number[] } | null;
}

/** The options checked against the dataset before anything is computed, so bad input writes nothing. */
export function checkLeakageOptions(ds: Dataset, options: LeakageOptions): CheckedOptions {
  const names = ds.samples.columnNames();
  if (ds.count() === 0)
    throw new BlindspotError({
      message: "the dataset has no samples: there is nothing to check for leakage",
      hint: "load a dataset with samples in at least two splits",
    });
  const splitField = checkField(options.splits ?? "split", names, "splits", "sample field");
  const splits = splitCodes(values(ds.samples, splitField));
  if (splits.names.length === 0)
    throw new BlindspotError({
      place: "splits",
      message: `no sample has a value in ${JSON.stringify(splitField)}`,
      hint: "name the field that holds each sample's split with { splits: FIELD } (CLI: --splits FIELD)",
    });
  return {
    splitField,
    splits,
    groupField: options.groups === undefined ? null : checkField(options.groups, names, "groups", "sample field"),
    time: options.time === undefined ? null : timeOption(options.time, names, splits),
  };
}

function timeOption(
  option: NonNullable<LeakageOptions["time"]>,
  names: readonly string[],
  splits: SplitCodes,
): { field: string; order: number[] } {
  const spec = typeof option === "string" ? { field: option } : option;
  const field = checkField(spec?.field, names, "time", "sample field");
  const order = spec.order ?? DEFAULT_ORDER.filter((s) => splits.names.includes(s));
  if (!Array.isArray(order) || order.length < 2)
    throw new BlindspotError({
      place: "time.order",
      message: `a time order needs at least two splits, got ${JSON.stringify(order)}`,
      hint:
        `name the splits earliest first, e.g. { field: ${JSON.stringify(field)}, order: ["train", "val", "test"] }; ` +
        `splits: ${splits.names.join(", ")}`,
    });
  return { field, order: order.map((s) => splits.names.indexOf(checkField(s, splits.names, "time.order", "split"))) };
}
