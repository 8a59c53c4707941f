import { describe, expect, it } from "vitest";
import {
  int64Size,
  lengthFieldSize,
  ProtobufError,
  ProtoReader,
  ProtoWriter,
  varintSize,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH,
  WIRE_VARINT,
} from "../../src/io/protobuf";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("protobuf varints", () => {
  it("encodes known values as the reference encoding does", () => {
    expect(hex(new ProtoWriter().uint32(1).finish())).toBe("01");
    expect(hex(new ProtoWriter().uint32(300).finish())).toBe("ac02");
    expect(hex(new ProtoWriter().uint32(0xffffffff).finish())).toBe("ffffffff0f");
    expect(hex(new ProtoWriter().int64(-1).finish())).toBe("ffffffffffffffffff01");
    expect(hex(new ProtoWriter().int64(2 ** 32).finish())).toBe("8080808010");
    // Field 1, varint 150: the example of the protobuf documentation.
    expect(hex(new ProtoWriter().int64Field(1, 150).finish())).toBe("089601");
  });

  it("round-trips int64 values across the 32-bit boundary and negatives", () => {
    const cases = [
      0,
      1,
      127,
      128,
      16383,
      16384,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 35 + 7,
      Number.MAX_SAFE_INTEGER,
      -1,
      -2,
      -128,
      -(2 ** 31),
      -(2 ** 32),
      -(2 ** 32) - 1,
      -(2 ** 40) + 3,
      Number.MIN_SAFE_INTEGER,
    ];
    const w = new ProtoWriter();
    for (const v of cases) w.int64(v);
    const r = new ProtoReader(w.finish());
    for (const v of cases) expect(r.int64()).toBe(v);
    expect(r.done()).toBe(true);
  });

  it("refuses values it cannot encode exactly", () => {
    expect(() => new ProtoWriter().int64(2 ** 60)).toThrow(RangeError);
    expect(() => new ProtoWriter().int64(1.5)).toThrow(RangeError);
    expect(() => new ProtoWriter().uint32(-1)).toThrow(RangeError);
  });

  it("reads uint64 and zigzag sint64", () => {
    const r = new ProtoReader(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10, 0x03, 0x04]));
    expect(r.uint64()).toBe(2 ** 32);
    expect(r.sint64()).toBe(-2);
    expect(r.sint64()).toBe(2);
  });

  it("fails on a varint cut short or too long", () => {
    expect(() => new ProtoReader(Uint8Array.from([0x80, 0x80])).uint32()).toThrow(ProtobufError);
    expect(() => new ProtoReader(new Uint8Array(11).fill(0x80)).uint64()).toThrow(/longer than 10 bytes/);
  });
});

