/**
 * Plants label errors into a folder of labelled photos (the image-folder layout: one sub-folder
 * per class), for validating label-issue analyses on real labels: every image is linked (or
 * copied) into `out` under its class, except a seeded `fraction` of them (exactly
 * round(fraction x images)), which go under another class drawn uniformly from the others.
 * `planted.json` lists the flips, the truth a detector is scored against.
 */

import * as path from "node:path";
import { Rng } from "../demo/random";
import { BlindspotError } from "../errors";
import { IMAGE_EXTENSIONS, listFiles } from "../formats/common/files";
import { writeFileAtomic } from "../io/atomic";
import { linkOrCopy } from "../io/linkOrCopy";
import { MANIFEST_FILE } from "./nearCopies";

export interface LabelFlip {
  /** The image's path in `out`, and its class before and after. */
  file: string;
  from: string;
  to: string;
}

export interface FlipOptions {
  /** Folder of class sub-folders. */
  dir: string;
  /** Folder written (created if needed). */
  out: string;
  /** Share of the images to put under another class, in [0, 1]. */
  fraction: number;
  seed?: number;
}

export function plantLabelFlips(options: FlipOptions): { seed: number; flips: LabelFlip[] } {
  const { dir, out, fraction, seed = 0 } = options;
  const files = listFiles(dir, (f) => IMAGE_EXTENSIONS.test(f) && f.includes("/"));
  const classOf = (f: string) => f.split("/")[0];
  const classes = [...new Set(files.map(classOf))].sort();
  if (classes.length < 2 || !(fraction >= 0 && fraction <= 1)) {
    throw new BlindspotError({
      place: "plantLabelFlips",
      message: `needs images in two or more class folders (${dir} has ${classes.length}) and a fraction in [0, 1] (got ${fraction})`,
      hint: "point dir at a folder of class sub-folders; 0.05 flips 5 % of the labels",
    });
  }
  const rng = new Rng(seed);
  const flipped = new Set(rng.shuffle(files.slice()).slice(0, Math.round(fraction * files.length)));
  const flips: LabelFlip[] = [];
  const written = new Set<string>();
  for (const f of files) {
    const from = classOf(f);
    const to = flipped.has(f) ? rng.pick(classes.filter((c) => c !== from)) : from;
    const target = `${to}/${f.slice(from.length + 1)}`;
    if (written.has(target)) {
      throw new BlindspotError({
        file: path.join(dir, f),
        message: `another image of the same name is already in ${to}/`,
        hint: "give the images names that are unique across the class folders",
      });
    }
    written.add(target);
    linkOrCopy(path.join(dir, f), path.join(out, target));
    if (to !== from) flips.push({ file: target, from, to });
  }
  const manifest = { seed, flips };
  writeFileAtomic(path.join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
  return manifest;
}
