import { importLabels, load, type LoadOptions } from "../formats/api";
import { stringOption, type ParsedArgs } from "./args";
import { classesOption } from "./classes";
import { progressLine } from "./progress";

/** Options of the commands that read a dataset (see loadFromArgs). */
export const READ_OPTIONS = ["format", "images", "classes", "field", "gt", "gt-format"];

/** The dataset a command works on: PATH alone, or the --gt dataset with PATH's labels added. */
export async function loadFromArgs(path: string, args: ParsedArgs, format: string | undefined) {
  const options: LoadOptions = {
    format,
    images: stringOption(args, "images"),
    classes: classesOption(args),
    field: stringOption(args, "field"),
    onProgress: progressLine(),
  };
  const gt = stringOption(args, "gt");
  if (gt === undefined) return load(path, options);
  const ds = await load(gt, { ...options, format: stringOption(args, "gt-format"), field: undefined });
  return importLabels(ds, path, options);
}
