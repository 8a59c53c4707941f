/** Selection files of link groups, read and written through the Jupyter contents API. */
import { PathExt } from "@jupyterlab/coreutils";
import type { Contents } from "@jupyterlab/services";
import { readSelectionFile, type SelectionFile } from "../../../kernel/protocol";

export class SelectionStore {
  private readonly loads = new Map<string, Promise<SelectionFile | null>>();
  private readonly folders = new Set<string>();

  constructor(private readonly contents: Contents.IManager) {}

  /** The persisted selection at a server path, or null; read once per page and path. */
  load(path: string): Promise<SelectionFile | null> {
    let p = this.loads.get(path);
    if (!p) this.loads.set(path, (p = this.read(path)));
    return p;
  }

  async save(path: string, file: SelectionFile): Promise<void> {
    await this.saveJson(path, file);
  }

  /** Any small JSON file beside the notebook (selections, a patches grid's crop requests). */
  async saveJson(path: string, value: unknown): Promise<void> {
    await this.ensureFolder(PathExt.dirname(path));
    await this.contents.save(path, { type: "file", format: "text", content: JSON.stringify(value) });
  }

  private async read(path: string): Promise<SelectionFile | null> {
    const text = await this.loadText(path);
    return text === null ? null : (readSelectionFile(text).file ?? null);
  }

  /** The text of a small file beside the notebook, or null when there is none. */
  async loadText(path: string): Promise<string | null> {
    // Listing the folders first avoids a 404 (and a console error) for each group never selected.
    const folder = PathExt.dirname(path);
    if (!(await this.listed(PathExt.dirname(folder), PathExt.basename(folder)))) return null;
    if (!(await this.listed(folder, PathExt.basename(path)))) return null;
    const model = await this.contents.get(path, { type: "file", format: "text", content: true });
    return typeof model.content === "string" ? model.content : null;
  }

  private async listed(folder: string, name: string): Promise<boolean> {
    try {
      const model = await this.contents.get(folder, { type: "directory", content: true });
      return Array.isArray(model.content) && model.content.some((m: Contents.IModel) => m.name === name);
    } catch {
      return false;
    }
  }

  /** Creates a folder and its parents (the server's PUT makes one level at a time). */
  private async ensureFolder(folder: string): Promise<void> {
    if (!folder || this.folders.has(folder)) return;
    await this.ensureFolder(PathExt.dirname(folder));
    await this.contents.save(folder, { type: "directory" });
    this.folders.add(folder);
  }
}
