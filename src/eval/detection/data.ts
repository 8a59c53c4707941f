import type { Dataset } from "../../dataset/dataset";
import { values } from "../../dataset/columns";
import { BlindspotError } from "../../errors";
import { cocoImageIds } from "../../dataset/imageIds";
import { rleArea, rleFromSegmentation, type Rle } from "../../geometry/mask";

export type IouType = "bbox" | "segm";

/** One side of an evaluation (ground truth or predictions), columnar. */
export interface ObjectSet {
  n: number;
  /** Image position (see `DetectionData.sampleRows`). */
  image: Int32Array;
  /** Class index into `DetectionData.classes`. */
  cls: Int32Array;
  /** Label index into `DetectionData.labels` (differs from `cls` only when matching is class-agnostic). */
  label: Int32Array;
  /** [x, y, w, h] per object. */
  box: Float64Array;
  area: Float64Array;
  crowd: Uint8Array;
  /** Scores (predictions); 0 for ground truth. */
  score: Float64Array;
  /** Row in `dataset.objects`. */
  objectRow: Int32Array;
  /** Masks, for segmentation evaluation. */
  masks: Rle[] | null;
  /** Objects of class k in image i are `order[start[k * images + i] .. start[k * images + i + 1]]`. */
  start: Int32Array;
  order: Int32Array;
}

export interface DetectionData {
  iouType: IouType;
  /** Sample row of each image position; images are in COCO image id order, as pycocotools sorts them. */
  sampleRows: Int32Array;
  /** Class names; one "all" class when matching is class-agnostic. */
  classes: string[];
  /** Label names (the categories, whatever the matching). */
  labels: string[];
  gt: ObjectSet;
  dt: ObjectSet;
  /** Notes on the input that did not stop the evaluation (zero-area boxes, duplicates), with counts. */
  warnings: string[];
}

export interface DataOptions {
  gt: string;
  pred: string;
  iouType: IouType;
  classwise: boolean;
}

/**
 * Gathers a dataset's ground truth and one prediction field into typed arrays grouped by class
 * and image. Refuses input that pycocotools would silently mis-evaluate (unknown classes,
 * missing scores, non-finite coordinates) with counts and examples.
 */
export function detectionData(ds: Dataset, o: DataOptions): DetectionData {
  for (const name of [o.gt, o.pred]) {
    const f = ds.fields.find((x) => x.name === name);
    if (!f || f.kind !== "detections") {
      const have = ds.fieldsOf("detections").map((x) => x.name);
      throw new BlindspotError({
        place: name,
        message: `no detection field ${JSON.stringify(name)}`,
        hint: `detection fields: ${have.join(", ") || "none"}`,
      });
    }
  }
  const labels = labelList(ds, o.gt);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const sampleRows = imageOrder(ds);
  const imageOf = new Map<string, number>();
  const ids = values<string>(ds.samples, "id");
  sampleRows.forEach((row, i) => imageOf.set(ids[row], i));

  const t = ds.objects;
  const field = values<string>(t, "field");
  const rowsOf = (name: string): number[] => {
    const rows: number[] = [];
    for (let r = 0; r < field.length; r++) if (field[r] === name) rows.push(r);
    return rows;
  };
  const input = { ds, labelIndex, imageOf, classwise: o.classwise, iouType: o.iouType, images: sampleRows.length };
  const warnings: string[] = [];
  const gt = objectSet(rowsOf(o.gt), o.gt, false, input, warnings);
  const dt = objectSet(rowsOf(o.pred), o.pred, true, input, warnings);
  const unseen = labelsWithoutTruth(labels, gt, dt);
  if (unseen.length)
    warnings.push(
      `predicted labels that no ground truth has: ${unseen.join(", ")}; these predictions are false positives and ` +
        `their classes have no AP`,
    );
  return { iouType: o.iouType, sampleRows, classes: o.classwise ? labels : ["all"], labels, gt, dt, warnings };
}

/** "boat x2" for each label predicted but absent from the ground truth. */
function labelsWithoutTruth(labels: string[], gt: ObjectSet, dt: ObjectSet): string[] {
  const truth = new Int32Array(labels.length),
    predicted = new Int32Array(labels.length);
  for (let k = 0; k < gt.n; k++) truth[gt.label[k]]++;
  for (let k = 0; k < dt.n; k++) predicted[dt.label[k]]++;
  return labels.flatMap((l, i) => (predicted[i] && !truth[i] ? [`${JSON.stringify(l)} x${predicted[i]}`] : []));
}

