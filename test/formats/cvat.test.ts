import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { BlindspotError } from "../../src/errors";
import { exportDataset } from "../../src/formats/api";
import { cvat } from "../../src/formats/cvat";
import { finiteNumber, openForReading, readHead } from "../../src/formats/common/files";
import { cornerSize, exactCorner } from "../../src/formats/common/shapes";
import { escapeXml, invalidXmlChars, scanXml } from "../../src/formats/common/xmlScan";
import { snapshot, tmpDir, VOC, VOC_COCO, VOC_IMAGES, vocReferenceDiffs } from "../helpers/data";

const images = VOC_IMAGES;
const xmlFile = path.join(VOC, "gts/cvat_format/annotations.xml");
const tmp = () => tmpDir("cvat");

describe.skipIf(!fs.existsSync(VOC))(`cvat on the VOC100 sample (skipped: ${VOC} not found)`, () => {
  it("detects the CVAT file and nothing else", () => {
    expect(cvat.detect!(xmlFile)).toBe(true);
    expect(cvat.detect!(VOC_COCO)).toBe(false);
    const vocXml = fs
      .readdirSync(path.join(VOC, "gts/pascalvoc_format"), { recursive: true })
      .map(String)
      .find((f) => f.endsWith(".xml"));
    if (vocXml) expect(cvat.detect!(path.join(VOC, "gts/pascalvoc_format", vocXml))).toBe(false);
  });

  it("reads 100 images and 273 boxes, the same as the COCO reference", async () => {
    const ds = await cvat.read!(xmlFile, { images });
    expect(ds.count()).toBe(100);
    expect(ds.objectCount()).toBe(273);
    expect(ds.problems).toEqual([]);
    expect(ds.categories.map((c) => c.name).slice(0, 3)).toEqual(["person", "cat", "boat"]);
    expect(ds.categories).toHaveLength(20);
    expect(ds.fields).toEqual([{ name: "ground_truth", kind: "detections", predicted: false }]);
    expect(ds.name).toBe("VOC2012_100_samples_gt");

    // Boxes and sizes as in COCO, id = file name = filepath, and the CVAT attributes of each box.
    expect(await vocReferenceDiffs(ds)).toEqual([]);
    const snap = snapshot(ds);
    expect(snap.samples.id).toEqual(snap.samples.filepath);
    expect(snap.samples.id[0]).toBe("2007_001585.jpg"); // document order: the file lists images from id 99 down
    expect(snap.objects.attributes[0]).toEqual({ occluded: false, source: "manual", z_order: 0 });
    expect(values<number>(ds.samples, "source_id")[0]).toBe(99);
  });

  it("round-trips write -> read exactly", async () => {
    const ds = await cvat.read!(xmlFile, { images });
    const out = path.join(tmp(), "annotations.xml");
    const report = await cvat.write!(ds, out, {});
    expect(report).toEqual({ files: 1, dropped: [] });
    expect(cvat.detect!(out)).toBe(true);
    const back = await cvat.read!(out, { images });
    expect(snapshot(back)).toEqual(snapshot(ds));
    expect(back.categories).toEqual(ds.categories);
    expect(Array.from(values(back.samples, "source_id"))).toEqual(Array.from(values(ds.samples, "source_id")));
    // Label colours come back from the source's meta data.
    expect((back.info.cvat as { labels: { color?: string }[] }).labels[0].color).toBe("#c06060");
  });

  it("fails on a truncated file, naming the file and the place", async () => {
    const text = fs.readFileSync(xmlFile, "utf8");
    const dir = tmp();
    for (const cut of [Math.floor(text.length / 2), text.length - 20]) {
      const bad = path.join(dir, `cut-${cut}.xml`);
      fs.writeFileSync(bad, text.slice(0, cut));
      const err = await cvat.read!(bad, { images }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BlindspotError);
      const e = err as BlindspotError;
      expect(e.message).toContain(bad);
      expect(e.message).toMatch(/truncated/);
      expect(e.place).toMatch(/line \d+/);
      expect(e.hint).toBeTruthy();
    }
  });
});

