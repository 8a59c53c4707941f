import { BlindspotError } from "../src/errors";
import { LiveDisplay } from "./display/display";
import { escapeHtml, formatCount } from "../src/report/escape";

export interface ProgressOptions {
  /** Show nothing until the work has run this long (short work then leaves no output). */
  showAfterMs?: number;
  /** Clock in milliseconds; tests pass their own. */
  now?: () => number;
}

/** A progress bar in the cell's output. */
export interface Progress {
  /** Counts `n` more items done; throws a BlindspotError once the user interrupted the kernel. */
  tick(n?: number): void;
  /** Marks the work finished (or given up: the bar then says where it stopped) and shows the final state. */
  done(): void;
}

/** Jupyter and browsers cope with ~10 output updates a second; more are dropped or lag. */
const MIN_UPDATE_MS = 100;
const BAR_CELLS = 30;

type State = "running" | "done" | "interrupted";

/**
 * Starts a progress bar over `total` items: one output, updated in place at most 10 times a
 * second, with rate and time left. Interrupting the kernel (the stop button) makes the next
 * `tick()` throw, which ends the loop that calls it; tslab itself only abandons the cell.
 */
export function progress(total: number, label = "", options: ProgressOptions = {}): Progress {
  if (!Number.isFinite(total) || total < 0) {
    throw new BlindspotError({
      message: `progress total must be a number >= 0, got ${String(total)}`,
      hint: "pass the number of items, e.g. progress(files.length, 'files')",
    });
  }
  return new ProgressBar(total, label, options);
}

class ProgressBar implements Progress {
  private readonly output = new LiveDisplay();
  private readonly now: () => number;
  private readonly started: number;
  private count = 0;
  private state: State = "running";
  private shown = false;
  private lastUpdate = -Infinity;
  private trailing: NodeJS.Timeout | null = null;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    watchInterrupts(this);
    this.refresh();
  }

  tick(n = 1): void {
    if (this.state === "interrupted") {
      throw new BlindspotError({
        message:
          `interrupted${this.label ? ` (${this.label})` : ""} after ${formatCount(this.count)} of ` +
          `${formatCount(this.total)}`,
        hint: "run the cell again to start over",
      });
    }
    this.count += n;
    if (this.state === "running") this.refresh();
  }

  done(): void {
    if (this.state !== "running") return;
    this.finish("done");
  }

  /** Called on SIGINT. */
  interrupt(): void {
    this.finish("interrupted");
  }

  private finish(state: State): void {
    this.state = state;
    unwatchInterrupts(this);
    // Work that ended before the bar was due leaves no output, unless it was interrupted.
    if (this.shown || state === "interrupted") this.render();
  }

  /** Renders now when the last update is old enough, otherwise once it is (the latest count). */
  private refresh(): void {
    const t = this.now();
    if (t - this.started < (this.options.showAfterMs ?? 0)) return;
    const wait = this.lastUpdate + MIN_UPDATE_MS - t;
    if (wait <= 0) return this.render();
    if (this.trailing) return;
    this.trailing = setTimeout(() => {
      this.trailing = null;
      if (this.state === "running") this.render();
    }, wait);
    this.trailing.unref();
  }

  private render(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = null;
    this.shown = true;
    this.lastUpdate = this.now();
    const line = this.describe();
    const fraction = this.total > 0 ? Math.min(1, this.count / this.total) : this.state === "done" ? 1 : 0;
    const filled = Math.round(fraction * BAR_CELLS);
    const colour = this.state === "interrupted" ? "#c0392b" : this.state === "done" ? "#2e7d32" : "#4c78a8";
    this.output.show({
      "text/plain":
        `${this.label ? this.label + " " : ""}[${"#".repeat(filled)}` + `${".".repeat(BAR_CELLS - filled)}] ${line}`,
      "text/html":
        `<div style="font-family:monospace;font-size:12px;line-height:18px">` +
        (this.label ? `<span>${escapeHtml(this.label)}</span> ` : "") +
        `<span style="display:inline-block;vertical-align:middle;width:240px;height:10px;background:#e0e0e0;border-` +
        `radius:2px">` +
        `<span style="display:block;height:10px;width:${(fraction * 100).toFixed(1)}%;background:${colour};border-` +
        `radius:2px"></span></span> ` +
        `<span>${escapeHtml(line)}</span></div>`,
    });
  }

  private describe(): string {
    const elapsed = (this.now() - this.started) / 1000;
    const counts = `${formatCount(this.count)}/${formatCount(this.total)}`;
    const percent = this.total > 0 ? ` ${Math.floor((100 * Math.min(this.count, this.total)) / this.total)}%` : "";
    if (this.state === "done")
      return `${counts}${percent} ${this.count < this.total ? "stopped" : "done"} after ${formatDuration(elapsed)}`;
    if (this.state === "interrupted") return `${counts}${percent} interrupted after ${formatDuration(elapsed)}`;
    const rate = elapsed > 0 ? this.count / elapsed : 0;
    const left = rate > 0 && this.total > this.count ? ` ETA ${formatDuration((this.total - this.count) / rate)}` : "";
    return `${counts}${percent} ${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s${left}`;
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return h ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}` : `${m}:${String(r).padStart(2, "0")}`;
}

/** Bars that a SIGINT stops. */
const running = new Set<ProgressBar>();
let listening = false;

function onSigint(): void {
  // Only ours: a plain node script, which Ctrl-C must still end as it would without us.
  if (process.listenerCount("SIGINT") === 1) {
    process.removeListener("SIGINT", onSigint);
    process.kill(process.pid, "SIGINT");
    return;
  }
  for (const bar of [...running]) bar.interrupt();
}

/**
 * tslab runs a cell's synchronous code with vm's `breakOnSigint`, which detaches SIGINT
 * listeners meanwhile; a listener added during that time leaves the process without a SIGINT
 * handler afterwards (the next interrupt killed the kernel). So the listener is added once the
 * cell's synchronous part is over, and stays.
 */
function watchInterrupts(bar: ProgressBar): void {
  running.add(bar);
  if (listening) return;
  listening = true;
  setImmediate(() => process.on("SIGINT", onSigint));
}

function unwatchInterrupts(bar: ProgressBar): void {
  running.delete(bar);
}
