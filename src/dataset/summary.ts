import type { Dataset } from "./dataset";

export interface DatasetSummary {
  name: string;
  samples: number;
  objects: number;
  fields: { name: string; kind: string; predicted: boolean; labels: Record<string, number>; count: number }[];
  splits: Record<string, number>;
  columns: string[];
  categories: number;
  imagesDir: string | null;
  problems: { total: number; byKind: Record<string, number>; first: Dataset["problems"] };
}

/** What `blindspot info` prints: sizes, labels per field, splits, columns and problems. */
export function summarize(ds: Dataset, firstProblems = 20): DatasetSummary {
  const fields = ds.fields.map((f) => {
    let labels: Record<string, number>;
    if (f.kind === "detections") {
      labels = ds
        .view()
        .filterObjects(`d => d.field === ${JSON.stringify(f.name)}`)
        .countBy("label", { of: "objects" });
    } else {
      labels = ds.samples.columnNames().includes(f.name)
        ? ds.filter(`d => d[${JSON.stringify(f.name)}] != null`).countBy(f.name)
        : {};
    }
    const count = Object.values(labels).reduce((a, b) => a + b, 0);
    return { name: f.name, kind: f.kind, predicted: f.predicted, labels, count };
  });
  const splits = ds.countBy("split");
  const byKind: Record<string, number> = {};
  for (const p of ds.problems) byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
  return {
    name: ds.name,
    samples: ds.count(),
    objects: ds.objects.numRows(),
    fields,
    splits,
    columns: ds.samples.columnNames(),
    categories: ds.categories.length,
    imagesDir: ds.imagesDir,
    problems: { total: ds.problems.length, byKind, first: ds.problems.slice(0, firstProblems) },
  };
}
