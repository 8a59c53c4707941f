import type { Coverage } from "../../src/analyze/coverage";
import { BlindspotError } from "../../src/errors";
import { checkField } from "../../src/dataset/fieldCheck";
import { linkGroup } from "../linkGroup";
import { heatmap } from "./heatmap";
import type { Plot } from "./plot";

export interface CoveragePlotOptions {
  /** The context field (a sample field, or object_size); default: that of the strongest dependence. */
  field?: string;
  title?: string;
  /** Link group (default: the dataset's). */
  group?: string;
}

/**
 * A class x context table of `coverage` as a heatmap: each cell prints its labels (boxes or
 * samples) and is coloured by its share of the class's labels, so a class that lives in one
 * context stands out however rare it is. A click on a cell selects the samples behind it in the
 * dataset's grids. The title carries the chi-square test's Cramer's V and p-value.
 */
export function coverageHeatmap(cov: Coverage, options: CoveragePlotOptions = {}): Plot {
  if (!cov || !Array.isArray(cov.tables) || typeof cov.rows !== "function") {
    throw new BlindspotError({
      place: "plot.coverage",
      message: "expects the result of coverage(ds)",
      hint: 'const cov = bs.coverage(ds); bs.show(bs.plot.coverage(cov, { field: "time_of_day" }))',
    });
  }
  const fields = [...cov.summary.fields, ...(cov.summary.unit === "objects" ? ["object_size"] : [])];
  const field = checkField(
    options.field ?? cov.summary.findings[0]?.field ?? fields[0],
    fields,
    "plot.coverage: field",
  );
  const finding = cov.summary.findings.find((f) => f.field === field);
  const test = finding
    ? `: Cramer's V ${finding.cramersV.toFixed(2)}, p ${finding.pValue < 1e-4 ? finding.pValue.toExponential(1) : finding.pValue.toFixed(4)}`
    : "";
  return heatmap(cov.rows(field), {
    x: field,
    y: "class",
    normalize: "rows",
    title: options.title ?? `${cov.summary.labelField} by ${field}${test}`,
    group: options.group ?? linkGroup(cov.dataset),
  });
}
