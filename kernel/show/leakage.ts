import { DUPLICATE_FIELDS, type Leakage } from "../../src/analyze/leakage";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

/**
 * A leakage result in the cell: the findings table, then one grid per kind of finding, each
 * set of duplicates (or each group) side by side with every sample's split under it. The grids
 * share the dataset's link group: selecting in one selects the same samples in every grid of it.
 */
export async function leakageOutputs(r: Leakage): Promise<Output[]> {
  const ds = r.dataset;
  const group = linkGroup(ds);
  const split = r.fields.splits;
  const s = r.summary;
  const verdict = s.leaked ? `${s.samples} samples leak across splits` : "no leakage found";
  const outputs: Output[] = [
    tableOutput(r.findings, { group, title: `Leakage in ${ds.name}: ${verdict}`, idColumn: null }),
  ];
  for (const kind of ["exact", "near"] as const) {
    const pairs = r.pairs.filter(`d => d.kind === "${kind}"`);
    if (!pairs.numRows()) continue;
    const ids = new Set([...(pairs.array("id_a") as string[]), ...(pairs.array("id_b") as string[])]);
    outputs.push(
      await gridOutput(ds.view().ids(ids), {
        group,
        groupBy: DUPLICATE_FIELDS[kind],
        caption: [split],
        title: `${kind === "exact" ? "Exact" : "Near"} duplicates across splits: ${pairs.numRows()} pairs, each set side by side`,
      }),
    );
  }
  if (r.fields.groups !== null && r.groups.numRows()) {
    const ids = (r.groups.array("ids") as string[][]).flat();
    outputs.push(
      await gridOutput(ds.view().ids(ids), {
        group,
        groupBy: r.fields.groups,
        caption: [split],
        title: `Groups of ${r.fields.groups} in more than one split: ${r.groups.numRows()}`,
      }),
    );
  }
  if (r.fields.time !== null && r.time.numRows()) {
    const ids = new Set((r.time.array("ids") as string[][]).flat());
    outputs.push(
      await gridOutput(ds.view().ids(ids).sort(r.fields.time), {
        group,
        caption: [split, r.fields.time],
        title: `Samples dated before the latest of an earlier split (${r.fields.time}): ${ids.size}`,
      }),
    );
  }
  return outputs;
}
