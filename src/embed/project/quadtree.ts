/**
 * The repulsive half of the t-SNE gradient by Barnes-Hut: a quadtree over the 2-D points, each
 * cell summarised by its centre of mass when it looks small from the point (width^2 / distance^2
 * < theta^2, as scikit-learn's quadtree), exact point by point in leaves.
 */

/** Points per leaf before it splits; the depth cap stops splitting coincident points. */
const LEAF_SIZE = 1;
const MAX_DEPTH = 40;

export class QuadTree {
  /** Per node: point count, centre of mass, squared cell width, leaf range in `order`, children range in `kids`. */
  private readonly count: number[] = [];
  private readonly comX: number[] = [];
  private readonly comY: number[] = [];
  private readonly width2: number[] = [];
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly kidStart: number[] = [];
  private readonly kidEnd: number[] = [];
  private readonly kids: number[] = [];
  private readonly order: Int32Array;
  private readonly stack: Int32Array;

  constructor(private readonly y: Float64Array) {
    const n = y.length / 2;
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, y[2 * i]); x1 = Math.max(x1, y[2 * i]);
      y0 = Math.min(y0, y[2 * i + 1]); y1 = Math.max(y1, y[2 * i + 1]);
    }
    const half = Math.max(x1 - x0, y1 - y0, 1e-12) / 2 * (1 + 1e-9);
    this.build(0, n, (x0 + x1) / 2, (y0 + y1) / 2, half, 0);
    this.stack = new Int32Array(4 * MAX_DEPTH + 8);
  }

  /**
   * For point i: adds sum over j != i of q_ij^2 (y_i - y_j) to force[2i..2i+1], with q = 1 / (1 + d^2),
   * and returns sum over j != i of q_ij (its share of the normalisation Z).
   */
  repulsion(i: number, theta2: number, force: Float64Array): number {
    const { y, stack } = this;
    const xi = y[2 * i], yi = y[2 * i + 1];
    let sumQ = 0, fx = 0, fy = 0, top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top];
      const dx = xi - this.comX[node], dy = yi - this.comY[node], d2 = dx * dx + dy * dy;
      const leaf = this.kidStart[node] === this.kidEnd[node];
      if (!leaf && this.width2[node] < theta2 * d2) {
        const q = 1 / (1 + d2), c = this.count[node];
        sumQ += c * q;
        fx += c * q * q * dx;
        fy += c * q * q * dy;
      } else if (leaf) {
        for (let p = this.start[node]; p < this.end[node]; p++) {
          const j = this.order[p];
          if (j === i) continue;
          const ex = xi - y[2 * j], ey = yi - y[2 * j + 1], q = 1 / (1 + ex * ex + ey * ey);
          sumQ += q;
          fx += q * q * ex;
          fy += q * q * ey;
        }
      } else {
        for (let k = this.kidStart[node]; k < this.kidEnd[node]; k++) stack[top++] = this.kids[k];
      }
    }
    force[2 * i] += fx;
    force[2 * i + 1] += fy;
    return sumQ;
  }

  /** Builds the node for order[from..to) in the square centred (cx, cy) with half-width `half`; returns its id. */
  private build(from: number, to: number, cx: number, cy: number, half: number, depth: number): number {
    const { y, order } = this;
    const id = this.count.length;
    let sx = 0, sy = 0;
    for (let p = from; p < to; p++) {
      sx += y[2 * order[p]];
      sy += y[2 * order[p] + 1];
    }
    this.count.push(to - from);
    this.comX.push(sx / (to - from));
    this.comY.push(sy / (to - from));
    this.width2.push(4 * half * half);
    this.start.push(from);
    this.end.push(to);
    this.kidStart.push(0);
    this.kidEnd.push(0);
    if (to - from <= LEAF_SIZE || depth >= MAX_DEPTH) return id;
    // Partition the range by quadrant (stable within each), then build the non-empty ones.
    const quadrant = (j: number) => (y[2 * j] >= cx ? 1 : 0) + (y[2 * j + 1] >= cy ? 2 : 0);
    const sizes = [0, 0, 0, 0];
    for (let p = from; p < to; p++) sizes[quadrant(order[p])]++;
    const slice = Array.from(order.subarray(from, to));
    const next = [from, from + sizes[0], from + sizes[0] + sizes[1], from + sizes[0] + sizes[1] + sizes[2]];
    const bounds = [...next, to];
    for (const j of slice) order[next[quadrant(j)]++] = j;
    const children: number[] = [];
    for (let q = 0; q < 4; q++) {
      if (bounds[q + 1] === bounds[q]) continue;
      children.push(this.build(bounds[q], bounds[q + 1], cx + (q & 1 ? half : -half) / 2, cy + (q & 2 ? half : -half) / 2, half / 2, depth + 1));
    }
    this.kidStart[id] = this.kids.length;
    this.kids.push(...children);
    this.kidEnd[id] = this.kids.length;
    return id;
  }
}
