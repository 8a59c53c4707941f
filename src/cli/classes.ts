import * as fs from "node:fs";
import { readClassList } from "../formats/yolo";
import { stringOption, type ParsedArgs } from "./args";

/**
 * `--classes`: a file of class names (an Ultralytics YAML's `names:`, or one name per line),
 * else a comma-separated list.
 */
export function classesOption(args: ParsedArgs): string[] | undefined {
  const v = stringOption(args, "classes");
  if (v === undefined) return undefined;
  if (fs.existsSync(v)) return readClassList(v);
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
