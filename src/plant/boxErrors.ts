/**
 * Plants annotation errors into a dataset's detection labels, for validating box label-issue
 * analyses on real labels: of the field's boxes (crowd regions aside), a seeded `drop` share is
 * removed (an overlooked object), a `swap` share gets another class drawn uniformly from the
 * field's other classes, and a `loosen` share grows by 20-40 % in width and height about its
 * centre (kept inside the image when its size is known). Each box gets at most one error; the
 * counts are exactly round(share x boxes). Changes the dataset in memory and returns what it did.
 */

import * as aq from "arquero";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { Rng } from "../demo/random";
import { BlindspotError } from "../errors";

export interface BoxErrorOptions {
  /** Detection field to corrupt (default ground_truth). */
  field?: string;
  /** Shares of the field's boxes to remove, relabel and loosen, each in [0, 1], together at most 1. */
  drop?: number;
  swap?: number;
  loosen?: number;
  seed?: number;
}

type Box = [number, number, number, number];

export interface PlantedBoxErrors {
  seed: number;
  /** The removed boxes (their ids are gone from the dataset). */
  dropped: { objectId: number; sampleId: string; label: string; box: Box }[];
  swapped: { objectId: number; sampleId: string; from: string; to: string }[];
  /** `box` is the original, `loose` the planted one; `growth` the factor drawn for width and height. */
  loosened: { objectId: number; sampleId: string; box: Box; loose: Box; growth: number }[];
}

export function plantBoxErrors(ds: Dataset, options: BoxErrorOptions = {}): PlantedBoxErrors {
  const { field = GROUND_TRUTH, drop = 0, swap = 0, loosen = 0, seed = 0 } = options;
  const shares = [drop, swap, loosen];
  if (!shares.every((s) => s >= 0 && s <= 1) || drop + swap + loosen > 1) {
    throw new BlindspotError({
      place: "plantBoxErrors",
      message: `drop, swap and loosen must be shares in [0, 1] that sum to at most 1, got ${shares.join(", ")}`,
      hint: "e.g. { drop: 0.1, swap: 0.05, loosen: 0.05 }",
    });
  }
  const t = ds.objects;
  const col = <T>(name: string) => values<T>(t, name);
  const fields = col<string>("field"),
    crowd = col<number | null>("iscrowd"),
    ids = col<number>("id"),
    sampleIds = col<string>("sample_id");
  const labels = Array.from(col<string>("label"));
  const boxes = ["x", "y", "w", "h"].map((c) => Float64Array.from(col<number>(c)));
  const rows: number[] = [];
  for (let r = 0; r < t.numRows(); r++) if (fields[r] === field && !crowd[r]) rows.push(r);
  const classes = [...new Set(rows.map((r) => labels[r]))].sort();
  if (swap > 0 && classes.length < 2) {
    throw new BlindspotError({
      place: `plantBoxErrors: ${field}`,
      message: `swapping classes needs two or more classes, the field has ${classes.length}`,
      hint: "plant drops and loosened boxes only (swap: 0)",
    });
  }
  const rng = new Rng(seed);
  const order = rng.shuffle(rows.slice());
  const [nDrop, nSwap, nLoosen] = shares.map((s) => Math.round(s * rows.length));
  const boxOf = (r: number): Box => [boxes[0][r], boxes[1][r], boxes[2][r], boxes[3][r]];
  const planted: PlantedBoxErrors = { seed, dropped: [], swapped: [], loosened: [] };

  const dropped = new Set(order.slice(0, nDrop));
  for (const r of dropped)
    planted.dropped.push({ objectId: ids[r], sampleId: sampleIds[r], label: labels[r], box: boxOf(r) });
  for (const r of order.slice(nDrop, nDrop + nSwap)) {
    const to = rng.pick(classes.filter((c) => c !== labels[r]));
    planted.swapped.push({ objectId: ids[r], sampleId: sampleIds[r], from: labels[r], to });
    labels[r] = to;
  }
  const size = imageSizes(ds);
  for (const r of order.slice(nDrop + nSwap, nDrop + nSwap + nLoosen)) {
    const growth = rng.range(1.2, 1.4);
    const box = boxOf(r);
    const loose = grown(box, growth, size.get(sampleIds[r]));
    [boxes[0][r], boxes[1][r], boxes[2][r], boxes[3][r]] = loose;
    planted.loosened.push({ objectId: ids[r], sampleId: sampleIds[r], box, loose, growth });
  }
  const kept = Array.from({ length: t.numRows() }, (_, r) => r).filter((r) => !dropped.has(r));
  const changed = t.assign(aq.table({ label: labels, x: boxes[0], y: boxes[1], w: boxes[2], h: boxes[3] }));
  ds.objects = changed.reify(kept);
  return planted;
}

/** The box grown by `factor` about its centre, clipped to the image when its size is known. */
function grown([x, y, w, h]: Box, factor: number, size: [number, number] | undefined): Box {
  const cx = x + w / 2,
    cy = y + h / 2;
  let x1 = cx - (w * factor) / 2,
    y1 = cy - (h * factor) / 2,
    x2 = cx + (w * factor) / 2,
    y2 = cy + (h * factor) / 2;
  if (size) {
    x1 = Math.max(0, x1);
    y1 = Math.max(0, y1);
    x2 = Math.min(size[0], x2);
    y2 = Math.min(size[1], y2);
  }
  return [x1, y1, x2 - x1, y2 - y1];
}

function imageSizes(ds: Dataset): Map<string, [number, number]> {
  const ids = values<string>(ds.samples, "id"),
    w = values<number | null>(ds.samples, "width"),
    h = values<number | null>(ds.samples, "height");
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < ids.length; i++) if (w[i] && h[i]) out.set(ids[i], [w[i]!, h[i]!]);
  return out;
}
