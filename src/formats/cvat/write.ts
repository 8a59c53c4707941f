import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { writeFileAtomic } from "../../io/atomic";
import { fieldObjects, fieldToWrite, integerIds, objectAttributes, type FieldObjects } from "../common/labels";
import { parsedOnce, WritePlans } from "../common/plans";
import { exactCorner, polygonsDroppedLine, writablePolygon } from "../common/shapes";
import { escapeXml, invalidXmlChars } from "../common/xmlScan";
import type { WriteOptions, WriteReport } from "../format";
import { CROWD_NAMES, GEOMETRY_ATTRS, type CvatAttributeSpec, type CvatLabel } from "./schema";

/* The CVAT for images 1.1 writer: <meta> labels with attribute specs that hold every value written, then the images. */

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
    return {
      name,
      mutable: "False",
      input_type: "number",
      default_value: String(st.min),
      values: `${st.min};${st.max};${step}`,
    };
  }
  if (prior && kindOfSpec(prior.input_type) === kind) {
    if (st.strs && prior.values !== undefined) {
      const list = prior.values.split("\n");
      for (const v of st.strs) if (!list.includes(v)) list.push(v);
      return { ...prior, values: list.join("\n") };
    }
    return prior;
  }
  if (kind === "checkbox")
    return { name, mutable: "False", input_type: "checkbox", default_value: "false", values: "false" };
  return { name, mutable: "False", input_type: "text", default_value: "", values: "" };
}

function textValue(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "boolean" || typeof v === "number" ? String(v) : JSON.stringify(v);
}

function colorFor(i: number): string {
  const hue = (i * 137.508) % 360,
    s = 0.55,
    l = 0.5;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, "0");
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
    if (v === null || v === undefined || GEOMETRY_ATTRS.has(k)) {
      out.nulls++;
      continue;
    }
    // CVAT's `occluded` is a boolean: other values (VOC's occluded 0/1) go as <attribute> children, read back as they
    // were.
    if (k === "occluded" && typeof v === "boolean") out.xml.push([k, v ? "1" : "0"]);
    else if ((k === "z_order" || k === "group_id" || k === "rotation") && typeof v === "number" && Number.isFinite(v))
      out.xml.push([k, String(v)]);
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
const enum Shape {
  Box = 0,
  Polygon = 1,
  Dropped = 2,
}

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

export const plans = new WritePlans<CvatPlan>(planCvat);

