import { GraphBuilder, float } from "../../onnx/graph";
import { ints, str, strs, type TfjsGraphModel, type TfjsNode, type Weight } from "./tfjs";

/**
 * Converts a TF.js GraphModel of a CNN into ONNX bytes.
 *
 * TF.js graphs are NHWC; ONNX convolutions are NCHW. The input is transposed once at the start
 * and 4-D activations stay NCHW; filters are transposed when they are written (conv
 * [kh,kw,cin,cout] -> [cout,cin,kh,kw]; depthwise [kh,kw,c,m] -> [c*m,1,kh,kw] with group c).
 * An op that is not layout-aware (Reshape, Softmax, an output) gets its input back in NHWC, so
 * every value it sees is what TensorFlow would have seen.
 *
 * TF's "SAME" padding puts the odd pixel at the end, which is exactly ONNX's auto_pad SAME_UPPER;
 * using it (instead of pads computed for one input size) keeps the graph valid at any size.
 * Only the nodes the requested outputs depend on are converted (a classifier head left out costs nothing).
 */

export interface ConvertOptions {
  /** ONNX output name -> TF.js node name. */
  outputs: Record<string, string>;
  /** ONNX name of the image input (default: the Placeholder's name). */
  inputName?: string;
  opset?: number;
}

export class ConversionError extends Error {
  constructor(node: TfjsNode, message: string) {
    super(`${node.op} node ${node.name}: ${message}`);
    this.name = "ConversionError";
  }
}

interface Value {
  name: string;
  /** A 4-D value held as NCHW (TF sees it as NHWC). */
  nchw: boolean;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

const BINARY: Record<string, string> = {
  Add: "Add",
  AddV2: "Add",
  Sub: "Sub",
  Mul: "Mul",
  RealDiv: "Div",
  Maximum: "Max",
  Minimum: "Min",
};

export function tfjsToOnnx(model: TfjsGraphModel, weights: Map<string, Weight>, options: ConvertOptions): Uint8Array {
  return new Converter(model, weights, options).build();
}

class Converter {
  private readonly g: GraphBuilder;
  private readonly nodes = new Map<string, TfjsNode>();
  private readonly values = new Map<string, Value>();

  constructor(
    model: TfjsGraphModel,
    private readonly weights: Map<string, Weight>,
    private readonly options: ConvertOptions,
  ) {
    this.g = new GraphBuilder({ opset: options.opset ?? 17, name: "tfjs" });
    for (const n of model.modelTopology.node) this.nodes.set(n.name, n);
  }

  build(): Uint8Array {
    for (const [name, tfName] of Object.entries(this.options.outputs)) {
      const v = this.value(tfName);
      this.g.output(this.nhwc(v), "float32", undefined, name);
    }
    return this.g.build();
  }

  /** The ONNX value of a TF tensor reference ("node", "node:0"), converting its node on first use. */
  private value(ref: string): Value {
    const name = bare(ref);
    const done = this.values.get(name);
    if (done) return done;
    if (/:\d+$/.test(name)) throw new Error(`${ref}: references to a node's second or later output are not supported`);
    const node = this.nodes.get(name);
    if (!node) throw new Error(`the graph has no node ${JSON.stringify(ref)}`);
    const v = this.convert(node);
    this.values.set(name, v);
    return v;
  }

  private convert(n: TfjsNode): Value {
    const inputs = (n.input ?? []).filter((i) => !i.startsWith("^"));
    const arg = (k: number) => this.value(inputs[k]);
    switch (n.op) {
      case "Placeholder":
        return this.placeholder(n);
      case "Const":
        return { name: this.constant(n, n.name, false), nchw: false };
      case "Identity":
        return arg(0);
      case "Conv2D":
      case "_FusedConv2D":
      case "DepthwiseConv2dNative":
      case "FusedDepthwiseConv2dNative":
        return this.conv(n, inputs);
      case "Relu":
      case "Relu6":
        return this.activation(n, n.op, arg(0));
      case "AvgPool":
      case "MaxPool":
        return this.pool(n, arg(0));
      case "Mean":
        return this.mean(n, arg(0), inputs[1]);
      case "Squeeze":
        return this.squeeze(n, arg(0));
      case "Reshape":
        return {
          name: this.g.node("Reshape", [this.nhwc(arg(0)), this.g.int64s(this.ints(n, inputs[1]))]),
          nchw: false,
        };
      case "Pad":
        return this.pad(n, arg(0), inputs[1]);
      case "MatMul":
      case "_FusedMatMul":
        return this.matmul(n, inputs);
      case "Softmax":
        return { name: this.g.node("Softmax", [this.nhwc(arg(0))], { axis: -1 }), nchw: false };
    }
    if (BINARY[n.op]) return this.binary(n, BINARY[n.op], inputs);
    throw new ConversionError(n, "this op is not supported by the converter");
  }

