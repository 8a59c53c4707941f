/** The findings chart of a report: a bar per finding in rank order, its click selecting the finding. */

import type { Finding } from "../analyze/audit";
import type { Spec } from "./vega";

/** The Vega-Lite spec: each finding's mean error inside it with its interval (or its share of the samples). */
export function findingsChart(findings: Finding[], errors: string | null): Spec {
  const measured = errors !== null && findings.every((f) => f.effect);
  const values = findings.map((f) => ({
    rank: f.rank,
    finding: `${f.rank}. ${f.kind}: ${f.statement.length > 56 ? `${f.statement.slice(0, 55)}…` : f.statement}`,
    value: measured ? f.effect!.inside : f.size,
    low: measured ? f.effect!.insideLow : f.size,
    high: measured ? f.effect!.insideHigh : f.size,
    samples: f.samples.length,
  }));
  const title = measured ? `mean ${errors} per image inside the finding` : "share of the samples";
  const y = { field: "finding", type: "nominal", sort: null, title: null, axis: { labelLimit: 420 } };
  return {
    width: 360,
    data: { values },
    layer: [
      {
        // In a layered chart a selection belongs to one layer.
        params: [{ name: "pick", select: { type: "point", fields: ["rank"] } }],
        mark: { type: "bar", cursor: "pointer" },
        encoding: {
          y,
          x: { field: "value", type: "quantitative", title },
          color: { condition: { param: "pick", value: "#d62728", empty: false }, value: "#4c78a8" },
          tooltip: [
            { field: "finding", type: "nominal" },
            { field: "value", type: "quantitative", format: ".3f" },
            { field: "samples", type: "quantitative" },
          ],
        },
      },
      ...(measured
        ? [
            {
              mark: { type: "rule", color: "#333" },
              encoding: { y, x: { field: "low", type: "quantitative" }, x2: { field: "high" } },
            },
          ]
        : []),
    ],
  };
}
