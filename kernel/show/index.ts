import type { ColumnTable } from "arquero";
import { Dataset } from "../../src/dataset/dataset";
import { View } from "../../src/dataset/view";
import { PatchesView } from "../../src/dataset/patches";
import { BlindspotError } from "../../src/errors";
import { display } from "../display/display";
import { Plot } from "../plot/plot";
import { rememberGroup, rememberPatchesGroup } from "../session";
import { chartOutput, type ChartOptions } from "./chart";
import { describe } from "./checks";
import { gridOutput, type GridOptions } from "./grid";
import { patchesOutput } from "./patches";
import { isTable } from "./isTable";
import { tableOutput, type TableOptions } from "./table";
import { evaluationOutputs, isEvaluation, type EvaluationViewOptions } from "./evaluation";
import type { DetectionEvaluation } from "../../src/eval/detection";
import type { ClassificationEvaluation } from "../../src/eval/classification";
import { announceTagChanges } from "./tagEvents";
import { Leakage } from "../../src/analyze/leakage";
import { leakageOutputs } from "./leakage";
import { isSplitResult, splitOutputs } from "./split";
import { fairnessOutputs, isFairness } from "./fairness";
import type { Fairness } from "../../src/analyze/fairness";
import { compareSplitsOutputs, isCompareSplits } from "./compareSplits";
import type { CompareSplits } from "../../src/analyze/compareSplits";
import type { SplitResult } from "../../src/analyze/split";
import { isFoundSlices, slicesOutputs } from "./slices";
import type { FoundSlices } from "../../src/analyze/slices";
import { errorClustersOutputs, isErrorClusters } from "./errorClusters";
import { driftOutputs, isDrift } from "./drift";
import { driftOverTimeOutputs, isDriftOverTime } from "./driftOverTime";
import { isOverconfidence, overconfidenceOutputs } from "./overconfidence";
import type { Drift } from "../../src/analyze/drift";
import type { ErrorClusters } from "../../src/analyze/slices/clusters";
import type { DriftOverTime } from "../../src/analyze/drift/overTime";
import type { Overconfidence } from "../../src/analyze/overconfidence";
import type { Audit } from "../../src/analyze/audit";
import { auditOutputs, isAudit } from "./audit";

const SHOW_TAKES =
  'show() takes a dataset, a view (ds.filter(...)), a patches view (ds.patches("model")), ' +
  "a plot (plot.histogram(...)), an arquero table, an evaluation (evaluateDetections(...)), a leakage " +
  "result (leakage(ds)), a split (split(ds, ...)), a fairness result (fairness(...)), compareSplits(...) or " +
  "findSlices(...), errorClusters(...), drift(...) or an audit (audit(ds))";

/** Options of `show`; each applies to the kinds of output named in its comment. */
export type ShowOptions = GridOptions & TableOptions & ChartOptions & EvaluationViewOptions;

/**
 * Shows a dataset or view as a grid of thumbnails, a patches view (ds.patches(...)) as a grid of
 * box crops, a plot as a chart, an arquero table as a
 * table, an evaluation as linked charts, tables and a grid, in the cell's output; resolves once the output is sent (to
 * nothing, so the cell
 * prints nothing more). Outputs of the same link group share their selection.
 */
export async function show(
  target:
    | Dataset
    | View
    | PatchesView
    | Plot
    | ColumnTable
    | DetectionEvaluation
    | ClassificationEvaluation
    | Leakage
    | SplitResult
    | Fairness
    | CompareSplits
    | FoundSlices
    | ErrorClusters
    | DriftOverTime
    | Overconfidence
    | Audit
    | Drift,
  options: ShowOptions = {},
): Promise<void> {
  if (typeof options !== "object" || options === null) {
    throw new BlindspotError({
      place: "options",
      message: `show options must be an object, got ${describe(options)}`,
      hint: "pass e.g. show(ds, { caption: ['weather'] })",
    });
  }
  if (target === undefined || target === null) {
    throw new BlindspotError({
      message: `show() was given ${describe(target)}: nothing to show`,
      hint:
        `${SHOW_TAKES}; a variable that holds ${describe(target)} was often never assigned, ` +
        "or is a call's result that was not awaited or returned",
    });
  }
  if (isEvaluation(target)) {
    announceTagChanges(target.dataset);
    for (const output of await evaluationOutputs(target, options)) {
      rememberGroup(output.group);
      display(output.data);
    }
    return;
  }
  if (isDrift(target)) {
    for (const output of await driftOutputs(target)) {
      rememberGroup(output.group);
      display(output.data);
    }
    return;
  }
  if (
    target instanceof Leakage ||
    isSplitResult(target) ||
    isFairness(target) ||
    isCompareSplits(target) ||
    isFoundSlices(target) ||
    isErrorClusters(target) ||
    isDriftOverTime(target) ||
    isOverconfidence(target) ||
    isAudit(target)
  ) {
    announceTagChanges(target.dataset);
    const outputs =
      target instanceof Leakage
        ? await leakageOutputs(target)
        : isSplitResult(target)
          ? await splitOutputs(target)
          : isFairness(target)
            ? await fairnessOutputs(target)
            : isFoundSlices(target)
              ? await slicesOutputs(target)
              : isErrorClusters(target)
                ? await errorClustersOutputs(target)
                : isDriftOverTime(target)
                  ? await driftOverTimeOutputs(target)
                  : isOverconfidence(target)
                    ? await overconfidenceOutputs(target)
                    : isAudit(target)
                      ? await auditOutputs(target)
                      : await compareSplitsOutputs(target);
    for (const output of outputs) {
      rememberGroup(output.group);
      display(output.data);
    }
    return;
  }
  let output;
  if (target instanceof Dataset || target instanceof View) {
    const view = target instanceof Dataset ? target.view() : target;
    announceTagChanges(view.dataset);
    output = await gridOutput(view, options);
  } else if (target instanceof PatchesView) {
    announceTagChanges(target.dataset);
    output = await patchesOutput(target, options);
    rememberPatchesGroup(output.group);
  } else if (target instanceof Plot) {
    output = await chartOutput(target, options);
  } else if (isTable(target)) {
    output = tableOutput(target, options);
  } else {
    throw new BlindspotError({ message: `show() cannot show ${describe(target)}`, hint: SHOW_TAKES });
  }
  rememberGroup(output.group);
  display(output.data);
}
