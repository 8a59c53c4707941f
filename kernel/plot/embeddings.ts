import * as aq from "arquero";
import { Dataset } from "../../src/dataset/dataset";
import { View, type Expr } from "../../src/dataset/view";
import {
  embeddingsOf,
  METHOD_NAMES,
  projectEmbeddings,
  type EmbeddingRows,
  type ProjectionOptions,
} from "../../src/embed/project/project";
import { BlindspotError } from "../../src/errors";
import { describe } from "../show/checks";
import { Plot } from "./plot";
import { scatter } from "./scatter";
import type { PlotOptions } from "./spec";
import { linkGroup } from "../linkGroup";

export interface EmbeddingsPlotOptions extends PlotOptions, Omit<ProjectionOptions, "onProgress"> {
  /**
   * Colour the points by a field: a sample field, or for boxes an object field such as `label`; categories get a
   * palette, numbers a gradient.
   */
  color?: string;
}

const MAP_WIDTH = 440;
const MAP_HEIGHT = 380;

/**
 * The embeddings laid out in 2-D (UMAP, t-SNE or PCA, seeded) as a scatter plot coloured by any
 * field; brushing it selects the samples in the dataset's grids. The coordinates are written as
 * fields `<key>_x`, `<key>_y` and reused by later calls on the same embeddings with the same
 * options, so re-colouring does not project again (`plot.scatter` can draw them too).
 *
 * Given a view, only its samples are drawn; the projection is always of all the embeddings, so
 * the points keep their places from one view to the next. Samples without an embedding (their
 * image could not be read) get no coordinates and are left out.
 *
 * Embeddings of boxes (`computeEmbeddings(ds, { crops })`, whose ids are object ids) work too:
 * each point is a box, the coordinates become object fields, colour may be an object field
 * (`label`) or a sample field, and brushing selects the samples the boxes belong to.
 */
export async function embeddings(
  input: Dataset | View,
  rows: EmbeddingRows,
  options: EmbeddingsPlotOptions = {},
): Promise<Plot> {
  const view = input instanceof Dataset ? input.view() : input instanceof View ? input : null;
  if (view === null) {
    throw new BlindspotError({
      message: `plot.embeddings needs a dataset or a view, got ${describe(input)}`,
      hint: "pass the dataset the embeddings were computed on, e.g. plot.embeddings(ds, emb)",
    });
  }
  const ds = view.dataset;
  checkColour(ds, embeddingsOf(ds, rows).of, options.color);
  const { x: xField, y: yField, of, rows: n } = await projectEmbeddings(ds, rows, options);
  const method = options.method ?? "umap";

  const model = rows.model?.card?.name;
  const unit = of === "samples" ? "samples" : "boxes";
  const title =
    options.title ??
    `${METHOD_NAMES[method]} of ${model ? `${model} ` : ""}embeddings (${n.toLocaleString("en-US")} ` +
      `${unit})${options.color ? `, coloured by ${options.color}` : ""}: brush to select`;
  // Only the rows that have coordinates: samples (or boxes) without an embedding are left out.
  const has = aq.escape((d: Record<string, unknown>) => d[xField] != null && d[yField] != null);
  const drawn = of === "samples" ? view.filter(has as unknown as Expr) : view.filterObjects(has as unknown as Expr);
  const plot = scatter(drawn, {
    x: xField,
    y: yField,
    color: options.color,
    title,
    group: options.group ?? linkGroup(ds),
    labelField: options.labelField,
  });
  // A map reads best about square; the axes' numbers mean nothing, only distances do.
  return new Plot({ ...plot, spec: { ...plot.spec, width: MAP_WIDTH, height: MAP_HEIGHT } });
}

/** A colour field must be one every point has: a sample field, or for boxes an object or sample field. */
function checkColour(ds: Dataset, of: "samples" | "objects", color: string | undefined): void {
  if (color === undefined) return;
  const sampleFields = ds.samples.columnNames();
  const objectFields = of === "objects" ? ds.objects.columnNames() : [];
  if (typeof color === "string" && (sampleFields.includes(color) || objectFields.includes(color))) return;
  const boxes = of === "samples" && typeof color === "string" && ds.objects.columnNames().includes(color);
  throw new BlindspotError({
    place: "color",
    message: boxes
      ? `${JSON.stringify(color)} is a field of the boxes, but these embeddings are of whole images (one point ` +
        `per sample)`
      : `no field ${JSON.stringify(color)} to colour by`,
    hint: boxes
      ? "colour by a sample field, or embed the boxes: computeEmbeddings(ds, { crops: { field } })"
      : `sample fields: ` +
        `${sampleFields.join(", ")}${objectFields.length ? `; object fields: ${objectFields.join(", ")}` : ""}`,
  });
}
