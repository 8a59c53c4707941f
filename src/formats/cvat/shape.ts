import { fail } from "../../errors";
import { finiteNumber } from "../common/files";
import { dict } from "../common/labels";
import { cornerSize, extent } from "../common/shapes";
import { decodeXml } from "../common/xmlScan";
import { CROWD_NAMES, GEOMETRY_ATTRS, type CvatLabel } from "./schema";

/** A `<box>` or `<polygon>` of an image, collected until it closes. */
export interface PendingShape {
  tag: "box" | "polygon";
  attrs: Record<string, string>;
  line: number;
  /** Its `<attribute name=...>` children, as [name, text]. */
  children: [string, string][];
}

/** A shape as an object: its box, polygon, crowd flag and attributes. */
export interface CvatObject {
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  segmentation: number[][] | null;
  iscrowd: boolean;
  attributes: Record<string, unknown>;
}

/**
 * The object of a shape: `place` names it in errors, `labelOf` gives the label's attribute
 * specs (which type the `<attribute>` children).
 */
export function shapeObject(
  s: PendingShape,
  file: string,
  place: string,
  labelOf: (name: string) => CvatLabel | undefined,
): CvatObject {
  const label = xmlAttr(s, "label");
  if (label === undefined) fail(file, place, `<${s.tag}> has no label`, `give the ${s.tag} a label="class name"`);
  const { attributes, iscrowd } = shapeAttributes(s, labelOf(label));
  if (s.tag === "polygon") {
    const flat = parsePoints(xmlAttr(s, "points"), file, place);
    const [x, y, w, h] = extent(flat);
    return { label, x, y, w, h, segmentation: [flat], iscrowd, attributes };
  }
  const [xtl, ytl, xbr, ybr] = (["xtl", "ytl", "xbr", "ybr"] as const).map((c) => {
    const v = xmlAttr(s, c);
    const n = finiteNumber(v);
    const what = v === undefined ? "missing" : `not a number: ${JSON.stringify(v)}`;
    if (n === null) fail(file, place, `${c} is ${what}`, "a box needs numeric xtl, ytl, xbr, ybr (corners in pixels)");
    return n;
  });
  const [w, h] = [cornerSize(xtl, xbr), cornerSize(ytl, ybr)];
  return { label, x: xtl, y: ytl, w, h, segmentation: null, iscrowd, attributes };
}

function xmlAttr(s: PendingShape, name: string): string | undefined {
  return s.attrs[name] === undefined ? undefined : decodeXml(s.attrs[name]);
}

/**
 * A shape's attributes: XML attributes (occluded a boolean; z_order, group_id, rotation
 * numbers; the rest text) and `<attribute>` children typed by the label's spec. `iscrowd`
 * (or `is_crowd`) is the crowd flag, not an attribute.
 */
function shapeAttributes(
  s: PendingShape,
  label: CvatLabel | undefined,
): { attributes: Record<string, unknown>; iscrowd: boolean } {
  const attributes = dict();
  let iscrowd = false;
  for (const [key, raw] of Object.entries(s.attrs)) {
    if (GEOMETRY_ATTRS.has(key)) continue;
    const v = decodeXml(raw);
    if (key === "occluded") attributes[key] = v === "1" || v.toLowerCase() === "true";
    else if (key === "z_order" || key === "group_id" || key === "rotation") attributes[key] = finiteNumber(v) ?? v;
    else attributes[key] = v;
  }
  for (const [name, v] of s.children) {
    if (CROWD_NAMES.has(name)) iscrowd = ["true", "1", "yes"].includes(v.trim().toLowerCase());
    else attributes[name] = typedValue(v, label?.attributes.find((x) => x.name === name)?.input_type);
  }
  return { attributes, iscrowd };
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
  if (raw === undefined || raw.trim() === "") {
    fail(file, place, "polygon has no points", 'a polygon needs points="x1,y1;x2,y2;..."');
  }
  const flat: number[] = [];
  for (const pair of raw.split(";")) {
    if (pair.trim() === "") continue;
    const xy = pair.split(",");
    const nx = finiteNumber(xy[0]),
      ny = finiteNumber(xy[1]);
    if (xy.length !== 2 || nx === null || ny === null) {
      fail(file, place, `bad point ${JSON.stringify(pair)} in points`, 'points are "x1,y1;x2,y2;..." with numbers');
    }
    flat.push(nx, ny);
  }
  return flat;
}
