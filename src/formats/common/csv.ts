import { BlindspotError } from "../../errors";

/**
 * A small RFC 4180 CSV reader and writer.
 *
 * Reading: fields are separated by the delimiter (default `,`); a field may be quoted with `"`,
 * and then holds delimiters, line breaks and doubled quotes (`""` is one `"`). Records end with
 * LF, CRLF or CR. A UTF-8 byte-order mark at the start is dropped. Empty lines are skipped.
 * A `"` inside an unquoted field is kept as text (as most tools do); text after a closing
 * quote, or a quote never closed, is an error naming the line and column.
 *
 * Writing: a field is quoted when it holds the delimiter, a quote, CR or LF (or starts or ends
 * with a space, which some readers trim); quotes inside are doubled.
 */

export interface CsvReadOptions {
  /** Field separator, one character (default `,`). */
  delimiter?: string;
  /** File name used in error messages. */
  file?: string;
  /** Skip lines with no characters at all (default true). */
  skipEmptyLines?: boolean;
}

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based line each row starts on, for error messages. */
  lines: number[];
}

const QUOTE = 34,
  CR = 13,
  LF = 10;

/** Yields the records of CSV text one by one, each with the line it starts on. */
export function* csvRecords(text: string, options: CsvReadOptions = {}): Generator<CsvRecord> {
  const delim = delimiterCode(options.delimiter);
  const skipEmpty = options.skipEmptyLines ?? true;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let c = text.charCodeAt(i);
    if (c === CR || c === LF) {
      // An empty line.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      if (!skipEmpty) yield { fields: [""], line: startLine };
      continue;
    }
    for (;;) {
      c = text.charCodeAt(i);
      if (c === QUOTE) {
        // Quoted field: up to the closing quote, "" standing for one quote.
        const openLine = line,
          openCol = column(text, i);
        let value = "";
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            throw new BlindspotError({
              file: options.file,
              place: `line ${openLine}, column ${openCol}`,
              message: "quoted field is never closed: the file ends inside quotes",
              hint:
                'close the quote (a quote inside a quoted field is written twice: ""), or check whether the file ' +
                "was cut short",
            });
          }
          line += countLineBreaks(text, i, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            i = from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        c = text.charCodeAt(i);
        if (i < n && c !== delim && c !== CR && c !== LF) {
          throw new BlindspotError({
            file: options.file,
            place: `line ${line}, column ${column(text, i)}`,
            message: `unexpected text after a closing quote: ${JSON.stringify(text.slice(i, i + 10))}`,
            hint: 'quote the whole field, and write a quote inside a quoted field twice ("")',
          });
        }
      } else {
        // Unquoted field: up to the next delimiter or line break.
        const from = i;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === delim || c === CR || c === LF) break;
          i++;
        }
        fields.push(text.slice(from, i));
      }
      if (i >= n) break;
      c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        if (i >= n) {
          fields.push("");
          break;
        }
        continue;
      }
      // Line break ends the record.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    yield { fields, line: startLine };
  }
}

/** Parses CSV text into all its records. */
export function parseCsvRecords(text: string, options: CsvReadOptions = {}): string[][] {
  const out: string[][] = [];
  for (const r of csvRecords(text, options)) out.push(r.fields);
  return out;
}

/**
 * Parses CSV text whose first record is a header. Rows keep the length they have in the file
 * (check it against the header where it matters).
 */
export function parseCsv(text: string, options: CsvReadOptions = {}): CsvTable {
  const table: CsvTable = { header: [], rows: [], lines: [] };
  let first = true;
  for (const r of csvRecords(text, options)) {
    if (first) {
      table.header = r.fields;
      first = false;
    } else {
      table.rows.push(r.fields);
      table.lines.push(r.line);
    }
  }
  return table;
}

export interface CsvWriteOptions {
  /** Field separator, one character (default `,`). */
  delimiter?: string;
  /** Line ending after each record (default `\n`; RFC 4180 says `\r\n`). */
  eol?: string;
}

export type CsvValue = string | number | boolean | null | undefined;

/** One field as CSV text: null and undefined are empty, numbers are written with String(). */
export function csvField(value: CsvValue, delimiter = ","): string {
  if (value === null || value === undefined) return "";
  const s = String(value);
  if (needsQuotes(s, delimiter)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** One record as CSV text, without the line ending. */
export function csvLine(fields: readonly CsvValue[], delimiter = ","): string {
  return fields.map((f) => csvField(f, delimiter)).join(delimiter);
}

/** Records as CSV text, each followed by the line ending. */
export function formatCsv(rows: Iterable<readonly CsvValue[]>, options: CsvWriteOptions = {}): string {
  const delim = options.delimiter ?? ",";
  delimiterCode(delim);
  const eol = options.eol ?? "\n";
  const parts: string[] = [];
  for (const r of rows) parts.push(csvLine(r, delim) + eol);
  return parts.join("");
}

function needsQuotes(s: string, delimiter: string): boolean {
  if (s.length === 0) return false;
  if (s.includes(delimiter) || s.includes('"') || s.includes("\n") || s.includes("\r")) return true;
  return s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32;
}

function delimiterCode(delimiter = ","): number {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new BlindspotError({
      message: `invalid CSV delimiter ${JSON.stringify(delimiter)}`,
      hint: "use one character other than a quote or a line break, such as , ; or a tab",
    });
  }
  return delimiter.charCodeAt(0);
}

function countLineBreaks(text: string, from: number, to: number): number {
  let k = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === LF) k++;
    else if (c === CR && text.charCodeAt(j + 1) !== LF) k++;
  }
  return k;
}

/** 1-based column of position i on its line. */
function column(text: string, i: number): number {
  const lf = text.lastIndexOf("\n", i - 1);
  const cr = text.lastIndexOf("\r", i - 1);
  return i - Math.max(lf, cr);
}
