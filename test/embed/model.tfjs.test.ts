import * as fs from "node:fs";
import * as path from "node:path";
import * as tfjs from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { tfjsToOnnx } from "../../src/embed/model/convert";
import { kerasToGraph, type KerasLayer } from "../../src/embed/model/keras";
import {
  builtinSource,
  convertBuiltin,
  MOBILENET,
  MOBILENET_FEATURES,
  MOBILENET_PROBABILITIES,
  tarball,
} from "../../src/embed/model/mobilenet";
import { modelsDir } from "../../src/embed/model/store";
import {
  asGraphModel,
  readWeights,
  type TfjsGraphModel,
  type TfjsNode,
  type TfjsWeightSpec,
} from "../../src/embed/model/tfjs";
import { decodeImage } from "../../src/image/decode";
import { HAS_SHARED, SHARED, SKIP_MESSAGE } from "../helpers/data";

/**
 * The converters against TF.js itself: nsfwjs's two models run by @tensorflow/tfjs (pure-JS CPU
 * backend) and their ONNX conversions run by onnxruntime agree on real photos, and so does a
 * small graph that uses every other op, padding mode and weight encoding the converter supports.
 * @tensorflow/tfjs is a dev dependency, so these comparisons run wherever the tests do.
 * Measured: embeddings (values up to ~3 on these photos) within 1e-5 of TF.js, class
 * probabilities within 1.1e-6.
 */
// The tests reach into TF.js's untyped corners (io.fromMemory topologies, layer outputs).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tf = any;
const TF: Tf = tfjs;

/** TF.js's outputs for one input through a graph model given as JSON and weight bytes. */
async function runTfjs(
  tf: Tf,
  topology: unknown,
  specs: TfjsWeightSpec[],
  weights: Uint8Array,
  input: Float32Array,
  shape: number[],
  outputs: string[],
): Promise<Float32Array[]> {
  await tf.setBackend("cpu");
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: specs, weightData }));
  const result = model.execute(tf.tensor(input, shape), outputs);
  return Promise.all(
    (Array.isArray(result) ? result : [result]).map(async (t: Tf) => Float32Array.from(await t.data())),
  );
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** 5 real photos (one per class of five), pixels / 255, NHWC. */
async function photos(): Promise<Float32Array> {
  const files = ["0", "2", "4", "6", "9"].map((c) => {
    const dir = path.join(SHARED, "sign-digits/Dataset", c);
    return path.join(dir, fs.readdirSync(dir).sort()[0]);
  });
  const input = new Float32Array(files.length * 224 * 224 * 3);
  for (const [i, f] of files.entries()) {
    const { data } = await decodeImage(f, { resize: { width: 224, height: 224, kernel: "linear" } });
    data.forEach((v, j) => (input[i * data.length + j] = v / 255));
  }
  return input;
}

describe.skipIf(!HAS_SHARED)("the converted MobileNetV2s against TF.js", () => {
  const shape = [5, 224, 224, 3];

  it("1.4 (a graph model): TF.js's embeddings and class probabilities on 5 real photos", async () => {
    const tgz = await tarball({ dir: modelsDir() });
    const { json, shard } = builtinSource(MOBILENET, tgz);
    const model = json as TfjsGraphModel;
    const input = await photos();
    const weights = Buffer.concat(model.weightsManifest[0].paths.map(shard));
    const [features, probabilities] = await runTfjs(
      TF,
      model.modelTopology,
      model.weightsManifest[0].weights,
      weights,
      input,
      shape,
      [MOBILENET_FEATURES, "Identity"],
    );

    const session = await ort.InferenceSession.create(convertBuiltin(MOBILENET, tgz));
    const out = await session.run({ images: new ort.Tensor("float32", input, shape) });
    const e = maxDiff(out.embedding.data as Float32Array, features),
      p = maxDiff(out[MOBILENET_PROBABILITIES].data as Float32Array, probabilities);
    console.log(
      `MobileNetV2-1.4 ONNX vs TF.js on 5 photos: max |diff| embedding ${e.toExponential(2)} (largest value ` +
        `${Math.max(...features).toFixed(2)}), probabilities ${p.toExponential(2)}`,
    );
    expect(e).toBeLessThan(1e-4);
    expect(p).toBeLessThan(1e-5);
    await session.release();
  }, 300_000);

  it("1.0 (a layers model): TF.js's embeddings on 5 real photos", async () => {
    const tgz = await tarball({ dir: modelsDir() });
    const { json, shard } = builtinSource("mobilenet_v2_1.0", tgz);
    const manifest = (json as TfjsGraphModel).weightsManifest[0];
    const weights = Buffer.concat(manifest.paths.map(shard));
    const tf = TF;
    await tf.setBackend("cpu");
    const layers = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: (json as { modelTopology: unknown }).modelTopology,
        weightSpecs: manifest.weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const pool = tf.model({ inputs: layers.inputs, outputs: layers.getLayer("average_pooling2d_1").output });
    const input = await photos();
    const features = Float32Array.from(await pool.predict(tf.tensor(input, shape)).data());

    const session = await ort.InferenceSession.create(convertBuiltin("mobilenet_v2_1.0", tgz));
    const out = await session.run({ images: new ort.Tensor("float32", input, shape) });
    const e = maxDiff(out.embedding.data as Float32Array, features);
    console.log(
      `MobileNetV2-1.0 ONNX vs TF.js on 5 photos: max |diff| embedding ${e.toExponential(2)} (largest value ` +
        `${Math.max(...features).toFixed(2)})`,
    );
    expect(e).toBeLessThan(1e-4);
    await session.release();
  }, 300_000);
});
if (!HAS_SHARED) it.skip(SKIP_MESSAGE, () => {});

