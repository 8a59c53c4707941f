/**
 * A grouped grid (protocol `GridBundle.groupBy`): the kernel writes each group's rows next to
 * each other, largest group first. Runs of equal value in row order are the groups; whatever
 * the user sorts or filters, a group's rows stay together, in the kernel's group order.
 */
import type { SampleTable } from "./samples";

export interface Arranged {
  /** The rows to show, group after group; within a group in the order they came in. */
  view: Int32Array;
  /** Display index where each shown group starts. */
  starts: Int32Array;
  /** Group (index into the kernel's order) of each start. */
  groups: Int32Array;
}

export class Grouping {
  /** Group of each row (runs of equal value in row order). */
  readonly groupOf: Int32Array;
  /** Rows in each group. */
  readonly sizes: Int32Array;
  /** First row of each group. */
  readonly firstRow: Int32Array;

  constructor(
    table: SampleTable,
    readonly field: string,
  ) {
    const n = table.size;
    const same = sameAsPrevious(table, field);
    this.groupOf = new Int32Array(n);
    const firsts: number[] = [];
    let g = -1;
    for (let row = 0; row < n; row++) {
      if (row === 0 || !same(row)) {
        g++;
        firsts.push(row);
      }
      this.groupOf[row] = g;
    }
    this.firstRow = Int32Array.from(firsts);
    this.sizes = new Int32Array(firsts.length);
    for (let row = 0; row < n; row++) this.sizes[this.groupOf[row]]++;
  }

  get count(): number {
    return this.sizes.length;
  }

  /** The rows of `view` with each group's rows together (a stable counting sort by group: O(n)). */
  arrange(view: Int32Array): Arranged {
    const groups = this.count;
    const counts = new Int32Array(groups + 1);
    for (let i = 0; i < view.length; i++) counts[this.groupOf[view[i]] + 1]++;
    let shown = 0;
    for (let g = 0; g < groups; g++) if (counts[g + 1]) shown++;
    const starts = new Int32Array(shown);
    const ids = new Int32Array(shown);
    for (let g = 0, s = 0; g < groups; g++) {
      if (counts[g + 1]) {
        starts[s] = counts[g];
        ids[s++] = g;
      }
      counts[g + 1] += counts[g];
    }
    const out = new Int32Array(view.length);
    for (let i = 0; i < view.length; i++) out[counts[this.groupOf[view[i]]]++] = view[i];
    return { view: out, starts, groups: ids };
  }
}

/** Whether a row's value equals the previous row's. */
function sameAsPrevious(table: SampleTable, field: string): (row: number) => boolean {
  if (table.kind(field) === "number") {
    const v = table.numberColumn(field);
    return (row) => v[row] === v[row - 1] || (v[row] !== v[row] && v[row - 1] !== v[row - 1]);
  }
  const { codes } = table.codedColumn(field);
  return (row) => codes[row] === codes[row - 1];
}
