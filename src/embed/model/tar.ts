import { gunzipSync } from "node:zlib";

/**
 * The regular files of a gzipped tar archive (an npm package tarball), by path. Enough of
 * ustar for what `npm pack` writes: 512-byte headers, octal sizes, the `prefix` field for long
 * paths, and pax headers skipped (npm writes them only for metadata the reader does not need).
 */
export function readTgz(data: Uint8Array, wanted: (path: string) => boolean): Map<string, Buffer> {
  const tar = gunzipSync(data);
  const files = new Map<string, Buffer>();
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    if (!Number.isFinite(size)) throw new Error(`tar header at byte ${at} has a bad size`);
    const prefix = field(header, 345, 155);
    const name = (prefix ? `${prefix}/` : "") + field(header, 0, 100);
    const type = String.fromCharCode(header[156] || 48);
    const body = at + 512;
    if (type === "0" && wanted(name)) files.set(name, tar.subarray(body, body + size));
    at = body + Math.ceil(size / 512) * 512;
  }
  return files;
}

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString("utf8");
}
