/**
 * Labels of each unit (a sample, or a group kept together) as a sparse table: for unit u, entries
 * start[u] .. start[u+1]-1 name a label and how many of the unit's samples have it.
 */
export interface UnitLabels {
  start: Int32Array;
  label: Int32Array;
  count: Int32Array;
  /** Samples per unit. */
  size: Int32Array;
  nLabels: number;
  /** Samples per label over all units. */
  totals: Float64Array;
}

/**
 * Builds the table from each sample's labels (`labelStart`/`labels`: sample i has labels
 * labelStart[i] .. labelStart[i+1]-1, each once) and its unit.
 */
export function unitLabels(
  unit: Int32Array,
  nUnits: number,
  labelStart: Int32Array,
  labels: Int32Array,
  nLabels: number,
): UnitLabels {
  const size = new Int32Array(nUnits);
  for (let i = 0; i < unit.length; i++) size[unit[i]]++;
  // Samples of each unit, contiguous.
  const first = new Int32Array(nUnits + 1);
  for (let u = 0; u < nUnits; u++) first[u + 1] = first[u] + size[u];
  const fill = first.slice(0, nUnits);
  const members = new Int32Array(unit.length);
  for (let i = 0; i < unit.length; i++) members[fill[unit[i]]++] = i;

  const totals = new Float64Array(nLabels);
  const seen = new Int32Array(nLabels).fill(-1);
  const slot = new Int32Array(nLabels);
  const start = new Int32Array(nUnits + 1);
  const label: number[] = [];
  const count: number[] = [];
  for (let u = 0; u < nUnits; u++) {
    for (let m = first[u]; m < first[u + 1]; m++) {
      const i = members[m];
      for (let j = labelStart[i]; j < labelStart[i + 1]; j++) {
        const l = labels[j];
        totals[l]++;
        if (seen[l] !== u) {
          seen[l] = u;
          slot[l] = label.length;
          label.push(l);
          count.push(0);
        }
        count[slot[l]]++;
      }
    }
    start[u + 1] = label.length;
  }
  return { start, label: Int32Array.from(label), count: Int32Array.from(count), size, nLabels, totals };
}
