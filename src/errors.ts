/**
 * Errors and problems.
 *
 * A `BlindspotError` stops an operation: it names the file, the place in it and the fix.
 * A `Problem` is recorded on a dataset instead, when the rest of the data can still load
 * (a missing image, a corrupt JPEG): it carries the same three facts.
 */
import { inspect } from "node:util";

export interface ProblemInit {
  /** File the problem is in (as the user gave it, or relative to the dataset). */
  file: string;
  /** Where in the file: a JSON path, a line number, an XML element. */
  place?: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint?: string;
}

export interface Problem extends ProblemInit {
  /** Sample the problem belongs to, when there is one. */
  sampleId?: string;
  /** Short machine-readable kind, e.g. `missing-image`, `corrupt-image`, `box-outside-image`. */
  kind: string;
}

export class BlindspotError extends Error {
  readonly file?: string;
  readonly place?: string;
  readonly hint?: string;

  constructor(init: { file?: string; place?: string; message: string; hint?: string; cause?: unknown }) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "BlindspotError";
    this.file = init.file;
    this.place = init.place;
    this.hint = init.hint;
  }

  /**
   * How Node prints the error (console.error, and so a notebook cell's stderr): the message and
   * the fix only. The stack is blindspot's own frames, never the user's mistake.
   */
  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}

export function formatMessage(p: { file?: string; place?: string; message: string; hint?: string }): string {
  const where = p.file ? `${p.file}${p.place ? ` (${p.place})` : ""}: ` : p.place ? `${p.place}: ` : "";
  return `${where}${p.message}${p.hint ? `\n  fix: ${p.hint}` : ""}`;
}

/** Throws a BlindspotError; a one-liner for parsers. */
export function fail(file: string, place: string | undefined, message: string, hint?: string): never {
  throw new BlindspotError({ file, place, message, hint });
}

/** What a value is, for an error message: "a string", "an object of type Map". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== "object") return `a ${typeof value}`;
  return `an object of type ${value.constructor?.name ?? "Object"}`;
}
