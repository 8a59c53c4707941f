/**
 * What every check of an audit needs, resolved once from the dataset and the options: the label and
 * prediction fields, the evaluation and its per-sample errors, the splits, and the metadata fields.
 */

import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { GROUND_TRUTH, type FieldInfo } from "../../dataset/schema";
import type { Embeddings } from "../../embed/embed";
import { BlindspotError } from "../../errors";
import { evaluateClassification, type ClassificationEvaluation } from "../../eval/classification";
import { evaluateDetections, type DetectionEvaluation } from "../../eval/detection";
import { errorsOf } from "../slices/errors";

export interface AuditOptions {
  /** Prediction field (default: the dataset's only prediction field; null: audit the data alone). */
  predictions?: string | null;
  /** Image embeddings (computeEmbeddings(ds)); without them the checks that need them are skipped. */
  embeddings?: Embeddings | null;
  /** Field naming each sample's split (default "split" when there is one; null: none). */
  split?: string | null;
  /** The training split's value (default "train"). */
  train?: string;
  /** A field whose groups (scene, recording, patient) must each stay in one split. */
  groups?: string;
  /** A field of capture times: drift month by month. */
  time?: string;
  /** Sensitive fields whose groups the model should serve equally (fairness). */
  sensitive?: string[];
  /** Metadata fields for coverage, slices and drift (default: text fields with 2 to 50 values). */
  fields?: string[];
  /** Score the images' quality (and find duplicates) when the dataset has no scores yet (default true). */
  images?: boolean;
  /** Bootstrap resamples of each effect's interval (default 200). */
  bootstrap?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export const AUDIT_DEFAULTS = { train: "train", bootstrap: 200, seed: 0 } as const;

/** Text fields with more values than this are names (a sequence, a file), not contexts. */
const MAX_CATEGORIES = 50;

export interface AuditContext {
  ds: Dataset;
  ids: string[];
  /** Sample id -> row. */
  rowOf: Map<string, number>;
  /** Ground-truth field and its kind, or null when the dataset has no labels. */
  labels: FieldInfo | null;
  predictions: FieldInfo | null;
  evaluation: DetectionEvaluation | ClassificationEvaluation | null;
  /** Per sample, the model's errors (false positives + false negatives, or not correct; NaN where not evaluated), and their source. */
  errors: { values: Float64Array; source: string } | null;
  embeddings: Embeddings | null;
  split: string | null;
  /** The split values, in order of first appearance. */
  splits: string[];
  train: string;
  groups: string | null;
  time: string | null;
  sensitive: string[];
  fields: string[];
  bootstrap: number;
  seed: number;
}

export function auditContext(ds: Dataset, options: AuditOptions): AuditContext {
  const o = { ...AUDIT_DEFAULTS, ...options };
  const columns = new Set(ds.samples.columnNames());
  const requireField = (field: string | undefined | null, option: string) => {
    if (field != null && !columns.has(field))
      throw new BlindspotError({
        place: `audit.${option}`,
        message: `no sample field "${field}"`,
        hint: `sample fields are: ${[...columns].join(", ")}`,
      });
  };
  requireField(options.split, "split");
  requireField(options.groups, "groups");
  requireField(options.time, "time");
  for (const f of options.sensitive ?? []) requireField(f, "sensitive");
  for (const f of options.fields ?? []) requireField(f, "fields");

  const labels = ds.fields.find((f) => f.name === GROUND_TRUTH) ?? onlyOne(ds.fields.filter((f) => !f.predicted));
  const predictions = predictionField(ds, options.predictions);
  const evaluation =
    labels && predictions
      ? predictions.kind === "detections"
        ? evaluateDetections(ds, predictions.name, { gt: labels.name })
        : evaluateClassification(ds, predictions.name, { gt: labels.name })
      : null;
  const errors = evaluation ? errorsOf(ds, evaluation, undefined, "audit", "keep") : null;
  const split = options.split === undefined ? (columns.has("split") ? "split" : null) : options.split;
  const splits = split ? [...new Set(values<unknown>(ds.samples, split))].filter((v) => v != null).map(String) : [];
  const derived = new Set([split, options.groups, options.time, "id", "filepath", "tags", "problems"]);
  const ids = Array.from(values<string>(ds.samples, "id"));
  return {
    ds,
    ids,
    rowOf: new Map(ids.map((id, r) => [id, r])),
    labels,
    predictions,
    evaluation,
    errors: errors && { values: errors.errors, source: errors.source },
    embeddings: options.embeddings ?? null,
    split,
    splits,
    train: o.train,
    groups: options.groups ?? null,
    time: options.time ?? null,
    sensitive: options.sensitive ?? [],
    fields: options.fields ?? metadataFields(ds, derived),
    bootstrap: o.bootstrap,
    seed: o.seed,
  };
}

function predictionField(ds: Dataset, asked: string | null | undefined): FieldInfo | null {
  if (asked === null) return null;
  if (asked === undefined) return onlyOne(ds.fields.filter((f) => f.predicted));
  const field = ds.fields.find((f) => f.name === asked && f.predicted);
  if (!field)
    throw new BlindspotError({
      place: "audit.predictions",
      message: `no prediction field "${asked}"`,
      hint: `prediction fields are: ${
        ds.fields
          .filter((f) => f.predicted)
          .map((f) => f.name)
          .join(", ") || "none (load predictions with importLabels)"
      }`,
    });
  return field;
}

const onlyOne = <T>(list: T[]): T | null => (list.length === 1 ? list[0] : null);

/**
 * Metadata fields: text columns with 2 to 50 values that no analysis wrote (quality scores and
 * flags, evaluation outcomes, label-issue and cluster fields all have a known prefix).
 */
function metadataFields(ds: Dataset, leaveOut: Set<string | null | undefined>): string[] {
  const labelFields = ds.fields.map((f) => f.name);
  const written = (c: string) =>
    /^(quality_|is_|eval_|label_|error_cluster|suggested_|embedding)/.test(c) ||
    labelFields.some((f) => c === f || c.startsWith(`${f}_`));
  return ds.samples.columnNames().filter((c) => {
    if (leaveOut.has(c) || written(c)) return false;
    const column = values<unknown>(ds.samples, c);
    const distinct = new Set<unknown>();
    for (let i = 0; i < column.length && distinct.size <= MAX_CATEGORIES; i++) {
      if (column[i] == null) continue;
      if (typeof column[i] !== "string") return false;
      distinct.add(column[i]);
    }
    return distinct.size >= 2 && distinct.size <= MAX_CATEGORIES;
  });
}

/**
 * Per sample, the labels it holds in the ground-truth field: its boxes' classes (detection) or
 * its class (classification); with `where`, the rows that also pass it.
 */
export function samplesWithClass(ctx: AuditContext, label: string, where?: (row: number) => boolean): string[] {
  const field = ctx.labels!.name;
  const keep = (r: number | undefined) => r !== undefined && (!where || where(r));
  if (ctx.labels!.kind === "classification") {
    const column = values<unknown>(ctx.ds.samples, field);
    return ctx.ids.filter((_, r) => column[r] === label && keep(r));
  }
  const sampleId = values<string>(ctx.ds.objects, "sample_id"),
    objectField = values<string>(ctx.ds.objects, "field"),
    objectLabel = values<string>(ctx.ds.objects, "label");
  const out = new Set<string>();
  for (let i = 0; i < sampleId.length; i++)
    if (objectField[i] === field && objectLabel[i] === label && keep(ctx.rowOf.get(sampleId[i]))) out.add(sampleId[i]);
  return ctx.ids.filter((id) => out.has(id));
}
