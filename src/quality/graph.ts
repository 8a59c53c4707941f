/**
 * The quality scores as an ONNX graph, so the per-pixel work runs on a GPU when there is one.
 * It computes the same `RawStats` as the TypeScript reference (scores.ts), exactly:
 *
 * - Gray levels, the Laplacian and the colour differences are small integers, exact in
 *   float32 (OpenCV's gray needs at most 8.4e6 < 2^24 before its shift, Pillow's 1.67e7 < 2^24).
 * - Their sums and sums of squares are taken in float64, exact below 2^53, and returned as
 *   int64: no rounding anywhere, whatever order the device sums in.
 * - Per-pixel brightness is computed in float64 with the same operations numpy does (its
 *   constants made by an exact float64 division, 241 / 1000 is the double nearest .241);
 *   TopK sorts it, and the graph returns the pixel index at each rank the percentiles need
 *   (the caller reads the exact value back from the pixel).
 * - Pillow's two-pass resampling is two MatMuls with the integer coefficient matrices of
 *   pil.ts, in float64 (integer products and sums, exact), each followed by Pillow's rounding.
 *   The matrices are inputs, so one graph serves every image size.
 * - Histograms are ScatterElements with reduction "add".
 *
 * One run takes a batch of images of one size. Reflect padding needs at least 2 pixels per
 * side; computeQuality scores smaller images with the reference.
 */

import * as ort from "onnxruntime-node";
import { luma } from "../image/decode";
import { GraphBuilder, tensor } from "../onnx/graph";
import { openSession, type OpenedSession, type Provider } from "../onnx/session";
import { coefficientMatrix, PRECISION_BITS } from "./pil";
import { hashInputSize } from "./phash";
import {
  blurSize,
  BRIGHTNESS_PERCENTILES,
  brightnessRanks,
  perceivedBrightness,
  type QualityImage,
  type RawStats,
} from "./stats";
import { thumbnail } from "./thumbnail";

/** ONNX TensorProto data types for Cast. */
const FLOAT = 1,
  UINT8 = 2,
  INT32 = 6,
  INT64 = 7,
  DOUBLE = 11;
/** Largest int64, for Slice ends "to the end". */
const END = Number.MAX_SAFE_INTEGER;

/** Order of the sums in the graph's `sums` output. */
const SUMS = ["gray", "laplacian", "rg", "yb2"] as const;

