import { int64Size, lengthFieldSize, ProtoReader, ProtoWriter, WIRE_LENGTH } from "../../io/protobuf";

/* The tf.train.Example codec: feature names to lists of bytes, floats or int64s. */

/** One feature of a tf.train.Example: a list of bytes, floats or int64s. */
export type Feature =
  { kind: "bytes"; value: Uint8Array[] } | { kind: "float"; value: number[] } | { kind: "int64"; value: number[] };

/**
 * Decodes a serialized tf.train.Example into its features by key.
 * Example { Features features = 1 }; Features { map<string, Feature> feature = 1 };
 * Feature { oneof { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3 } };
 * each list { repeated <type> value = 1 } (floats and int64s packed or not).
 * Byte values are views into `data`, not copies.
 */
export function decodeExample(data: Uint8Array): Map<string, Feature> {
  const features = new Map<string, Feature>();
  const ex = new ProtoReader(data);
  while (!ex.done()) {
    const t = ex.tag();
    if (t.field !== 1 || t.wire !== WIRE_LENGTH) {
      ex.skip(t.wire);
      continue;
    }
    const fs_ = ex.sub();
    while (!fs_.done()) {
      const ft = fs_.tag();
      if (ft.field !== 1 || ft.wire !== WIRE_LENGTH) {
        fs_.skip(ft.wire);
        continue;
      }
      const entry = fs_.sub();
      let key = "";
      let feature: Feature | undefined;
      while (!entry.done()) {
        const et = entry.tag();
        if (et.field === 1 && et.wire === WIRE_LENGTH) key = entry.string();
        else if (et.field === 2 && et.wire === WIRE_LENGTH) feature = decodeFeature(entry.sub());
        else entry.skip(et.wire);
      }
      // A map entry without a value holds the default: an empty feature.
      features.set(key, feature ?? { kind: "bytes", value: [] });
    }
  }
  return features;
}

function decodeFeature(r: ProtoReader): Feature {
  let feature: Feature = { kind: "bytes", value: [] };
  while (!r.done()) {
    const t = r.tag();
    if (t.wire !== WIRE_LENGTH || t.field < 1 || t.field > 3) {
      r.skip(t.wire);
      continue;
    }
    const list = r.sub();
    if (t.field === 1) {
      const value: Uint8Array[] = [];
      while (!list.done()) {
        const lt = list.tag();
        if (lt.field === 1 && lt.wire === WIRE_LENGTH) value.push(list.bytes());
        else list.skip(lt.wire);
      }
      feature = { kind: "bytes", value };
    } else {
      const value: number[] = [];
      while (!list.done()) {
        const lt = list.tag();
        if (lt.field !== 1) list.skip(lt.wire);
        else if (t.field === 2) list.floats(lt.wire, value);
        else list.int64s(lt.wire, value);
      }
      feature = t.field === 2 ? { kind: "float", value } : { kind: "int64", value };
    }
  }
  return feature;
}

/** Encodes features into a serialized tf.train.Example (keys in the order given; lists packed). */
export function encodeExample(features: readonly [string, Feature][]): Uint8Array {
  const chunks = exampleChunks(features);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Size of a feature's list message (BytesList, FloatList or Int64List). */
function listSize(f: Feature): number {
  if (f.kind === "bytes") {
    let n = 0;
    for (const v of f.value) n += lengthFieldSize(v.length);
    return n;
  }
  return f.value.length === 0 ? 0 : lengthFieldSize(packedSize(f));
}

function packedSize(f: Feature): number {
  if (f.kind === "float") return 4 * f.value.length;
  let n = 0;
  for (const v of f.value as number[]) n += int64Size(v);
  return n;
}

/**
 * A serialized tf.train.Example in pieces, written flat: every message's length is computed
 * first, so nothing is copied level by level, and byte lists (the image) stay the caller's
 * buffers. The same bytes as nesting `ProtoWriter.message`.
 */
export function exampleChunks(features: readonly [string, Feature][]): Uint8Array[] {
  const keys = features.map(([k]) => utf8Encoder.encode(k));
  const lists = features.map(([, f]) => listSize(f));
  const entries = features.map((_, i) => lengthFieldSize(keys[i].length) + lengthFieldSize(lengthFieldSize(lists[i])));
  const all = entries.reduce((n, e) => n + lengthFieldSize(e), 0);
  const w = new ProtoWriter();
  w.tag(1, WIRE_LENGTH).uint32(all);
  features.forEach(([, f], i) => {
    w.tag(1, WIRE_LENGTH).uint32(entries[i]);
    w.tag(1, WIRE_LENGTH).uint32(keys[i].length).raw(keys[i]);
    w.tag(2, WIRE_LENGTH).uint32(lengthFieldSize(lists[i]));
    w.tag(f.kind === "bytes" ? 1 : f.kind === "float" ? 2 : 3, WIRE_LENGTH).uint32(lists[i]);
    if (f.kind === "bytes") {
      for (const v of f.value) w.bytesField(1, v);
    } else if (f.value.length > 0) {
      w.tag(1, WIRE_LENGTH).uint32(packedSize(f));
      if (f.kind === "float") for (const v of f.value) w.float(v);
      else for (const v of f.value) w.int64(v);
    }
  });
  const chunks = w.finishChunks();
  const size = chunks.reduce((n, c) => n + c.length, 0);
  if (size !== lengthFieldSize(all))
    throw new Error(`internal error: tf.train.Example of ${size} bytes, ${lengthFieldSize(all)} computed`);
  return chunks;
}

const utf8 = new TextDecoder("utf-8");
export const utf8Encoder = new TextEncoder();

export function texts(f: Feature | undefined): string[] {
  return f?.kind === "bytes" ? f.value.map((v) => utf8.decode(v)) : [];
}

export function numbers(f: Feature | undefined): number[] {
  return f && f.kind !== "bytes" ? f.value : [];
}
