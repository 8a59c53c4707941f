import * as aq from "arquero";
import type { Problem } from "../errors";
import type { Category, FieldInfo } from "./schema";
import { Dataset } from "./dataset";
import { SAMPLE_CORE_COLUMNS } from "./schema";

/** Keys a labels file's free fields may not use as column names (arquero cannot hold `__proto__`). */
const RESERVED = new Set<string>([...SAMPLE_CORE_COLUMNS, "__proto__"]);

export interface SampleInit {
  id?: string;
  filepath: string;
  width?: number | null;
  height?: number | null;
  split?: string | null;
  tags?: string[];
  /** Free metadata and classification label columns. */
  fields?: Record<string, unknown>;
}

export interface ObjectInit {
  sampleId: string;
  field: string;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  confidence?: number | null;
  iscrowd?: boolean | number;
  area?: number | null;
  /** COCO segmentation value (polygons or RLE), stored as JSON text. */
  segmentation?: unknown;
  attributes?: Record<string, unknown> | null;
  sourceId?: string | number | null;
  tags?: string[];
}

/**
 * Grows column arrays row by row while a file is parsed, then hands them to arquero in one go.
 * Metadata columns appear when first seen; earlier rows get null.
 */
export class DatasetBuilder {
  /** Sample core columns as parsed so far. */
  readonly s = {
    id: [] as string[],
    filepath: [] as string[],
    width: [] as (number | null)[],
    height: [] as (number | null)[],
    split: [] as (string | null)[],
    tags: [] as string[][],
  };
  private readonly extra = new Map<string, unknown[]>();
  private readonly index = new Map<string, number>();
  /** Object columns as parsed so far (read by import checks). */
  readonly o = {
    sample_id: [] as string[],
    field: [] as string[],
    label: [] as string[],
    x: [] as number[],
    y: [] as number[],
    w: [] as number[],
    h: [] as number[],
    confidence: [] as (number | null)[],
    iscrowd: [] as number[],
    area: [] as (number | null)[],
    segmentation: [] as (string | null)[],
    attributes: [] as (string | null)[],
    source_id: [] as (string | null)[],
    tags: [] as string[][],
  };
  readonly problems: Problem[] = [];
  readonly fields = new Map<string, FieldInfo>();
  categories: Category[] = [];
  info: Record<string, unknown> = {};

  constructor(
    readonly name: string,
    readonly imagesDir: string | null,
  ) {}

  get sampleCount(): number {
    return this.s.id.length;
  }

  /**
   * Adds a sample and returns its id. Ids are unique: a second sample with the same id (two
   * annotation entries for one image file) gets `<id>#2`, `#3`, ... and a `duplicate-sample`
   * problem, so neither entry's labels are lost.
   */
  addSample(init: SampleInit): string {
    const wanted = init.id ?? init.filepath;
    let id = wanted;
    for (let n = 2; this.index.has(id); n++) id = `${wanted}#${n}`;
    if (id !== wanted) {
      this.addProblem({
        kind: "duplicate-sample",
        sampleId: id,
        file: init.filepath,
        message: `a second entry for ${JSON.stringify(wanted)}; kept as sample ${JSON.stringify(id)}`,
        hint: "merge the two entries in the labels file, or give the images different names",
      });
    }
    const row = this.s.id.length;
    this.index.set(id, row);
    this.s.id.push(id);
    this.s.filepath.push(init.filepath);
    this.s.width.push(init.width ?? null);
    this.s.height.push(init.height ?? null);
    this.s.split.push(init.split ?? null);
    this.s.tags.push(init.tags ?? []);
    if (init.fields) for (const [k, v] of Object.entries(init.fields)) this.setField(row, k, v);
    return id;
  }

  hasSample(id: string): boolean {
    return this.index.has(id);
  }

  /** Row of a sample id, or undefined. */
  rowOf(id: string): number | undefined {
    return this.index.get(id);
  }

  sampleWidth(row: number): number | null {
    return this.s.width[row];
  }

  sampleHeight(row: number): number | null {
    return this.s.height[row];
  }