/** A TF.js graph model built in code: nodes, and weights with their encodings. */
class SyntheticGraph {
  readonly nodes: TfjsNode[] = [];
  readonly specs: TfjsWeightSpec[] = [];
  private readonly parts: Uint8Array[] = [];
  private readonly random = mulberry32(7);

  op(name: string, op: string, input: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input, attr: attr as TfjsNode["attr"] });
    return name;
  }

  /**
   * A weight of random values in [-1, 1): float32, uint16-quantized or float16; or float32 in [0.5, 1.5) (variances).
   */
  weight(name: string, shape: number[], encoding: "float32" | "uint16" | "float16" | "positive" = "float32"): string {
    const n = shape.reduce((a, b) => a * b, 1);
    if (encoding === "float32")
      this.add(
        name,
        shape,
        "float32",
        new Float32Array(n).map(() => this.random() * 2 - 1),
      );
    else if (encoding === "positive")
      this.add(
        name,
        shape,
        "float32",
        new Float32Array(n).map(() => this.random() + 0.5),
      );
    else if (encoding === "uint16")
      this.add(
        name,
        shape,
        "float32",
        new Uint16Array(n).map(() => this.random() * 65536),
        { dtype: "uint16", min: -1, scale: 2 / 65535 },
      );
    // Halves with exponents 13..16: magnitudes 0.25 to 4, either sign.
    else
      this.add(
        name,
        shape,
        "float32",
        new Uint16Array(n).map(
          () =>
            ((this.random() * 2) << 15) |
            ((13 + Math.floor(this.random() * 4)) << 10) |
            Math.floor(this.random() * 1024),
        ),
        { dtype: "float16" },
      );
    return this.op(name, "Const", []);
  }

  ints(name: string, values: number[], shape = [values.length]): string {
    this.add(name, shape, "int32", Int32Array.from(values));
    return this.op(name, "Const", []);
  }

  scalar(name: string, value: number): string {
    this.add(name, [], "float32", Float32Array.of(value));
    return this.op(name, "Const", []);
  }

  get weights(): Uint8Array {
    return Buffer.concat(this.parts);
  }

  private add(
    name: string,
    shape: number[],
    dtype: string,
    data: Float32Array | Int32Array | Uint16Array,
    quantization?: TfjsWeightSpec["quantization"],
  ): void {
    this.specs.push({ name, shape, dtype, ...(quantization ? { quantization } : {}) });
    this.parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
}

const s = (v: string) => ({ s: Buffer.from(v).toString("base64") });
const list = (...i: number[]) => ({ list: { i: i.map(String) } });
const window = (k: number, stride: number, padding: string) => ({
  ksize: list(1, k, k, 1),
  strides: list(1, stride, stride, 1),
  padding: s(padding),
  data_format: s("NHWC"),
});
const conv = (stride: number, padding: string, extra: Record<string, unknown> = {}) => ({
  strides: list(1, stride, stride, 1),
  padding: s(padding),
  data_format: s("NHWC"),
  dilations: list(1, 1, 1, 1),
  ...extra,
});

