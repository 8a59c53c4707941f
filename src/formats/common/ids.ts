/**
 * Why an id from a file is not found when only its JSON type differs from an id that is there:
 * the text "2299" against the number 2299, or the reverse (pycocotools keeps them apart too).
 * `has` tells whether an id is known. Null when the type is not the cause.
 */
export function idTypeMismatch(id: unknown, has: (id: unknown) => boolean): string | null {
  if (typeof id === "string" && /^-?\d+(\.\d+)?$/.test(id.trim()) && has(Number(id))) {
    return `${JSON.stringify(id)} is text (in quotes), and the id there is the number ${Number(id)}`;
  }
  if (typeof id === "number" && has(String(id))) return `${id} is a number, and the id there is the text "${id}"`;
  return null;
}
