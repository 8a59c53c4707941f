import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../../src/dataset/dataset";
import { values } from "../../src/dataset/columns";
import type { ClassificationEvaluation } from "../../src/eval/classification";
import { DetectionEvaluation, STAT_NAMES } from "../../src/eval/detection";
import { bySlice } from "../../src/eval/slices";
import type { MimeData } from "../display/display";
import { heatmap } from "../plot/heatmap";
import { line } from "../plot/line";
import { metric } from "../plot/metric";
import type { Plot } from "../plot/plot";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";
import { linkGroup } from "../linkGroup";

export interface EvaluationViewOptions {
  /** Sample fields (or `object_size`) to show the headline metric by, one bar chart each. */
  slices?: string[];
  /** PR curves drawn, for the classes with the most ground truth (default 10). */
  curves?: number;
  /** Bootstrap resamples of the slice charts' intervals (default 200). */
  bootstrap?: number;
}

type Output = { data: MimeData; group: string };

export function isEvaluation(x: unknown): x is DetectionEvaluation | ClassificationEvaluation {
  return (
    x instanceof DetectionEvaluation ||
    (typeof x === "object" &&
      x !== null &&
      "perClass" in x &&
      "confusion" in x &&
      "metricsOf" in x &&
      "probabilistic" in x)
  );
}

/**
 * An evaluation as a dashboard in the cell: the summary, PR curves, the confusion matrix, the
 * per-class table, the headline metric per slice, and a grid of the samples with their
 * outcomes. The matrix's cells and the slice bars select the samples behind them in the grid.
 */
export async function evaluationOutputs(
  ev: DetectionEvaluation | ClassificationEvaluation,
  options: EvaluationViewOptions,
): Promise<Output[]> {
  const ds = ev.dataset;
  const group = linkGroup(ds);
  const parts = ev instanceof DetectionEvaluation ? detectionParts(ev, options) : classificationParts(ev, options);
  const outputs: Output[] = [tableOutput(parts.summary, { group, title: parts.title, idColumn: null })];
  if (parts.curves) outputs.push(await chartOutput(parts.curves, { group }));
  outputs.push(await chartOutput(parts.confusion, { group }));
  outputs.push(tableOutput(parts.perClass, { group, title: "Per class", idColumn: null }));
  for (const by of options.slices ?? []) {
    const table = bySlice(ev, by, { bootstrap: options.bootstrap ?? 200 });
    outputs.push(await chartOutput(metric(table, { by, dataset: ds }), { group }));
  }
  const outcome = ev instanceof DetectionEvaluation ? ev.key : undefined;
  outputs.push(
    await gridOutput(ds.view(), {
      group,
      caption: parts.caption,
      outcome,
      title: `${ds.name}: click a cell of the confusion matrix, a curve or a bar to see its samples`,
    }),
  );
  return outputs;
}

interface Parts {
  title: string;
  summary: ColumnTable;
  curves: Plot | null;
  confusion: Plot;
  perClass: ColumnTable;
  caption: string[];
}

function detectionParts(ev: DetectionEvaluation, options: EvaluationViewOptions): Parts {
  const perClass = ev.perClass();
  const rows = perClass.objects() as { class: string; AP: number | null; truth: number }[];
  const drawn = rows
    .filter((r) => r.AP !== null && ev.classes.includes(r.class))
    .sort((a, b) => b.truth - a.truth)
    .slice(0, options.curves ?? 10);
  const points: Record<string, unknown[]> = { class: [], recall: [], precision: [] };
  const classes = drawn.length ? drawn.map((r) => r.class) : ev.classes.length === 1 ? ev.classes : [];
  for (const name of classes) {
    const c = ev.prCurve(name, 0.5);
    // COCO's curve is 0 beyond the highest recall reached; drawn, that would read as a cliff.
    let reached = c.precision.length;
    while (reached > 1 && c.precision[reached - 1] <= 0) reached--;
    for (let i = 0; i < reached; i++) {
      points.class.push(name);
      points.recall.push(c.recall[i]);
      points.precision.push(c.precision[i]);
    }
  }
  const key = ev.key;
  return {
    title: `${ev.field} against ${ev.gt}: COCO ${ev.iouType} evaluation`,
    summary: aq.table({ metric: [...STAT_NAMES], value: ev.stats.map((v) => (v > -1 ? v : null)) }),
    curves: points.class.length
      ? line(aq.table(points), {
          x: "recall",
          y: "precision",
          color: "class",
          group: linkGroup(ev.dataset),
          samplesOf: objectsOf(ev),
          title:
            `Precision against recall at IoU 0.5 (${drawn.length} classes with the most ground truth); click a ` +
            `curve for its samples`,
        })
      : null,
    confusion: heatmap(ev.matchTable(), {
      x: "predicted",
      y: "truth",
      group: linkGroup(ev.dataset),
      title: `Confusion at IoU ${ev.iou} (${"(background)"}: unmatched)`,
    }),
    perClass,
    caption: [`${key}_tp`, `${key}_fp`, `${key}_fn`],
  };
}

