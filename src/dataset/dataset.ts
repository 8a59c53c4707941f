import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BlindspotError, type Problem } from "../errors";
import { resolveImagePath } from "../io/paths";
import { SAMPLE_CORE_COLUMNS, type Category, type FieldInfo } from "./schema";
import { View, type CountOptions, type Expr } from "./view";
import { values } from "./columns";
import { withSampleFields } from "./fields";
import { PatchesView, type PatchesOptions } from "./patches";

export interface DatasetInit {
  name: string;
  samples: ColumnTable;
  objects: ColumnTable;
  categories: Category[];
  fields: FieldInfo[];
  imagesDir: string | null;
  problems: Problem[];
  info?: Record<string, unknown>;
}

/** What `tag` and friends accept as a set of samples. */
export type SampleSelection = View | Iterable<string>;

/** What one `tag` or `untag` call changed. */
export interface TagChange {
  tag: string;
  action: "add" | "remove";
  /** Samples whose tags changed. */
  ids: string[];
}

/**
 * A dataset: a samples table and an objects table (see `schema.ts`), its categories,
 * label fields, the folder its images are in, and the problems found while loading it.
 * Every view method of `View` is available here too, starting from all samples.
 */
export class Dataset {
  name: string;
  samples: ColumnTable;
  objects: ColumnTable;
  categories: Category[];
  fields: FieldInfo[];
  imagesDir: string | null;
  problems: Problem[];
  info: Record<string, unknown>;
  private readonly tagListeners = new Set<(change: TagChange) => void>();

  constructor(init: DatasetInit) {
    this.name = init.name;
    this.samples = init.samples;
    this.objects = init.objects;
    this.categories = init.categories;
    this.fields = init.fields;
    this.imagesDir = init.imagesDir;
    this.problems = init.problems;
    this.info = init.info ?? {};
  }

  /** All samples, as a view to refine. */
  view(): View {
    return new View(this);
  }

  filter(expr: Expr): View {
    return this.view().filter(expr);
  }
  where(field: string, value: unknown): View {
    return this.view().where(field, value);
  }
  tagged(tag: string): View {
    return this.view().tagged(tag);
  }
  ids(ids: Iterable<string>): View {
    return this.view().ids(ids);
  }
  sort(field: string, options?: { descending?: boolean }): View {
    return this.view().sort(field, options);
  }
  skip(n: number): View {
    return this.view().skip(n);
  }
  limit(n: number): View {
    return this.view().limit(n);
  }
  take(n: number, seed?: number): View {
    return this.view().take(n, seed);
  }
  select(...fields: string[]): View {
    return this.view().select(...fields);
  }
  matchObjects(expr: Expr, options?: { field?: string }): View {
    return this.view().matchObjects(expr, options);
  }
  filterObjects(expr: Expr, options?: { field?: string }): View {
    return this.view().filterObjects(expr, options);
  }
  count(): number {
    return this.samples.numRows();
  }
  /** One row per box of a label field, filtered and sorted (see PatchesView). */
  patches(field: string, options?: PatchesOptions): PatchesView {
    return new PatchesView(this, field, options);
  }
  countBy(field: string, options?: CountOptions): Record<string, number> {
    return this.view().countBy(field, options);
  }
  distinct(field: string, options?: CountOptions): unknown[] {
    return this.view().distinct(field, options);
  }

  /**
   * Adds the columns of `table` as sample fields, matched by sample id (column `on`, default
   * "id"); samples without a row get null. Replaces existing metadata columns of the same name.
   */
  setFields(table: ColumnTable, options: { on?: string } = {}): this {
    this.samples = withSampleFields(this.samples, this.fields, table, options.on ?? "id");
    return this;
  }

  /**
   * Declares a sample column of class names (a scene type, a time of day) a classification label
   * field, so that the label analyses (crossValProbs, labelIssues, classWeights, ...) take it as
   * `labelField`. Its values stay where they are; null means no label.
   */
  asLabels(column: string): this {
    if (!this.samples.columnNames().includes(column) || (SAMPLE_CORE_COLUMNS as readonly string[]).includes(column)) {
      throw new BlindspotError({
        place: `asLabels: ${column}`,
        message: `no sample column ${JSON.stringify(column)} to take labels from`,
        hint: 'name a metadata column of class names, e.g. ds.asLabels("scene")',
      });
    }
    if (this.fields.some((f) => f.name === column)) return this;
    const bad = Array.from(values<unknown>(this.samples, column)).find(
      (v) => v !== null && v !== undefined && typeof v !== "string",
    );
    if (bad !== undefined) {
      throw new BlindspotError({
        place: `asLabels: ${column}`,
        message: `the column holds ${JSON.stringify(bad)}, not a class name`,
        hint: "labels are texts: derive a text column first (e.g. with arquero's derive)",
      });
    }
    this.fields.push({ name: column, kind: "classification", predicted: false });
    return this;
  }