/** The classes: the dataset's categories in id order (pycocotools' order), then any other ground-truth label. */
function labelList(ds: Dataset, gtField: string): string[] {
  const names = [...ds.categories].sort((a, b) => a.id - b.id).map((c) => c.name);
  const known = new Set(names);
  const label = values<string>(ds.objects, "label"),
    field = values<string>(ds.objects, "field");
  const extra = new Set<string>();
  for (let r = 0; r < label.length; r++) if (field[r] === gtField && !known.has(label[r])) extra.add(label[r]);
  return [...names, ...[...extra].sort()];
}

/** Sample rows sorted by COCO image id when every id is a number, else in row order. */
function imageOrder(ds: Dataset): Int32Array {
  const cocoIds = cocoImageIds(ds);
  const rows = Int32Array.from(cocoIds.keys());
  if (cocoIds.every((id) => typeof id === "number")) {
    const num = cocoIds as number[];
    return Int32Array.from([...rows].sort((a, b) => num[a] - num[b] || a - b));
  }
  return rows;
}

interface SetInput {
  ds: Dataset;
  labelIndex: Map<string, number>;
  imageOf: Map<string, number>;
  classwise: boolean;
  iouType: IouType;
  images: number;
}

function objectSet(rows: number[], fieldName: string, scored: boolean, input: SetInput, warnings: string[]): ObjectSet {
  const t = input.ds.objects;
  const col = <T>(name: string) => values<T>(t, name);
  const sampleId = col<string>("sample_id"),
    label = col<string>("label");
  const x = col<number>("x"),
    y = col<number>("y"),
    w = col<number>("w"),
    h = col<number>("h");
  const confidence = col<number | null>("confidence"),
    iscrowd = col<number | null>("iscrowd");
  const areaCol = col<number | null>("area"),
    segmentation = col<string | null>("segmentation");
  const n = rows.length;
  const s: ObjectSet = {
    n,
    image: new Int32Array(n),
    cls: new Int32Array(n),
    label: new Int32Array(n),
    box: new Float64Array(n * 4),
    area: new Float64Array(n),
    crowd: new Uint8Array(n),
    score: new Float64Array(n),
    objectRow: Int32Array.from(rows),
    masks: input.iouType === "segm" ? new Array<Rle>(n) : null,
    start: new Int32Array(0),
    order: new Int32Array(0),
  };
  const bad = new Complaints(fieldName);
  const widths = values<number | null>(input.ds.samples, "width"),
    heights = values<number | null>(input.ds.samples, "height");
  const sampleRowOf = input.ds.samples.columnNames().includes("id")
    ? new Map(Array.from(values<string>(input.ds.samples, "id"), (id, r) => [id, r]))
    : new Map<string, number>();
  let zeroArea = 0;
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    const where = `${sampleId[r]}, object ${r}`;
    s.image[k] = input.imageOf.get(sampleId[r]) ?? -1;
    const li = input.labelIndex.get(label[r]);
    if (li === undefined) {
      bad.add("unknown-label", `${label[r]}`, where);
      continue;
    }
    s.label[k] = li;
    s.cls[k] = input.classwise ? li : 0;
    const box = [x[r], y[r], w[r], h[r]];
    if (!box.every(Number.isFinite)) {
      bad.add("box", "", where);
      continue;
    }
    s.box.set(box, k * 4);
    if (!(w[r] > 0 && h[r] > 0)) zeroArea++;
    s.crowd[k] = !scored && iscrowd[r] ? 1 : 0;
    if (scored) {
      const c = confidence[r];
      if (c === null || !Number.isFinite(c) || c < 0) {
        bad.add("score", String(c), where);
        continue;
      }
      s.score[k] = c;
    }
    if (s.masks) {
      const sr = sampleRowOf.get(sampleId[r])!;
      const ih = heights[sr],
        iw = widths[sr];
      if (segmentation[r] === null) {
        bad.add("no-mask", "", where);
        continue;
      }
      if (!ih || !iw) {
        bad.add("no-size", "", where);
        continue;
      }
      try {
        s.masks[k] = rleFromSegmentation(JSON.parse(segmentation[r]!), ih, iw);
      } catch (err) {
        bad.add("mask", (err as Error).message, where);
        continue;
      }
    }
    // The area the source gave decides the area range, as in pycocotools (COCO's `area`; a result's
    // box area, see the coco-results reader); without one, the mask's or the box's.
    const given = areaCol[r];
    s.area[k] = given !== null && Number.isFinite(given) ? given : s.masks ? rleArea(s.masks[k]) : w[r] * h[r];
  }
  bad.throwIfAny();
  if (zeroArea)
    warnings.push(
      `${zeroArea} boxes of ${fieldName} have zero or negative width or height; they are evaluated as they are (they ` +
        `overlap nothing)`,
    );
  const copies = exactCopies(s);
  if (copies)
    warnings.push(
      `${copies} boxes of ${fieldName} repeat another box of the same image and label ` +
        `exactly${scored ? " (and score)" : ""}; each counts, so a repeated prediction is a false positive`,
    );
  groupByClassAndImage(s, input.classwise ? input.labelIndex.size : 1, input.images);
  return s;
}

