/* What the CVAT reader and writer share: the label list's shape, and names CVAT gives meaning. */

/** Shape attributes that are geometry or the label, not object attributes. */
export const GEOMETRY_ATTRS = new Set(["label", "xtl", "ytl", "xbr", "ybr", "points"]);
/** Attributes that are the crowd flag (CVAT's own name, and Datumaro's). */
export const CROWD_NAMES = new Set(["iscrowd", "is_crowd"]);

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
