/**
 * A second opinion on a confident error from the pixels: which labelled objects (or images) it
 * looks like. A confident prediction that disagrees with the labels is either the model's error or
 * a label's (a missing, wrong or loose box); the outcomes alone cannot tell the two apart, since
 * both are a false positive beside a false negative. Its embedding can: when its nearest trusted
 * examples (labels the model also got right, from other images) carry the predicted class, the
 * region looks like what the model said and the label is suspect; when they carry another class,
 * or look like background, the model is wrong.
 */

export interface Bank {
  /** Unit rows, [n, dim]. */
  vectors: Float32Array;
  label: string[];
  /** Sample row of each example: a query is never compared with examples of its own image. */
  sampleRow: Int32Array;
}

export interface Queries extends Bank {
  dim: number;
}

export interface Opinion {
  /** The class whose k nearest examples are closest on average (null: the bank is empty). */
  looksLike: (string | null)[];
  /** Mean similarity to the predicted class's k nearest examples minus the best other class's (-1 to 1). */
  margin: Float64Array;
}

export function secondOpinion(queries: Queries, bank: Bank, k: number): Opinion {
  const { dim } = queries;
  const classes = [...new Set(bank.label)];
  const code = Int32Array.from(bank.label, (l) => classes.indexOf(l));
  const C = classes.length;
  const nq = queries.label.length,
    nb = bank.label.length;
  const looksLike: (string | null)[] = new Array(nq).fill(null);
  const margin = new Float64Array(nq).fill(NaN);
  // Per class, the k best similarities so far (kept sorted, descending; -Infinity where unfilled).
  const best = new Float64Array(C * k);
  for (let q = 0; q < nq; q++) {
    best.fill(-Infinity);
    const qo = q * dim;
    for (let b = 0; b < nb; b++) {
      if (bank.sampleRow[b] === queries.sampleRow[q]) continue;
      const bo = b * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += queries.vectors[qo + d] * bank.vectors[bo + d];
      const base = code[b] * k;
      if (s <= best[base + k - 1]) continue;
      let j = k - 1;
      while (j > 0 && best[base + j - 1] < s) {
        best[base + j] = best[base + j - 1];
        j--;
      }
      best[base + j] = s;
    }
    const mean = new Float64Array(C).fill(-Infinity);
    for (let c = 0; c < C; c++) {
      let sum = 0,
        n = 0;
      for (let j = 0; j < k; j++)
        if (best[c * k + j] > -Infinity) {
          sum += best[c * k + j];
          n++;
        }
      if (n) mean[c] = sum / n;
    }
    let top = -1;
    for (let c = 0; c < C; c++) if (mean[c] > -Infinity && (top < 0 || mean[c] > mean[top])) top = c;
    if (top < 0) continue;
    looksLike[q] = classes[top];
    const own = classes.indexOf(queries.label[q]);
    let other = -Infinity;
    for (let c = 0; c < C; c++) if (c !== own) other = Math.max(other, mean[c]);
    const ownMean = own >= 0 && mean[own] > -Infinity ? mean[own] : -1;
    margin[q] = ownMean - (other > -Infinity ? other : -1);
  }
  return { looksLike, margin };
}