/** Sample id and label of every ground-truth and predicted object of the evaluation. */
function objectsOf(ev: DetectionEvaluation): { ids: string[]; values: string[] } {
  const t = ev.dataset.objects;
  const field = values<string>(t, "field"),
    sample = values<string>(t, "sample_id"),
    label = values<string>(t, "label");
  const ids: string[] = [],
    labels: string[] = [];
  for (let r = 0; r < field.length; r++) {
    if (field[r] !== ev.gt && field[r] !== ev.field) continue;
    ids.push(sample[r]);
    labels.push(label[r]);
  }
  return { ids, values: labels };
}

function classificationParts(ev: ClassificationEvaluation, options: EvaluationViewOptions): Parts {
  const p = ev.probabilistic;
  const named: [string, number | null | undefined][] = [
    ["accuracy", ev.accuracy],
    ["balanced accuracy", ev.balancedAccuracy],
    ["macro F1", ev.averages.macro.f1],
    ["weighted F1", ev.averages.weighted.f1],
    ["Cohen's kappa", ev.kappa],
    ["MCC", ev.mcc],
    ["log loss", p?.logLoss],
    [`top-${p?.topK.k ?? "k"} accuracy`, p?.topK.accuracy],
    ["ROC AUC (one-vs-rest, macro)", p?.rocAuc.ovrMacro],
    ["ECE (top label)", p?.calibration.ece],
    ["samples evaluated", ev.evaluated],
  ];
  const kept = named.filter(([, v]) => v !== undefined && v !== null && !Number.isNaN(v));
  const support = new Map(ev.perClass.map((r) => [r.class, r.support]));
  const points: Record<string, unknown[]> = { class: [], recall: [], precision: [] };
  for (const c of (p?.curves ?? [])
    .slice()
    .sort((a, b) => (support.get(b.class) ?? 0) - (support.get(a.class) ?? 0))
    .slice(0, options.curves ?? 10)) {
    c.pr.recall.forEach((v, i) => {
      points.class.push(c.class);
      points.recall.push(v);
      points.precision.push(c.pr.precision[i]);
    });
  }
  return {
    title: `${ev.pred} against ${ev.gt}: classification`,
    summary: aq.table({ metric: kept.map(([n]) => n), value: kept.map(([, v]) => v as number) }),
    curves: points.class.length
      ? line(aq.table(points), {
          x: "recall",
          y: "precision",
          color: "class",
          group: linkGroup(ev.dataset),
          samplesOf: { ids: values<string>(ev.dataset.samples, "id"), values: values(ev.dataset.samples, ev.gt) },
          title: "Precision against recall, one class against the rest; click a curve for its samples",
        })
      : null,
    confusion: heatmap(ev.dataset, { x: ev.pred, y: ev.gt, title: `Confusion: ${ev.gt} (rows) against ${ev.pred}` }),
    perClass: aq.from(ev.perClass),
    caption: captionOf(ev.dataset, [ev.gt, ev.pred, `${ev.key}_correct`]),
  };
}

const captionOf = (ds: Dataset, fields: string[]) => fields.filter((f) => ds.samples.columnNames().includes(f));