export function buildQualityGraph(): Uint8Array {
  const g = new GraphBuilder({ name: "blindspot-quality" });
  const op = (type: string, inputs: string[], attrs = {}) => g.node(type, inputs, attrs);
  const f32 = (v: number) => g.scalar(v);
  const f64 = (v: number) => op("Cast", [g.scalar(v)], { to: DOUBLE });

  const images = g.input("images", "uint8", ["batch", "height", "width", 3]);
  const blurKx = g.input("blur_kx", "int32", ["width", "blur_width"]);
  const blurKy = g.input("blur_ky", "int32", ["blur_height", "height"]);
  const hashKx = g.input("hash_kx", "int32", ["width", "hash_side"]);
  const hashKy = g.input("hash_ky", "int32", ["hash_side", "height"]);
  const lowK = g.input("low_k", "int64", [1]);
  const lowPick = g.input("low_pick", "int64", ["low_ranks"]);
  const highK = g.input("high_k", "int64", [1]);
  const highPick = g.input("high_pick", "int64", ["high_ranks"]);

  // Planes [batch, 3, h, w] in float32, and one plane per channel [batch, 1, h, w].
  const planes = op("Transpose", [op("Cast", [images], { to: FLOAT })], { perm: [0, 3, 1, 2] });
  const [r, gr, b] = g.nodeOutputs("Split", [planes], { axis: 1 }, { outputs: 3 });
  const weighted = (w: [number, number, number], round: number, shift: number) =>
    op("Floor", [
      op("Div", [
        op("Add", [
          op("Add", [op("Add", [op("Mul", [r, f32(w[0])]), op("Mul", [gr, f32(w[1])])]), op("Mul", [b, f32(w[2])])]),
          f32(round),
        ]),
        f32(shift),
      ]),
    ]);
  const grayCv = weighted([9798, 19235, 3735], 2 ** 14, 2 ** 15);
  const grayPil = weighted([19595, 38470, 7471], 2 ** 15, 2 ** 16);

  // Laplacian [0 1 0; 1 -4 1; 0 1 0] with BORDER_REFLECT_101 (ONNX Pad "reflect").
  const padded = op("Pad", [grayCv, g.int64s([0, 0, 1, 1, 0, 0, 1, 1])], { mode: "reflect" });
  const shifted = (rows: [number, number], cols: [number, number]) =>
    op("Slice", [padded, g.int64s([rows[0], cols[0]]), g.int64s([rows[1], cols[1]]), g.int64s([2, 3])]);
  const lap = op("Sub", [
    op("Add", [
      op("Add", [shifted([0, -2], [1, -1]), shifted([2, END], [1, -1])]),
      op("Add", [shifted([1, -1], [0, -2]), shifted([1, -1], [2, END])]),
    ]),
    op("Mul", [grayCv, f32(4)]),
  ]);
  const rg = op("Sub", [r, gr]);
  const yb2 = op("Sub", [op("Add", [r, gr]), op("Mul", [b, f32(2)])]);

  // Exact sums per image: [batch, 8] = sum, sum of squares of each quantity in SUMS order.
  const total = (x: string) => op("ReduceSum", [op("Cast", [x], { to: DOUBLE }), g.int64s([1, 2, 3])], { keepdims: 0 });
  const columns = [grayCv, lap, rg, yb2].flatMap((x) =>
    [total(x), total(op("Mul", [x, x]))].map((s) => op("Unsqueeze", [s, g.int64s([1])])),
  );
  g.output(
    op("Cast", [op("Concat", columns, { axis: 1 })], { to: INT64 }),
    "int64",
    ["batch", 2 * SUMS.length],
    "sums",
  );

  // Histograms of R, G, B: [batch, 768].
  const batch = op("Slice", [op("Shape", [images]), g.int64s([0]), g.int64s([1])]);
  const bins = op("Reshape", [
    op("Add", [op("Cast", [images], { to: INT32 }), g.constant(Int32Array.of(0, 256, 512), [3])]),
    g.int64s([0, -1]),
  ]);
  const zeros = op("ConstantOfShape", [op("Concat", [batch, g.int64s([768])], { axis: 0 })], {
    value: tensor(Int32Array.of(0), [1]),
  });
  const ones = op("ConstantOfShape", [op("Shape", [bins])], { value: tensor(Int32Array.of(1), [1]) });
  g.output(
    op("ScatterElements", [zeros, bins, ones], { axis: 1, reduction: "add" }),
    "int32",
    ["batch", 768],
    "histogram",
  );

  // Brightness ranks: sqrt and / 255 keep the order, so TopK sorts the sum under the root.
  const coef = (num: number) => op("Div", [f64(num), f64(1000)]);
  const square = (c: string) => op("Cast", [op("Mul", [c, c])], { to: DOUBLE });
  const level = op("Add", [
    op("Add", [op("Mul", [coef(241), square(r)]), op("Mul", [coef(691), square(gr)])]),
    op("Mul", [coef(68), square(b)]),
  ]);
  const flat = op("Reshape", [level, g.int64s([0, -1])]);
  const ranks = (k: string, pick: string, largest: number, name: string) => {
    const [, indices] = g.nodeOutputs("TopK", [flat, k], { axis: 1, largest, sorted: 1 }, { outputs: 2 });
    g.output(op("Gather", [indices, pick], { axis: 1 }), "int64", ["batch", `${name}_ranks`], `${name}_pixels`);
  };
  ranks(lowK, lowPick, 0, "low");
  ranks(highK, highPick, 1, "high");

  // Pillow's resampling: per pass a MatMul, then (acc + 2^21) >> 22 clamped to 0..255.
  const round8 = (x: string) =>
    op("Clip", [
      op("Floor", [op("Div", [op("Add", [x, f64(2 ** (PRECISION_BITS - 1))]), f64(2 ** PRECISION_BITS)])]),
      f64(0),
      f64(255),
    ]);
  const resample = (x: string, kx: string, ky: string) => {
    const across = round8(op("MatMul", [op("Cast", [x], { to: DOUBLE }), op("Cast", [kx], { to: DOUBLE })]));
    return op("Cast", [round8(op("MatMul", [op("Cast", [ky], { to: DOUBLE }), across]))], { to: UINT8 });
  };
  g.output(resample(planes, blurKx, blurKy), "uint8", ["batch", 3, "blur_height", "blur_width"], "small");
  g.output(resample(grayPil, hashKx, hashKy), "uint8", ["batch", 1, "hash_side", "hash_side"], "hash_pixels");
  return g.build();
}

