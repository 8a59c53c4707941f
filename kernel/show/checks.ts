import { checkField } from "../../src/dataset/fieldCheck";
import { BlindspotError } from "../../src/errors";

/** Throws for names that are not fields, listing the fields there are. */
export function checkFieldNames(names: readonly string[], fields: readonly string[], option: string): void {
  if (!Array.isArray(names)) {
    throw new BlindspotError({
      place: option,
      message: `${option} must be a list of field names, got ${typeof names}`,
      hint: `pass e.g. { ${option}: [${JSON.stringify(fields[0] ?? "field")}] }`,
    });
  }
  for (const name of names) checkFieldName(name, fields, option);
}

export function checkFieldName(name: unknown, fields: readonly string[], option: string): string {
  return checkField(name, fields, option);
}

export function checkPositiveInteger(value: unknown, option: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  throw new BlindspotError({
    place: option,
    message: `${option} must be a positive integer, got ${JSON.stringify(value)}`,
    hint: `pass e.g. { ${option}: 256 }`,
  });
}

/** What a value is, for an error message (the engine's, so that both say it alike). */
export { describeValue as describe } from "../../src/errors";
