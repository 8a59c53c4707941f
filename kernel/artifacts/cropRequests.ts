import * as fs from "node:fs";
import type { PatchRequest } from "../protocol";
import { makeCrops, type CropJob } from "./crops";

/** How often the kernel looks for a new request of the renderer (a stat of one small file). */
const POLL_MS = 150;
/** Rows of one request served at most (a screen holds a few hundred tiles). */
const MAX_REQUESTED = 2000;
/** Between requests, crops of the rows that follow the first ones are made ahead, in batches. */
const PREFETCH_ROWS = 1000;
const PREFETCH_BATCH = 50;
/** Patches grids whose requests are served; an older one stops (its crops made so far stay). */
const LIVE_GRIDS = 4;

/**
 * Makes a patches grid's crops while it is on screen: a 10^6-box grid cannot have every crop
 * made up front. The renderer writes the rows it shows to the request file (PatchRequest);
 * the kernel, idle between cells, polls that file and makes those crops first, then the rows
 * that follow the first screen. There is no comm in tslab: a file is the channel.
 */
export class CropServer {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private seen = 0;
  private prefetched: number;

  constructor(
    private readonly requestFile: string,
    private readonly total: number,
    private readonly jobOf: (row: number) => CropJob | null,
    private readonly size: number,
    madeUpTo: number,
  ) {
    this.prefetched = madeUpTo;
  }

  /** Crops of rows [from, to), made now. */
  async makeRows(from: number, to: number): Promise<number> {
    return this.make(Array.from({ length: Math.max(0, Math.min(to, this.total) - from) }, (_, k) => from + k));
  }

  start(): this {
    live.push(this);
    while (live.length > LIVE_GRIDS) live.shift()!.stop();
    this.timer = setInterval(() => void this.tick(), POLL_MS);
    // The kernel's process must be free to end: polling never keeps it alive.
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Serves the latest request if there is a new one, else makes a batch ahead. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const rows = this.newRequest();
      if (rows) await this.make(rows);
      else if (this.prefetched < Math.min(this.total, PREFETCH_ROWS)) {
        const from = this.prefetched;
        this.prefetched = Math.min(this.total, from + PREFETCH_BATCH);
        await this.makeRows(from, this.prefetched);
      }
    } finally {
      this.busy = false;
    }
  }

  private newRequest(): number[] | null {
    let mtime: number;
    try {
      mtime = fs.statSync(this.requestFile).mtimeMs;
    } catch {
      return null;
    }
    if (mtime === this.seen) return null;
    this.seen = mtime;
    try {
      const request = JSON.parse(fs.readFileSync(this.requestFile, "utf8")) as PatchRequest;
      if (request.version !== 1 || !Array.isArray(request.rows)) return null;
      return request.rows.slice(0, MAX_REQUESTED).filter((r) => Number.isInteger(r) && r >= 0 && r < this.total);
    } catch {
      // Half-written by the server, or damaged: the next write replaces it.
      this.seen = 0;
      return null;
    }
  }

  private make(rows: number[]): Promise<number> {
    const jobs: CropJob[] = [];
    for (const r of rows) {
      const job = this.jobOf(r);
      if (job) jobs.push(job);
    }
    return makeCrops(jobs, this.size);
  }
}

const live: CropServer[] = [];

/** Stops serving every patches grid (tests; a new session). */
export function stopCropServers(): void {
  for (const server of live.splice(0)) server.stop();
}
