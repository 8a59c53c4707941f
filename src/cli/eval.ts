import { BlindspotError } from "../errors";
import type { ParsedArgs } from "./args";
import { evalClassification } from "./evalClassification";
import { evalDetection } from "./evalDetection";

/** What `blindspot eval KIND ...` can evaluate; each is given the arguments after KIND. */
export const EVAL_KINDS: Record<string, (args: ParsedArgs) => Promise<number>> = {
  classification: evalClassification,
  detection: evalDetection,
};

/** `blindspot eval KIND ...`: runs the evaluation of that kind. */
export function evalCommand(args: ParsedArgs): Promise<number> {
  const [kind, ...positional] = args.positional;
  const known = Object.keys(EVAL_KINDS);
  if (kind === undefined || !known.includes(kind)) {
    throw new BlindspotError({
      message:
        kind === undefined ? "eval needs a kind of evaluation" : `unknown kind of evaluation ${JSON.stringify(kind)}`,
      hint: `kinds: ${known.join(", ")} (e.g. blindspot eval classification FILE --truth COLUMN --probs COLUMNS)`,
    });
  }
  return EVAL_KINDS[kind]({ positional, options: args.options });
}
