import { createHash } from "node:crypto";

/** Hex sha256 of byte strings fed in order; artifact names derive from it. */
export function sha256Hex(...parts: (Uint8Array | string)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** Folder names of content-addressed files: long enough never to collide, short enough to read. */
export const KEY_LENGTH = 32;
