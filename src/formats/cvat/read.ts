import * as path from "node:path";
import { DatasetBuilder } from "../../dataset/builder";
import type { Dataset } from "../../dataset/dataset";
import { GROUND_TRUTH } from "../../dataset/schema";
import { fail } from "../../errors";
import { finiteNumber } from "../common/files";
import { finishImport } from "../common/finish";
import { dict, imagesDirFor } from "../common/labels";
import { decodeXml, scanXml } from "../common/xmlScan";
import type { ReadOptions } from "../format";
import { CvatMeta } from "./meta";
import { shapeObject, type PendingShape } from "./shape";

/** `<image>` attributes that are the sample's own columns, not metadata. */
const IMAGE_XML_ATTRS = new Set(["id", "name", "width", "height", "subset"]);

/** Reads a CVAT for images 1.1 file in one pass over its XML (see `index.ts` for what is read). */
export async function readCvat(file: string, options: ReadOptions): Promise<Dataset> {
  const reader = new CvatReader(file, options);
  scanXml(file, {
    open: (name, attrs, line, stack) => reader.open(name, attrs, line, stack),
    close: (name, text, stack) => reader.close(name, text, stack),
  });
  return finishImport(reader.finish(), file, options);
}

/** The reader's state between XML events: the `<meta>` labels, the open image and the open shape. */
class CvatReader {
  private readonly meta = new CvatMeta();
  private readonly field: string;
  private b: DatasetBuilder | null = null;
  private version: string | null = null;
  // The open image: its sample, name and place, its shapes so far, the shapes not loaded.
  private sampleId: string | null = null;
  private imageName = "";
  private imagePlace = "";
  private shapes = 0;
  private imageCount = 0;
  private unsupported = new Map<string, number>();
  private shape: PendingShape | null = null;
  private shapeAttr: string | null = null;
  // Per object, for the label check at the end: its line, its place among its image's shapes, its tag.
  private readonly objLine: number[] = [];
  private readonly objK: number[] = [];
  private readonly objTag: string[] = [];

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions,
  ) {
    this.field = options.field ?? GROUND_TRUTH;
  }

  open(name: string, attrs: Record<string, string>, line: number, stack: readonly string[]): void {
    const d = stack.length;
    if (d === 1) {
      const hint = "this is not a CVAT XML file; export the task from CVAT as 'CVAT for images 1.1'";
      const message = `the root element is <${name}>, not <annotations>`;
      if (name !== "annotations") fail(this.file, `line ${line}`, message, hint);
      return;
    }
    const parent = stack[d - 2];
    if (d === 2) {
      if (name === "track") {
        const message = "this is a CVAT for video file (tracks), not CVAT for images";
        fail(this.file, `line ${line}, <track>`, message, "export the task from CVAT as 'CVAT for images 1.1'");
      }
      if (name === "image") this.openImage(attrs, line);
    } else if (d === 3 && parent === "image") {
      if (name === "box" || name === "polygon") {
        this.shapes++;
        this.shape = { tag: name, attrs, line, children: [] };
      } else this.unsupported.set(name, (this.unsupported.get(name) ?? 0) + 1);
    } else if (d === 4 && this.shape && name === "attribute") {
      this.shapeAttr = attrs.name === undefined ? "" : decodeXml(attrs.name);
    } else if (stack[1] === "meta") this.meta.open(name, d, parent);
  }

  close(name: string, text: string, stack: readonly string[]): void {
    const d = stack.length;
    const parent = stack[d - 2];
    if (d === 2) {
      if (name === "version") this.version = text.trim();
      else if (name === "image") this.closeImage();
    } else if (d === 3 && this.shape && parent === "image") {
      this.addShape(this.shape);
      this.shape = null;
    } else if (d === 4 && this.shape && name === "attribute") {
      this.shape.children.push([this.shapeAttr ?? "", text]);
      this.shapeAttr = null;
    } else if (stack[1] === "meta") this.meta.close(name, text, d, parent);
  }

  /** The builder, made at the first image (or the end): the dataset is named after the task when the meta gives one. */
  private builder(): DatasetBuilder {
    if (!this.b) {
      const name = this.options.name ?? (this.meta.owner?.name || path.basename(this.file, path.extname(this.file)));
      this.b = new DatasetBuilder(name, imagesDirFor(this.options));
      this.b.declareField({ name: this.field, kind: "detections", predicted: false });
    }
    return this.b;
  }

  private openImage(attrs: Record<string, string>, line: number): void {
    const b = this.builder();
    const name = attrs.name === undefined ? undefined : decodeXml(attrs.name);
    const id = attrs.id === undefined ? undefined : decodeXml(attrs.id);
    this.imagePlace = `line ${line}, <image id="${id ?? ""}">`;
    if (!name) fail(this.file, this.imagePlace, "image has no name", 'every <image> needs name="file name"');
    const fields = dict();
    fields.source_id = intOrText(id ?? String(this.imageCount));
    for (const [key, v] of Object.entries(attrs)) if (!IMAGE_XML_ATTRS.has(key)) fields[key] = decodeXml(v);
    const subset = attrs.subset === undefined ? undefined : decodeXml(attrs.subset);
    this.sampleId = b.addSample({
      filepath: name,
      width: finiteNumber(attrs.width, true),
      height: finiteNumber(attrs.height, true),
      split: subset === undefined || subset === "" ? null : subset,
      fields,
    });
    this.imageName = name;
    this.imageCount++;
    this.shapes = 0;
    this.unsupported = new Map();
  }

  private closeImage(): void {
    if (this.unsupported.size > 0) {
      const what = [...this.unsupported].map(([t, n]) => `${n} <${t}>`).join(", ");
      this.builder().addProblem({
        kind: "unsupported-shape",
        sampleId: this.sampleId!,
        file: this.file,
        place: this.imagePlace,
        message: `${what} not loaded: blindspot reads boxes and polygons`,
        hint: "convert these shapes to boxes or polygons in CVAT if they are needed",
      });
    }
    this.sampleId = null;
  }

  private addShape(s: PendingShape): void {
    const b = this.builder();
    const place = `line ${s.line}, <${s.tag}> ${this.shapes} of image "${this.imageName}"`;
    const o = shapeObject(s, this.file, place, (name) => this.meta.labelByName.get(name));
    const rotation = o.attributes.rotation;
    if (s.tag === "box" && typeof rotation === "number" && rotation % 360 !== 0) {
      b.addProblem({
        kind: "rotated-box",
        sampleId: this.sampleId!,
        file: this.file,
        place,
        message: `box is rotated by ${rotation} degrees; it is kept unrotated (the rotation is in its attributes)`,
        hint: "blindspot boxes are axis-aligned; replace the rotated box with a polygon in CVAT for an exact shape",
      });
    }
    b.addObject({ sampleId: this.sampleId!, field: this.field, ...o });
    this.objLine.push(s.line);
    this.objK.push(this.shapes);
    this.objTag.push(s.tag);
  }

  /** The builder with the categories (the label list, in order) and the labels it lacks as problems. */
  finish(): DatasetBuilder {
    const b = this.builder();
    const { labels, owner, labelsSeen, labelByName } = this.meta;
    labels.forEach((l, i) => b.categories.push({ id: i + 1, name: l.name }));
    const exportedFrom = owner ? { [owner.tag]: { id: owner.id, name: owner.name } } : {};
    b.info = { cvat: { version: this.version, ...exportedFrom, labels } };
    if (!labelsSeen) {
      b.addProblem({
        kind: "unknown-category",
        file: this.file,
        place: "<meta>",
        message:
          "the file has no label list (<meta><task><labels>); " +
          "classes are taken from the shapes in the order they appear",
        hint: "export the annotations from CVAT with their meta data (CVAT for images 1.1)",
      });
      return b;
    }
    const o = b.o;
    for (let i = 0; i < o.label.length; i++) {
      if (labelByName.has(o.label[i])) continue;
      const image = b.s.filepath[b.rowOf(o.sample_id[i])!];
      b.addProblem({
        kind: "unknown-category",
        sampleId: o.sample_id[i],
        file: this.file,
        place: `line ${this.objLine[i]}, <${this.objTag[i]}> ${this.objK[i]} of image "${image}"`,
        message:
          `label ${JSON.stringify(o.label[i])} is not in the label list of <meta>; ` +
          "the object is kept with this label",
        hint: "add the label to the task's labels in CVAT, or fix the label name",
      });
    }
    return b;
  }
}

function intOrText(v: string): number | string {
  return /^-?\d+$/.test(v.trim()) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
}
