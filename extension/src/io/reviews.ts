/**
 * The decisions on suggested label corrections of a link group (protocol `ReviewFile`), read
 * once per page and written whole on every decision through the Jupyter contents API, which
 * replaces the file in one step. Grids of one group share one store.
 */
import { readReviewFile, type ReviewEntry, type ReviewFile } from "../../../kernel/protocol";
import type { SelectionStore } from "./selections";

const stores = new Map<string, Promise<ReviewStore>>();

export class ReviewStore {
  private saving: Promise<void> = Promise.resolve();
  /** Set when the file on disk could not be read: decisions are then kept here and not written over it. */
  readonly problem: string | null;

  private constructor(
    private readonly selections: SelectionStore,
    private readonly path: string,
    private readonly file: ReviewFile,
    problem: string | null,
  ) {
    this.problem = problem;
  }

  /** The store of a review file's server path (read on first use). */
  static open(selections: SelectionStore, path: string, group: string, dataset: string | null): Promise<ReviewStore> {
    let store = stores.get(path);
    if (!store) {
      store = selections.loadText(path).then(
        (text) => {
          const fresh: ReviewFile = { version: 1, group, dataset, decisions: {} };
          if (text === null) return new ReviewStore(selections, path, fresh, null);
          const read = readReviewFile(text);
          return read.file
            ? new ReviewStore(selections, path, read.file, null)
            : new ReviewStore(selections, path, fresh, `the review file ${read.problem}`);
        },
        (e: unknown) =>
          new ReviewStore(
            selections,
            path,
            { version: 1, group, dataset, decisions: {} },
            `cannot read ${path}: ${String(e)}`,
          ),
      );
      stores.set(path, store);
    }
    return store;
  }

  decision(key: string): ReviewEntry | undefined {
    return this.file.decisions[key];
  }

  /** Records a decision and writes the file (in order, one write at a time). */
  decide(key: string, decision: ReviewEntry["decision"], issue: string): Promise<void> {
    this.file.decisions[key] = { decision, issue, at: new Date().toISOString() };
    // A file that could not be read is not replaced: the kernel reports it, the person fixes it.
    if (this.problem) return Promise.resolve();
    const snapshot = JSON.parse(JSON.stringify(this.file)) as ReviewFile;
    this.saving = this.saving.then(() => this.selections.saveJson(this.path, snapshot));
    return this.saving;
  }
}
