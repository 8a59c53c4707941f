// The multinomial logistic regression's loss and gradient (src/learn/logisticRegression.ts has
// its TypeScript reference and the binomial case), in AssemblyScript compiled to WebAssembly with
// SIMD (two doubles a lane, four rows a step, so each weight loaded serves four rows). Per call,
// over n rows of d features and K classes:
//   z = W x + b, loss += logsumexp(z) - z[y], g = (softmax(z) - onehot(y)) / n,
//   grad[k, 0..d) += g[k] x, grad[k, d] += g[k];
// returns the summed loss. Layout (byte offsets into memory, set by the caller): X n x d f64,
// y n i32, W and grad K x (d + 1) f64 (weights, then the intercept, per class), z 4K f64 scratch.
// Built by `npm run build`.

export { heapBase, reserve } from "./memory";

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** The dot products of w with rows x0..x3 (d values each), into z0..z3 at `at`, plus b. */
@inline function dot4(x0: usize, x1: usize, x2: usize, x3: usize, w: usize, d: i32, b: f64, z: usize, K: i32, at: usize): void {
  let a0 = f64x2.splat(0),
    a1 = f64x2.splat(0),
    a2 = f64x2.splat(0),
    a3 = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < d; j += 2) {
    const off = <usize>j << 3;
    const wv = v128.load(w + off);
    a0 = f64x2.add(a0, f64x2.mul(wv, v128.load(x0 + off)));
    a1 = f64x2.add(a1, f64x2.mul(wv, v128.load(x1 + off)));
    a2 = f64x2.add(a2, f64x2.mul(wv, v128.load(x2 + off)));
    a3 = f64x2.add(a3, f64x2.mul(wv, v128.load(x3 + off)));
  }
  let s0 = hsum(a0),
    s1 = hsum(a1),
    s2 = hsum(a2),
    s3 = hsum(a3);
  if (j < d) {
    const off = <usize>j << 3;
    const wj = load<f64>(w + off);
    s0 += wj * load<f64>(x0 + off);
    s1 += wj * load<f64>(x1 + off);
    s2 += wj * load<f64>(x2 + off);
    s3 += wj * load<f64>(x3 + off);
  }
  const step = <usize>K << 3;
  store<f64>(z + at, s0 + b);
  store<f64>(z + step + at, s1 + b);
  store<f64>(z + 2 * step + at, s2 + b);
  store<f64>(z + 3 * step + at, s3 + b);
}

/** Softmax of z[0..K) in place, returning logsumexp. */
@inline function softmax(z: usize, K: i32): f64 {
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, load<f64>(z + (<usize>k << 3)));
  let sum = 0.0;
  for (let k = 0; k < K; k++) {
    const at = z + (<usize>k << 3);
    const e = Math.exp(load<f64>(at) - max);
    store<f64>(at, e);
    sum += e;
  }
  for (let k = 0; k < K; k++) {
    const at = z + (<usize>k << 3);
    store<f64>(at, load<f64>(at) / sum);
  }
  return max + Math.log(sum);
}

/** grad[0..d) += e0 x0 + e1 x1 + e2 x2 + e3 x3, grad[d] += e0 + e1 + e2 + e3. */
@inline function addRows(g: usize, x0: usize, x1: usize, x2: usize, x3: usize, e0: f64, e1: f64, e2: f64, e3: f64, d: i32): void {
  const v0 = f64x2.splat(e0),
    v1 = f64x2.splat(e1),
    v2 = f64x2.splat(e2),
    v3 = f64x2.splat(e3);
  let j = 0;
  for (; j + 1 < d; j += 2) {
    const off = <usize>j << 3;
    const p = f64x2.add(f64x2.mul(v0, v128.load(x0 + off)), f64x2.mul(v1, v128.load(x1 + off)));
    const q = f64x2.add(f64x2.mul(v2, v128.load(x2 + off)), f64x2.mul(v3, v128.load(x3 + off)));
    v128.store(g + off, f64x2.add(v128.load(g + off), f64x2.add(p, q)));
  }
  if (j < d) {
    const off = <usize>j << 3;
    const p = e0 * load<f64>(x0 + off) + e1 * load<f64>(x1 + off);
    const q = e2 * load<f64>(x2 + off) + e3 * load<f64>(x3 + off);
    store<f64>(g + off, load<f64>(g + off) + (p + q));
  }
  const b = g + (<usize>d << 3);
  store<f64>(b, load<f64>(b) + (e0 + e1 + (e2 + e3)));
}

/** logsumexp(z) - z[label], leaving softmax(z) - onehot(label) in z. */
@inline function rowLoss(z: usize, label: i32, K: i32): f64 {
  const at = z + (<usize>label << 3);
  const own = load<f64>(at);
  const loss = softmax(z, K) - own;
  store<f64>(at, load<f64>(at) - 1);
  return loss;
}

export function multinomial(X: usize, y: usize, W: usize, grad: usize, z: usize, n: i32, d: i32, K: i32): f64 {
  const row = <usize>d << 3;
  const stride = <usize>(d + 1) << 3;
  const step = <usize>K << 3;
  memory.fill(grad, 0, <usize>K * stride);
  let loss = 0.0;
  const inv = 1.0 / <f64>n;
  for (let i = 0; i < n; i += 4) {
    // Four rows a step; past the last row, the first one stands in and counts for nothing.
    const rows = min(4, n - i);
    const x0 = X + <usize>i * row;
    const x1 = rows > 1 ? x0 + row : x0;
    const x2 = rows > 2 ? x0 + 2 * row : x0;
    const x3 = rows > 3 ? x0 + 3 * row : x0;
    for (let k = 0; k < K; k++) {
      const w = W + <usize>k * stride;
      dot4(x0, x1, x2, x3, w, d, load<f64>(w + row), z, K, <usize>k << 3);
    }
    for (let r = 0; r < rows; r++) loss += rowLoss(z + <usize>r * step, load<i32>(y + (<usize>(i + r) << 2)), K);
    for (let k = 0; k < K; k++) {
      const at = <usize>k << 3;
      const e0 = load<f64>(z + at) * inv;
      const e1 = rows > 1 ? load<f64>(z + step + at) * inv : 0.0;
      const e2 = rows > 2 ? load<f64>(z + 2 * step + at) * inv : 0.0;
      const e3 = rows > 3 ? load<f64>(z + 3 * step + at) * inv : 0.0;
      addRows(grad + <usize>k * stride, x0, x1, x2, x3, e0, e1, e2, e3, d);
    }
  }
  return loss;
}
