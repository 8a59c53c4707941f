import { MIX, PERIODS } from "./context";
import { CONTEXT_CLASS } from "./objects";
import { MODEL } from "./predictions";
import { CLASSES, type Box, type SamplePlan } from "./types";

/**
 * What was planted, written to `truth.json`. Object ids are the `id` column of the objects table:
 * rows are added sample by sample, each sample's `ground_truth` boxes first, then its `model` boxes.
 * `index` is the position among that sample's boxes of the same field.
 */
export interface ObjectRef {
  sampleId: string;
  objectId: number;
  index: number;
  label: string;
  box: Box;
}

export interface DemoTruth {
  format: "blindspot.demo-truth";
  version: 1;
  seed: number;
  samples: number;
  width: number;
  height: number;
  classes: string[];
  rareClass: { label: string; share: number; objects: ObjectRef[] };
  contextClass: { label: string; field: string; value: string; sampleIds: string[] };
  images: { dark: string[]; overexposed: string[]; blurred: string[]; lowInformation: string[] };
  duplicates: {
    exact: { sampleId: string; duplicateOf: string }[];
    near: { sampleId: string; duplicateOf: string; dx: number; dy: number; gain: number; quality: number }[];
  };
  labels: {
    mislabeled: (ObjectRef & { trueLabel: string })[];
    /** Drawn but absent from ground truth; `predictionId` is the model's box on it. */
    missing: { sampleId: string; label: string; box: Box; predictionId: number | null }[];
    loose: (ObjectRef & { trueBox: Box })[];
  };
  subgroup: {
    field: string;
    value: string;
    recall: { subgroup: number; others: number };
    jitter: { subgroup: number; others: number };
    /** Ground-truth objects of the subgroup's samples that the model has no box for. */
    missed: ObjectRef[];
  };
  drift: {
    field: "split";
    reference: string[];
    current: string;
    mix: typeof MIX;
    captureTime: typeof PERIODS;
  };
  /**
   * The planted group leak: every recording (`field`) stays in one split but this one, whose
   * samples span `splits`; `moved` are the samples given its name from the later split.
   */
  groupLeak: { field: "sequence"; value: string; splits: string[]; sampleIds: string[]; moved: string[] };
  overconfident: (ObjectRef & {
    kind: "false_positive" | "wrong_class";
    confidence: number;
    trueLabel: string | null;
  })[];
}

const box = (b: Box): Box => ({ x: b.x, y: b.y, w: b.w, h: b.h });

export function buildTruth(plans: SamplePlan[], o: { seed: number; width: number; height: number }): DemoTruth {
  const t: DemoTruth = {
    format: "blindspot.demo-truth",
    version: 1,
    seed: o.seed,
    samples: plans.length,
    width: o.width,
    height: o.height,
    classes: [...CLASSES],
    rareClass: { label: "dog", share: 0, objects: [] },
    contextClass: { label: CONTEXT_CLASS.label, field: CONTEXT_CLASS.field, value: CONTEXT_CLASS.value, sampleIds: [] },
    images: { dark: [], overexposed: [], blurred: [], lowInformation: [] },
    duplicates: { exact: [], near: [] },
    labels: { mislabeled: [], missing: [], loose: [] },
    subgroup: { ...MODEL.subgroup, recall: MODEL.recall, jitter: MODEL.jitter, missed: [] },
    drift: {
      field: "split",
      reference: ["train", "val", "test"],
      current: "production",
      mix: MIX,
      captureTime: PERIODS,
    },
    groupLeak: { field: "sequence", value: "", splits: [], sampleIds: [], moved: [] },
    overconfident: [],
  };
  const effects = {
    dark: t.images.dark,
    overexposed: t.images.overexposed,
    blurred: t.images.blurred,
    low_information: t.images.lowInformation,
  };
  let next = 0;
  let gtTotal = 0;
  for (const p of plans) {
    const gtBase = next;
    const predBase = next + p.gt.length;
    next = predBase + p.predictions.length;
    gtTotal += p.gt.length;
    const gtRef = (j: number): ObjectRef => ({
      sampleId: p.id,
      objectId: gtBase + j,
      index: j,
      label: p.gt[j].label,
      box: box(p.gt[j]),
    });
    if (p.effect) effects[p.effect].push(p.id);
    if (p.copyOf !== undefined) t.duplicates.exact.push({ sampleId: p.id, duplicateOf: plans[p.copyOf].id });
    if (p.nearOf) {
      const { index, dx, dy, gain } = p.nearOf;
      t.duplicates.near.push({ sampleId: p.id, duplicateOf: plans[index].id, dx, dy, gain, quality: p.quality });
    }
    if (p.gt.some((g) => g.label === CONTEXT_CLASS.label)) t.contextClass.sampleIds.push(p.id);
    p.gt.forEach((g, j) => {
      if (g.label === t.rareClass.label) t.rareClass.objects.push(gtRef(j));
      if (g.planted === "mislabeled") t.labels.mislabeled.push({ ...gtRef(j), trueLabel: p.objects[g.object].label });
      if (g.planted === "loose") t.labels.loose.push({ ...gtRef(j), trueBox: box(p.objects[g.object]) });
    });
    if (p.context[MODEL.subgroup.field] === MODEL.subgroup.value) {
      p.gt.forEach((g, j) => {
        if (!p.predictions.some((q) => q.object === g.object)) t.subgroup.missed.push(gtRef(j));
      });
    }
    p.objects.forEach((ob, i) => {
      if (!ob.unlabeled) return;
      const q = p.predictions.findIndex((pr) => pr.object === i);
      t.labels.missing.push({
        sampleId: p.id,
        label: ob.label,
        box: box(ob),
        predictionId: q < 0 ? null : predBase + q,
      });
    });
    p.predictions.forEach((q, j) => {
      if (!q.planted) return;
      t.overconfident.push({
        sampleId: p.id,
        objectId: predBase + j,
        index: j,
        label: q.label,
        box: box(q),
        kind: q.planted,
        confidence: q.confidence,
        trueLabel: q.object >= 0 ? p.objects[q.object].label : null,
      });
    });
  }
  const leak = plans.find((p) => p.sequenceLeak);
  if (leak) {
    const members = plans.filter((p) => p.sequence === leak.sequence);
    t.groupLeak.value = leak.sequence!;
    t.groupLeak.splits = [...new Set(members.map((p) => p.context.split))];
    t.groupLeak.sampleIds = members.map((p) => p.id);
    t.groupLeak.moved = members.filter((p) => p.sequenceLeak).map((p) => p.id);
  }
  t.rareClass.share = Math.round((t.rareClass.objects.length / Math.max(1, gtTotal)) * 1e4) / 1e4;
  return t;
}
