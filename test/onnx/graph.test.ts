import { describe, expect, test } from "vitest";
import * as ort from "onnxruntime-node";
import { ProtoReader } from "../../src/io/protobuf";
import { float, floats, GraphBuilder, tensor } from "../../src/onnx/graph";
import { openSession } from "../../src/onnx/session";

async function run(g: GraphBuilder, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
  const { session } = await openSession(g.build(), { provider: "cpu" });
  return session.run(feeds);
}

const f32 = (data: number[], dims: number[]) => new ort.Tensor("float32", Float32Array.from(data), dims);
const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
};

describe("GraphBuilder graphs run in onnxruntime", () => {
  test("Add with a broadcast scalar and a symbolic batch", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", "float32", ["batch", 3]);
    g.output(g.node("Add", [x, g.scalar(1.5)]), "float32", ["batch", 3], "y");
    const r = await run(g, { x: f32([1, 2, 3, 4, 5, 6], [2, 3]) });
    expect(Array.from(r.y.data as Float32Array)).toEqual([2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
    expect(r.y.dims).toEqual([2, 3]);
  });

  test("MatMul against a constant matrix", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", "float32", ["n", 2]);
    const w = g.constant(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    g.output(g.node("MatMul", [x, w]), "float32", ["n", 3], "y");
    const r = await run(g, { x: f32([1, 1, 0, 2], [2, 2]) });
    // [1 1] x W = [5 7 9]; [0 2] x W = [8 10 12]
    expect(Array.from(r.y.data as Float32Array)).toEqual([5, 7, 9, 8, 10, 12]);
  });

  test("Conv (3x3 box filter, padded) matches a TypeScript convolution", async () => {
    const H = 5,
      W = 6;
    const img = Array.from({ length: H * W }, (_, i) => (i * 7) % 11);
    const g = new GraphBuilder();
    const x = g.input("x", "float32", ["batch", 1, "h", "w"]);
    const k = g.constant(new Float32Array(9).fill(1 / 9), [1, 1, 3, 3]);
    const b = g.constant(Float32Array.of(0.5));
    g.output(
      g.node("Conv", [x, k, b], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      "float32",
      ["batch", 1, "h", "w"],
      "y",
    );
    const r = await run(g, { x: f32(img, [1, 1, H, W]) });
    const want: number[] = [];
    for (let y = 0; y < H; y++)
      for (let x0 = 0; x0 < W; x0++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy,
              xx = x0 + dx;
            if (yy >= 0 && yy < H && xx >= 0 && xx < W) s += img[yy * W + xx];
          }
        want.push(s / 9 + 0.5);
      }
    close(r.y.data as Float32Array, want);
  });

  test("ReduceMean over axes (an attribute in opset 17), keepdims 0", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", "float32", ["b", 2, 3]);
    g.output(g.node("ReduceMean", [x], { axes: [1, 2], keepdims: 0 }), "float32", ["b"], "m");
    const r = await run(g, { x: f32([1, 2, 3, 4, 5, 6, 10, 10, 10, 10, 10, 16], [2, 2, 3]) });
    close(r.m.data as Float32Array, [3.5, 11]);
  });

  test("TopK with an int64 k input returns values and int64 indices", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", "float32", ["b", 5]);
    const [values, indices] = g.nodeOutputs("TopK", [x, g.int64s([2])], { axis: -1, largest: 1 }, { outputs: 2 });
    g.output(values, "float32", ["b", 2], "values");
    g.output(indices, "int64", ["b", 2], "indices");
    const r = await run(g, { x: f32([0.1, 0.9, 0.3, 0.7, 0.2], [1, 5]) });
    close(r.values.data as Float32Array, [0.9, 0.7]);
    expect(Array.from(r.indices.data as BigInt64Array)).toEqual([1n, 3n]);
  });

  test("uint8 input, Cast to float, Reshape with an int64 shape constant, float attributes", async () => {
    const g = new GraphBuilder();
    const x = g.input("images", "uint8", ["batch", 2, 2, 3]);
    const xf = g.node("Cast", [x], { to: 1 });
    const flat = g.node("Reshape", [xf, g.int64s([0, -1])]);
    const act = g.node("LeakyRelu", [g.node("Sub", [flat, g.scalar(100)])], { alpha: float(0.5) });
    g.output(act, "float32", ["batch", 12], "y");
    const data = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const r = await run(g, { images: new ort.Tensor("uint8", data, [1, 2, 2, 3]) });
    expect(r.y.dims).toEqual([1, 12]);
    close(
      r.y.data as Float32Array,
      Array.from(data, (v) => (v - 100 >= 0 ? v - 100 : 0.5 * (v - 100))),
    );
  });

  test("tensor and floats attributes, int32 constants", async () => {
    const g = new GraphBuilder();
    const shape = g.input("shape", "int64", [2]);
    const filled = g.node("ConstantOfShape", [shape], { value: tensor(Float32Array.of(2.5), [1]) });
    const idx = g.node("Cast", [g.constant(Int32Array.of(1, 3))], { to: 7 });
    const picked = g.node("Gather", [filled, idx], { axis: 1 });
    const x = g.node("Constant", [], { value_floats: floats([1, 2]) });
    g.output(picked, "float32", [2, 2], "picked");
    g.output(x, "float32", [2], "vec");
    const r = await run(g, { shape: new ort.Tensor("int64", BigInt64Array.of(2n, 4n), [2]) });
    expect(Array.from(r.picked.data as Float32Array)).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(Array.from(r.vec.data as Float32Array)).toEqual([1, 2]);
  });
});

