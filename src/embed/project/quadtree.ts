/**
 * The repulsive half of the t-SNE gradient by Barnes-Hut: a quadtree over the 2-D points, each
 * cell summarised by its centre of mass when it looks small from the point (width^2 / distance^2
 * < theta^2, as scikit-learn's quadtree), exact point by point in leaves.
 */

/** Points per leaf before it splits; the depth cap stops splitting coincident points. */
const LEAF_SIZE = 1;
const MAX_DEPTH = 40;
/** Marks a leaf in its first child slot. */
const LEAF = -2;

export class QuadTree {
  /**
   * Per node: point count, centre of mass, squared cell width, its points' range in `order`, 4 child slots (-1: none,
   * LEAF).
   */
  private count: Int32Array;
  private comX: Float64Array;
  private comY: Float64Array;
  private width2: Float64Array;
  private start: Int32Array;
  private end: Int32Array;
  private child: Int32Array;
  private nodes = 0;
  private readonly order: Int32Array;
  /** Partition scratch, and the traversal stack. */
  private readonly scratch: Int32Array;
  private readonly stack: Int32Array;

  constructor(private readonly y: Float64Array) {
    const n = y.length / 2;
    const capacity = 2 * n + 16;
    this.count = new Int32Array(capacity);
    this.comX = new Float64Array(capacity);
    this.comY = new Float64Array(capacity);
    this.width2 = new Float64Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.child = new Int32Array(4 * capacity);
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.scratch = new Int32Array(n);
    this.stack = new Int32Array(3 * MAX_DEPTH + 8);
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, y[2 * i]);
      x1 = Math.max(x1, y[2 * i]);
      y0 = Math.min(y0, y[2 * i + 1]);
      y1 = Math.max(y1, y[2 * i + 1]);
    }
    const half = (Math.max(x1 - x0, y1 - y0, 1e-12) / 2) * (1 + 1e-9);
    this.build(0, n, (x0 + x1) / 2, (y0 + y1) / 2, half, 0);
  }

  /**
   * For point i: adds sum over j != i of q_ij^2 (y_i - y_j) to force[2i..2i+1], with q = 1 / (1 + d^2),
   * and returns sum over j != i of q_ij (its share of the normalisation Z).
   */
  repulsion(i: number, theta2: number, force: Float64Array): number {
    const { y, stack, child, order } = this;
    const xi = y[2 * i],
      yi = y[2 * i + 1];
    let sumQ = 0,
      fx = 0,
      fy = 0,
      top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top];
      if (child[4 * node] === LEAF) {
        for (let p = this.start[node]; p < this.end[node]; p++) {
          const j = order[p];
          if (j === i) continue;
          const ex = xi - y[2 * j],
            ey = yi - y[2 * j + 1],
            q = 1 / (1 + ex * ex + ey * ey);
          sumQ += q;
          fx += q * q * ex;
          fy += q * q * ey;
        }
        continue;
      }
      const dx = xi - this.comX[node],
        dy = yi - this.comY[node],
        d2 = dx * dx + dy * dy;
      if (this.width2[node] < theta2 * d2) {
        const q = 1 / (1 + d2),
          c = this.count[node];
        sumQ += c * q;
        fx += c * q * q * dx;
        fy += c * q * q * dy;
      } else {
        for (let k = 4 * node; k < 4 * node + 4; k++) if (child[k] >= 0) stack[top++] = child[k];
      }
    }
    force[2 * i] += fx;
    force[2 * i + 1] += fy;
    return sumQ;
  }

  /** Builds the node for order[from..to) in the square centred (cx, cy) with half-width `half`; returns its id. */
  private build(from: number, to: number, cx: number, cy: number, half: number, depth: number): number {
    const { y, order, scratch } = this;
    if (this.nodes === this.count.length) this.grow();
    const id = this.nodes++;
    let sx = 0,
      sy = 0;
    for (let p = from; p < to; p++) {
      sx += y[2 * order[p]];
      sy += y[2 * order[p] + 1];
    }
    this.count[id] = to - from;
    this.comX[id] = sx / (to - from);
    this.comY[id] = sy / (to - from);
    this.width2[id] = 4 * half * half;
    this.start[id] = from;
    this.end[id] = to;
    this.child.fill(-1, 4 * id, 4 * id + 4);
    if (to - from <= LEAF_SIZE || depth >= MAX_DEPTH) {
      this.child[4 * id] = LEAF;
      return id;
    }
    // Partition the range by quadrant (stable within each), then build the non-empty ones.
    const bounds = [from, from, from, from, to];
    for (let p = from; p < to; p++) {
      const j = order[p],
        q = (y[2 * j] >= cx ? 1 : 0) + (y[2 * j + 1] >= cy ? 2 : 0);
      for (let b = q + 1; b < 4; b++) bounds[b]++;
    }
    const next = bounds.slice(0, 4);
    for (let p = from; p < to; p++) {
      const j = order[p];
      scratch[next[(y[2 * j] >= cx ? 1 : 0) + (y[2 * j + 1] >= cy ? 2 : 0)]++] = j;
    }
    order.set(scratch.subarray(from, to), from);
    for (let q = 0; q < 4; q++) {
      if (bounds[q + 1] === bounds[q]) continue;
      const kid = this.build(
        bounds[q],
        bounds[q + 1],
        cx + (q & 1 ? half : -half) / 2,
        cy + (q & 2 ? half : -half) / 2,
        half / 2,
        depth + 1,
      );
      this.child[4 * id + q] = kid;
    }
    return id;
  }

  /** Doubles the node arrays (many points packed closely need more nodes than the usual 2n). */
  private grow(): void {
    const more = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.count = more(this.count);
    this.comX = more(this.comX);
    this.comY = more(this.comY);
    this.width2 = more(this.width2);
    this.start = more(this.start);
    this.end = more(this.end);
    this.child = more(this.child);
  }
}