describe("protobuf messages", () => {
  it("writes and reads nested messages, strings, bytes, floats and doubles", () => {
    const big = new Uint8Array(10000).map((_, i) => i & 0xff);
    const buf = new ProtoWriter()
      .stringField(1, "héllo")
      .message(2, (m) => m.int64Field(1, -5).packedFloats(2, [0.5, 1.25]))
      .bytesField(3, big)
      .tag(4, WIRE_FIXED64)
      .double(Math.PI)
      .tag(5, WIRE_FIXED32)
      .float(0.25)
      .finish();
    const r = new ProtoReader(buf);
    expect(r.tag()).toEqual({ field: 1, wire: WIRE_LENGTH });
    expect(r.string()).toBe("héllo");
    expect(r.tag()).toEqual({ field: 2, wire: WIRE_LENGTH });
    const sub = r.sub();
    expect(sub.tag()).toEqual({ field: 1, wire: WIRE_VARINT });
    expect(sub.int64()).toBe(-5);
    const t = sub.tag();
    const floats: number[] = [];
    sub.floats(t.wire, floats);
    expect(floats).toEqual([0.5, 1.25]);
    expect(sub.done()).toBe(true);
    expect(r.tag().field).toBe(3);
    expect(r.bytes()).toEqual(big);
    expect(r.tag()).toEqual({ field: 4, wire: WIRE_FIXED64 });
    expect(r.double()).toBe(Math.PI);
    expect(r.tag()).toEqual({ field: 5, wire: WIRE_FIXED32 });
    expect(r.float()).toBe(0.25);
    expect(r.done()).toBe(true);
  });

  it("reads repeated floats and int64s both packed and unpacked", () => {
    const buf = new ProtoWriter()
      .packedFloats(1, [1, 2])
      .tag(1, WIRE_FIXED32)
      .float(3)
      .packedInt64s(2, [7, -1, 2 ** 40])
      .tag(2, WIRE_VARINT)
      .int64(9)
      .finish();
    const r = new ProtoReader(buf);
    const floats: number[] = [],
      ints: number[] = [];
    while (!r.done()) {
      const t = r.tag();
      if (t.field === 1) r.floats(t.wire, floats);
      else r.int64s(t.wire, ints);
    }
    expect(floats).toEqual([1, 2, 3]);
    expect(ints).toEqual([7, -1, 2 ** 40, 9]);
  });

  it("stores floats as float32", () => {
    const r = new ProtoReader(new ProtoWriter().packedFloats(1, [0.1]).finish());
    const out: number[] = [];
    r.floats(r.tag().wire, out);
    expect(out[0]).toBe(Math.fround(0.1));
  });

  it("skips fields of every wire type", () => {
    const buf = new ProtoWriter()
      .int64Field(1, 123456789)
      .tag(2, WIRE_FIXED64)
      .double(1)
      .stringField(3, "skip me")
      .tag(4, WIRE_FIXED32)
      .float(1)
      .stringField(5, "keep")
      .finish();
    const r = new ProtoReader(buf);
    let kept = "";
    while (!r.done()) {
      const t = r.tag();
      if (t.field === 5) kept = r.string();
      else r.skip(t.wire);
    }
    expect(kept).toBe("keep");
  });

  it("fails clearly on malformed input", () => {
    // Length 5 but only 2 bytes follow.
    const cut = Uint8Array.from([0x0a, 0x05, 0x61, 0x62]);
    const r = new ProtoReader(cut);
    r.tag();
    expect(() => r.bytes()).toThrow(/runs past the end of the message.*at byte 1/);
    // Wire type 3 (start group) is refused; field 0 is invalid.
    expect(() => new ProtoReader(Uint8Array.from([0x0b])).tag()).toThrow(/wire type 3/);
    expect(() => new ProtoReader(Uint8Array.from([0x02])).tag()).toThrow(/field number 0/);
    // Packed floats whose length is not a multiple of 4.
    const bad = new ProtoReader(Uint8Array.from([0x0a, 0x03, 0, 0, 0]));
    expect(() => bad.floats(bad.tag().wire, [])).toThrow(/multiple of 4/);
    // A float cut short.
    expect(() => new ProtoReader(Uint8Array.from([0, 0])).float()).toThrow(ProtobufError);
  });

  it("reads a message inside a larger buffer without leaking past its end", () => {
    const inner = new ProtoWriter().int64Field(1, 1).finish();
    const outer = new ProtoWriter().bytesField(1, inner).int64Field(2, 99).finish();
    const r = new ProtoReader(outer);
    r.tag();
    const sub = r.sub();
    sub.tag();
    expect(sub.int64()).toBe(1);
    expect(sub.done()).toBe(true);
    expect(r.tag().field).toBe(2);
  });

  it("computes the sizes of varints and length-delimited fields as the writer writes them", () => {
    for (const v of [
      0,
      1,
      127,
      128,
      16383,
      16384,
      2 ** 21,
      2 ** 28 - 1,
      2 ** 28,
      2 ** 32,
      2 ** 35,
      2 ** 49,
      Number.MAX_SAFE_INTEGER,
    ]) {
      expect(varintSize(v), String(v)).toBe(new ProtoWriter().int64(v).finish().length);
      expect(int64Size(v), String(v)).toBe(varintSize(v));
    }
    for (const v of [-1, -(2 ** 40), Number.MIN_SAFE_INTEGER])
      expect(int64Size(v)).toBe(new ProtoWriter().int64(v).finish().length);
    for (const n of [0, 5, 127, 128, 300, 20000])
      expect(lengthFieldSize(n)).toBe(new ProtoWriter().bytesField(3, new Uint8Array(n)).finish().length);
  });

  it("hands large raw data over in pieces without copying it", () => {
    const image = new Uint8Array(100_000).fill(7);
    const chunks = new ProtoWriter().bytesField(1, image).int64Field(2, 5).finishChunks();
    expect(chunks).toContain(image); // the caller's buffer itself
    const joined = Buffer.concat(chunks);
    expect(joined.equals(Buffer.from(new ProtoWriter().bytesField(1, image).int64Field(2, 5).finish()))).toBe(true);
  });
});
