/**
 * The multinomial loss and gradient of logisticRegression.ts on the WebAssembly kernel
 * (asm/logistic.ts): the features and labels are copied into the kernel's memory once per fit,
 * the weights on every evaluation. Null where the kernel was not built (the TypeScript loops
 * then run).
 */

import { kernelModule, Layout, trimKernel, type KernelModule } from "../quality/wasm";

interface Kernels extends KernelModule {
  multinomial(X: number, y: number, W: number, grad: number, z: number, n: number, d: number, K: number): number;
}

export interface WasmObjective {
  /** The summed loss over the rows; `grad` gets the mean loss's gradient (without the penalty). */
  evaluate(W: Float64Array, grad: Float64Array): number;
  /** Lets go of the kernel's memory when it grew large. */
  release(): void;
}

export function multinomialWasm(
  X: Float64Array,
  y: Int32Array,
  n: number,
  dim: number,
  K: number,
): WasmObjective | null {
  const k = kernelModule<Kernels>("logistic");
  if (!k) return null;
  const layout = new Layout(k);
  const at = {
    X: layout.place(X.byteLength),
    y: layout.place(y.byteLength),
    W: layout.place(K * (dim + 1) * 8),
    grad: layout.place(K * (dim + 1) * 8),
    z: layout.place(4 * K * 8),
  };
  k.reserve(layout.size);
  new Float64Array(k.memory.buffer, at.X, X.length).set(X);
  new Int32Array(k.memory.buffer, at.y, y.length).set(y);
  const size = K * (dim + 1);
  return {
    evaluate(W, grad) {
      new Float64Array(k.memory.buffer, at.W, size).set(W);
      const loss = k.multinomial(at.X, at.y, at.W, at.grad, at.z, n, dim, K);
      grad.set(new Float64Array(k.memory.buffer, at.grad, size));
      return loss;
    },
    release: () => trimKernel("logistic"),
  };
}
