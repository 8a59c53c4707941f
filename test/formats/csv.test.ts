import { describe, expect, it } from "vitest";
import { csvField, csvLine, csvRecords, formatCsv, parseCsv, parseCsvRecords } from "../../src/formats/common/csv";
import { BlindspotError } from "../../src/errors";

describe("CSV reading", () => {
  it("reads a header and rows", () => {
    const t = parseCsv("a,b,c\n1,2,3\n4,5,6\n");
    expect(t.header).toEqual(["a", "b", "c"]);
    expect(t.rows).toEqual([
      ["1", "2", "3"],
      ["4", "5", "6"],
    ]);
    expect(t.lines).toEqual([2, 3]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    const text = 'name,note\n"Smith, J","said ""hi"""\n"multi\nline\r\ntext",x\n';
    expect(parseCsvRecords(text)).toEqual([
      ["name", "note"],
      ["Smith, J", 'said "hi"'],
      ["multi\nline\r\ntext", "x"],
    ]);
  });

  it("reads decimal commas inside quotes as text", () => {
    expect(parseCsvRecords('a,"0,358",b')).toEqual([["a", "0,358", "b"]]);
  });

  it("accepts CRLF, CR and LF line endings, and a missing final line break", () => {
    expect(parseCsvRecords("a,b\r\n1,2\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsvRecords("a,b\r1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsvRecords("a,b\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("keeps empty fields, including a trailing one", () => {
    expect(parseCsvRecords(",\na,,b,\n,,")).toEqual([
      ["", ""],
      ["a", "", "b", ""],
      ["", "", ""],
    ]);
    expect(parseCsvRecords('"",x')).toEqual([["", "x"]]);
  });

  it("skips empty lines unless asked not to, and drops a byte-order mark", () => {
    expect(parseCsvRecords("\uFEFFa,b\n\n1,2\r\n\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsvRecords("a\n\nb", { skipEmptyLines: false })).toEqual([["a"], [""], ["b"]]);
  });

  it("gives each record the line it starts on, counting line breaks inside quotes", () => {
    const recs = [...csvRecords('h\n"a\nb\nc"\n\nx\n"y\r\nz"\nw')];
    expect(recs.map((r) => r.line)).toEqual([1, 2, 6, 7, 9]);
  });

  it("keeps a quote inside an unquoted field as text", () => {
    expect(parseCsvRecords('5" screen,b')).toEqual([['5" screen', "b"]]);
  });

  it("reads other delimiters", () => {
    expect(parseCsvRecords('a;"b;c"\n1;2', { delimiter: ";" })).toEqual([
      ["a", "b;c"],
      ["1", "2"],
    ]);
    expect(parseCsvRecords("a\tb,c", { delimiter: "\t" })).toEqual([["a", "b,c"]]);
    expect(() => parseCsvRecords("a", { delimiter: '"' })).toThrow(/delimiter/);
  });

  it("fails on a quote never closed, naming the file, line and column", () => {
    const err = catchError(() => parseCsvRecords('a,b\n1,"open\nstill open', { file: "boxes.csv" }));
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toContain("boxes.csv (line 2, column 3)");
    expect(err.message).toMatch(/never closed/);
    expect(err.message).toMatch(/fix: /);
  });

  it("fails on text after a closing quote", () => {
    const err = catchError(() => parseCsvRecords('a\n"x"y,z', { file: "f.csv" }));
    expect(err.message).toContain("f.csv (line 2, column 4)");
    expect(err.message).toMatch(/after a closing quote/);
  });

  it("reads an empty text as no records", () => {
    expect(parseCsvRecords("")).toEqual([]);
    expect(parseCsv("")).toEqual({ header: [], rows: [], lines: [] });
  });
});

describe("CSV writing", () => {
  it("quotes only fields that need it", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField(" padded")).toBe('" padded"');
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(0.1)).toBe("0.1");
    expect(csvField(true)).toBe("true");
    expect(csvField("a;b", ";")).toBe('"a;b"');
    expect(csvLine(["a", 1, null, "x,y"])).toBe('a,1,,"x,y"');
  });

  it("writes records with the chosen line ending", () => {
    expect(
      formatCsv([
        ["a", "b"],
        [1, 2],
      ]),
    ).toBe("a,b\n1,2\n");
    expect(
      formatCsv(
        [
          ["a", "b"],
          [1, 2],
        ],
        { eol: "\r\n" },
      ),
    ).toBe("a,b\r\n1,2\r\n");
    expect(formatCsv([["a", "b;c"]], { delimiter: ";" })).toBe('a;"b;c"\n');
  });

  it("round-trips awkward fields exactly", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ["a", "b", ",", '"', "\n", "\r", " ", "é", "0", ";"];
    for (let trial = 0; trial < 200; trial++) {
      const width = 1 + Math.floor(rand() * 4);
      const rows: string[][] = [];
      for (let r = 0; r < 1 + Math.floor(rand() * 4); r++) {
        rows.push(
          Array.from({ length: width }, () =>
            Array.from({ length: Math.floor(rand() * 6) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(
              "",
            ),
          ),
        );
      }
      // A record of one empty field is an empty line, which the reader skips: keep rows non-empty.
      const kept = rows.filter((r) => !(r.length === 1 && r[0] === ""));
      for (const eol of ["\n", "\r\n"]) expect(parseCsvRecords(formatCsv(kept, { eol }))).toEqual(kept);
    }
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}
