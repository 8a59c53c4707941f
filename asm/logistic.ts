// The multinomial logistic regression's loss and gradient (src/learn/logisticRegression.ts has
// its TypeScript reference and the binomial case), in AssemblyScript compiled to WebAssembly with
// SIMD (two doubles a lane, two rows a step, so each weight loaded serves both rows). Per call,
// over n rows of d features and K classes:
//   z = W x + b, loss += logsumexp(z) - z[y], g = (softmax(z) - onehot(y)) / n,
//   grad[k, 0..d) += g[k] x, grad[k, d] += g[k];
// returns the summed loss. Layout (byte offsets into memory, set by the caller): X n x d f64,
// y n i32, W and grad K x (d + 1) f64 (weights, then the intercept, per class), z 2K f64 scratch.
// Built by `npm run build`.

export { heapBase, reserve } from "./memory";

@inline function dot2(x0: usize, x1: usize, w: usize, d: i32): v128 {
  // Lanes: row 0 and row 1 sums, each over two interleaved partial sums.
  let a0 = f64x2.splat(0),
    a1 = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < d; j += 2) {
    const off = <usize>j << 3;
    const wv = v128.load(w + off);
    a0 = f64x2.add(a0, f64x2.mul(wv, v128.load(x0 + off)));
    a1 = f64x2.add(a1, f64x2.mul(wv, v128.load(x1 + off)));
  }
  let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
  if (j < d) {
    const off = <usize>j << 3;
    const wj = load<f64>(w + off);
    s0 += wj * load<f64>(x0 + off);
    s1 += wj * load<f64>(x1 + off);
  }
  return f64x2(s0, s1);
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

/** grad[0..d) += e0 x0 + e1 x1, grad[d] += e0 + e1. */
@inline function addRows(g: usize, x0: usize, e0: f64, x1: usize, e1: f64, d: i32): void {
  const v0 = f64x2.splat(e0),
    v1 = f64x2.splat(e1);
  let j = 0;
  for (; j + 1 < d; j += 2) {
    const off = <usize>j << 3;
    const sum = f64x2.add(f64x2.mul(v0, v128.load(x0 + off)), f64x2.mul(v1, v128.load(x1 + off)));
    v128.store(g + off, f64x2.add(v128.load(g + off), sum));
  }
  if (j < d) {
    const off = <usize>j << 3;
    store<f64>(g + off, load<f64>(g + off) + e0 * load<f64>(x0 + off) + e1 * load<f64>(x1 + off));
  }
  const b = g + (<usize>d << 3);
  store<f64>(b, load<f64>(b) + e0 + e1);
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
  const z1 = z + (<usize>K << 3);
  memory.fill(grad, 0, <usize>K * stride);
  let loss = 0.0;
  const inv = 1.0 / <f64>n;
  for (let i = 0; i < n; i += 2) {
    const x0 = X + <usize>i * row;
    // An odd last row pairs with itself; its second half is dropped below.
    const pair = i + 1 < n;
    const x1 = pair ? x0 + row : x0;
    for (let k = 0; k < K; k++) {
      const w = W + <usize>k * stride;
      const b = load<f64>(w + row);
      const s = dot2(x0, x1, w, d);
      store<f64>(z + (<usize>k << 3), f64x2.extract_lane(s, 0) + b);
      store<f64>(z1 + (<usize>k << 3), f64x2.extract_lane(s, 1) + b);
    }
    loss += rowLoss(z, load<i32>(y + (<usize>i << 2)), K);
    if (pair) loss += rowLoss(z1, load<i32>(y + (<usize>(i + 1) << 2)), K);
    for (let k = 0; k < K; k++) {
      const e0 = load<f64>(z + (<usize>k << 3)) * inv;
      const e1 = pair ? load<f64>(z1 + (<usize>k << 3)) * inv : 0.0;
      addRows(grad + <usize>k * stride, x0, e0, x1, e1, d);
    }
  }
  return loss;
}
