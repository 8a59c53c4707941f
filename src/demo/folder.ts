import * as fs from "node:fs";
import * as path from "node:path";
import { MANIFEST } from "../dataset/persist";
import { BlindspotError } from "../errors";
import { writeFileAtomic } from "../io/atomic";

/** What makes two demos the same images: the same options give byte-identical files. */
export interface DemoKind {
  samples: number;
  seed: number;
  width: number;
  height: number;
}

/** Written first into a demo's folder, so a later run knows which demo the folder holds. */
export const DEMO_FILE = "demo.json";

/**
 * Makes `dir` the folder of this demo: a new or empty folder, or one that holds the same demo
 * (regenerated identically). A demo of another size, seed or image size would replace images
 * under the same file names while a kernel may still hold the old dataset: refused, as is a
 * folder of other files.
 */
export function claimDemoFolder(dir: string, kind: DemoKind): void {
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  if (existing.length) {
    const held = heldDemo(dir);
    if (held === null) {
      throw new BlindspotError({
        file: dir,
        message: "the folder holds files that are not a blindspot demo",
        hint: 'pass a new or empty folder as out, e.g. generateDemo({ out: "demo-data" })',
      });
    }
    if (!sameDemo(held, kind)) {
      throw new BlindspotError({
        file: dir,
        message:
          `the folder holds the demo of ${describe(held)}; the demo of ${describe(kind)} would replace its images ` +
          "under the same names",
        hint:
          `pass another folder, e.g. out: ${JSON.stringify(`${path.basename(dir)}-${kind.samples}-seed${kind.seed}`)}` +
          `, or delete ${dir} first`,
      });
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, DEMO_FILE), JSON.stringify(kind) + "\n");
}

/** The demo a folder holds: from its demo file, or from the manifest of a demo saved before there was one. */
function heldDemo(dir: string): Partial<DemoKind> | null {
  const marker = readJson(path.join(dir, DEMO_FILE));
  if (marker !== null) return marker as Partial<DemoKind>;
  const info = (readJson(path.join(dir, MANIFEST)) as { info?: Record<string, unknown> } | null)?.info;
  return info?.source === "blindspot demo" ? { samples: Number(info.samples), seed: Number(info.seed) } : null;
}

function sameDemo(held: Partial<DemoKind>, kind: DemoKind): boolean {
  return (Object.keys(kind) as (keyof DemoKind)[]).every((k) => held[k] === undefined || held[k] === kind[k]);
}

function describe(d: Partial<DemoKind>): string {
  const size = d.width !== undefined && d.height !== undefined ? `, ${d.width} x ${d.height}` : "";
  return `${d.samples} samples (seed ${d.seed}${size})`;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}
