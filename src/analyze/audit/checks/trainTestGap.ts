/** Splits where the model does clearly worse than on its training split (overfitting), drifted splits aside. */

import { values } from "../../../dataset/columns";
import { compareSplits } from "../../compareSplits";
import { type AuditCheck } from "../check";
import type { Draft } from "../finding";

export const trainTestGapCheck: AuditCheck = {
  name: "train-test gap",
  kinds: ["train_test_gap"],
  skip: (ctx) =>
    !ctx.evaluation
      ? "no predictions"
      : ctx.splits.includes(ctx.train) && ctx.splits.length >= 2
        ? null
        : `no "${ctx.train}" split and another to compare`,
  run(ctx, earlier) {
    const fit = compareSplits(ctx.evaluation!, { field: ctx.split!, train: ctx.train });
    const headline = fit.summary.headline;
    // A split that drifts from train is worse for that reason first: its gap is the drift finding's.
    const drifted = new Set(earlier.filter((d) => d.kind === "drift").map((d) => d.id.slice("drift:".length)));
    const gaps = (fit.gaps.objects() as Record<string, unknown>[]).filter(
      (g) => g.metric === headline && g.overfit && !drifted.has(g.split as string),
    );
    const split = values<unknown>(ctx.ds.samples, ctx.split!);
    return gaps.map((g): Draft => ({
      id: `train_test_gap:${g.split as string}`,
      kind: "train_test_gap",
      statement:
        `${headline} ${(g.value as number).toFixed(3)} on ${g.split as string} against ${(g.train as number).toFixed(3)} ` +
        `on ${ctx.train} (gap ${(g.gap as number).toFixed(3)}, interval ${(g.gap_low as number).toFixed(3)} to ` +
        `${(g.gap_high as number).toFixed(3)}): the model learned its training images more than the task`,
      samples: ctx.ids.filter((_, r) => String(split[r]) === g.split),
      objects: [],
      evidence: fit.gaps,
      fix: "regularise or augment more, or get more training data; check the split for leakage first",
    }));
  },
};