  setSize(row: number, width: number, height: number): void {
    this.s.width[row] = width;
    this.s.height[row] = height;
  }

  /**
   * Sets a metadata or label column on one sample row. A key named like a core column (`id`,
   * `filepath`, `split`, ...) comes from a labels file's free fields and must not replace the
   * checked core value: it is kept as `<key>_field` instead.
   */
  setField(row: number, key: string, value: unknown): void {
    const name = RESERVED.has(key) ? `${key}_field` : key;
    let col = this.extra.get(name);
    if (!col) {
      col = new Array(this.s.id.length).fill(null);
      this.extra.set(name, col);
    }
    while (col.length < row) col.push(null);
    col[row] = value === undefined ? null : value;
  }

  addObject(init: ObjectInit): void {
    const o = this.o;
    o.sample_id.push(init.sampleId);
    o.field.push(init.field);
    o.label.push(init.label);
    o.x.push(init.x);
    o.y.push(init.y);
    o.w.push(init.w);
    o.h.push(init.h);
    o.confidence.push(init.confidence ?? null);
    o.iscrowd.push(init.iscrowd ? 1 : 0);
    o.area.push(init.area ?? null);
    o.segmentation.push(init.segmentation == null ? null : JSON.stringify(init.segmentation));
    o.attributes.push(init.attributes && Object.keys(init.attributes).length ? JSON.stringify(init.attributes) : null);
    o.source_id.push(init.sourceId == null ? null : String(init.sourceId));
    o.tags.push(init.tags ?? []);
  }

  /** Removes objects by their position in the order they were added. */
  dropObjects(rows: Set<number>): void {
    for (const col of Object.values(this.o) as unknown[][]) {
      let k = 0;
      for (let i = 0; i < col.length; i++) if (!rows.has(i)) col[k++] = col[i];
      col.length = k;
    }
  }

  declareField(info: FieldInfo): void {
    this.fields.set(info.name, info);
  }

  /** Records a problem; when it belongs to a sample, the sample's `problems` column names it. */
  addProblem(p: Problem): void {
    this.problems.push(p);
  }

  /** Adds a category by name if absent and returns it. */
  category(name: string): Category {
    let c = this.categories.find((k) => k.name === name);
    if (!c) {
      c = { id: this.categories.reduce((m, k) => Math.max(m, k.id), 0) + 1, name };
      this.categories.push(c);
    }
    return c;
  }

  build(): Dataset {
    const n = this.s.id.length;
    const problemsBySample = new Map<string, string[]>();
    for (const p of this.problems) {
      if (p.sampleId === undefined) continue;
      const list = problemsBySample.get(p.sampleId) ?? [];
      if (!list.includes(p.kind)) list.push(p.kind);
      problemsBySample.set(p.sampleId, list);
    }
    const samples: Record<string, unknown[] | ArrayLike<unknown>> = {
      ...this.s,
      problems: this.s.id.map((id) => problemsBySample.get(id) ?? []),
    };
    for (const [k, col] of this.extra) {
      while (col.length < n) col.push(null);
      samples[k] = col;
    }
    const m = this.o.sample_id.length;
    const objects = {
      id: Int32Array.from({ length: m }, (_, i) => i),
      sample_id: this.o.sample_id,
      field: this.o.field,
      label: this.o.label,
      x: Float64Array.from(this.o.x),
      y: Float64Array.from(this.o.y),
      w: Float64Array.from(this.o.w),
      h: Float64Array.from(this.o.h),
      confidence: this.o.confidence,
      iscrowd: Int8Array.from(this.o.iscrowd),
      area: this.o.area,
      segmentation: this.o.segmentation,
      attributes: this.o.attributes,
      source_id: this.o.source_id,
      tags: this.o.tags,
    };
    for (const label of new Set(this.o.label)) this.category(label);
    return new Dataset({
      name: this.name,
      samples: aq.table(samples),
      objects: aq.table(objects),
      categories: this.categories,
      fields: [...this.fields.values()],
      imagesDir: this.imagesDir,
      problems: this.problems,
      info: this.info,
    });
  }
}