describe("the TF.js converter against TF.js", () => {
  it("converts every supported op, padding and weight encoding to what TF.js computes", async () => {
    const g = new SyntheticGraph();
    const x = g.op("input", "Placeholder", [], {
      shape: { shape: { dim: [{ size: "-1" }, { size: "9" }, { size: "9" }, { size: "3" }] } },
      dtype: { type: "DT_FLOAT" },
    });
    const w1 = g.weight("w1", [3, 3, 3, 4]);
    const relu = g.op("relu", "Relu", [g.op("conv_valid", "Conv2D", [x, w1], conv(1, "VALID"))]);
    const padded = g.op("pad", "Pad", [relu, g.ints("paddings", [0, 0, 1, 2, 2, 1, 0, 0], [4, 2])]);
    const pooled = g.op("maxpool", "MaxPool", [padded], window(3, 2, "SAME"));
    const dw = g.op(
      "depthwise",
      "DepthwiseConv2dNative",
      [pooled, g.weight("dw", [3, 3, 4, 2], "uint16")],
      conv(2, "SAME"),
    );
    const scaled = g.op("mul", "Mul", [dw, g.weight("per_channel", [8], "float16")]);
    const shifted = g.op("add", "AddV2", [g.weight("bias4d", [1, 1, 1, 8]), scaled]);
    const r6 = g.op("relu6", "Relu6", [shifted]);
    const avg = g.op("avgpool", "AvgPool", [r6], window(2, 1, "SAME"));
    const gap = g.op("mean_hw", "Mean", [avg, g.ints("axes_hw", [1, 2])], { keep_dims: { b: false } });
    const logits = g.op("max", "Maximum", [
      g.op("matmul", "MatMul", [gap, g.weight("dense", [8, 5])], {
        transpose_a: { b: false },
        transpose_b: { b: false },
      }),
      g.scalar("floor", 0.1),
    ]);
    g.op("softmax", "Softmax", [logits]);
    g.op("flat", "Reshape", [avg, g.ints("shape", [-1, 72])]);
    const channelMean = g.op("mean_c", "Mean", [avg, g.ints("axes_c", [3])], { keep_dims: { b: true } });
    g.op("squeeze_c", "Squeeze", [channelMean], { squeeze_dims: list(3) });
    g.op("squeeze_hw", "Squeeze", [g.op("gap_pool", "AvgPool", [r6], window(3, 1, "VALID"))], {
      squeeze_dims: list(1, 2),
    });
    g.op("conv_explicit", "Conv2D", [x, w1], conv(1, "EXPLICIT", { explicit_paddings: list(0, 0, 1, 0, 0, 2, 0, 0) }));
    g.op(
      "fused",
      "_FusedConv2D",
      [x, w1, g.weight("b1", [4])],
      conv(2, "SAME", { fused_ops: { list: { s: ["BiasAdd", "Relu"].map((v) => s(v).s) } }, num_args: { i: "1" } }),
    );
    g.op(
      "fused_dw",
      "FusedDepthwiseConv2dNative",
      [padded, g.weight("dw2", [3, 3, 4, 1]), g.weight("b2", [4])],
      conv(1, "SAME", { fused_ops: { list: { s: ["BiasAdd", "Relu6"].map((v) => s(v).s) } }, num_args: { i: "1" } }),
    );
    const outputs = ["softmax", "flat", "squeeze_c", "squeeze_hw", "conv_explicit", "fused", "fused_dw"];

    const random = mulberry32(11);
    const input = new Float32Array(2 * 9 * 9 * 3).map(() => random() * 2 - 1);
    const want = await runTfjs(
      TF,
      { node: g.nodes, versions: { producer: 1 } },
      g.specs,
      g.weights,
      input,
      [2, 9, 9, 3],
      outputs,
    );
    const model = asGraphModel(
      {
        format: "graph-model",
        modelTopology: { node: g.nodes },
        weightsManifest: [{ paths: ["w"], weights: g.specs }],
      },
      "synthetic",
    );
    const bytes = tfjsToOnnx(
      model,
      readWeights(model, () => g.weights),
      { outputs: Object.fromEntries(outputs.map((o) => [o, o])) },
    );
    const session = await ort.InferenceSession.create(bytes);
    const got = await session.run({ input: new ort.Tensor("float32", input, [2, 9, 9, 3]) });
    outputs.forEach((o, k) => {
      expect(got[o].data.length, o).toBe(want[k].length);
      expect(maxDiff(got[o].data as Float32Array, want[k]), o).toBeLessThan(1e-5);
    });
    await session.release();
  }, 120_000);
});

