/**
 * Artifact files beside the notebook, reached through the renderer's resolver: a path relative
 * to the notebook becomes a server path (contents API) or a download URL (`/files/...`).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { type Table, tableFromIPC } from "@uwdata/flechette";
import type { ColumnSource } from "../model/columns";

/** The notebook was opened without its blindspot-artifacts folder (or an older one). */
export class MissingArtifactError extends Error {
  constructor(readonly path: string) {
    super(`${path} is missing`);
  }
}

export class Artifacts {
  private readonly urls = new Map<string, string>();

  constructor(private readonly resolver: IRenderMime.IResolver) {}

  /** Path for the contents API (relative to the server root). */
  async serverPath(path: string): Promise<string> {
    return decodeURIComponent(await this.resolver.resolveUrl(path));
  }

  async url(path: string): Promise<string> {
    const known = this.urls.get(path);
    if (known) return known;
    const url = await this.resolver.getDownloadUrl(await this.resolver.resolveUrl(path));
    this.urls.set(path, url);
    return url;
  }

  /** The URL of a path if it was resolved before (tiles use it to avoid a frame without image). */
  knownUrl(path: string): string | undefined {
    return this.urls.get(path);
  }

  async arrow(path: string, signal?: AbortSignal): Promise<Table> {
    const response = await fetch(await this.url(path), { credentials: "same-origin", signal });
    if (response.status === 404) throw new MissingArtifactError(path);
    if (!response.ok) throw new Error(`could not read ${path}: HTTP ${response.status} ${response.statusText}`);
    return tableFromIPC(new Uint8Array(await response.arrayBuffer()));
  }
}

/** The columns of an Arrow table by name, as the models read them. */
export function columnsOf(table: Table): Map<string, ColumnSource> {
  const out = new Map<string, ColumnSource>();
  for (const name of table.names) out.set(String(name), table.getChild(name) as ColumnSource);
  return out;
}