  private placeholder(n: TfjsNode): Value {
    const dims = (n.attr?.shape?.shape?.dim ?? []).map((d, k): number | string =>
      Number(d.size) < 0 ? (k === 0 ? "batch" : `d${k}`) : Number(d.size),
    );
    const name = this.g.input(this.options.inputName ?? n.name, "float32", dims);
    return dims.length === 4
      ? { name: this.g.node("Transpose", [name], { perm: NHWC_TO_NCHW }), nchw: true }
      : { name, nchw: false };
  }

  private conv(n: TfjsNode, inputs: string[]): Value {
    const x = this.value(inputs[0]);
    if (!x.nchw) throw new ConversionError(n, "input is not a 4-D image tensor");
    if ((str(n, "data_format") ?? "NHWC") !== "NHWC") throw new ConversionError(n, "only NHWC data is supported");
    const depthwise = n.op.includes("Depthwise");
    const f = this.weight(n, inputs[1]);
    const [kh, kw, cin, cout] = f.shape;
    const filter = depthwise
      ? transpose(f, [2, 3, 0, 1], [cin * cout, 1, kh, kw])
      : transpose(f, [3, 2, 0, 1], [cout, cin, kh, kw]);
    const fused = strs(n, "fused_ops");
    const args = [x.name, this.g.constant(filter.data, filter.shape)];
    if (fused[0] === "BiasAdd") {
      const b = this.weight(n, inputs[2]);
      args.push(this.g.constant(b.data, b.shape));
    } else if (fused.length > 0) throw new ConversionError(n, `fused ops ${fused.join("+")} are not supported`);
    const y = this.g.node("Conv", args, {
      ...this.window(n),
      kernel_shape: [kh, kw],
      dilations: spatial(ints(n, "dilations"), [1, 1]),
      group: depthwise ? cin : 1,
    });
    return fused[1] ? this.activation(n, fused[1], { name: y, nchw: true }) : { name: y, nchw: true };
  }

  /** Strides and padding of a conv or pool node. */
  private window(n: TfjsNode) {
    const strides = spatial(ints(n, "strides"), [1, 1]);
    const padding = str(n, "padding");
    if (padding === "SAME") return { strides, auto_pad: "SAME_UPPER" };
    if (padding === "VALID") return { strides, pads: [0, 0, 0, 0] };
    if (padding === "EXPLICIT") {
      const p = ints(n, "explicit_paddings"); // [before, after] per NHWC axis
      return { strides, pads: [p[2], p[4], p[3], p[5]] };
    }
    throw new ConversionError(n, `padding ${padding} is not supported`);
  }

  private activation(n: TfjsNode, op: string, x: Value): Value {
    if (op === "Relu") return { name: this.g.node("Relu", [x.name]), nchw: x.nchw };
    if (op === "Relu6")
      return { name: this.g.node("Clip", [x.name, this.g.scalar(0), this.g.scalar(6)]), nchw: x.nchw };
    throw new ConversionError(n, `activation ${op} is not supported`);
  }

  private pool(n: TfjsNode, x: Value): Value {
    if (!x.nchw) throw new ConversionError(n, "input is not a 4-D image tensor");
    const op = n.op === "AvgPool" ? "AveragePool" : "MaxPool";
    return {
      name: this.g.node(op, [x.name], { ...this.window(n), kernel_shape: spatial(ints(n, "ksize"), [1, 1]) }),
      nchw: true,
    };
  }

  private mean(n: TfjsNode, x: Value, axesRef: string): Value {
    const axes = this.ints(n, axesRef).map((a) => (a < 0 ? a + 4 : a));
    const keep = n.attr?.keep_dims?.b === true;
    // Averaging over H and W leaves [N,C] (or [N,C,1,1] kept) in either layout; other axes go through NHWC.
    if (x.nchw && axes.length === 2 && axes.includes(1) && axes.includes(2)) {
      return { name: this.g.node("ReduceMean", [x.name], { axes: [2, 3], keepdims: keep ? 1 : 0 }), nchw: keep };
    }
    return { name: this.g.node("ReduceMean", [this.nhwc(x)], { axes, keepdims: keep ? 1 : 0 }), nchw: false };
  }

  private squeeze(n: TfjsNode, x: Value): Value {
    const dims = ints(n, "squeeze_dims").map((a) => (a < 0 ? a + 4 : a));
    if (x.nchw && dims.length === 2 && dims.includes(1) && dims.includes(2)) {
      return { name: this.g.node("Squeeze", [x.name, this.g.int64s([2, 3])]), nchw: false };
    }
    const input = this.nhwc(x);
    return { name: this.g.node("Squeeze", dims.length ? [input, this.g.int64s(dims)] : [input]), nchw: false };
  }

