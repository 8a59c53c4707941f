/**
 * Writes each link group's selection to its file, debounced, so the kernel's `selection(group)`
 * reads what the user last brushed or picked without a file write on every mouse move.
 */
import type { SelectionFile } from "../../../kernel/protocol";
import { type GroupState, type LinkBus, toSelectionFile } from "./bus";

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export type SaveSelection = (path: string, file: SelectionFile) => Promise<void>;

export const PERSIST_DELAY_MS = 300;

export class SelectionPersister {
  private readonly pending = new Map<string, { handle: unknown; state: GroupState }>();
  // Writes of one file are chained so an older selection never lands after a newer one.
  private readonly writing = new Map<string, Promise<void>>();
  private readonly stop: () => void;

  constructor(
    bus: LinkBus,
    private readonly save: SaveSelection,
    private readonly timers: Timers,
    private readonly onError: (error: unknown, path: string) => void,
    private readonly delay = PERSIST_DELAY_MS,
    private readonly now = () => new Date(),
  ) {
    this.stop = bus.onChange((state) => this.schedule(state));
  }

  /** Writes every pending selection now (when the page goes away). */
  flush(): void {
    for (const [key, p] of [...this.pending]) {
      this.timers.clear(p.handle);
      this.write(key, p.state);
    }
  }

  dispose(): void {
    this.stop();
    this.flush();
  }

  private schedule(state: GroupState): void {
    const previous = this.pending.get(state.key);
    if (previous) this.timers.clear(previous.handle);
    const handle = this.timers.set(() => this.write(state.key, state), this.delay);
    this.pending.set(state.key, { handle, state });
  }

  private write(key: string, state: GroupState): void {
    this.pending.delete(key);
    const file = toSelectionFile(state, this.now());
    const done = (this.writing.get(key) ?? Promise.resolve())
      .then(() => this.save(key, file))
      .catch((e) => this.onError(e, key))
      .finally(() => {
        if (this.writing.get(key) === done) this.writing.delete(key);
      });
    this.writing.set(key, done);
  }
}