/** Objects identical to an earlier one (image, label, box, score): usually a file written twice. */
function exactCopies(s: ObjectSet): number {
  const seen = new Set<string>();
  let copies = 0;
  for (let k = 0; k < s.n; k++) {
    const key =
      `${s.image[k]} ${s.label[k]} ${s.box[k * 4]} ${s.box[k * 4 + 1]} ${s.box[k * 4 + 2]} ` +
      `${s.box[k * 4 + 3]} ${s.score[k]}`;
    if (seen.has(key)) copies++;
    else seen.add(key);
  }
  return copies;
}

/** Counting sort by (class, image), keeping the source order within a group. */
function groupByClassAndImage(s: ObjectSet, classes: number, images: number): void {
  const start = new Int32Array(classes * images + 1);
  for (let k = 0; k < s.n; k++) start[s.cls[k] * images + s.image[k] + 1]++;
  for (let g = 0; g < classes * images; g++) start[g + 1] += start[g];
  const next = start.slice(0, classes * images);
  const order = new Int32Array(s.n);
  for (let k = 0; k < s.n; k++) order[next[s.cls[k] * images + s.image[k]]++] = k;
  s.start = start;
  s.order = order;
}

const COMPLAINTS: Record<string, { what: string; hint: string }> = {
  "unknown-label": {
    what: "have a label that is not a ground-truth class",
    hint: "rename the labels to the dataset's categories, or add the categories",
  },
  box: { what: "have a box with a missing or non-finite coordinate", hint: "fix or remove those boxes" },
  score: { what: "have a missing, NaN or negative score", hint: "give every prediction a score >= 0" },
  "no-mask": {
    what: "have no segmentation, which segm evaluation needs",
    hint: "evaluate with iouType bbox, or add masks",
  },
  "no-size": {
    what: "lie on images of unknown width or height, which masks need",
    hint: "give the samples width and height",
  },
  mask: { what: "have a segmentation that cannot be read", hint: "fix the polygons or RLE" },
};

/** Collects bad objects by kind, so one error reports all of them with counts. */
class Complaints {
  private readonly byKind = new Map<string, { count: number; examples: string[]; values: Map<string, number> }>();
  constructor(private readonly field: string) {}

  add(kind: string, value: string, where: string): void {
    const c = this.byKind.get(kind) ?? { count: 0, examples: [] as string[], values: new Map<string, number>() };
    c.count++;
    if (c.examples.length < 3) c.examples.push(value ? `${where}: ${value}` : where);
    if (value) c.values.set(value, (c.values.get(value) ?? 0) + 1);
    this.byKind.set(kind, c);
  }

  throwIfAny(): void {
    if (!this.byKind.size) return;
    const parts = [...this.byKind].map(([kind, c]) => {
      const counts =
        kind === "unknown-label" ? ` (${[...c.values].map(([v, n]) => `${JSON.stringify(v)} x${n}`).join(", ")})` : "";
      return `${c.count} objects ${COMPLAINTS[kind].what}${counts}, e.g. ${c.examples.join("; ")}`;
    });
    const hints = [...this.byKind.keys()].map((k) => COMPLAINTS[k].hint);
    throw new BlindspotError({
      place: `field ${this.field}`,
      message: `cannot evaluate: ${parts.join(". ")}`,
      hint: [...new Set(hints)].join("; "),
    });
  }
}
