import { XMLParser, XMLValidator } from "fast-xml-parser";
import { BlindspotError } from "../../errors";

/** Parses XML text; malformed or truncated XML fails naming the line and column. */
export function parseXml(file: string, text: string, arrayTags: string[]): Record<string, any> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new BlindspotError({
      file, place: `line ${line}, column ${col}`, message: `invalid XML: ${msg}`,
      hint: /closed|end/i.test(msg) ? "the file may be truncated; export or copy it again" : "fix the XML at that place",
    });
  }
  const tags = new Set(arrayTags);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    htmlEntities: true,
    isArray: (name) => tags.has(name),
  });
  return parser.parse(text);
}

/** A number from XML text, or null when the text is not a finite number. */
export function xmlNumber(v: unknown): number | null {
  if (typeof v !== "string" || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