describe("GraphBuilder checks and bytes", () => {
  test("wiring mistakes fail where they are made", () => {
    const g = new GraphBuilder();
    const x = g.input("x", "float32", [1]);
    expect(() => g.node("Relu", ["nope"])).toThrow(/input "nope" is not/);
    expect(() => g.input("x", "float32", [1])).toThrow(/already has a value named "x"/);
    expect(() => g.node("LeakyRelu", [x], { alpha: 0.1 })).toThrow(/wrap float attributes with float/);
    expect(() => tensor(Float32Array.of(1, 2, 3), [2, 2])).toThrow(/needs 4 values/);
    expect(() => new GraphBuilder().build()).toThrow(/no outputs/);
  });

  test("the ModelProto reads back: ir_version, opset, nodes, initializer, symbolic dims", () => {
    const g = new GraphBuilder({ opset: 18, name: "tiny" });
    const x = g.input("x", "float32", ["batch", 4]);
    const w = g.constant(new Float32Array(8000).fill(0.25), [4, 2000], "weights");
    g.output(g.node("MatMul", [x, w]), "float32", ["batch", 2000], "y");
    const model = new ProtoReader(g.build());
    const seen: Record<string, unknown> = {};
    while (!model.done()) {
      const { field, wire } = model.tag();
      if (field === 1) seen.ir = model.int64();
      else if (field === 8) {
        const o = model.sub();
        while (!o.done()) {
          const t = o.tag();
          if (t.field === 2) seen.opset = o.int64();
          else o.skip(t.wire);
        }
      } else if (field === 7) {
        const graph = model.sub();
        const ops: string[] = [],
          dims: string[] = [];
        while (!graph.done()) {
          const t = graph.tag();
          if (t.field === 1) {
            const n = graph.sub();
            while (!n.done()) {
              const u = n.tag();
              if (u.field === 4) ops.push(n.string());
              else n.skip(u.wire);
            }
          } else if (t.field === 2) seen.name = graph.string();
          else if (t.field === 5) {
            const init = graph.sub();
            const shape: number[] = [];
            while (!init.done()) {
              const u = init.tag();
              if (u.field === 1) init.int64s(u.wire, shape);
              else if (u.field === 9) seen.rawBytes = init.bytes().length;
              else if (u.field === 8) seen.initName = init.string();
              else init.skip(u.wire);
            }
            seen.initDims = shape;
          } else if (t.field === 11) dims.push(...readDims(graph.sub()));
          else graph.skip(t.wire);
        }
        seen.ops = ops;
        seen.inputDims = dims;
      } else model.skip(wire);
    }
    expect(seen).toEqual({
      ir: 8,
      opset: 18,
      name: "tiny",
      ops: ["MatMul", "Identity"],
      initDims: [4, 2000],
      initName: "weights",
      rawBytes: 32000,
      inputDims: ["batch", "4"],
    });
  });
});

/** ValueInfoProto -> its dims as strings (TypeProto.tensor_type.shape.dim). */
function readDims(vi: ProtoReader): string[] {
  const out: string[] = [];
  const descend = (r: ProtoReader, path: number[]): void => {
    while (!r.done()) {
      const t = r.tag();
      if (path.length === 0 && t.field === 1 && t.wire === 1) r.skip(t.wire);
      else if (path.length < 4 && t.field === [2, 1, 2, 1][path.length]) {
        const sub = r.sub();
        if (path.length === 3) {
          while (!sub.done()) {
            const u = sub.tag();
            out.push(u.field === 1 ? String(sub.int64()) : sub.string());
          }
        } else descend(sub, [...path, t.field]);
      } else r.skip(t.wire);
    }
  };
  descend(vi, []);
  return out;
}