/** A dataset with polygons, a crowd box, hostile names, typed attributes and non-integer boxes. */
function generated(): Dataset {
  const b = new DatasetBuilder('gen <&> "set"', null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  const evil = "<img src=x onerror=alert(1)>";
  for (const c of ["cat", evil, "a & b \"quoted\" 'single'"]) b.category(c);
  const s1 = b.addSample({
    filepath: "dir/a&b <1>.jpg",
    width: 640,
    height: 480,
    split: "train",
    fields: { source_id: 7 },
  });
  const s2 = b.addSample({ filepath: "empty.png", width: 100, height: 50, split: null, fields: { source_id: 3 } });
  const s3 = b.addSample({ filepath: "c.jpg", width: 33, height: 44, split: "val", fields: { source_id: 0 } });
  b.addObject({
    sampleId: s1,
    field: "ground_truth",
    label: evil,
    x: 0.1,
    y: 0.2,
    w: 0.2,
    h: 10.7,
    attributes: {
      occluded: true,
      z_order: 2,
      source: "auto",
      note: 'line1\nline2\t<tab> & "q"',
      truncated: false,
      score_hint: 0.25,
      count: 3,
    },
  });
  b.addObject({ sampleId: s1, field: "ground_truth", label: "cat", x: 10, y: 20, w: 30, h: 40, iscrowd: true });
  b.addObject({
    sampleId: s1,
    field: "ground_truth",
    label: "a & b \"quoted\" 'single'",
    x: 1.5,
    y: 2.25,
    w: 8.5,
    h: 5.75,
    segmentation: [[1.5, 2.25, 10, 2.25, 10, 8, 3.3, 8]],
    attributes: { occluded: false },
  });
  b.addObject({
    sampleId: s3,
    field: "ground_truth",
    label: "cat",
    x: 1,
    y: 1,
    w: 3,
    h: 4,
    iscrowd: true,
    segmentation: [[1, 1, 4, 1, 4, 5]],
    attributes: { note: "" },
  });
  b.addObject({
    sampleId: s3,
    field: "ground_truth",
    label: "new-label",
    x: 12.456789,
    y: 0.1,
    w: 7.123456789,
    h: 1e-7,
  });
  void s2;
  return b.build();
}

describe("cvat with generated data", () => {
  it("round-trips polygons, crowd, attributes and hostile names exactly", async () => {
    const ds = generated();
    const out = path.join(tmp(), "gen.xml");
    const report = await cvat.write!(ds, out, {});
    expect(report.dropped).toEqual([]);
    const xml = fs.readFileSync(out, "utf8");
    expect(xml).not.toContain("<img");
    expect(xml).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(xml).toContain('<attribute name="iscrowd">true</attribute>');
    expect(xml).toContain("<polygon ");
    const back = await cvat.read!(out, {});
    expect(back.problems).toEqual([]); // new-label is written into the label list
    expect(snapshot(back)).toEqual(snapshot(ds));
    expect(back.categories.map((c) => c.name)).toEqual([
      "cat",
      "<img src=x onerror=alert(1)>",
      "a & b \"quoted\" 'single'",
      "new-label",
    ]);
    expect(Array.from(values(back.samples, "source_id"))).toEqual([7, 3, 0]);
    // Written again, the file is the same.
    const out2 = path.join(tmp(), "gen2.xml");
    await cvat.write!(back, out2, {});
    expect(fs.readFileSync(out2, "utf8")).toBe(xml);
  });

  it("gets box sizes back exactly from corners", () => {
    for (const [x, w] of [
      [0.1, 0.2],
      [12.456789, 0.3],
      [0.1, 1e-7],
      [1e-7, 3.3],
      [5, 7],
      [1000.3, 0.1],
      [0.1, 7.123456789],
      [499.5, 12.345678901234],
    ]) {
      expect(cornerSize(x, exactCorner(x, w)), `${x} + ${w}`).toBe(w);
    }
    // Any double cannot survive corners: 1/3 comes back within the corners' rounding.
    expect(Math.abs(cornerSize(0.1, exactCorner(0.1, 1 / 3)) - 1 / 3)).toBeLessThan(1e-15);
    expect(cornerSize(10, 20)).toBe(10);
    expect(cornerSize(20, 10)).toBe(-10);
  });

  it("refuses what it cannot hold unless lossy, and reports it", async () => {
    const b = new DatasetBuilder("scores", null);
    b.declareField({ name: "model", kind: "detections", predicted: true });
    const s = b.addSample({ filepath: "a.jpg", width: 10, height: 10 });
    b.addObject({ sampleId: s, field: "model", label: "cat", x: 1, y: 1, w: 2, h: 2, confidence: 0.9 });
    b.addObject({
      sampleId: s,
      field: "model",
      label: "cat",
      x: 1,
      y: 1,
      w: 5,
      h: 5,
      segmentation: { size: [10, 10], counts: "abc" },
    });
    b.addObject({
      sampleId: s,
      field: "model",
      label: "cat",
      x: 0,
      y: 0,
      w: 6,
      h: 6,
      segmentation: [
        [0, 0, 6, 0, 6, 6],
        [7, 7, 8, 8, 7, 8],
      ],
    });
    const ds = b.build();
    const out = path.join(tmp(), "lossy.xml");
    // The plan lists what only this writer knows, before anything is written.
    const planned = await cvat.plan!(ds, out, {});
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatch(/^1 polygon masks/);
    const err = await exportDataset(ds, out, { format: "cvat" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BlindspotError);
    expect((err as Error).message).toContain(out);
    expect((err as Error).message).toMatch(/1 RLE masks[\s\S]*1 confidence scores[\s\S]*1 polygon masks/);
    expect(fs.existsSync(out)).toBe(false);
    // The writer itself does not refuse: it writes and reports what it left out.
    const report = await cvat.write!(ds, out, {});
    expect(report.dropped).toEqual(planned);
    const back = await cvat.read!(out, {});
    expect(back.objectCount()).toBe(3);
    expect(Array.from(values(back.objects, "w"))).toEqual([2, 5, 6]);
  });

  it(
    "lists text in typed attributes, null values and characters XML cannot hold, and parses each " +
      "attributes text once",
    async () => {
      const b = new DatasetBuilder("typed\u0001", null);
      b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
      const s = b.addSample({ filepath: "a\u0002.jpg", width: 10, height: 10 });
      for (let k = 0; k < 30; k++)
        b.addObject({
          sampleId: s,
          field: "ground_truth",
          label: "cat",
          x: 0,
          y: 0,
          w: 1,
          h: 1,
          attributes: { size: 3, note: "ok", gone: null },
        });
      b.addObject({
        sampleId: s,
        field: "ground_truth",
        label: "cat",
        x: 0,
        y: 0,
        w: 1,
        h: 1,
        attributes: { size: "big", list: [1, 2] },
      });
      const ds = b.build();
      const out = path.join(tmp(), "typed.xml");
      const parse = vi.spyOn(JSON, "parse");
      let report;
      try {
        report = await exportDataset(ds, out, { format: "cvat", lossy: true });
        // Plan and write share one parse of each distinct attributes text.
        expect(parse.mock.calls.filter(([t]) => t === '{"size":3,"note":"ok","gone":null}')).toHaveLength(1);
      } finally {
        parse.mockRestore();
      }
      expect(report.dropped).toEqual([
        "31 attribute values that are not text, booleans or numbers (written as text)",
        "30 empty (null) or reserved-name attribute values (cvat cannot hold them)",
        "2 characters that XML cannot hold (control characters, written as U+FFFD)",
      ]);
      const back = await cvat.read!(out, {});
      expect(back.objectCount()).toBe(31);
      expect(values(back.samples, "filepath")[0]).toBe("a\uFFFD.jpg");
    },
  );

  it(
    "writes an occluded that is not a boolean (VOC's 0 / 1) as an <attribute>, so that it reads " + "back the same",
    async () => {
      const b = new DatasetBuilder("occluded", null);
      b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
      const s = b.addSample({ filepath: "a.jpg", width: 10, height: 10 });
      // One type per label's attribute (CVAT's spec): numbers and booleans for cats, text for dogs.
      const given: [string, Record<string, unknown>][] = [
        ["cat", { occluded: 0 }],
        ["cat", { occluded: 1 }],
        ["cat", { occluded: true }],
        ["cat", { occluded: false }],
        ["dog", { occluded: "1" }],
        ["dog", { occluded: "yes" }],
      ];
      for (const [label, attributes] of given)
        b.addObject({ sampleId: s, field: "ground_truth", label, x: 0, y: 0, w: 1, h: 1, attributes });
      const ds = b.build();
      const out = path.join(tmp(), "occluded.xml");
      const report = await exportDataset(ds, out, { format: "cvat" });
      expect(report.dropped).toEqual([]);
      const xml = fs.readFileSync(out, "utf8");
      expect(xml).toContain('<attribute name="occluded">0</attribute>');
      expect(xml.match(/ occluded="[01]"/g)).toEqual([' occluded="1"', ' occluded="0"']);
      const back = await cvat.read!(out, {});
      expect(snapshot(back).objects.attributes).toEqual(given.map(([, a]) => a));
    },
  );

  it('lists nested attributes ({"attributes": {...}}) it writes flat', async () => {
    const b = new DatasetBuilder("nested", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    const s = b.addSample({ filepath: "a.jpg", width: 10, height: 10 });
    b.addObject({
      sampleId: s,
      field: "ground_truth",
      label: "cat",
      x: 0,
      y: 0,
      w: 1,
      h: 1,
      attributes: { attributes: { occluded: false } },
    });
    const planned = await cvat.plan!(b.build(), path.join(tmp(), "nested.xml"), {});
    expect(planned).toEqual([
      `1 objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as attributes ` +
        `of their own (cvat has no nesting: they read back flat)`,
    ]);
  });

  it("keeps two <image> entries of one file as two samples", async () => {
    const file = path.join(tmp(), "twice.xml");
    fs.writeFileSync(
      file,
      '<annotations><image id="0" name="a.jpg" width="10" height="10"><box label="cat" xtl="1" ytl="1" xbr="2" ' +
        'ybr="2"/></image><image id="1" name="a.jpg" width="0" height="10"><box label="dog" xtl="1" ytl="1" xbr="2" ' +
        'ybr="2"/></image></annotations>',
    );
    const ds = await cvat.read!(file, {});
    expect(Array.from(values(ds.samples, "id"))).toEqual(["a.jpg", "a.jpg#2"]);
    expect(Array.from(values(ds.objects, "sample_id"))).toEqual(["a.jpg", "a.jpg#2"]);
    expect(Array.from(values(ds.samples, "width"))).toEqual([10, null]); // a zero size is no size
    expect(ds.problems.filter((p) => p.kind === "duplicate-sample").map((p) => p.sampleId)).toEqual(["a.jpg#2"]);
  });

  it("records unknown labels and unsupported shapes as problems, keeping the rest", async () => {
    const xml =
      `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><labels>
    <label><name>cat</name><attributes><attribute><name>size</name><input_type>number</input_type><values>0;10;1</` +
      `values></attribute></attributes></label>
  </labels></task></meta>
  <image id="0" name="a.jpg" width="100" height="80" subset="Train">
    <box label="dog" occluded="1" xtl="1" ytl="2" xbr="11" ybr="22" z_order="0"></box>
    <box label="cat" occluded="0" xtl="5" ytl="5" xbr="6" ybr="6"><attribute name="size">4</attribute><attribute ` +
      `name="is_crowd">true</attribute></box>
    <polyline label="cat" points="1,1;2,2"></polyline>
    <points label="cat" points="1,1"></points>
  </image>
  <image id="1" name="b.jpg" width="100" height="80"/>
</annotations>`;
    const file = path.join(tmp(), "small.xml");
    fs.writeFileSync(file, xml);
    const ds = await cvat.read!(file, {});
    expect(ds.count()).toBe(2);
    expect(ds.objectCount()).toBe(2);
    const kinds = ds.problems.map((p) => p.kind).sort();
    expect(kinds).toEqual(["unknown-category", "unsupported-shape"]);
    const unknown = ds.problems.find((p) => p.kind === "unknown-category")!;
    expect(unknown.sampleId).toBe("a.jpg");
    expect(unknown.file).toBe(file);
    expect(unknown.place).toMatch(/line 8/);
    expect(ds.problems.find((p) => p.kind === "unsupported-shape")!.message).toMatch(/1 <polyline>, 1 <points>/);
    const snap = snapshot(ds);
    expect(snap.objects.label).toEqual(["dog", "cat"]);
    expect(snap.objects.x).toEqual([1, 5]);
    expect(snap.objects.w).toEqual([10, 1]);
    expect(snap.objects.iscrowd).toEqual([0, 1]);
    expect(snap.objects.attributes).toEqual([
      { occluded: true, z_order: 0 },
      { occluded: false, size: 4 },
    ]);
    expect(snap.samples.split).toEqual(["Train", null]);
    expect(ds.categories.map((c) => c.name)).toEqual(["cat", "dog"]);
  });

  it("gives clear errors for files that are not CVAT for images", async () => {
    const dir = tmp();
    const cases: [string, string, RegExp][] = [
      ["voc.xml", "<annotation><filename>a.jpg</filename></annotation>", /root element is <annotation>/],
      [
        "video.xml",
        '<annotations><version>1.1</version><track id="0" label="cat"></track></annotations>',
        /CVAT for video/,
      ],
      ["empty.xml", "", /empty/],
      [
        "badbox.xml",
        '<annotations><image id="0" name="a.jpg"><box label="cat" xtl="x" ytl="1" xbr="2" ' +
          'ybr="3"/></image></annotations>',
        /xtl is not a number/,
      ],
      ["mid.xml", '<annotations>\n<image id="0" name="a.jpg"></imag>\n<image/>\n</annotations>', /invalid XML/],
    ];
    for (const [name, text, re] of cases) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      const err = await cvat.read!(f, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(BlindspotError);
      expect((err as Error).message, name).toMatch(re);
      expect((err as Error).message, name).toContain(f);
    }
  });
});

describe("shared reading helpers", () => {
  it("takes finite numbers from numbers and numeric text only", () => {
    expect([3, "3", " 2.5 ", "1e3", "-4"].map((v) => finiteNumber(v))).toEqual([3, 3, 2.5, 1000, -4]);
    expect(
      [undefined, null, "", "  ", "x", "1,5", NaN, Infinity, "Infinity", true, [1]].map((v) => finiteNumber(v)),
    ).toEqual(Array(11).fill(null));
    expect([0, "0", -1, 640, "480"].map((v) => finiteNumber(v, true))).toEqual([null, null, null, 640, 480]);
  });

  it("opens a file or fails with its path, and reads a file's first bytes", () => {
    const dir = tmp();
    const missing = path.join(dir, "absent.xml");
    expect(() => openForReading(missing)).toThrow(BlindspotError);
    expect(() => openForReading(missing)).toThrow(`${missing}: file not found`);
    const f = path.join(dir, "head.xml");
    fs.writeFileSync(f, "\uFEFF<annotations>" + "x".repeat(10_000));
    expect(readHead(f, 17)).toBe("<annotations>x"); // 3 bytes of byte order mark, removed
    expect(readHead(missing)).toBeNull();
    expect(readHead(dir)).toBeNull();
  });

  it("counts the characters XML cannot hold as escapeXml replaces them", () => {
    for (const s of ["plain", "a\u0000b\u0001", "tab\tnewline\n", "\uD800 lone", "ok \uD83D\uDE00", "\uFFFE\uFFFF"]) {
      const counter = { invalid: 0 };
      escapeXml(s, counter);
      expect(invalidXmlChars(s), JSON.stringify(s)).toBe(counter.invalid);
    }
  });
});

describe("the streaming XML scanner", () => {
  /** Every event the scanner reports, as text. */
  function events(file: string, chunkSize?: number): string[] {
    const out: string[] = [];
    scanXml(
      file,
      {
        open: (name, attrs, line, stack) =>
          out.push(`open ${name} ${JSON.stringify(attrs)} line ${line} depth ${stack.length}`),
        close: (name, text, stack) => out.push(`close ${name} ${JSON.stringify(text)} depth ${stack.length}`),
      },
      chunkSize,
    );
    return out;
  }

  it("gives the same events whatever the chunk size (tags, entities, UTF-8 split across chunks)", () => {
    const xml =
      '\uFEFF<?xml version="1.0"?>\r\n<!DOCTYPE annotations [ <!ENTITY x "y"> ]>\r\n<!-- a <comment> -->\r\n' +
      "<annotations a='1 > 0' b=\"&lt;&#233;&#x65E5;&amp;#10;\">\r\n  <n>caf\u00e9 \u65e5\u672c \ud83d\ude00 &amp; " +
      "&#10;<![CDATA[<raw & text>]]></n>\r\n" +
      '  <e/><e k="v" /><!-- two --><f>\u00e9\u00e9\u00e9</f>\r\n</annotations>\r\n';
    const file = path.join(tmp(), "odd.xml");
    fs.writeFileSync(file, xml);
    const ref = events(file);
    expect(ref).toContain('close n "caf\u00e9 \u65e5\u672c \ud83d\ude00 & \\n<raw & text>" depth 2');
    expect(ref[0]).toBe('open annotations {"a":"1 > 0","b":"&lt;&#233;&#x65E5;&amp;#10;"} line 4 depth 1');
    for (const size of [1, 2, 3, 5, 7, 64]) expect(events(file, size), `chunks of ${size} bytes`).toEqual(ref);
  });

  it.skipIf(!fs.existsSync(xmlFile))("reads the VOC100 file the same in small chunks", () => {
    expect(events(xmlFile, 97)).toEqual(events(xmlFile));
  });

  it("fails on malformed XML with the line, and on truncation at any point", () => {
    const dir = tmp();
    const bad: [string, RegExp][] = [
      ["<a><b></a>", /line 1.*expected <\/b>/s],
      ["<a></a><b/>", /second root element/],
      ['<a>\n<b x="1" y></b></a>', /line 2.*bad attributes/s],
      ["text<a/>", /text outside the root/],
      ["<a/>\n</a>", /line 2.*without a start tag/s],
    ];
    for (const [text, re] of bad) {
      const f = path.join(dir, "bad.xml");
      fs.writeFileSync(f, text);
      expect(() => events(f), text).toThrow(re);
    }
    const good = '<a x="1"><!-- c --><b>t<![CDATA[x]]></b><c/></a>';
    for (let cut = 1; cut < good.length; cut++) {
      const f = path.join(dir, `cut${cut}.xml`);
      fs.writeFileSync(f, good.slice(0, cut));
      let err: unknown = null;
      try {
        events(f, 4);
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(BlindspotError);
      expect((err as Error).message, `cut at ${cut}`).toMatch(/truncated/);
      expect((err as Error).message).toContain(f);
    }
  });
});
