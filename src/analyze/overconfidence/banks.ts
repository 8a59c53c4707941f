/**
 * The second opinion's inputs, gathered from an evaluation: the confident errors' crops (or
 * images) and a bank of trusted examples to hold them against (see secondOpinion.ts).
 */

import { values } from "../../dataset/columns";
import { mulberry32 } from "../../dataset/view";
import { computeEmbeddings, type Embeddings } from "../../embed/embed";
import { BlindspotError } from "../../errors";
import type { DetectionEvaluation } from "../../eval/detection";
import type { OverconfidenceOptions } from "./index";
import { sampleRows, type ScoredRows } from "./rows";
import { secondOpinion, type Bank, type Opinion } from "./secondOpinion";

/** Up to `perClass` of the given rows per label, a seeded sample. */
function sampleByLabel(rows: number[], label: (r: number) => string, perClass: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const byLabel = new Map<string, number[]>();
  for (const r of rows) byLabel.set(label(r), [...(byLabel.get(label(r)) ?? []), r]);
  return [...byLabel.values()].flatMap((list) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list.slice(0, perClass);
  });
}

const BACKGROUND = "(background)";

/**
 * Detection: the confident errors' crops against a bank of trusted crops: true boxes the detector
 * found (their label confirmed twice) and, as "(background)", predictions on nothing that the
 * detector itself scored low.
 */
export async function cropOpinion(
  ev: DetectionEvaluation,
  rows: ScoredRows,
  confident: number[],
  options: OverconfidenceOptions,
): Promise<Opinion | null> {
  if (!confident.length) return null;
  const ds = ev.dataset;
  const o = ds.objects;
  const perClass = options.bankPerClass ?? 100,
    seed = options.seed ?? 0;
  const field = values<string>(o, "field"),
    outcome = values<string | null>(o, ev.key),
    label = values<string>(o, "label"),
    oid = values<number>(o, "id"),
    sid = values<string>(o, "sample_id");
  const found: number[] = [];
  for (let r = 0; r < o.numRows(); r++) if (field[r] === ev.gt && outcome[r] === "tp") found.push(r);
  const truthBank = sampleByLabel(found, (r) => label[r], perClass, seed).map((r) => oid[r]);
  const doubted: number[] = [];
  rows.error.forEach((e, i) => e === "background" && rows.score[i] < 0.5 && doubted.push(i));
  const backgroundBank = sampleByLabel(doubted, () => BACKGROUND, perClass, seed).map((i) => rows.ids[i] as number);
  const queryIds = confident.map((i) => rows.ids[i] as number);
  const total = truthBank.length + backgroundBank.length + queryIds.length;
  const progress = (before: number) => (done: number) => options.onProgress?.(before + done, total);
  const truthCrops = await computeEmbeddings(ds, {
    ...options.embed,
    crops: { field: ev.gt, ids: truthBank },
    onProgress: progress(0),
  });
  const predictionCrops = await computeEmbeddings(ds, {
    ...options.embed,
    crops: { field: ev.field, ids: [...backgroundBank, ...queryIds] },
    onProgress: progress(truthBank.length),
  });
  const dim = truthCrops.dim;
  const rowOfObject = new Map(Array.from(oid, (id, r) => [id, r]));
  const sampleRowOf = sampleRows(ds);
  const vectors: Float32Array[] = [];
  const bankLabel: string[] = [];
  const sampleRowList: number[] = [];
  const background = new Set(backgroundBank);
  const add = (e: Embeddings, keep: (id: number) => boolean) =>
    (e.ids as number[]).forEach((id, r) => {
      if (!keep(id)) return;
      const row = rowOfObject.get(id)!;
      vectors.push(e.vectors.subarray(r * dim, (r + 1) * dim));
      bankLabel.push(background.has(id) ? BACKGROUND : label[row]);
      sampleRowList.push(sampleRowOf.get(sid[row])!);
    });
  add(truthCrops, () => true);
  add(predictionCrops, (id) => background.has(id));
  const bank: Bank = { vectors: concat(vectors, dim), label: bankLabel, sampleRow: Int32Array.from(sampleRowList) };
  const queryRow = new Map((predictionCrops.ids as number[]).map((id, r) => [id, r]));
  const have = queryIds.map((id) => queryRow.has(id));
  const opinion = secondOpinion(
    {
      dim,
      vectors: concat(
        queryIds
          .filter((_, q) => have[q])
          .map((id) => predictionCrops.vectors.subarray(queryRow.get(id)! * dim, (queryRow.get(id)! + 1) * dim)),
        dim,
      ),
      label: confident.filter((_, q) => have[q]).map((i) => rows.label[i]),
      sampleRow: Int32Array.from(
        confident.filter((_, q) => have[q]),
        (i) => rows.sampleRow[i],
      ),
    },
    bank,
    options.k ?? 5,
  );
  return spread(opinion, have);
}

/** Classification: the confident errors' images against correctly predicted images, labelled by their truth. */
export function imageOpinion(
  rows: ScoredRows,
  confident: number[],
  embeddings: Embeddings,
  options: OverconfidenceOptions,
): Opinion | null {
  if (!confident.length) return null;
  const { dim } = embeddings;
  const rowOf = new Map((embeddings.ids as string[]).map((id, r) => [id, r]));
  const vector = (i: number) => {
    const r = rowOf.get(rows.ids[i] as string);
    if (r === undefined)
      throw new BlindspotError({
        place: "overconfidence: secondOpinion",
        message: `sample ${rows.ids[i]} has no embedding`,
        hint: "pass the embeddings computeEmbeddings(ds) returned for this dataset",
      });
    return embeddings.vectors.subarray(r * dim, (r + 1) * dim);
  };
  const trusted: number[] = [];
  rows.right.forEach((ok, i) => ok && rowOf.has(rows.ids[i] as string) && trusted.push(i));
  const bank = sampleByLabel(trusted, (i) => rows.truth[i]!, options.bankPerClass ?? 100, options.seed ?? 0);
  return secondOpinion(
    {
      dim,
      vectors: concat(confident.map(vector), dim),
      label: confident.map((i) => rows.label[i]),
      sampleRow: Int32Array.from(confident, (i) => rows.sampleRow[i]),
    },
    {
      vectors: concat(bank.map(vector), dim),
      label: bank.map((i) => rows.truth[i]!),
      sampleRow: Int32Array.from(bank, (i) => rows.sampleRow[i]),
    },
    options.k ?? 5,
  );
}

function concat(parts: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(parts.length * dim);
  parts.forEach((p, i) => out.set(p, i * dim));
  return out;
}

/** An opinion on the queries that have crops, spread back over all of them (none where a crop failed). */
function spread(opinion: Opinion, have: boolean[]): Opinion {
  const looksLike: (string | null)[] = [];
  const margin = new Float64Array(have.length).fill(NaN);
  let k = 0;
  have.forEach((h, q) => {
    looksLike.push(h ? opinion.looksLike[k] : null);
    if (h) margin[q] = opinion.margin[k++];
  });
  return { looksLike, margin };
}
