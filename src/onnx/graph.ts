/**
 * A small ONNX graph builder: writes ModelProto bytes directly with the project's protobuf
 * writer, so built-in graphs (quality scores, converted CNNs) need no Python and no protobuf
 * library at run time.
 *
 *   const g = new GraphBuilder();
 *   const x = g.input("images", "float32", ["batch", 3, "h", "w"]);
 *   const w = g.constant(new Float32Array(9).fill(1 / 9), [1, 1, 3, 3]);
 *   const y = g.node("Conv", [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
 *   g.output(y, "float32", ["batch", 1, "h", "w"], "blurred");
 *   const bytes = g.build();                     // Uint8Array, ready for openSession
 *
 * Attribute values: an integer number is INT, an integer array INTS, a string STRING, and
 * `float(v)` / `floats([...])` / `tensor(data, dims)` say FLOAT / FLOATS / TENSOR (JavaScript
 * cannot tell 1.0 from 1, so floats are always explicit; a non-integer number is refused).
 * Value names are checked as nodes are added, so a wiring mistake fails where it is made,
 * not inside onnxruntime.
 */

import { ProtoWriter, WIRE_FIXED32, WIRE_VARINT } from "../io/protobuf";

export type DType = "float32" | "uint8" | "int32" | "int64" | "bool";
/** A dimension: a size, or a symbolic name such as "batch" (the same name means the same size). */
export type Dim = number | string;
/** Tensor contents; the array type gives the element type (bool tensors are Uint8Array + dtype). */
export type TensorData = Float32Array | Uint8Array | Int32Array | BigInt64Array;

/** ONNX TensorProto.DataType codes. */
const DATA_TYPE: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 };

export interface TensorValue {
  readonly kind: "tensor";
  readonly data: TensorData;
  readonly dims: readonly number[];
  readonly dtype: DType;
}
export interface FloatValue {
  readonly kind: "float";
  readonly value: number;
}
export interface FloatsValue {
  readonly kind: "floats";
  readonly values: readonly number[];
}
export type AttributeValue = number | readonly number[] | string | FloatValue | FloatsValue | TensorValue;
export type Attributes = Record<string, AttributeValue | undefined>;

/** A FLOAT attribute. */
export function float(value: number): FloatValue {
  return { kind: "float", value };
}

/** A FLOATS attribute. */
export function floats(values: readonly number[]): FloatsValue {
  return { kind: "floats", values };
}

/** A tensor (a TENSOR attribute, or a constant); dims default to 1-D, dtype to the array's. */
export function tensor(
  data: TensorData,
  dims: readonly number[] = [data.length],
  dtype: DType = dtypeOf(data),
): TensorValue {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(`tensor of shape [${dims}] needs ${count} values, got ${data.length}`);
  if (dtype === "bool" && !(data instanceof Uint8Array))
    throw new TypeError("a bool tensor is a Uint8Array of 0 and 1");
  return { kind: "tensor", data, dims: [...dims], dtype };
}

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  throw new TypeError("tensor data must be a Float32Array, Uint8Array, Int32Array or BigInt64Array");
}

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  /** AttributeProto bytes, encoded when the node is added so bad values fail there. */
  attrs: Uint8Array[];
  name: string;
  domain: string;
}

interface ValueInfo {
  name: string;
  dtype: DType;
  shape: readonly Dim[] | undefined;
}

export interface GraphOptions {
  /** The default-domain opset (default 17). */
  opset?: number;
  /** Graph name (shown by Netron and in ORT's messages). */
  name?: string;
  /** Other operator sets, e.g. { "com.microsoft": 1 }. */
  domains?: Record<string, number>;
}

export interface NodeOptions {
  /** How many outputs the node has (default 1). */
  outputs?: number;
  /** Operator domain (default: the ONNX domain). */
  domain?: string;
  /** Names for the outputs instead of generated ones. */
  names?: string[];
}

