import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { mulberry32 } from "../../../src/dataset/view";

/** A copy planted beside a real photo: which photo, and the copy's file (relative to the root). */
export interface PlantedCopy {
  original: string;
  copy: string;
  how: string;
}

/**
 * Writes an image folder (`<root>/<class>/<file>`) of `perClass` real sign-digit photos per class,
 * seeded, and plants copies of `copies` of them in their own class folder: a byte copy, a JPEG
 * re-encoding at quality 40 to 90, a 0.6-0.9x rescale, or a brightness change of +-15 %.
 */
export async function plantCopies(
  source: string,
  root: string,
  options: { perClass: number; copies: number; seed: number },
): Promise<PlantedCopy[]> {
  const random = mulberry32(options.seed);
  const files: string[] = [];
  for (const cls of fs.readdirSync(source).sort()) {
    const names = fs
      .readdirSync(path.join(source, cls))
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort();
    fs.mkdirSync(path.join(root, cls), { recursive: true });
    for (let j = 0; j < options.perClass && names.length; j++) {
      const name = names.splice(Math.floor(random() * names.length), 1)[0];
      fs.copyFileSync(path.join(source, cls, name), path.join(root, cls, name));
      files.push(`${cls}/${name}`);
    }
  }
  const planted: PlantedCopy[] = [];
  const ways = ["byte copy", "jpeg", "rescale", "brightness"];
  for (let c = 0; c < options.copies; c++) {
    const original = files[Math.floor(random() * files.length)];
    const how = ways[c % ways.length];
    const copy = original.replace(/\.[^.]+$/, `_copy${c}.jpg`);
    const src = path.join(root, original);
    const dst = path.join(root, copy);
    if (how === "byte copy") fs.copyFileSync(src, dst);
    else if (how === "jpeg")
      await sharp(src)
        .jpeg({ quality: 40 + Math.floor(random() * 51) })
        .toFile(dst);
    else if (how === "rescale") {
      const { width = 100 } = await sharp(src).metadata();
      await sharp(src)
        .resize(Math.round(width * (0.6 + 0.3 * random())))
        .jpeg({ quality: 92 })
        .toFile(dst);
    } else
      await sharp(src)
        .modulate({ brightness: 0.85 + 0.3 * random() })
        .jpeg({ quality: 92 })
        .toFile(dst);
    planted.push({ original, copy, how });
  }
  return planted;
}
