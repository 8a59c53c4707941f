import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { crc32c, maskCrc, recordHeader } from "./records";

/**
 * A record file written as it goes: records are framed into a temporary file beside the target,
 * which `commit` flushes to disk and renames over it (the target never holds half a file).
 */
export class RecordFile {
  private readonly tmp: string;
  private fd: number | null;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;

  constructor(readonly target: string) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    this.tmp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
    );
    this.fd = fs.openSync(this.tmp, "w");
  }

  /** Appends one record whose data is `chunks`, with its framing. */
  add(chunks: readonly Uint8Array[]): void {
    let size = 0,
      crc = 0;
    for (const c of chunks) {
      size += c.length;
      crc = crc32c(c, 0, c.length, crc);
    }
    this.put(recordHeader(size));
    for (const c of chunks) this.put(c);
    const tail = new Uint8Array(4);
    new DataView(tail.buffer).setUint32(0, maskCrc(crc), true);
    this.put(tail);
  }

  private put(data: Uint8Array): void {
    if (data.length >= this.buf.length / 4) {
      this.flush();
      this.writeAll(data);
    } else {
      if (this.len + data.length > this.buf.length) this.flush();
      this.buf.set(data, this.len);
      this.len += data.length;
    }
  }

  private flush(): void {
    if (this.len > 0) this.writeAll(this.buf.subarray(0, this.len));
    this.len = 0;
  }

  private writeAll(data: Uint8Array): void {
    for (let done = 0; done < data.length;) done += fs.writeSync(this.fd!, data, done, data.length - done);
  }

  /** Flushes the file to disk and renames it over the target. */
  commit(): void {
    this.flush();
    fs.fsyncSync(this.fd!);
    fs.closeSync(this.fd!);
    this.fd = null;
    fs.renameSync(this.tmp, this.target);
  }

  /** Removes the temporary file (after a failure). */
  abort(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.tmp, { force: true });
  }
}