  /** Number of objects, optionally of one label field. */
  objectCount(field?: string): number {
    if (field === undefined) return this.objects.numRows();
    return this.objects.filter(aq.escape((d: { field: string }) => d.field === field)).numRows();
  }

  /** Adds a tag to samples; returns how many samples newly got it. */
  tag(selection: SampleSelection, tag: string): number {
    return this.editTags(selection, { tag, action: "add" }, (tags) => (tags.includes(tag) ? null : [...tags, tag]));
  }

  /** Removes a tag from samples; returns how many samples lost it. */
  untag(selection: SampleSelection, tag: string): number {
    return this.editTags(selection, { tag, action: "remove" }, (tags) =>
      tags.includes(tag) ? tags.filter((t) => t !== tag) : null,
    );
  }

  /** Calls `listener` after every `tag` / `untag` that changed something; returns a function that stops it. */
  onTagChange(listener: (change: TagChange) => void): () => void {
    this.tagListeners.add(listener);
    return () => this.tagListeners.delete(listener);
  }

  /** Adds a tag to objects by their ids. */
  tagObjects(objectIds: Iterable<number>, tag: string): number {
    const wanted = new Set(objectIds);
    const ids = this.objects.array("id") as ArrayLike<number>;
    const old = this.objects.array("tags") as ArrayLike<string[]>;
    let changed = 0;
    const tags = Array.from(old, (t, i) => {
      if (!wanted.has(ids[i]) || t.includes(tag)) return t;
      changed++;
      return [...t, tag];
    });
    this.objects = this.objects.assign(aq.table({ tags }));
    return changed;
  }

  private editTags(
    selection: SampleSelection,
    what: Omit<TagChange, "ids">,
    edit: (tags: string[]) => string[] | null,
  ): number {
    const wanted = new Set<string>(selection instanceof View ? values<string>(selection.samples(), "id") : selection);
    const ids = this.samples.array("id") as ArrayLike<string>;
    const old = this.samples.array("tags") as ArrayLike<string[]>;
    const changed: string[] = [];
    const tags = Array.from(old, (t, i) => {
      if (!wanted.has(ids[i])) return t;
      const next = edit(t ?? []);
      if (next === null) return t;
      changed.push(ids[i]);
      return next;
    });
    this.samples = this.samples.assign(aq.table({ tags }));
    if (changed.length) for (const listener of this.tagListeners) listener({ ...what, ids: changed });
    return changed.length;
  }

  /**
   * Absolute path of a sample's image, refusing paths that leave the images folder. Throws a
   * BlindspotError when the path escapes or the dataset has no images folder.
   */
  imagePath(filepath: string): string {
    if (this.imagesDir === null) {
      throw new BlindspotError({
        file: filepath,
        message: "the dataset has no images folder, so its images cannot be read",
        hint: "load the labels with --images (the folder the image paths are relative to)",
      });
    }
    return resolveImagePath(this.imagesDir, filepath);
  }

  /** Records problems, and names their kinds in the `problems` column of their samples. */
  addProblems(problems: Problem[]): void {
    if (!problems.length) return;
    this.problems = [...this.problems, ...problems];
    const kinds = new Map<string, Set<string>>();
    for (const p of problems) {
      if (p.sampleId === undefined) continue;
      const set = kinds.get(p.sampleId) ?? new Set<string>();
      set.add(p.kind);
      kinds.set(p.sampleId, set);
    }
    if (!kinds.size) return;
    const ids = values<string>(this.samples, "id");
    const old = values<string[] | null>(this.samples, "problems");
    const column = Array.from(old, (list, i) => {
      const add = kinds.get(ids[i]);
      return add ? [...new Set([...(list ?? []), ...add])] : (list ?? []);
    });
    this.samples = this.samples.assign(aq.table({ problems: column }));
  }

  /** Label fields of a kind. */
  fieldsOf(kind: FieldInfo["kind"]): FieldInfo[] {
    return this.fields.filter((f) => f.kind === kind);
  }
}
