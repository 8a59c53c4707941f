import type { CvatAttributeSpec, CvatLabel } from "./schema";

/** The task, project or job the file was exported from. */
export interface CvatOwner {
  tag: string;
  id: string | null;
  name: string | null;
}

/**
 * The `<meta>` part of a CVAT file, read element by element:
 * `<meta><task|project|job>` (its id and name) `<labels><label>` (name, color, type, parent)
 * `<attributes><attribute>` (the label's attribute specs). `d` is an element's depth.
 */
export class CvatMeta {
  readonly labels: CvatLabel[] = [];
  /** Labels by name, known as soon as each closes (they type the images' attributes). */
  readonly labelByName = new Map<string, CvatLabel>();
  labelsSeen = false;
  owner: CvatOwner | null = null;
  private label: CvatLabel | null = null;
  private spec: CvatAttributeSpec | null = null;

  open(name: string, d: number, parent: string): void {
    if (d === 5 && name === "label" && parent === "labels") this.label = { name: "", attributes: [] };
    else if (d === 7 && name === "attribute" && parent === "attributes" && this.label) {
      this.spec = { name: "", input_type: "text" };
    } else if (d === 4 && name === "labels") this.labelsSeen = true;
  }

  close(name: string, text: string, d: number, parent: string): void {
    if (d === 3 && ["task", "project", "job"].includes(name)) this.owner ??= { tag: name, id: null, name: null };
    else if (d === 4 && ["task", "project", "job"].includes(parent) && (name === "name" || name === "id")) {
      this.owner ??= { tag: parent, id: null, name: null };
      if (this.owner.tag === parent) this.owner[name] = name === "id" ? text.trim() : text;
    } else if (d === 5 && name === "label" && this.label) this.closeLabel(this.label);
    else if (d === 6 && parent === "label" && this.label) labelKey(this.label, name, text);
    else if (d === 7 && name === "attribute" && this.label && this.spec) {
      this.label.attributes.push(this.spec);
      this.spec = null;
    } else if (d === 8 && parent === "attribute" && this.spec) specKey(this.spec, name, text);
  }

  private closeLabel(label: CvatLabel): void {
    // A skeleton's sub-labels (with a parent) are not classes.
    if (label.parent === undefined) {
      delete label.parent;
      this.labels.push(label);
      this.labelByName.set(label.name, label);
    }
    this.label = null;
  }
}

function labelKey(label: CvatLabel, name: string, text: string): void {
  if (name === "name") label.name = text;
  else if (name === "color") label.color = text;
  else if (name === "type") label.type = text;
  else if (name === "parent" && text.trim() !== "") label.parent = text;
}

function specKey(spec: CvatAttributeSpec, name: string, text: string): void {
  if (name === "name") spec.name = text;
  else if (name === "input_type") spec.input_type = text.trim();
  else if (name === "mutable" || name === "default_value" || name === "values") spec[name] = text;
}