/** ONNX IR version 8 (ONNX 1.10+): read by every onnxruntime since 1.10. */
const IR_VERSION = 8;

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: { name: string; value: TensorValue }[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly options: GraphOptions = {}) {}

  /** Declares a graph input; returns its name. */
  input(name: string, dtype: DType, shape: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  /** A constant (an initializer); `data` may be a TensorValue or an array with its dims. */
  constant(data: TensorData | TensorValue, dims?: readonly number[], name?: string): string {
    const value = isTensor(data) ? data : tensor(data, dims);
    const id = name ?? this.fresh("const");
    this.claim(id);
    this.initializers.push({ name: id, value });
    return id;
  }

  /** A 1-D int64 constant (shapes, axes, indices): the common case, without BigInt64Array at every call. */
  int64s(values: readonly number[], name?: string): string {
    return this.constant(BigInt64Array.from(values, BigInt), [values.length], name);
  }

  /** A float32 scalar constant (broadcasts in arithmetic nodes). */
  scalar(value: number, name?: string): string {
    return this.constant(Float32Array.of(value), [], name);
  }

  /** Adds a node with one output; returns the output's name. Pass "" for an omitted optional input. */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Attributes = {},
    options: Omit<NodeOptions, "outputs"> = {},
  ): string {
    return this.nodeOutputs(op, inputs, attrs, { ...options, outputs: 1 })[0];
  }

  /** Adds a node with several outputs (TopK, Split); returns their names in order. */
  nodeOutputs(op: string, inputs: readonly string[], attrs: Attributes = {}, options: NodeOptions = {}): string[] {
    for (const i of inputs) {
      if (i !== "" && !this.names.has(i))
        throw new Error(`${op}: input "${i}" is not an input, constant or earlier node output of this graph`);
    }
    const count = options.names?.length ?? options.outputs ?? 1;
    const outputs = options.names
      ? [...options.names]
      : Array.from({ length: count }, (_, k) => this.fresh(count === 1 ? op : `${op}_out${k}`));
    for (const o of outputs) this.claim(o);
    const encoded = Object.entries(attrs).flatMap(([name, v]) =>
      v === undefined ? [] : [encodeAttribute(op, name, v)],
    );
    this.nodes.push({
      op,
      inputs: [...inputs],
      outputs,
      attrs: encoded,
      name: this.fresh(`${op}_node`),
      domain: options.domain ?? "",
    });
    return outputs;
  }

  /**
   * Declares a graph output. With `name`, the value is exposed under that name (through an
   * Identity node, which ORT removes); shape entries may be symbolic, or omitted entirely.
   */
  output(value: string, dtype: DType, shape?: readonly Dim[], name?: string): string {
    const exposed =
      name === undefined || name === value ? value : this.node("Identity", [value], {}, { names: [name] });
    if (!this.names.has(exposed)) throw new Error(`output "${exposed}" is not a value of this graph`);
    this.outputs.push({ name: exposed, dtype, shape });
    return exposed;
  }

  /** The ModelProto bytes. */
  build(): Uint8Array {
    if (this.outputs.length === 0) throw new Error("the graph has no outputs; declare them with output()");
    const w = new ProtoWriter();
    w.int64Field(1, IR_VERSION);
    w.stringField(2, "blindspot");
    w.message(7, (g) => this.writeGraph(g));
    const opsets: [string, number][] = [["", this.options.opset ?? 17], ...Object.entries(this.options.domains ?? {})];
    for (const [domain, version] of opsets) {
      w.message(8, (o) => {
        if (domain) o.stringField(1, domain);
        o.int64Field(2, version);
      });
    }
    return w.finish();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) g.message(1, (w) => writeNode(w, n));
    g.stringField(2, this.options.name ?? "blindspot");
    for (const { name, value } of this.initializers) g.message(5, (w) => writeTensor(w, value, name));
    for (const v of this.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of this.outputs) g.message(12, (w) => writeValueInfo(w, v));
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    return name;
  }

  private claim(name: string): void {
    if (!name) throw new Error("value names must not be empty");
    if (this.names.has(name)) throw new Error(`the graph already has a value named "${name}"`);
    this.names.add(name);
  }
}

function isTensor(v: unknown): v is TensorValue {
  return typeof v === "object" && v !== null && (v as TensorValue).kind === "tensor";
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.stringField(1, i);
  for (const o of n.outputs) w.stringField(2, o);
  w.stringField(3, n.name);
  w.stringField(4, n.op);
  for (const a of n.attrs) w.bytesField(5, a);
  if (n.domain) w.stringField(7, n.domain);
}

/** AttributeProto.AttributeType codes. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 };

function encodeAttribute(op: string, name: string, v: AttributeValue): Uint8Array {
  const w = new ProtoWriter();
  w.stringField(1, name);
  if (typeof v === "number") {
    w.tag(3, WIRE_VARINT).int64(integer(op, name, v));
    w.int64Field(20, ATTR.INT);
  } else if (typeof v === "string") {
    w.stringField(4, v);
    w.int64Field(20, ATTR.STRING);
  } else if (isArray(v)) {
    for (const x of v) integer(op, name, x);
    w.packedInt64s(8, v);
    w.int64Field(20, ATTR.INTS);
  } else if (v.kind === "float") {
    w.tag(2, WIRE_FIXED32).float(v.value);
    w.int64Field(20, ATTR.FLOAT);
  } else if (v.kind === "floats") {
    w.packedFloats(7, v.values);
    w.int64Field(20, ATTR.FLOATS);
  } else {
    w.message(5, (t) => writeTensor(t, v, ""));
    w.int64Field(20, ATTR.TENSOR);
  }
  return w.finish();
}

function isArray(v: AttributeValue): v is readonly number[] {
  return Array.isArray(v);
}

function integer(op: string, name: string, v: number): number {
  if (!Number.isSafeInteger(v))
    throw new TypeError(`${op}.${name}: ${v} is not an integer; wrap float attributes with float() or floats()`);
  return v;
}

function writeTensor(w: ProtoWriter, t: TensorValue, name: string): void {
  w.packedInt64s(1, t.dims);
  w.int64Field(2, DATA_TYPE[t.dtype]);
  if (name) w.stringField(8, name);
  // raw_data is little-endian; every platform onnxruntime-node ships for is little-endian.
  w.bytesField(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.stringField(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.int64Field(1, DATA_TYPE[v.dtype]);
      // An empty shape (a scalar) is written too: no shape at all means "any rank".
      if (v.shape)
        tt.message(2, (shape) => {
          for (const d of v.shape!)
            shape.message(1, (dim) => (typeof d === "number" ? dim.int64Field(1, d) : dim.stringField(2, d)));
        });
    }),
  );
}