function planCvat(ds: Dataset, _file: string, options: WriteOptions): CvatPlan {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const filepaths = values<string>(s, "filepath"),
    splits = values<string | null>(s, "split");
  const source = s.columnNames().includes("source_id") ? integerIds(values<unknown>(s, "source_id")) : null;
  // CVAT image ids are frame numbers: the source ids when they fit, else 0..n-1.
  const imageIds = source && source.every((v) => v >= 0) ? source : Array.from(filepaths, (_, i) => i);
  const attrsOf = parsedOnce((json: string) => {
    const restructured = { flattened: 0, shadowed: 0 };
    return { ...splitAttributes(objectAttributes(json, restructured)), ...restructured };
  });
  const shape = new Uint8Array(ds.objects.numRows());
  let polyDropped = 0,
    nulls = 0,
    asText = 0,
    invalid = 0,
    flattened = 0,
    shadowed = 0;

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
          byName.set(
            k,
            (st = { n: 0, bools: 0, nums: 0, min: Infinity, max: -Infinity, dec: 0, strs: listed ? new Set() : null }),
          );
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
  const head = [
    '<?xml version="1.0" encoding="utf-8"?>',
    "<annotations>",
    "  <version>1.1</version>",
    "  <meta>",
    "    <task>",
    `      <name>${e(ds.name)}</name>`,
    `      <size>${filepaths.length}</size>`,
    "      <mode>annotation</mode>",
    "      <labels>",
  ];
  names.forEach((name, idx) => {
    const p = prior.get(name);
    const specs: CvatAttributeSpec[] = [];
    for (const [k, st] of stats.get(name) ?? [])
      specs.push(
        specFor(
          k,
          st,
          p?.attributes.find((x) => x.name === k),
        ),
      );
    for (const spec of p?.attributes ?? [])
      if (!specs.some((x) => x.name === spec.name) && !CROWD_NAMES.has(spec.name)) specs.push(spec);
    if (crowdLabels.has(name))
      specs.push(
        p?.attributes.find((x) => x.name === "iscrowd") ?? {
          name: "iscrowd",
          mutable: "False",
          input_type: "checkbox",
          default_value: "false",
          values: "false",
        },
      );
    kinds.set(name, new Map(specs.map((sp) => [sp.name, kindOfSpec(sp.input_type)])));
    head.push(
      "        <label>",
      `          <name>${e(name)}</name>`,
      `          <color>${e(p?.color ?? colorFor(idx))}</color>`,
      ...(p?.type !== undefined ? [`          <type>${e(p.type)}</type>`] : []),
      "          <attributes>",
      ...specs.map((sp) =>
        [
          "            <attribute>",
          `              <name>${e(sp.name)}</name>`,
          `              <mutable>${e(sp.mutable ?? "False")}</mutable>`,
          `              <input_type>${e(sp.input_type)}</input_type>`,
          `              <default_value>${e(sp.default_value ?? "")}</default_value>`,
          `              <values>${e(sp.values ?? "")}</values>`,
          "            </attribute>",
        ].join("\n"),
      ),
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
      for (const [name, v] of attrsOf(o.attributes[i]!).children)
        if ((kindOfAttr?.get(name) ?? "text") === "text" && typeof v !== "string") asText++;
    }
  }
  for (let k = 0; k < filepaths.length; k++)
    invalid += invalidXmlChars(filepaths[k]) + (splits[k] === null ? 0 : invalidXmlChars(splits[k]!));

  // Only what this writer finds; `exportDataset` adds what the capabilities cannot hold.
  const lost: string[] = [];
  if (polyDropped) lost.push(polygonsDroppedLine(polyDropped, "cvat"));
  if (asText) lost.push(`${asText} attribute values that are not text, booleans or numbers (written as text)`);
  if (nulls) lost.push(`${nulls} empty (null) or reserved-name attribute values (cvat cannot hold them)`);
  if (flattened)
    lost.push(
      `${flattened} objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as ` +
        `attributes of their own (cvat has no nesting: they read back flat)`,
    );
  if (shadowed)
    lost.push(
      `${shadowed} nested attribute values named like an attribute of the object itself (cvat keeps the object's own)`,
    );
  if (invalid) lost.push(`${invalid} characters that XML cannot hold (control characters, written as U+FFFD)`);
  return { o, head: head.join("\n"), imageIds, shape, attrsOf, lost };
}

export async function writeCvat(ds: Dataset, file: string, options: WriteOptions): Promise<WriteReport> {
  const { o, head, imageIds, shape, attrsOf, lost } = plans.take(ds, file, options);
  const s = ds.samples;
  const sampleIds = values<string>(s, "id");
  const filepaths = values<string>(s, "filepath"),
    widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height");
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
      const poly =
        shape[i] === Shape.Polygon
          ? (writablePolygon(o.segmentation[i], o.x[i], o.y[i], o.w[i], o.h[i]) as number[])
          : null;
      const tag = poly ? "polygon" : "box";
      line = `    <${tag} label="${e(o.label[i])}" `;
      line += poly
        ? `points="${pointsText(poly)}"`
        : `xtl="${o.x[i]}" ytl="${o.y[i]}" xbr="${exactCorner(o.x[i], o.w[i])}" ybr="${exactCorner(o.y[i], o.h[i])}"`;
      const a = o.attributes[i] === null ? null : attrsOf(o.attributes[i]!);
      for (const [name, v] of a?.xml ?? []) line += ` ${name}="${e(v)}"`;
      line += ">\n";
      for (const [name, v] of a?.children ?? [])
        line += `      <attribute name="${e(name)}">${e(textValue(v))}</attribute>\n`;
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
