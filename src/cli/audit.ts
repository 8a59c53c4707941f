import * as path from "node:path";
import { audit, type Audit, type AuditOptions, FINDING_KINDS } from "../analyze/audit";
import { BlindspotError } from "../errors";
import { importLabels } from "../formats/api";
import { writeFileAtomic } from "../io/atomic";
import { report } from "../report";
import { checkOptions, stringOption, type ParsedArgs } from "./args";
import { loadFromArgs, READ_OPTIONS } from "./load";
import { warnProblems } from "./problems";
import { progressLine } from "./progress";

export const AUDIT_USAGE = `  blindspot audit PATH [--format F] [--pred FILE [--pred-format F] [--pred-field NAME]]
                      [--groups FIELD] [--time FIELD] [--sensitive A,B] [--html FILE]
                      [--json FILE] [--fail-on RULES]`;

/** Findings printed in the readable report; --json has them all. */
const SHOWN = 20;

/**
 * The quantities --fail-on rules compare. Each kind of finding: the share of the samples its
 * findings name (0 when none). findings: how many there are. worst_slice_gap: the largest share
 * of the model's errors a slice or group accounts for beyond the rest's rate.
 */
function ruleValues(a: Audit): Record<string, number> {
  const n = Math.max(a.summary.samples, 1);
  const shareOf = (kinds: string[]) =>
    new Set(a.findings.filter((f) => kinds.includes(f.kind)).flatMap((f) => f.samples)).size / n;
  const values: Record<string, number> = Object.fromEntries(FINDING_KINDS.map((k) => [k, shareOf([k])]));
  values.label_issues = values.label_errors;
  values.findings = a.findings.length;
  values.worst_slice_gap = Math.max(
    0,
    ...a.findings.filter((f) => f.kind === "slice" || f.kind === "fairness").map((f) => f.effect?.excess ?? 0),
  );
  return values;
}

const RULE_NAMES: readonly string[] = [...FINDING_KINDS, "label_issues", "findings", "worst_slice_gap"];

interface Rule {
  text: string;
  name: string;
  op: ">" | ">=" | "<" | "<=" | "=";
  limit: number;
}

/** "label_issues>0.02,leakage>0": a rule is broken when its comparison holds. */
function parseRules(text: string): Rule[] {
  return text.split(",").map((part) => {
    const m = part.trim().match(/^([a-z_]+)\s*(>=|<=|>|<|=)\s*(-?[0-9.]+(?:e-?[0-9]+)?)$/);
    if (!m)
      throw new BlindspotError({
        place: "--fail-on",
        message: `cannot read the rule ${JSON.stringify(part)}`,
        hint: "rules look like label_issues>0.02,leakage>0,worst_slice_gap>0.1",
      });
    if (!RULE_NAMES.includes(m[1]))
      throw new BlindspotError({
        place: "--fail-on",
        message: `unknown quantity "${m[1]}"`,
        hint: `rules compare: ${RULE_NAMES.join(", ")}`,
      });
    const limit = Number(m[3]);
    if (!Number.isFinite(limit))
      throw new BlindspotError({
        place: "--fail-on",
        message: `${JSON.stringify(m[3])} in ${JSON.stringify(part.trim())} is not a number`,
        hint: "limits are numbers such as 0.02 or 0",
      });
    return { text: part.trim(), name: m[1], op: m[2] as Rule["op"], limit };
  });
}

function broken(rule: Rule, value: number): boolean {
  switch (rule.op) {
    case ">":
      return value > rule.limit;
    case ">=":
      return value >= rule.limit;
    case "<":
      return value < rule.limit;
    case "<=":
      return value <= rule.limit;
    case "=":
      return value === rule.limit;
  }
}

/**
 * `blindspot audit PATH`: every check the dataset supports, findings ranked. Exit 1 when a
 * --fail-on rule is broken (a pipeline's gate), 0 otherwise; errors exit 2 (see main.ts).
 */
export async function auditCommand(args: ParsedArgs): Promise<number> {
  checkOptions(
    args,
    [...READ_OPTIONS, "pred", "pred-format", "pred-field", "groups", "time", "sensitive", "html", "json", "fail-on"],
    "audit",
  );
  const input = args.positional[0];
  if (!input) throw new BlindspotError({ message: "audit needs a PATH", hint: AUDIT_USAGE.trim() });
  const failOn = stringOption(args, "fail-on");
  const rules = failOn ? parseRules(failOn) : [];
  const ds = await loadFromArgs(input, args, stringOption(args, "format"));
  const pred = stringOption(args, "pred");
  const predField = stringOption(args, "pred-field") ?? "predictions";
  if (pred) await importLabels(ds, pred, { format: stringOption(args, "pred-format"), field: predField });
  const progress = progressLine();
  const options: AuditOptions = {
    predictions: pred ? predField : undefined,
    groups: stringOption(args, "groups"),
    time: stringOption(args, "time"),
    sensitive: stringOption(args, "sensitive")
      ?.split(",")
      .map((s) => s.trim()),
    onProgress: (done, total) => progress("audit", done, total),
  };
  const result = await audit(ds, options);
  warnProblems(ds.problems);
  const values = ruleValues(result);
  const checked = rules.map((r) => ({ rule: r.text, value: values[r.name], broken: broken(r, values[r.name]) }));
  const json = stringOption(args, "json");
  if (json) writeFileAtomic(path.resolve(json), JSON.stringify(asJson(result, checked), null, 2) + "\n");
  const html = stringOption(args, "html");
  if (html) {
    const written = await report(result, html, { onProgress: (done, total) => progress("report", done, total) });
    console.error(`report: ${written.file} (${(written.bytes / 1e6).toFixed(1)} MB)`);
  }
  console.log(summaryText(result, checked));
  return checked.some((c) => c.broken) ? 1 : 0;
}

type Checked = { rule: string; value: number; broken: boolean };

function asJson(a: Audit, rules: Checked[]) {
  return {
    summary: a.summary,
    findings: a.findings.map(({ evidence: _evidence, ...f }) => f),
    skipped: a.skipped,
    rules,
  };
}

/** The report a person reads: the findings in rank order with their fixes, what was skipped, the rules. */
function summaryText(a: Audit, rules: Checked[]): string {
  const s = a.summary;
  const lines = [
    `audit of ${a.dataset.name}: ${s.samples} samples, ${s.findings} findings` +
      (s.predictions ? ` (effects on ${s.predictions}'s errors: ${s.errors})` : " (no predictions: ranked by size)"),
  ];
  for (const f of a.findings.slice(0, SHOWN)) {
    const effect =
      f.effect && f.score > 1 ? `, ${(100 * f.effect.excess).toFixed(1)} % of the errors beyond the rest's rate` : "";
    lines.push(`${String(f.rank).padStart(3)}. [${f.kind}] ${f.statement}${effect}`, `       fix: ${f.fix}`);
  }
  if (a.findings.length > SHOWN) lines.push(`  ... ${a.findings.length - SHOWN} more (--json FILE lists them all)`);
  for (const k of a.skipped) lines.push(`skipped ${k.check}: ${k.reason}`);
  for (const r of rules) lines.push(`rule ${r.rule}: ${r.value.toFixed(4)} ${r.broken ? "BROKEN" : "ok"}`);
  return lines.join("\n");
}