  private pad(n: TfjsNode, x: Value, padsRef: string): Value {
    const p = this.ints(n, padsRef); // [[before, after]] per NHWC axis
    const rank = p.length / 2;
    // the NHWC axis of each ONNX axis
    const axes = Array.from({ length: rank }, (_, k) => (x.nchw ? NHWC_TO_NCHW[k] : k));
    const pads = [...axes.map((a) => p[2 * a]), ...axes.map((a) => p[2 * a + 1])];
    return { name: this.g.node("Pad", [x.name, this.g.int64s(pads)]), nchw: x.nchw };
  }

  private matmul(n: TfjsNode, inputs: string[]): Value {
    const a = this.nhwc(this.value(inputs[0]));
    const b = this.value(inputs[1]).name;
    const fused = strs(n, "fused_ops");
    const attrs = { transA: n.attr?.transpose_a?.b ? 1 : 0, transB: n.attr?.transpose_b?.b ? 1 : 0 };
    if (fused.length === 0) return { name: this.g.node("Gemm", [a, b], attrs), nchw: false };
    if (fused[0] !== "BiasAdd") throw new ConversionError(n, `fused ops ${fused.join("+")} are not supported`);
    const y = {
      name: this.g.node("Gemm", [a, b, this.value(inputs[2]).name], { ...attrs, alpha: float(1), beta: float(1) }),
      nchw: false,
    };
    return fused[1] ? this.activation(n, fused[1], y) : y;
  }

  /**
   * An elementwise op. Operands that are nodes meet in NCHW when they all are, else in NHWC. A
   * constant next to an NCHW image is laid out to broadcast as TF meant: [C] becomes [C,1,1],
   * a 4-D constant is transposed.
   */
  private binary(n: TfjsNode, op: string, inputs: string[]): Value {
    const refs = inputs.slice(0, 2);
    const vals = refs.map((r) => (this.nodes.get(bare(r))?.op === "Const" ? undefined : this.value(r)));
    const nchw = vals.some((v) => v?.nchw) && vals.every((v) => !v || v.nchw);
    const names = refs.map((r, k) => {
      const v = vals[k];
      return v ? (nchw ? v.name : this.nhwc(v)) : this.constant(n, r, nchw);
    });
    return { name: this.g.node(op, names), nchw };
  }

  private constant(n: TfjsNode, ref: string, nchw: boolean): string {
    const w = this.weight(n, ref);
    if (!nchw || w.data.length === 1) return this.g.constant(w.data, w.shape);
    if (w.shape.length === 1) return this.g.constant(w.data, [w.shape[0], 1, 1]);
    if (w.shape.length === 4) {
      const t = transpose(
        w,
        NHWC_TO_NCHW,
        NHWC_TO_NCHW.map((p) => w.shape[p]),
      );
      return this.g.constant(t.data, t.shape);
    }
    throw new ConversionError(n, `constant ${ref} of shape [${w.shape}] cannot meet an image tensor`);
  }

  /** The value in TF's own layout. */
  private nhwc(v: Value): string {
    return v.nchw ? this.g.node("Transpose", [v.name], { perm: NCHW_TO_NHWC }) : v.name;
  }

  private weight(n: TfjsNode, ref: string): Weight {
    const w = this.weights.get(bare(ref));
    if (!w) throw new ConversionError(n, `input ${ref} is not a constant with weights`);
    return w;
  }

  private ints(n: TfjsNode, ref: string): number[] {
    return Array.from(this.weight(n, ref).data);
  }
}

/** A tensor reference without the ":0" of a node's first output. */
function bare(ref: string): string {
  return ref.replace(/:0$/, "");
}

/** The H and W entries of an NHWC attribute list. */
function spatial(list: number[], fallback: [number, number]): number[] {
  return list.length === 4 ? [list[1], list[2]] : fallback;
}

/** A weight with its axes permuted (out axis k = in axis perm[k]), reshaped to `shape`. */
function transpose(w: Weight, perm: number[], shape: number[]): Weight {
  const inShape = w.shape;
  const outDims = perm.map((p) => inShape[p]);
  const inStrides = inShape.map((_, k) => inShape.slice(k + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(w.data.length);
  const idx = new Array(perm.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k] * inStrides[perm[k]];
    out[o] = w.data[src];
    for (let k = perm.length - 1; k >= 0 && ++idx[k] === outDims[k]; k--) idx[k] = 0;
  }
  return { data: out, shape };
}
