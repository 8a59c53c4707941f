/**
 * Row of each sample id, as a hash table in typed arrays. A Map of 10^6 id strings would live as
 * long as the grid and slow every major garbage collection; decoding 10^6 ids to strings (and
 * the byte views flechette makes for each) to build it costs a 300 ms collection of its own. So
 * ids stored as plain UTF-8 in Arrow are hashed and compared as bytes, in place.
 */

/** How the index reads the ids of a column. */
export interface IdKeys {
  readonly size: number;
  /** Hash of the id at a row. */
  hashAt(row: number): number;
  /** Hash of an id to look up; `matches` then compares rows with it. */
  prepare(id: string): number;
  matches(row: number): boolean;
}

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

/** FNV-1a over UTF-16 code units. */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h >>> 0;
}

/** Any column: ids read as strings. */
export function stringKeys(size: number, idAt: (row: number) => string): IdKeys {
  let wanted = "";
  return {
    size,
    hashAt: (row) => hashString(idAt(row)),
    prepare(id) {
      wanted = id;
      return hashString(id);
    },
    matches: (row) => idAt(row) === wanted,
  };
}

/** One Arrow batch of UTF-8 strings: value i is values[offsets[i]..offsets[i+1]). */
export interface Utf8Batch {
  length: number;
  offsets: Int32Array;
  values: Uint8Array;
}

/** Ids in UTF-8 batches (an Arrow utf8 column), read as bytes. */
export function utf8Keys(batches: readonly Utf8Batch[]): IdKeys {
  const starts = new Int32Array(batches.length + 1);
  batches.forEach((b, i) => (starts[i + 1] = starts[i] + b.length));
  const size = starts[batches.length];
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(256);
  let wantedLength = 0;
  let batch = 0;
  // Rows are mostly visited in order: the last batch is tried first.
  const locate = (row: number): Utf8Batch => {
    if (row < starts[batch] || row >= starts[batch + 1]) {
      let lo = 0;
      let hi = batches.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= row) lo = mid;
        else hi = mid - 1;
      }
      batch = lo;
    }
    return batches[batch];
  };
  return {
    size,
    hashAt(row) {
      const b = locate(row);
      const i = row - starts[batch];
      return hashBytes(b.values, b.offsets[i], b.offsets[i + 1]);
    },
    prepare(id) {
      if (scratch.length < id.length * 3) scratch = new Uint8Array(id.length * 3);
      wantedLength = encoder.encodeInto(id, scratch).written ?? 0;
      return hashBytes(scratch, 0, wantedLength);
    },
    matches(row) {
      const b = locate(row);
      const i = row - starts[batch];
      const start = b.offsets[i];
      if (b.offsets[i + 1] - start !== wantedLength) return false;
      for (let k = 0; k < wantedLength; k++) if (b.values[start + k] !== scratch[k]) return false;
      return true;
    },
  };
}

/**
 * The UTF-8 batches of a flechette column of plain strings, or null for anything else (dictionary
 * or large strings, numbers): those are read as strings.
 */
export function utf8BatchesOf(column: unknown): Utf8Batch[] | null {
  const data = (column as { data?: unknown }).data;
  if (!Array.isArray(data) || !data.length) return null;
  const ok = data.every(
    (b: { offsets?: unknown; values?: unknown; dictionary?: unknown; nullCount?: unknown }) =>
      b.offsets instanceof Int32Array &&
      b.values instanceof Uint8Array &&
      b.dictionary === undefined &&
      b.nullCount === 0,
  );
  return ok ? (data as Utf8Batch[]) : null;
}

export class IdIndex {
  /** Bucket -> first row + 1 (0: empty). */
  private readonly heads: Int32Array;
  /** Row -> next row + 1 in the same bucket. */
  private readonly next: Int32Array;
  private readonly mask: number;
  private indexed = 0;

  constructor(private readonly keys: IdKeys) {
    const buckets = 2 ** Math.max(4, Math.ceil(Math.log2(keys.size * 2)));
    this.heads = new Int32Array(buckets);
    this.next = new Int32Array(keys.size);
    this.mask = buckets - 1;
  }

  get complete(): boolean {
    return this.indexed >= this.keys.size;
  }

  /** Indexes more rows until `stop()` says so (asked every few thousand rows); true when done. */
  build(stop: () => boolean): boolean {
    const size = this.keys.size;
    let row = this.indexed;
    while (row < size) {
      for (const end = Math.min(size, row + 8192); row < end; row++) {
        const b = this.keys.hashAt(row) & this.mask;
        this.next[row] = this.heads[b];
        this.heads[b] = row + 1;
      }
      if (stop()) break;
    }
    this.indexed = row;
    return this.complete;
  }

  /** Row of an id (finishing the index first if needed); ids are unique in a view. */
  get(id: string): number | undefined {
    if (!this.complete) this.build(() => false);
    for (let r = this.heads[this.keys.prepare(id) & this.mask]; r; r = this.next[r - 1]) {
      if (this.keys.matches(r - 1)) return r - 1;
    }
    return undefined;
  }
}
