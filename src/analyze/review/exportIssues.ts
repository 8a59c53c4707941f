/**
 * Hands the images with label issues to an annotation tool: a CVAT for images task with their
 * current labels (`annotations.xml`) and the list of their files (`images.txt`, one path a line,
 * relative to the dataset's images folder), for re-annotation. A re-annotated export comes back
 * with `importLabels(ds, file, { format: "cvat", field })`, matched to the samples by image.
 */

import * as path from "node:path";
import { values } from "../../dataset/columns";
import { Dataset } from "../../dataset/dataset";
import { GROUND_TRUTH, OBJECT_COLUMNS, SAMPLE_CORE_COLUMNS } from "../../dataset/schema";
import { BlindspotError } from "../../errors";
import { exportDataset } from "../../formats/api";
import type { WriteReport } from "../../formats/format";
import { writeFileAtomic } from "../../io/atomic";

export interface ExportIssuesOptions {
  /** The detection field written (default ground_truth). */
  field?: string;
  /** Write what CVAT cannot hold left out, listed in the report (default false: refuse). */
  lossy?: boolean;
}

export interface ExportedIssues {
  annotations: string;
  images: string;
  samples: number;
  report: WriteReport;
}

export async function exportLabelIssues(
  ds: Dataset,
  out: string,
  options: ExportIssuesOptions = {},
): Promise<ExportedIssues> {
  const field = options.field ?? GROUND_TRUTH;
  if (!ds.samples.columnNames().includes("label_issue")) {
    throw new BlindspotError({
      place: "exportLabelIssues",
      message: "the dataset has no label_issue field",
      hint: "run boxLabelIssues(ds, { predictions }) (or labelIssues) first",
    });
  }
  const flagged = values<boolean | null>(ds.samples, "label_issue");
  const rows: number[] = [];
  for (let r = 0; r < flagged.length; r++) if (flagged[r] === true) rows.push(r);
  // The task holds images and boxes: the samples' metadata stays in the dataset.
  const sampleColumns = SAMPLE_CORE_COLUMNS.filter((c) => ds.samples.columnNames().includes(c));
  const samples = ds.samples.select(...sampleColumns).reify(rows);
  const ids = new Set(values<string>(samples, "id"));
  const objectFields = values<string>(ds.objects, "field"),
    objectSamples = values<string>(ds.objects, "sample_id");
  const objectRows: number[] = [];
  for (let r = 0; r < objectFields.length; r++)
    if (objectFields[r] === field && ids.has(objectSamples[r])) objectRows.push(r);
  const core = OBJECT_COLUMNS.filter((c) => ds.objects.columnNames().includes(c));
  const subset = new Dataset({
    name: `${ds.name}-label-issues`,
    samples,
    objects: ds.objects.select(...core).reify(objectRows),
    categories: ds.categories,
    fields: ds.fields.filter((f) => f.name === field),
    imagesDir: ds.imagesDir,
    problems: [],
  });
  const annotations = path.join(out, "annotations.xml");
  const report = await exportDataset(subset, annotations, { format: "cvat", field, lossy: options.lossy });
  const images = path.join(out, "images.txt");
  writeFileAtomic(images, Array.from(values<string>(samples, "filepath")).join("\n") + "\n");
  return { annotations, images, samples: rows.length, report };
}
