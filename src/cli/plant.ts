import * as path from "node:path";
import { BlindspotError } from "../errors";
import { IMAGE_EXTENSIONS, isDir, listFiles } from "../formats/common/files";
import { MANIFEST_FILE, plantNearCopies } from "../plant/nearCopies";
import { checkOptions, numberOption, stringOption, type ParsedArgs } from "./args";
import { progressLine } from "./progress";

/** `blindspot plant DIR --out DIR --count N [--seed S] [--flip]`: near copies for validating an analysis. */
export async function plantCommand(args: ParsedArgs): Promise<number> {
  checkOptions(args, ["out", "count", "seed", "flip"], "plant");
  const [dir] = args.positional;
  const out = stringOption(args, "out");
  if (!dir || !out || !args.options.has("count"))
    throw new BlindspotError({
      message: "plant needs DIR, --out and --count",
      hint: "blindspot plant photos/ --out planted/ --count 200 [--seed 0]",
    });
  if (!isDir(dir)) throw new BlindspotError({ file: dir, message: "not a folder", hint: "pass a folder of images" });
  if (path.resolve(out) === path.resolve(dir))
    throw new BlindspotError({ file: out, message: "--out is the source folder", hint: "write to a new folder" });
  const sources = listFiles(dir, (f) => IMAGE_EXTENSIONS.test(f)).map((f) => path.join(dir, f));
  const progress = progressLine();
  const manifest = await plantNearCopies({
    sources,
    out,
    root: dir,
    count: numberOption(args, "count", 0),
    seed: numberOption(args, "seed", 0),
    flip: args.options.has("flip"),
    onProgress: (done, total) => progress("planting", done, total),
  });
  const crossing = manifest.pairs.filter((p) => manifest.split[p.copy] !== manifest.split[p.source]).length;
  console.log(
    `wrote ${out}: ${sources.length} originals, ${manifest.pairs.length} near copies ` +
      `(${crossing} in another split than their source), ${path.join(out, MANIFEST_FILE)}`,
  );
  return 0;
}
