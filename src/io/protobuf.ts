/**
 * A minimal protocol-buffers wire-format reader and writer: enough for small fixed schemas
 * (tf.train.Example, ONNX graphs) without a protobuf library.
 *
 * Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited (bytes, strings, messages, packed
 * repeated scalars), 5 fixed 32-bit. Groups (3, 4) are obsolete and refused.
 * 64-bit integers are returned as JavaScript numbers, exact up to 2^53.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_FIXED32 = 5;

/** A malformed message; `offset` is the byte position in the buffer given to the reader. */
export class ProtobufError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = "ProtobufError";
  }
}

export interface FieldTag {
  field: number;
  wire: number;
}

const TWO_32 = 4294967296;
const textDecoder = new TextDecoder("utf-8");
const textEncoder = new TextEncoder();

/** Reads one message's fields in order; `sub` gives a reader over a length-delimited field. */
export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** True when every field has been read. */
  done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): FieldTag {
    const at = this.pos;
    const t = this.uint32();
    const field = t >>> 3,
      wire = t & 7;
    if (field === 0) throw new ProtobufError("field number 0 is invalid", at);
    if (wire === 3 || wire === 4 || wire === 6 || wire === 7)
      throw new ProtobufError(`unsupported wire type ${wire} for field ${field}`, at);
    return { field, wire };
  }

  /** A varint as its low and high 32 bits (unsigned). */
  varintParts(): [number, number] {
    const at = this.pos;
    let lo = 0,
      hi = 0;
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.end) throw new ProtobufError("varint runs past the end of the message", at);
      const b = this.buf[this.pos++];
      if (k < 4) lo |= (b & 0x7f) << (7 * k);
      else if (k === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * k - 32);
      if ((b & 0x80) === 0) return [lo >>> 0, hi >>> 0];
    }
    throw new ProtobufError("varint longer than 10 bytes", at);
  }

  /** A varint's low 32 bits, unsigned (tags, lengths, uint32, bool, enums). */
  uint32(): number {
    return this.varintParts()[0];
  }

  /** An int64 varint (two's complement for negatives) as a number. */
  int64(): number {
    const [lo, hi] = this.varintParts();
    return (hi | 0) * TWO_32 + lo;
  }

  /** A uint64 varint as a number. */
  uint64(): number {
    const [lo, hi] = this.varintParts();
    return hi * TWO_32 + lo;
  }

  /** A sint64 (zigzag) varint as a number. */
  sint64(): number {
    const v = this.uint64();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's bytes (a view into the buffer, not a copy). */
  bytes(): Uint8Array {
    const [start, end] = this.lengthDelimited();
    return this.buf.subarray(start, end);
  }

  string(): string {
    return textDecoder.decode(this.bytes());
  }

  /** A reader over an embedded message. */
  sub(): ProtoReader {
    const [start, end] = this.lengthDelimited();
    return new ProtoReader(this.buf, start, end);
  }

  /**
   * Appends the values of a repeated float field to `out`: packed (wire type 2) or one
   * unpacked value (wire type 5), as the tag said.
   */
  floats(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED32) {
      out.push(this.float());
      return;
    }
    this.expect(wire, WIRE_LENGTH, "float");
    const [start, end] = this.lengthDelimited();
    if ((end - start) % 4 !== 0)
      throw new ProtobufError(`packed floats take ${end - start} bytes, not a multiple of 4`, start);
    for (let p = start; p < end; p += 4) out.push(this.view.getFloat32(p, true));
  }

  /** Appends the values of a repeated int64 field to `out`: packed (wire type 2) or one varint. */
  int64s(wire: number, out: number[]): void {
    if (wire === WIRE_VARINT) {
      out.push(this.int64());
      return;
    }
    this.expect(wire, WIRE_LENGTH, "int64");
    const [start, end] = this.lengthDelimited();
    const inner = new ProtoReader(this.buf, start, end);
    while (!inner.done()) out.push(inner.int64());
  }

  /** Skips a field's value of the given wire type. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varintParts();
        break;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        break;
      case WIRE_LENGTH:
        this.lengthDelimited();
        break;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        break;
      default:
        throw new ProtobufError(`cannot skip wire type ${wire}`, this.pos);
    }
  }

  private lengthDelimited(): [number, number] {
    const at = this.pos;
    const len = this.uint32();
    const start = this.pos,
      end = start + len;
    if (end > this.end)
      throw new ProtobufError(
        `field of ${len} bytes runs past the end of the message (${this.end - start} bytes left)`,
        at,
      );
    this.pos = end;
    return [start, end];
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufError(`${n}-byte value runs past the end of the message`, this.pos);
  }

  private expect(wire: number, wanted: number, what: string): void {
    if (wire !== wanted) throw new ProtobufError(`wire type ${wire} cannot hold ${what} values`, this.pos);
  }
}

/** Bytes of a varint holding `v` (a non-negative integer up to 2^53). */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Bytes of an int64 varint: negatives take 10. */
export function int64Size(v: number): number {
  return v < 0 ? 10 : varintSize(v);
}

