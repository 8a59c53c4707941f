import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import { finiteNumber, readHead } from "./common/files";
import { parsedOnce, WritePlans } from "./common/plans";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { dict, fieldObjects, fieldToWrite, imagesDirFor, integerIds, objectAttributes, type FieldObjects } from "./common/labels";
import { cornerSize, exactCorner, extent, polygonsDroppedLine, writablePolygon } from "./common/shapes";
import { decodeXml, escapeXml, invalidXmlChars, rootName, scanXml } from "./common/xmlScan";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * CVAT for images 1.1 XML (`annotations.xml`).
 *
 * - `<meta><task|project|job><labels>` gives the class list, in order (categories 1..n), and
 *   each label's attribute specs (`input_type` checkbox / number / text / select / radio).
 * - `<image id name width height [subset]>`: one sample; id = name, filepath = name,
 *   `subset` becomes the split, the CVAT image id the `source_id` metadata column, other
 *   image attributes metadata columns (text).
 * - `<box xtl ytl xbr ybr>`: corners in continuous pixel coordinates, so x = xtl, w = xbr - xtl
 *   (no +1/-1). `<polygon points="x1,y1;x2,y2;...">`: a COCO polygon [[x1,y1,x2,y2,...]] and
 *   its extent as the box.
 * - Shape attributes `occluded` (boolean), `z_order`, `group_id`, `rotation` (numbers),
 *   `source` (text) and `<attribute name=...>` children (typed by the label's spec) go to the
 *   object's attributes; an attribute `iscrowd` (or CVAT/Datumaro's `is_crowd`) is the crowd flag.
 *   The writer puts only such values in shape attributes (an `occluded` that is not a boolean,
 *   such as VOC's 0 / 1, is an <attribute> child), so that each reads back as it was.
 * - Other shapes (polylines, points, masks, ellipses, cuboids, skeletons, tags) are not loaded:
 *   each image that has some gets an `unsupported-shape` problem saying how many.
 */

const GEOMETRY_ATTRS = new Set(["label", "xtl", "ytl", "xbr", "ybr", "points"]);
const CROWD_NAMES = new Set(["iscrowd", "is_crowd"]);
const IMAGE_XML_ATTRS = new Set(["id", "name", "width", "height", "subset"]);

/** A label of `<meta>` with the attribute specs CVAT keeps with it. */
export interface CvatLabel {
  name: string;
  color?: string;
  type?: string;
  attributes: CvatAttributeSpec[];
  /** Set while reading on a skeleton's sub-labels, which are not classes. */
  parent?: string;
}

export interface CvatAttributeSpec {
  name: string;
  mutable?: string;
  input_type: string;
  default_value?: string;
  values?: string;
}

export const cvat: Format = {
  name: "cvat",
  description: "CVAT for images 1.1 XML (boxes, polygons, attributes, crowd via an iscrowd attribute)",
  reads: "file",
  holds: { boxes: true, polygons: true, rle: false, crowd: true, confidence: false, classification: false, metadata: false, attributes: true, multipleFields: false, splits: true, sampleTags: false, objectTags: false, area: false, ids: false, categoryKeys: false },
  detect: detectCvat,
  read: readCvat,
  plan: (ds, output, options) => plans.get(ds, output, options).lost,
  write: writeCvat,
};

// ---------------------------------------------------------------------------------------------
// detect

function detectCvat(input: string): boolean {
  if (!/\.xml$/i.test(input)) return false;
  const head = readHead(input);
  return head !== null && rootName(head) === "annotations";
}

// ---------------------------------------------------------------------------------------------
// read

interface PendingShape {
  tag: "box" | "polygon";
  attrs: Record<string, string>;
  line: number;
  children: [string, string][];
}

async function readCvat(file: string, options: ReadOptions): Promise<Dataset> {
  const field = options.field ?? GROUND_TRUTH;
  const labels: CvatLabel[] = [];
  let labelsSeen = false, version: string | null = null, owner: { tag: string; id: string | null; name: string | null } | null = null;
  let label: CvatLabel | null = null, spec: CvatAttributeSpec | null = null;
  let b: DatasetBuilder | null = null;
  const builder = (): DatasetBuilder => {
    if (!b) {
      b = new DatasetBuilder(options.name ?? (owner?.name || path.basename(file, path.extname(file))), imagesDirFor(options));
      b.declareField({ name: field, kind: "detections", predicted: false });
    }
    return b;
  };
  const labelByName = new Map<string, CvatLabel>();
  // Per object, for the label check at the end: its line and its place among its image's shapes.
  const objLine: number[] = [], objK: number[] = [], objTag: string[] = [];
  let sampleId: string | null = null, imageName = "", imagePlace = "", k = 0, imageIndex = 0;
  let unsupported = new Map<string, number>();
  let shape: PendingShape | null = null;
  let shapeAttr: string | null = null;

  const finishShape = (s: PendingShape) => {
    const bb = builder();
    const dec = (n: string) => (s.attrs[n] === undefined ? undefined : decodeXml(s.attrs[n]));
    const lbl = dec("label");
    const place = `line ${s.line}, <${s.tag}> ${k} of image "${imageName}"`;
    if (lbl === undefined) fail(file, place, `<${s.tag}> has no label`, `give the ${s.tag} a label="class name"`);
    const spec = labelByName.get(lbl);
    const attributes = dict();
    let crowd = false;
    for (const [key, raw] of Object.entries(s.attrs)) {
      if (GEOMETRY_ATTRS.has(key)) continue;
      const v = decodeXml(raw);
      if (key === "occluded") attributes[key] = v === "1" || v.toLowerCase() === "true";
      else if (key === "z_order" || key === "group_id" || key === "rotation") attributes[key] = finiteNumber(v) ?? v;
      else attributes[key] = v;
    }
    for (const [name, v] of s.children) {
      if (CROWD_NAMES.has(name)) crowd = ["true", "1", "yes"].includes(v.trim().toLowerCase());
      else attributes[name] = typedValue(v, spec?.attributes.find((x) => x.name === name)?.input_type);
    }
    let x: number, y: number, w: number, h: number;
    let segmentation: number[][] | null = null;
    if (s.tag === "box") {
      const [xtl, ytl, xbr, ybr] = (["xtl", "ytl", "xbr", "ybr"] as const).map((c) => {
        const v = dec(c);
        const n = finiteNumber(v);
        if (n === null) fail(file, place, `${c} is ${v === undefined ? "missing" : `not a number: ${JSON.stringify(v)}`}`, "a box needs numeric xtl, ytl, xbr, ybr (corners in pixels)");
        return n;
      });
      x = xtl; y = ytl; w = cornerSize(xtl, xbr); h = cornerSize(ytl, ybr);
      const rot = attributes.rotation;
      if (typeof rot === "number" && rot % 360 !== 0) {
        bb.addProblem({ kind: "rotated-box", sampleId: sampleId!, file, place, message: `box is rotated by ${rot} degrees; it is kept unrotated (the rotation is in its attributes)`, hint: "blindspot boxes are axis-aligned; replace the rotated box with a polygon in CVAT for an exact shape" });
      }
    } else {
      const flat = parsePoints(dec("points"), file, place);
      segmentation = [flat];
      [x, y, w, h] = extent(flat);
    }
    bb.addObject({ sampleId: sampleId!, field, label: lbl, x, y, w, h, iscrowd: crowd, segmentation, attributes });
    objLine.push(s.line);
    objK.push(k);
    objTag.push(s.tag);
  };

  scanXml(file, {
    open(name, attrs, line, stack) {
      const d = stack.length;
      if (d === 1) {
        if (name !== "annotations") fail(file, `line ${line}`, `the root element is <${name}>, not <annotations>`, "this is not a CVAT XML file; export the task from CVAT as 'CVAT for images 1.1'");
        return;
      }
      const parent = stack[d - 2];
      if (d === 2) {
        if (name === "track") fail(file, `line ${line}, <track>`, "this is a CVAT for video file (tracks), not CVAT for images", "export the task from CVAT as 'CVAT for images 1.1'");
        if (name !== "image") return;
        const bb = builder();
        const nameAttr = attrs.name === undefined ? undefined : decodeXml(attrs.name);
        const idRaw = attrs.id === undefined ? undefined : decodeXml(attrs.id);
        imagePlace = `line ${line}, <image id="${idRaw ?? ""}">`;
        if (!nameAttr) fail(file, imagePlace, "image has no name", 'every <image> needs name="file name"');
        const fields = dict();
        fields.source_id = intOrText(idRaw ?? String(imageIndex));
        for (const [key, v] of Object.entries(attrs)) if (!IMAGE_XML_ATTRS.has(key)) fields[key] = decodeXml(v);
        const subset = attrs.subset === undefined ? undefined : decodeXml(attrs.subset);
        sampleId = bb.addSample({
          filepath: nameAttr,
          width: finiteNumber(attrs.width, true), height: finiteNumber(attrs.height, true),
          split: subset === undefined || subset === "" ? null : subset, fields,
        });
        imageName = nameAttr;
        imageIndex++;
        k = 0;
        unsupported = new Map();
        return;
      }
      if (d === 3 && parent === "image") {
        if (name === "box" || name === "polygon") {
          k++;
          shape = { tag: name, attrs, line, children: [] };
        } else unsupported.set(name, (unsupported.get(name) ?? 0) + 1);
        return;
      }
      if (d === 4 && shape && name === "attribute") {
        shapeAttr = attrs.name === undefined ? "" : decodeXml(attrs.name);
        return;
      }
      // <meta><task|project|job><labels><label>[<attributes><attribute>]
      if (stack[1] !== "meta") return;
      if (d === 5 && name === "label" && parent === "labels") label = { name: "", attributes: [] };
      else if (d === 7 && name === "attribute" && parent === "attributes" && label) spec = { name: "", input_type: "text" };
      else if (d === 4 && name === "labels") labelsSeen = true;
    },
    close(name, text, stack) {
      const d = stack.length;
      const parent = stack[d - 2];
      if (d === 2) {
        if (name === "version") version = text.trim();
        else if (name === "image") {
          if (unsupported.size > 0) {
            const what = [...unsupported].map(([t, n]) => `${n} <${t}>`).join(", ");
            builder().addProblem({ kind: "unsupported-shape", sampleId: sampleId!, file, place: imagePlace, message: `${what} not loaded: blindspot reads boxes and polygons`, hint: "convert these shapes to boxes or polygons in CVAT if they are needed" });
          }
          sampleId = null;
        }
        return;
      }
      if (d === 3 && shape && parent === "image") {
        finishShape(shape);
        shape = null;
        return;
      }
      if (d === 4 && shape && name === "attribute") {
        shape.children.push([shapeAttr ?? "", text]);
        shapeAttr = null;
        return;
      }
      if (stack[1] !== "meta") return;
      if (d === 3 && ["task", "project", "job"].includes(name)) owner ??= { tag: name, id: null, name: null };
      else if (d === 4 && ["task", "project", "job"].includes(parent) && (name === "name" || name === "id")) {
        owner ??= { tag: parent, id: null, name: null };
        if (owner.tag === parent) owner[name] = name === "id" ? text.trim() : text;
      } else if (d === 5 && name === "label" && label) {
        if (label.parent === undefined) {
          delete label.parent;
          labels.push(label);
        }
        label = null;
      } else if (d === 6 && parent === "label" && label) {
        if (name === "name") label.name = text;
        else if (name === "color") label.color = text;
        else if (name === "type") label.type = text;
        else if (name === "parent" && text.trim() !== "") label.parent = text; // a skeleton's sub-label, not a class
      } else if (d === 7 && name === "attribute" && label && spec) {
        label.attributes.push(spec);
        spec = null;
      } else if (d === 8 && parent === "attribute" && spec) {
        if (name === "name") spec.name = text;
        else if (name === "input_type") spec.input_type = text.trim();
        else if (name === "mutable" || name === "default_value" || name === "values") spec[name] = text;
      }
      if (d === 5 && name === "label") {
        // labelByName must know labels as soon as they close, for typing the images' attributes
        for (const l of labels) labelByName.set(l.name, l);
      }
    },
  });

  const bb = builder();
  const own = owner as { tag: string; id: string | null; name: string | null } | null; // set in the handler
  labels.forEach((l, i) => bb.categories.push({ id: i + 1, name: l.name }));
  bb.info = { cvat: { version, ...(own ? { [own.tag]: { id: own.id, name: own.name } } : {}), labels } };
  if (!labelsSeen) {
    bb.addProblem({ kind: "unknown-category", file, place: "<meta>", message: "the file has no label list (<meta><task><labels>); classes are taken from the shapes in the order they appear", hint: "export the annotations from CVAT with their meta data (CVAT for images 1.1)" });
  } else {
    const o = bb.o;
    for (let i = 0; i < o.label.length; i++) {
      if (labelByName.has(o.label[i])) continue;
      bb.addProblem({
        kind: "unknown-category", sampleId: o.sample_id[i], file, place: `line ${objLine[i]}, <${objTag[i]}> ${objK[i]} of image "${bb.s.filepath[bb.rowOf(o.sample_id[i])!]}"`,
        message: `label ${JSON.stringify(o.label[i])} is not in the label list of <meta>; the object is kept with this label`,
        hint: "add the label to the task's labels in CVAT, or fix the label name",
      });
    }
  }
  return finishImport(bb, file, options);
}

function typedValue(v: string, inputType: string | undefined): unknown {
  if (inputType === "checkbox") {
    const t = v.trim().toLowerCase();
    if (t === "true") return true;
    if (t === "false") return false;
  } else if (inputType === "number") {
    return finiteNumber(v) ?? v;
  }
  return v;
}

function parsePoints(raw: string | undefined, file: string, place: string): number[] {
  if (raw === undefined || raw.trim() === "") fail(file, place, "polygon has no points", 'a polygon needs points="x1,y1;x2,y2;..."');
  const flat: number[] = [];
  for (const pair of raw.split(";")) {
    if (pair.trim() === "") continue;
    const xy = pair.split(",");
    const nx = finiteNumber(xy[0]), ny = finiteNumber(xy[1]);
    if (xy.length !== 2 || nx === null || ny === null) {
      fail(file, place, `bad point ${JSON.stringify(pair)} in points`, 'points are "x1,y1;x2,y2;..." with numbers');
    }
    flat.push(nx, ny);
  }
  return flat;
}

function intOrText(v: string): number | string {
  return /^-?\d+$/.test(v.trim()) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

// ---------------------------------------------------------------------------------------------
// write

type AttrKind = "checkbox" | "number" | "text";

function kindOfSpec(inputType: string): AttrKind {
  return inputType === "checkbox" ? "checkbox" : inputType === "number" ? "number" : "text";
}

/** What the values of one attribute of one label look like, gathered in one pass. */
interface AttrStats {
  n: number;
  bools: number;
  nums: number;
  min: number;
  max: number;
  /** Most decimal places of the numbers; -1 when one needs an exponent. */
  dec: number;
  /** Distinct values, kept only when the source declared a select / radio list to extend. */
  strs: Set<string> | null;
}

function decimals(v: number): number {
  const s = String(v);
  if (s.includes("e")) return -1;
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}

function addStat(st: AttrStats, v: unknown): void {
  st.n++;
  if (typeof v === "boolean") st.bools++;
  else if (typeof v === "number" && Number.isFinite(v)) {
    st.nums++;
    if (v < st.min) st.min = v;
    if (v > st.max) st.max = v;
    const d = decimals(v);
    st.dec = st.dec < 0 || d < 0 ? -1 : Math.max(st.dec, d);
  }
  st.strs?.add(textValue(v));
}

function kindOf(st: AttrStats): AttrKind {
  if (st.bools === st.n) return "checkbox";
  if (st.nums === st.n && st.dec >= 0 && st.dec <= 12) return "number";
  return "text";
}

/** An attribute spec that holds the values seen, reusing the source's spec when it fits. */
function specFor(name: string, st: AttrStats, prior: CvatAttributeSpec | undefined): CvatAttributeSpec {
  const kind = kindOf(st);
  if (kind === "number") {
    const step = st.dec === 0 ? "1" : (10 ** -st.dec).toFixed(st.dec);
    if (prior && kindOfSpec(prior.input_type) === "number") {
      const [pmin, pmax, pstep] = (prior.values ?? "").split(";").map(Number);
      const lo = Math.min(st.min, Number.isFinite(pmin) ? pmin : Infinity);
      const hi = Math.max(st.max, Number.isFinite(pmax) ? pmax : -Infinity);
      const keepStep = Number.isFinite(pstep) && pstep > 0 && decimals(pstep) >= st.dec;
      return { ...prior, values: `${lo};${hi};${keepStep ? String(pstep) : step}` };
    }
    return { name, mutable: "False", input_type: "number", default_value: String(st.min), values: `${st.min};${st.max};${step}` };
  }
  if (prior && kindOfSpec(prior.input_type) === kind) {
    if (st.strs && prior.values !== undefined) {
      const list = prior.values.split("\n");
      for (const v of st.strs) if (!list.includes(v)) list.push(v);
      return { ...prior, values: list.join("\n") };
    }
    return prior;
  }
  if (kind === "checkbox") return { name, mutable: "False", input_type: "checkbox", default_value: "false", values: "false" };
  return { name, mutable: "False", input_type: "text", default_value: "", values: "" };
}

function textValue(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "boolean" || typeof v === "number" ? String(v) : JSON.stringify(v);
}

function colorFor(i: number): string {
  const hue = (i * 137.508) % 360, s = 0.55, l = 0.5;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** How an object's attributes are written: XML attributes of the shape, or <attribute> children. */
interface SplitAttributes {
  xml: [string, string][];
  children: [string, unknown][];
  /** Values left out: null, or named like the shape's geometry. */
  nulls: number;
  /** Characters of the written names and values that XML cannot hold. */
  invalid: number;
}

function splitAttributes(a: Record<string, unknown>): SplitAttributes {
  const out: SplitAttributes = { xml: [], children: [], nulls: 0, invalid: 0 };
  for (const [k, v] of Object.entries(a)) {
    if (CROWD_NAMES.has(k)) continue; // the crowd column is the truth
    if (v === null || v === undefined || GEOMETRY_ATTRS.has(k)) { out.nulls++; continue; }
    // CVAT's `occluded` is a boolean: other values (VOC's occluded 0/1) go as <attribute> children, read back as they were.
    if (k === "occluded" && typeof v === "boolean") out.xml.push([k, v ? "1" : "0"]);
    else if ((k === "z_order" || k === "group_id" || k === "rotation") && typeof v === "number" && Number.isFinite(v)) out.xml.push([k, String(v)]);
    else if (k === "source" && typeof v === "string") out.xml.push([k, v]);
    else {
      out.children.push([k, v]);
      out.invalid += invalidXmlChars(k);
    }
  }
  for (const [, v] of out.xml) out.invalid += invalidXmlChars(v);
  for (const [, v] of out.children) out.invalid += invalidXmlChars(textValue(v));
  return out;
}

/** Text gathered in pieces and handed over as one Buffer (a file over V8's string limit still works). */
class Chunks {
  private parts: string[] = [];
  private size = 0;
  private readonly buffers: Buffer[] = [];
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 22) this.flush();
  }
  private flush(): void {
    this.buffers.push(Buffer.from(this.parts.join(""), "utf8"));
    this.parts = [];
    this.size = 0;
  }
  done(): Buffer {
    this.flush();
    return Buffer.concat(this.buffers);
  }
}

/** How an object is drawn: a box, its polygon, or a box because its mask does not fit a polygon. */
const enum Shape { Box = 0, Polygon = 1, Dropped = 2 }

/** What a CVAT write needs and loses, found before anything is written. */
interface CvatPlan {
  o: FieldObjects;
  /** The file up to the first image: declaration and <meta> with every label's attribute specs. */
  head: string;
  imageIds: number[];
  /** Each object's shape, by object row. */
  shape: Uint8Array;
  attrsOf: (json: string) => SplitAttributes & { flattened: number; shadowed: number };
  lost: string[];
}

const plans = new WritePlans<CvatPlan>(planCvat);

function planCvat(ds: Dataset, _file: string, options: WriteOptions): CvatPlan {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const filepaths = values<string>(s, "filepath"), splits = values<string | null>(s, "split");
  const source = s.columnNames().includes("source_id") ? integerIds(values<unknown>(s, "source_id")) : null;
  // CVAT image ids are frame numbers: the source ids when they fit, else 0..n-1.
  const imageIds = source && source.every((v) => v >= 0) ? source : Array.from(filepaths, (_, i) => i);
  const attrsOf = parsedOnce((json: string) => {
    const restructured = { flattened: 0, shadowed: 0 };
    return { ...splitAttributes(objectAttributes(json, restructured)), ...restructured };
  });
  const shape = new Uint8Array(ds.objects.numRows());
  let polyDropped = 0, nulls = 0, asText = 0, invalid = 0, flattened = 0, shadowed = 0;

  // Each label's attributes, so that its specs in <meta> hold every value written.
  const prior = new Map(((ds.info.cvat as { labels?: CvatLabel[] } | undefined)?.labels ?? []).map((l) => [l.name, l]));
  const stats = new Map<string, Map<string, AttrStats>>(); // label -> attribute -> stats
  const crowdLabels = new Set<string>();
  for (const rows of o.bySample.values()) {
    for (const i of rows) {
      const label = o.label[i];
      let byName = stats.get(label);
      if (!byName) stats.set(label, (byName = new Map()));
      if (o.iscrowd[i]) crowdLabels.add(label);
      const seg = o.segmentation[i];
      if (seg !== null) {
        const poly = writablePolygon(seg, o.x[i], o.y[i], o.w[i], o.h[i]);
        shape[i] = poly === "dropped" ? Shape.Dropped : poly === null ? Shape.Box : Shape.Polygon;
        if (poly === "dropped") polyDropped++;
      }
      if (o.attributes[i] === null) continue;
      const a = attrsOf(o.attributes[i]!);
      nulls += a.nulls;
      invalid += a.invalid;
      flattened += a.flattened;
      shadowed += a.shadowed;
      for (const [k, v] of a.children) {
        let st = byName.get(k);
        if (!st) {
          const p = prior.get(label)?.attributes.find((x) => x.name === k);
          const listed = p !== undefined && (p.input_type === "select" || p.input_type === "radio");
          byName.set(k, (st = { n: 0, bools: 0, nums: 0, min: Infinity, max: -Infinity, dec: 0, strs: listed ? new Set() : null }));
        }
        addStat(st, v);
      }
    }
  }

  // Label list: the dataset's categories in order, then labels only the objects use.
  const names = ds.categories.map((c) => c.name);
  const known = new Set(names);
  for (const l of stats.keys()) if (!known.has(l)) names.push(l);
  const kinds = new Map<string, Map<string, AttrKind>>();
  const esc = { invalid: 0 };
  const e = (v: string) => escapeXml(v, esc);
  const head = ['<?xml version="1.0" encoding="utf-8"?>', "<annotations>", "  <version>1.1</version>", "  <meta>", "    <task>",
    `      <name>${e(ds.name)}</name>`, `      <size>${filepaths.length}</size>`, "      <mode>annotation</mode>", "      <labels>"];
  names.forEach((name, idx) => {
    const p = prior.get(name);
    const specs: CvatAttributeSpec[] = [];
    for (const [k, st] of stats.get(name) ?? []) specs.push(specFor(k, st, p?.attributes.find((x) => x.name === k)));
    for (const spec of p?.attributes ?? []) if (!specs.some((x) => x.name === spec.name) && !CROWD_NAMES.has(spec.name)) specs.push(spec);
    if (crowdLabels.has(name)) specs.push(p?.attributes.find((x) => x.name === "iscrowd") ?? { name: "iscrowd", mutable: "False", input_type: "checkbox", default_value: "false", values: "false" });
    kinds.set(name, new Map(specs.map((sp) => [sp.name, kindOfSpec(sp.input_type)])));
    head.push(
      "        <label>",
      `          <name>${e(name)}</name>`,
      `          <color>${e(p?.color ?? colorFor(idx))}</color>`,
      ...(p?.type !== undefined ? [`          <type>${e(p.type)}</type>`] : []),
      "          <attributes>",
      ...specs.map((sp) => [
        "            <attribute>",
        `              <name>${e(sp.name)}</name>`,
        `              <mutable>${e(sp.mutable ?? "False")}</mutable>`,
        `              <input_type>${e(sp.input_type)}</input_type>`,
        `              <default_value>${e(sp.default_value ?? "")}</default_value>`,
        `              <values>${e(sp.values ?? "")}</values>`,
        "            </attribute>",
      ].join("\n")),
      "          </attributes>",
      "        </label>",
    );
  });
  head.push("      </labels>", "    </task>", "  </meta>", "");
  invalid += esc.invalid;

  // What the images and shapes hold: text in places typed otherwise, characters XML cannot hold.
  const labelInvalid = new Map<string, number>();
  for (const rows of o.bySample.values()) {
    for (const i of rows) {
      const label = o.label[i];
      let li = labelInvalid.get(label);
      if (li === undefined) labelInvalid.set(label, (li = invalidXmlChars(label)));
      invalid += li;
      if (o.attributes[i] === null) continue;
      const kindOfAttr = kinds.get(label);
      for (const [name, v] of attrsOf(o.attributes[i]!).children) if ((kindOfAttr?.get(name) ?? "text") === "text" && typeof v !== "string") asText++;
    }
  }
  for (let k = 0; k < filepaths.length; k++) invalid += invalidXmlChars(filepaths[k]) + (splits[k] === null ? 0 : invalidXmlChars(splits[k]!));

  // Only what this writer finds; `exportDataset` adds what the capabilities cannot hold.
  const lost: string[] = [];
  if (polyDropped) lost.push(polygonsDroppedLine(polyDropped, "cvat"));
  if (asText) lost.push(`${asText} attribute values that are not text, booleans or numbers (written as text)`);
  if (nulls) lost.push(`${nulls} empty (null) or reserved-name attribute values (cvat cannot hold them)`);
  if (flattened) lost.push(`${flattened} objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as attributes of their own (cvat has no nesting: they read back flat)`);
  if (shadowed) lost.push(`${shadowed} nested attribute values named like an attribute of the object itself (cvat keeps the object's own)`);
  if (invalid) lost.push(`${invalid} characters that XML cannot hold (control characters, written as U+FFFD)`);
  return { o, head: head.join("\n"), imageIds, shape, attrsOf, lost };
}

async function writeCvat(ds: Dataset, file: string, options: WriteOptions): Promise<WriteReport> {
  const { o, head, imageIds, shape, attrsOf, lost } = plans.take(ds, file, options);
  const s = ds.samples;
  const sampleIds = values<string>(s, "id");
  const filepaths = values<string>(s, "filepath"), widths = values<number | null>(s, "width"), heights = values<number | null>(s, "height");
  const splits = values<string | null>(s, "split");
  const e = (v: string) => escapeXml(v);
  const out = new Chunks();
  out.push(head);
  for (let k = 0; k < sampleIds.length; k++) {
    let line = `  <image id="${imageIds[k]}" name="${e(filepaths[k])}"`;
    if (widths[k] !== null && widths[k] !== undefined) line += ` width="${widths[k]}"`;
    if (heights[k] !== null && heights[k] !== undefined) line += ` height="${heights[k]}"`;
    if (splits[k] !== null && splits[k] !== undefined) line += ` subset="${e(splits[k]!)}"`;
    out.push(`${line}>\n`);
    for (const i of o.bySample.get(sampleIds[k]) ?? []) {
      const poly = shape[i] === Shape.Polygon ? (writablePolygon(o.segmentation[i], o.x[i], o.y[i], o.w[i], o.h[i]) as number[]) : null;
      const tag = poly ? "polygon" : "box";
      line = `    <${tag} label="${e(o.label[i])}" `;
      line += poly
        ? `points="${pointsText(poly)}"`
        : `xtl="${o.x[i]}" ytl="${o.y[i]}" xbr="${exactCorner(o.x[i], o.w[i])}" ybr="${exactCorner(o.y[i], o.h[i])}"`;
      const a = o.attributes[i] === null ? null : attrsOf(o.attributes[i]!);
      for (const [name, v] of a?.xml ?? []) line += ` ${name}="${e(v)}"`;
      line += ">\n";
      for (const [name, v] of a?.children ?? []) line += `      <attribute name="${e(name)}">${e(textValue(v))}</attribute>\n`;
      if (o.iscrowd[i]) line += `      <attribute name="iscrowd">true</attribute>\n`;
      out.push(`${line}    </${tag}>\n`);
    }
    out.push("  </image>\n");
  }
  out.push("</annotations>\n");
  writeFileAtomic(file, out.done());
  return { files: 1, dropped: lost };
}

function pointsText(flat: number[]): string {
  const pts: string[] = [];
  for (let k = 0; k + 1 < flat.length; k += 2) pts.push(`${flat[k]},${flat[k + 1]}`);
  return pts.join(";");
}
