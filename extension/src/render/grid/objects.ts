/** Box chunks of a grid (protocol `GridBundle.objects`), fetched when a visible tile needs them. */
import type { GridBundle } from "../../../../kernel/protocol";
import { type Artifacts, columnsOf } from "../../io/artifacts";
import { ObjectChunk } from "../../model/objects";

// Enough chunks for the tiles on screen and the way back (the kernel writes ~250,000 boxes, a
// few MB, per chunk); older ones are dropped.
const KEEP_CHUNKS = 8;

export class ObjectsStore {
  private readonly chunks = new Map<number, ObjectChunk>();
  private readonly loading = new Set<number>();
  private readonly failed = new Set<number>();

  constructor(
    private readonly spec: NonNullable<GridBundle["objects"]>,
    private readonly artifacts: Artifacts,
    private readonly signal: AbortSignal,
    /** Called when a chunk arrived (repaint its tiles) or failed. */
    private readonly onChunk: (chunk: ObjectChunk | null, error?: unknown) => void,
  ) {}

  /** The chunk holding a row's boxes; starts loading it when absent. */
  get(row: number): ObjectChunk | undefined {
    const k = Math.floor(row / this.spec.rowsPerFile);
    const chunk = this.chunks.get(k);
    if (chunk) {
      // Map order is the eviction order: most recently used last.
      this.chunks.delete(k);
      this.chunks.set(k, chunk);
      return chunk;
    }
    if (!this.loading.has(k) && !this.failed.has(k) && k < this.spec.files.length) void this.load(k);
    return undefined;
  }

  /** A row's chunk, loaded if needed (the large view waits for it). */
  async chunkOf(row: number): Promise<ObjectChunk | undefined> {
    const k = Math.floor(row / this.spec.rowsPerFile);
    const chunk = this.get(row);
    if (chunk || k >= this.spec.files.length) return chunk;
    return this.load(k);
  }

  private async load(k: number): Promise<ObjectChunk | undefined> {
    this.loading.add(k);
    try {
      const table = await this.artifacts.arrow(this.spec.files[k], this.signal);
      const chunk = new ObjectChunk(k * this.spec.rowsPerFile, this.spec.rowsPerFile, columnsOf(table));
      this.chunks.set(k, chunk);
      while (this.chunks.size > KEEP_CHUNKS) this.chunks.delete(this.chunks.keys().next().value!);
      if (!this.signal.aborted) this.onChunk(chunk);
      return chunk;
    } catch (e) {
      this.failed.add(k);
      if (!this.signal.aborted) this.onChunk(null, e);
      return undefined;
    } finally {
      this.loading.delete(k);
    }
  }
}