/** Bytes of a length-delimited field of `n` bytes with a field number below 16 (one-byte tag). */
export function lengthFieldSize(n: number): number {
  return 1 + varintSize(n) + n;
}

/**
 * Builds one message. Nested messages are written either by a function given a writer of its
 * own (`message`, which copies the nested bytes once per level), or flat: a tag and the length
 * computed beforehand (`tag(f, WIRE_LENGTH).uint32(size)`), then the content.
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(256);
  private dv = new DataView(this.cur.buffer);
  private len = 0;
  private size = 0;

  tag(field: number, wire: number): this {
    return this.uint32(field * 8 + wire);
  }

  /** An unsigned varint below 2^32. */
  uint32(v: number): this {
    if (!(v >= 0 && v < TWO_32 && Number.isInteger(v))) throw new RangeError(`uint32 out of range: ${v}`);
    this.reserve(5);
    while (v > 0x7f) {
      this.cur[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.cur[this.len++] = v;
    return this;
  }

  /** An int64 varint (negatives as 10-byte two's complement). Exact for |v| <= 2^53. */
  int64(v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`int64 must be a safe integer: ${v}`);
    let lo: number, hi: number;
    if (v >= 0) {
      lo = v % TWO_32;
      hi = Math.floor(v / TWO_32);
    } else {
      const a = -v;
      lo = a % TWO_32;
      hi = Math.floor(a / TWO_32);
      // Two's complement of (hi, lo).
      lo = (~lo + 1) >>> 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    }
    this.reserve(10);
    while (hi > 0 || lo > 0x7f) {
      this.cur[this.len++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.cur[this.len++] = lo;
    return this;
  }

  float(v: number): this {
    this.reserve(4);
    this.dv.setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  double(v: number): this {
    this.reserve(8);
    this.dv.setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }

  raw(data: Uint8Array): this {
    if (data.length > 4096) {
      this.flush();
      this.chunks.push(data);
      this.size += data.length;
      return this;
    }
    this.reserve(data.length);
    this.cur.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** A bytes field. */
  bytesField(field: number, data: Uint8Array): this {
    return this.tag(field, WIRE_LENGTH).uint32(data.length).raw(data);
  }

  /** A string field (UTF-8). */
  stringField(field: number, s: string): this {
    return this.bytesField(field, textEncoder.encode(s));
  }

  /** An int64 field, one value. */
  int64Field(field: number, v: number): this {
    return this.tag(field, WIRE_VARINT).int64(v);
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    this.tag(field, WIRE_LENGTH).uint32(values.length * 4);
    for (let i = 0; i < values.length; i++) this.float(values[i]);
    return this;
  }

  /** A packed repeated int64 field. */
  packedInt64s(field: number, values: ArrayLike<number>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.int64(values[i]);
    return this.bytesField(field, inner.finish());
  }

  /** An embedded message field, its content written by `build`. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const chunks = this.finishChunks();
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(this.size);
    let p = 0;
    for (const c of chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }

  /**
   * The message's bytes as the pieces they were written in, without joining them: large
   * `raw` data (an image) stays the caller's buffer, so it can go to a file without a copy.
   */
  finishChunks(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.cur.length) return;
    this.flush();
    if (n > this.cur.length) {
      this.cur = new Uint8Array(Math.max(n, this.cur.length * 2));
      this.dv = new DataView(this.cur.buffer);
    }
  }

  private flush(): void {
    if (this.len === 0) return;
    this.chunks.push(this.cur.slice(0, this.len));
    this.size += this.len;
    this.len = 0;
  }
}
