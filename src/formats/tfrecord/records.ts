import * as fs from "node:fs";
import { fail } from "../../errors";
import { openForReading } from "../common/files";

/**
 * TFRecord files: their names, and their framing. Each record is a uint64 LE length, the
 * uint32 masked CRC32C of those 8 bytes, the data, and the uint32 masked CRC32C of the data.
 */

/** A TFRecord file's name, with an optional shard suffix (`train.tfrecord-00001-of-00004`). */
export const RECORD_FILE = /\.(tfrecords?|record)(-\d+-of-\d+)?$/i;
/** The file of samples without a split (CVAT's and Datumaro's exports). */
export const DEFAULT_STEM = "default";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32C (Castagnoli), as TFRecord uses; `crc32c("123456789")` is 0xE3069283. `prev`
 * continues a checksum: `crc32c(b, 0, b.length, crc32c(a))` is the checksum of a then b.
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length, prev = 0): number {
  let c = (prev ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masking of a CRC: rotated right by 15 bits plus a constant. */
export function maskCrc(c: number): number {
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** TFRecord's masked CRC of bytes. */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  return maskCrc(crc32c(data, start, end));
}

export interface TfRecord {
  data: Uint8Array;
  /** 1-based record number in the file. */
  index: number;
  /** Byte offset of the record's header in the file. */
  offset: number;
}

/** Reads a TFRecord file record by record, verifying both checksums of each. */
export function* readRecords(file: string): Generator<TfRecord> {
  const fd = openForReading(file);
  try {
    const size = fs.fstatSync(fd).size;
    const head = new Uint8Array(12);
    const headView = new DataView(head.buffer);
    let offset = 0;
    let index = 0;
    while (offset < size) {
      index++;
      const place = `record ${index} at byte ${offset}`;
      const cut = "the file was cut short (an interrupted copy or export?); copy or export it again";
      if (size - offset < 12)
        fail(file, place, `the file ends inside a record header (${size - offset} of 12 bytes)`, cut);
      readFully(fd, head, 12, offset);
      if (headView.getUint32(8, true) !== maskedCrc32c(head, 0, 8)) {
        fail(
          file,
          place,
          "the record length's checksum does not match: the file is corrupt or not a TFRecord file",
          "copy or export the file again; check that it is a TFRecord file",
        );
      }
      const lo = headView.getUint32(0, true),
        hi = headView.getUint32(4, true);
      const left = size - offset - 12;
      if (hi !== 0 || lo + 4 > left)
        fail(file, place, `the record says ${hi * 4294967296 + lo} bytes but ${Math.max(0, left - 4)} are left`, cut);
      // A fresh buffer per record: callers may keep the data (and views into it).
      const buf = new Uint8Array(lo + 4);
      readFully(fd, buf, lo + 4, offset + 12);
      const stored = new DataView(buf.buffer, buf.byteOffset + lo, 4).getUint32(0, true);
      if (stored !== maskedCrc32c(buf, 0, lo)) {
        fail(
          file,
          place,
          `the record's data checksum does not match: ${lo} bytes of data are corrupt`,
          "the file is damaged; copy or export it again",
        );
      }
      yield { data: buf.subarray(0, lo), index, offset };
      offset += 12 + lo + 4;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(fd: number, into: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, into, done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += n;
  }
}

/** A record's 12-byte header: the data length and the masked CRC of the length. */
export function recordHeader(length: number): Uint8Array {
  const head = new Uint8Array(12);
  const v = new DataView(head.buffer);
  v.setUint32(0, length % 4294967296, true);
  v.setUint32(4, Math.floor(length / 4294967296), true);
  v.setUint32(8, maskedCrc32c(head, 0, 8), true);
  return head;
}

/** One record's bytes with its framing: length, masked CRC of the length, data, masked CRC. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  out.set(recordHeader(data.length), 0);
  out.set(data, 12);
  new DataView(out.buffer).setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
