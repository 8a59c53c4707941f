import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { rleArea, rleFromSegmentation, rleToBbox } from "../geometry/mask";
import { finishImport } from "./common/finish";
import { idTypeMismatch } from "./common/ids";
import { jsonStartsWith, readJson } from "./common/files";
import { cocoImageIds } from "../dataset/imageIds";
import { categoryIds, fieldLabels, fieldObjects, fieldToWrite } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * COCO results: a JSON list of `{image_id, category_id, bbox, score[, segmentation]}`, the
 * predictions format of COCO evaluation. Image and category ids refer to a ground-truth COCO
 * file, which must be loaded first and passed as `reference` (`--gt` on the command line).
 */
export const cocoResults: Format = {
  name: "coco-results",
  description: "COCO results list (predictions: image_id, category_id, bbox, score), needs --gt",
  reads: "file",
  holds: {
    boxes: true,
    polygons: true,
    rle: true,
    crowd: false,
    confidence: true,
    classification: false,
    metadata: false,
    attributes: false,
    multipleFields: false,
    splits: false,
    sampleTags: false,
    objectTags: false,
    area: false,
    ids: true,
    categoryKeys: false,
  },
  detect: (input) => jsonStartsWith(input, "["),
  read: readResults,
  write: writeResults,
};

async function readResults(file: string, options: ReadOptions): Promise<Dataset> {
  const ref = options.reference;
  if (!ref)
    fail(
      file,
      undefined,
      "COCO results refer to a ground-truth file's image and category ids, and none was given",
      "pass --gt with the COCO ground-truth file these results belong to",
    );
  const data = readJson(file);
  if (!Array.isArray(data))
    fail(
      file,
      undefined,
      "expected a JSON list of results",
      "a COCO instances file (an object) is read with --format coco",
    );
  const s = ref.samples;
  const sourceIds = s.columnNames().includes("source_id") ? values<unknown>(s, "source_id") : [];
  // Images by the ids the COCO writer gives them: their source ids, numbered where there are none.
  const sampleOf = new Map<string, number>();
  cocoImageIds(ref).forEach((id, i) => sampleOf.set(String(id), i));
  const catName = new Map(ref.categories.map((c) => [c.id, c.name]));

  const b = new DatasetBuilder(options.name ?? path.basename(file, ".json"), ref.imagesDir);
  b.categories = ref.categories.map((c) => ({ ...c }));
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height");
  for (let i = 0; i < ids.length; i++)
    b.addSample({
      id: ids[i],
      filepath: filepaths[i],
      width: widths[i],
      height: heights[i],
      fields: { source_id: sourceIds[i] ?? null },
    });
  const field = options.field ?? "predictions";
  b.declareField({ name: field, kind: "detections", predicted: true });

  // Every kind of bad result is counted over the whole file, so one error reports them all.
  const unknownImages = new Map<string, number>(),
    unknownCategories = new Map<string, number>();
  // Category ids that differ from the ground truth's only by type ("3" for 3): the likely cause, said as such.
  const typedCategories = new Set<string>();
  const bad: string[] = [];
  const seenIds = new Map<string, number>();
  data.forEach((r: unknown, i: number) => {
    const place = `[${i}]`;
    if (typeof r !== "object" || r === null || Array.isArray(r)) {
      fail(
        file,
        place,
        `expected a result {image_id, category_id, bbox, score}, found ` +
          `${r === null ? "null" : Array.isArray(r) ? "a list" : `${typeof r} ${JSON.stringify(r)}`}`,
        `make entry ${place} a result object, or remove it from the list`,
      );
    }
    readResult(r as Record<string, unknown>, place);
  });
  function readResult(r: Record<string, unknown>, place: string): void {
    const row = sampleOf.get(String(r.image_id));
    const label = catName.get(r.category_id as number);
    if (row === undefined) tally(unknownImages, r.image_id);
    if (label === undefined) {
      tally(unknownCategories, r.category_id);
      const typed = idTypeMismatch(r.category_id, (id) => catName.has(id as number));
      if (typed) typedCategories.add(typed);
    }
    if (row === undefined || label === undefined) return;
    if (r.id !== undefined) tally(seenIds, r.id);
    const score = r.score;
    if (typeof score !== "number" || !Number.isFinite(score) || score < 0)
      bad.push(`${place}: score ${JSON.stringify(score)}`);
    const fromMask =
      r.bbox === undefined && r.segmentation !== undefined ? maskShape(r.segmentation, row, place) : null;
    const bb = fromMask ? fromMask.box : (r.bbox as number[] | undefined);
    if (!Array.isArray(bb) || bb.length !== 4 || bb.some((v) => typeof v !== "number"))
      fail(file, place, "result has no bbox [x, y, width, height]", "give every result a bbox (or a segmentation)");
    b.addObject({
      sampleId: ids[row],
      field,
      label,
      x: bb[0],
      y: bb[1],
      w: bb[2],
      h: bb[3],
      confidence: typeof score === "number" ? score : null,
      // The area pycocotools' loadRes gives a result: its box's when it has a box, else its mask's.
      area: fromMask ? fromMask.area : bb[2] * bb[3],
      segmentation: r.segmentation ?? null,
      sourceId: typeof r.id === "number" || typeof r.id === "string" ? r.id : null,
    });
  }
  /** A segmentation result without a box gets the box around its mask, as pycocotools' loadRes does. */
  function maskShape(segmentation: unknown, row: number, place: string): { box: number[]; area: number } {
    try {
      const rle = rleFromSegmentation(segmentation, heights[row] ?? 0, widths[row] ?? 0);
      return { box: rleToBbox(rle), area: rleArea(rle) };
    } catch (err) {
      return fail(
        file,
        `${place}.segmentation`,
        (err as Error).message,
        "give the result a bbox, or fix its segmentation",
      );
    }
  }
  const refused = [
    unknownImages.size &&
      `${total(unknownImages)} results refer to ${unknownImages.size} image ids not in the ground truth ` +
        `(${counted(unknownImages)})`,
    unknownCategories.size &&
      `${total(unknownCategories)} results have ${unknownCategories.size} category ids not among the ground truth's ` +
        `categories (${counted(unknownCategories)})${typedNote(typedCategories)}`,
    bad.length && `${bad.length} results have a missing, negative or non-finite score (${bad.slice(0, 5).join("; ")})`,
  ].filter((m): m is string => typeof m === "string");
  if (refused.length)
    fail(
      file,
      undefined,
      `${refused.join("; ")}; nothing was loaded`,
      "pass the ground-truth file these results were made for, and give every result a score >= 0",
    );
  const repeated = [...seenIds].filter(([, n]) => n > 1);
  if (repeated.length) {
    b.addProblem({
      kind: "duplicate-id",
      file,
      message:
        `${repeated.reduce((n, [, k]) => n + k - 1, 0)} results repeat the id of another ` +
        `(${counted(new Map(repeated))}); all are kept`,
      hint: "give each result its own id, or leave ids out (COCO evaluation numbers results itself)",
    });
  }
  return finishImport(b, file, { ...options, checkImages: "none" });
}

