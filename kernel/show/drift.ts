import * as aq from "arquero";
import type { Drift } from "../../src/analyze/drift";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import { View } from "../../src/dataset/view";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isDrift(x: unknown): x is Drift {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<Drift>;
  const set = (v: unknown) => v instanceof Dataset || v instanceof View;
  return set(r.reference) && set(r.current) && !!r.fields && typeof r.summary?.datasetDrift === "boolean";
}

/**
 * Drift as outputs: the fields table (drifted first) under the dataset's verdict, and a bar per
 * field of its PSI, the drifted fields first.
 */
export async function driftOutputs(result: Drift): Promise<Output[]> {
  const { summary } = result;
  const ds = result.current instanceof View ? result.current.dataset : result.current;
  const group = linkGroup(ds);
  const verdict = summary.datasetDrift
    ? `the data drifted: ${summary.drifted.length} of ${summary.fields} fields (${summary.drifted.slice(0, 4).join(", ")}${summary.drifted.length > 4 ? ", ..." : ""})`
    : `no dataset drift: ${summary.drifted.length} of ${summary.fields} fields drifted${summary.drifted.length ? ` (${summary.drifted.slice(0, 4).join(", ")})` : ""}`;
  const outputs: Output[] = [
    tableOutput(result.fields, {
      group,
      title: `Drift from ${summary.reference} reference to ${summary.current} current samples: ${verdict}`,
      idColumn: null,
    }),
  ];
  if (summary.fields) {
    const drifted = Array.from(values<boolean>(result.fields, "drifted"));
    const bars = aq.table({
      field: Array.from(values<string>(result.fields, "field")),
      model: drifted.map((d) => (d ? "drifted" : "not drifted")),
      samples: Array.from(values<number>(result.fields, "current_rows")),
      psi: Array.from(values<number>(result.fields, "psi")),
    });
    const plot = metric(bars, {
      by: "field",
      metric: "psi",
      group,
      title: "PSI per field, drifted fields first (0.1: a shift worth a look, 0.25: a large one)",
    });
    outputs.push(await chartOutput(plot, { group }));
  }
  return outputs;
}