describe("the Keras layers rewrite against TF.js", () => {
  it("converts every supported layer to what TF.js's LayersModel computes", async () => {
    const g = new SyntheticGraph();
    const layer = (
      name: string,
      className: string,
      inputs: string[],
      config: Record<string, unknown> = {},
    ): KerasLayer => ({
      name,
      class_name: className,
      config: { name, data_format: "channels_last", ...config },
      inbound_nodes: inputs.length ? [inputs.map((i): [string, number, number, unknown] => [i, 0, 0, {}])] : [],
    });
    const conv = { strides: [1, 1], padding: "same", dilation_rate: [1, 1] };
    const layers = [
      layer("input_1", "InputLayer", [], { batch_input_shape: [null, 8, 8, 3], dtype: "float32" }),
      layer("conv_a", "Conv2D", ["input_1"], {
        ...conv,
        filters: 4,
        kernel_size: [3, 3],
        activation: "relu",
        use_bias: true,
      }),
      layer("pool", "MaxPooling2D", ["conv_a"], { pool_size: [2, 2], strides: [2, 2], padding: "valid" }),
      layer("bn", "BatchNormalization", ["pool"], {
        axis: -1,
        momentum: 0.99,
        epsilon: 0.001,
        center: true,
        scale: false,
      }),
      layer("relu", "ReLU", ["bn"], { max_value: null, negative_slope: 0, threshold: 0 }),
      layer("dw", "DepthwiseConv2D", ["relu"], {
        ...conv,
        kernel_size: [3, 3],
        depth_multiplier: 1,
        activation: "linear",
        use_bias: true,
      }),
      layer("conv_b", "Conv2D", ["relu"], {
        ...conv,
        filters: 4,
        kernel_size: [1, 1],
        activation: "linear",
        use_bias: false,
      }),
      layer("add", "Add", ["relu", "dw", "conv_b"]),
      layer("gap", "GlobalAveragePooling2D", ["add"]),
    ];
    g.weight("conv_a/kernel", [3, 3, 3, 4]);
    g.weight("conv_a/bias", [4]);
    g.weight("bn/beta", [4]);
    g.weight("bn/moving_mean", [4]);
    g.weight("bn/moving_variance", [4], "positive");
    g.weight("dw/depthwise_kernel", [3, 3, 4, 1]);
    g.weight("dw/bias", [4]);
    g.weight("conv_b/kernel", [1, 1, 4, 4]);
    const topology = {
      model_config: {
        class_name: "Model",
        config: {
          name: "synthetic",
          layers,
          input_layers: [["input_1", 0, 0]],
          output_layers: [
            ["gap", 0, 0],
            ["add", 0, 0],
          ],
        },
      },
    };

    const random = mulberry32(13);
    const input = new Float32Array(2 * 8 * 8 * 3).map(() => random() * 2 - 1);
    const tf = TF;
    await tf.setBackend("cpu");
    const weights = g.weights;
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology,
        weightSpecs: g.specs,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const want = await Promise.all(
      (model.predict(tf.tensor(input, [2, 8, 8, 3])) as Tf[]).map(async (t: Tf) => Float32Array.from(await t.data())),
    );

    const manifest = [{ paths: ["w"], weights: g.specs }];
    const read = readWeights(
      { format: "graph-model", modelTopology: { node: [] }, weightsManifest: manifest },
      () => weights,
    );
    const graph = {
      format: "graph-model" as const,
      modelTopology: { node: kerasToGraph({ modelTopology: topology }, read) },
      weightsManifest: manifest,
    };
    const session = await ort.InferenceSession.create(tfjsToOnnx(graph, read, { outputs: { gap: "gap", add: "add" } }));
    const got = await session.run({ input_1: new ort.Tensor("float32", input, [2, 8, 8, 3]) });
    ["gap", "add"].forEach((o, k) => expect(maxDiff(got[o].data as Float32Array, want[k]), o).toBeLessThan(1e-5));
    await session.release();
  }, 120_000);
});
