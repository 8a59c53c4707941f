import { BlindspotError } from "../errors";

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

/** Parses `--key value`, `--key=value` and `--flag`; flags are the options that take no value. */
export function parseArgs(argv: string[], flags: Set<string>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (eq >= 0) options.set(key, a.slice(eq + 1));
    else if (flags.has(key)) options.set(key, true);
    else {
      const v = argv[++i];
      if (v === undefined)
        throw new BlindspotError({ message: `option --${key} needs a value`, hint: `write --${key} VALUE` });
      options.set(key, v);
    }
  }
  return { positional, options };
}

export function stringOption(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  return typeof v === "string" ? v : undefined;
}

export function numberOption(args: ParsedArgs, key: string, fallback: number): number {
  const v = stringOption(args, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n))
    throw new BlindspotError({
      message: `--${key} must be a number, got ${JSON.stringify(v)}`,
      hint: `write --${key} 2000`,
    });
  return n;
}

/** Rejects options a command does not know, so typos do not pass silently. */
export function checkOptions(args: ParsedArgs, known: string[], command: string): void {
  for (const k of args.options.keys()) {
    if (!known.includes(k))
      throw new BlindspotError({
        message: `unknown option --${k} for ${command}`,
        hint: `options are: ${known.map((o) => `--${o}`).join(", ")}`,
      });
  }
}