/** What the category ids that differ only by type are, for the refusal: `: "3" is text ...`. */
function typedNote(typed: Set<string>): string {
  if (!typed.size) return "";
  const shown = [...typed].slice(0, 3).join("; ");
  return `: ${shown}${typed.size > 3 ? "; ..." : ""} (write category ids as numbers without quotes, as COCO does)`;
}

function tally(counts: Map<string, number>, value: unknown): void {
  const key = JSON.stringify(value) ?? "undefined";
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

/** `7 x3, 12 x1, ...`: the values with their counts, most frequent first. */
function counted(counts: Map<string, number>): string {
  const top = [...counts].sort((a, b) => b[1] - a[1]);
  return (
    top
      .slice(0, 5)
      .map(([v, n]) => `${v} x${n}`)
      .join(", ") + (top.length > 5 ? `, and ${top.length - 5} more` : "")
  );
}

async function writeResults(ds: Dataset, file: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = Array.from(values<string>(s, "id"));
  // The image ids the COCO writer gives the same dataset, so results and ground truth match.
  const imageIds = cocoImageIds(ds);
  const catIds = categoryIds(ds.categories, fieldLabels(o));
  const results: Record<string, unknown>[] = [];
  ids.forEach((id, i) => {
    for (const r of o.bySample.get(id) ?? []) {
      if (o.confidence[r] === null)
        fail(
          file,
          `${id}, object ${o.sourceId[r] ?? r}`,
          `field ${field} has boxes without a score; COCO results hold scored predictions only`,
          "write ground truth with --to coco, or pick a prediction field with --field",
        );
      const res: Record<string, unknown> = {
        image_id: imageIds[i],
        category_id: catIds.get(o.label[r]),
        bbox: [o.x[r], o.y[r], o.w[r], o.h[r]],
        score: o.confidence[r],
      };
      if (o.segmentation[r] !== null) res.segmentation = JSON.parse(o.segmentation[r]!);
      results.push(res);
    }
  });
  writeFileAtomic(file, JSON.stringify(results));
  return { files: 1, dropped: [] };
}
