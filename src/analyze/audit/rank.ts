/**
 * The order of an audit's findings. Findings that measurably cost the model come first: those
 * whose samples' error interval lies wholly above the rest's error, by the share of the model's
 * errors they account for beyond the rest's rate (score 1 + that share). The others follow by
 * the share of samples they name (score = that share, at most 1): a dark image the model still
 * gets right, a leaked duplicate, a rare class before any model is trained.
 */

import type { AuditContext } from "./context";
import { effectOf } from "./effect";
import type { Draft, Finding } from "./finding";

export function rankFindings(ctx: AuditContext, drafts: Draft[]): Finding[] {
  const n = ctx.ids.length;
  return drafts
    .map((d) => {
      const effect = effectOf(ctx, d.samples);
      const size = d.samples.length / n;
      const costly = effect !== null && effect.insideLow > effect.outside && effect.excess > 0;
      return { ...d, effect, size, score: costly ? 1 + effect.excess : size, rank: 0 };
    })
    .sort((a, b) => b.score - a.score || b.size - a.size || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((f, i) => ({ ...f, rank: i + 1 }));
}