/** Whether the graph can take an image of this size (reflect padding needs 2 pixels a side). */
export function graphAccepts(width: number, height: number): boolean {
  return width >= 2 && height >= 2;
}

let graphBytes: Uint8Array | undefined;

/** A session on the quality graph; `provider` says where it runs (auto: CUDA, else CPU). */
export async function openQualityGraph(provider: Provider = "auto"): Promise<OpenedSession> {
  graphBytes ??= buildQualityGraph();
  return openSession(graphBytes, { provider });
}

/** The raw statistics of images of one size (graphAccepts), in one run. */
export async function graphRawStats(
  session: ort.InferenceSession,
  images: QualityImage[],
  hashSize: number,
): Promise<RawStats[]> {
  const { width, height } = images[0];
  if (images.some((im) => im.width !== width || im.height !== height))
    throw new RangeError("graphRawStats: the images of one run must have one size");
  const n = width * height;
  const pixels = new Uint8Array(images.length * n * 3);
  images.forEach((im, i) => pixels.set(im.rgb, i * n * 3));
  const small = blurSize(width, height),
    side = hashInputSize(hashSize);
  // Low percentiles read ascending ranks, high ones descending ranks (fewer values to sort).
  const wanted = brightnessRanks(n),
    split = 2 * BRIGHTNESS_PERCENTILES.filter((p) => p < 50).length;
  const low = wanted.slice(0, split),
    high = wanted.slice(split).map((k) => n - 1 - k);
  const int64 = (v: number[]) => new ort.Tensor("int64", BigInt64Array.from(v, BigInt), [v.length]);
  const int32 = (m: Int32Array, dims: number[]) => new ort.Tensor("int32", m, dims);
  const out = await session.run({
    images: new ort.Tensor("uint8", pixels, [images.length, height, width, 3]),
    blur_kx: int32(transpose(coefficientMatrix(width, small.width, "bicubic"), small.width, width), [
      width,
      small.width,
    ]),
    blur_ky: int32(coefficientMatrix(height, small.height, "bicubic"), [small.height, height]),
    hash_kx: int32(transpose(coefficientMatrix(width, side, "lanczos"), side, width), [width, side]),
    hash_ky: int32(coefficientMatrix(height, side, "lanczos"), [side, height]),
    low_k: int64([Math.max(...low) + 1]),
    low_pick: int64(low),
    high_k: int64([Math.max(...high) + 1]),
    high_pick: int64(high),
  });
  const sums = out.sums.data as BigInt64Array,
    hist = out.histogram.data as Int32Array;
  const lowPixels = out.low_pixels.data as BigInt64Array,
    highPixels = out.high_pixels.data as BigInt64Array;
  const smallData = out.small.data as Uint8Array,
    hashData = out.hash_pixels.data as Uint8Array;
  const smallSize = 3 * small.width * small.height;
  return images.map((im, i) => {
    const s = (k: number) => Number(sums[i * 2 * SUMS.length + k]);
    const at = (index: bigint) => {
      const p = Number(index) * 3;
      return im.channels === 1 ? im.rgb[p] / 255 : perceivedBrightness(im.rgb[p], im.rgb[p + 1], im.rgb[p + 2]);
    };
    return {
      width,
      height,
      channels: im.channels,
      histogram: Float64Array.from(hist.subarray(i * 768, (i + 1) * 768)),
      gray: { sum: s(0), sumSquares: s(1) },
      laplacian: { sum: s(2), sumSquares: s(3) },
      rg: { sum: s(4), sumSquares: s(5) },
      yb2: { sum: s(6), sumSquares: s(7) },
      brightnessAtRanks: Float64Array.from(
        [
          ...lowPixels.subarray(i * low.length, (i + 1) * low.length),
          ...highPixels.subarray(i * high.length, (i + 1) * high.length),
        ],
        at,
      ),
      small: smallData.slice(i * smallSize, (i + 1) * smallSize),
      hashPixels: hashData.slice(i * side * side, (i + 1) * side * side),
      thumbnail: thumbnail(luma(im.rgb), width, height),
    };
  });
}

/** A rows x cols matrix transposed. */
function transpose(m: Int32Array, rows: number, cols: number): Int32Array {
  const t = new Int32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
  return t;
}
