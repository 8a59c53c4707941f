/**
 * A TF.js GraphModel (`model.json` with `format: "graph-model"`) and its weights, read into
 * plain arrays: the input of the ONNX converter.
 */

export interface TfjsAttr {
  s?: string; // base64
  i?: string | number;
  f?: number;
  b?: boolean;
  list?: { i?: (string | number)[]; s?: string[]; f?: number[] };
  type?: string;
  shape?: { dim?: { size: string | number }[] };
  tensor?: unknown;
}

export interface TfjsNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfjsAttr>;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: "uint8" | "uint16" | "float16"; min?: number; scale?: number };
}

export interface TfjsGraphModel {
  format: "graph-model";
  modelTopology: { node: TfjsNode[] };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
}

export interface Weight {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Checks the parts of a model.json the converter relies on. */
export function asGraphModel(json: unknown, file: string): TfjsGraphModel {
  const m = json as Partial<TfjsGraphModel> | null;
  if (m?.format !== "graph-model")
    throw new Error(`${file}: not a TF.js graph model (format ${JSON.stringify(m?.format)})`);
  if (!Array.isArray(m.modelTopology?.node) || !Array.isArray(m.weightsManifest))
    throw new Error(`${file}: no nodes or no weights manifest`);
  return m as TfjsGraphModel;
}

/**
 * Decodes every weight: each manifest group's shards are one buffer, weights packed in manifest
 * order. Quantized weights are dequantized as TF.js does (`q * scale + min`, or float16).
 */
export function readWeights(model: TfjsGraphModel, shard: (path: string) => Uint8Array): Map<string, Weight> {
  const out = new Map<string, Weight>();
  for (const group of model.weightsManifest) {
    const buf = Buffer.concat(group.paths.map(shard));
    let at = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const q = spec.quantization;
      const bytes = count * (q ? (q.dtype === "uint8" ? 1 : 2) : 4);
      if (at + bytes > buf.length) throw new Error(`weight ${spec.name} runs past the end of its shards`);
      const view = new DataView(buf.buffer, buf.byteOffset + at, bytes);
      out.set(spec.name, { shape: spec.shape, data: decode(spec, view, count) });
      at += bytes;
    }
    if (at !== buf.length)
      throw new Error(`weight shards ${group.paths.join(", ")} hold ${buf.length} bytes, the manifest ${at}`);
  }
  return out;
}

function decode(spec: TfjsWeightSpec, view: DataView, count: number): Float32Array | Int32Array {
  const q = spec.quantization;
  if (spec.dtype === "int32" && !q) return Int32Array.from({ length: count }, (_, k) => view.getInt32(4 * k, true));
  if (spec.dtype !== "float32") throw new Error(`weight ${spec.name}: dtype ${spec.dtype} is not supported`);
  const out = new Float32Array(count);
  if (!q) for (let k = 0; k < count; k++) out[k] = view.getFloat32(4 * k, true);
  else if (q.dtype === "float16") for (let k = 0; k < count; k++) out[k] = half(view.getUint16(2 * k, true));
  else {
    const { min = 0, scale = 1 } = q;
    for (let k = 0; k < count; k++)
      out[k] = (q.dtype === "uint8" ? view.getUint8(k) : view.getUint16(2 * k, true)) * scale + min;
  }
  return out;
}

function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1,
    exp = (h >> 10) & 0x1f,
    frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A node attribute's integer list (strides, ksize, squeeze_dims). */
export function ints(node: TfjsNode, name: string): number[] {
  return (node.attr?.[name]?.list?.i ?? []).map(Number);
}

/** A node attribute's string, or list of strings (base64 in model.json). */
export function str(node: TfjsNode, name: string): string | undefined {
  const s = node.attr?.[name]?.s;
  return s === undefined ? undefined : Buffer.from(s, "base64").toString("utf8");
}

export function strs(node: TfjsNode, name: string): string[] {
  return (node.attr?.[name]?.list?.s ?? []).map((s) => Buffer.from(s, "base64").toString("utf8"));
}
