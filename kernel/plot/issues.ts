import * as aq from "arquero";
import { Dataset } from "../../src/dataset/dataset";
import { View } from "../../src/dataset/view";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { ISSUE_TYPES } from "../../src/quality/cleanvision";
import { bar } from "./bar";
import type { Plot } from "./plot";
import type { PlotOptions } from "./spec";
import { linkGroup } from "../linkGroup";

/**
 * The image-quality issues `computeQuality` flagged: one bar per issue type with the number of
 * samples it affects; clicking a bar selects those samples in the dataset's grids.
 */
export function issues(input: Dataset | View, options: PlotOptions = {}): Plot {
  const view = input instanceof Dataset ? input.view() : input;
  const samples = view.samples();
  const flagged = ISSUE_TYPES.filter((t) => samples.columnNames().includes(`is_${t}`));
  if (!flagged.length)
    throw new BlindspotError({
      message: `no quality flags on ${JSON.stringify(view.dataset.name)}`,
      hint: "run computeQuality(ds) first",
    });
  const ids = values<string>(samples, "id");
  const sampleId: string[] = [],
    issue: string[] = [];
  for (const t of flagged) {
    const flags = values<boolean | null>(samples, `is_${t}`);
    for (let i = 0; i < flags.length; i++)
      if (flags[i]) {
        sampleId.push(ids[i]);
        issue.push(t);
      }
  }
  const table = aq.table({ sample_id: sampleId, issue });
  return bar(table, "issue", {
    title: `Image quality issues (${samples.numRows().toLocaleString("en-US")} samples checked)`,
    group: linkGroup(view.dataset),
    unit: "samples",
    ...options,
  });
}
