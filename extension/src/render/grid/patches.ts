/**
 * What a patches grid (protocol `PatchesBundle`) adds to the image grid: each tile's crop path,
 * the request that makes the kernel cut the crops on screen, and the patches' samples for the
 * large view (a patch opens its sample with its box highlighted).
 */
import {
  type GridBundle,
  type PatchesBundle,
  type PatchRequest,
  parsePatchId,
  patchCropPath,
} from "../../../../kernel/protocol";
import type { BlindspotContext } from "../../context";
import { type Artifacts, columnsOf } from "../../io/artifacts";
import { SampleTable } from "../../model/samples";
import { ObjectsStore } from "./objects";
import { TilePainter } from "./tile";

/** Bursts of scrolling write one request. */
const REQUEST_DELAY_MS = 120;

/** A patch row's crop: its image's key and the crop's rectangle name the file (protocol). */
export function cropPath(table: SampleTable, row: number, size: number): string | null {
  const image = table.text("image", row);
  if (!image) return null;
  const crop = ["crop_x", "crop_y", "width", "height"].map((c) => table.numberAt(c, row));
  return patchCropPath(image, crop as [number, number, number, number], size);
}

/** Writes the rows on screen to the request file the kernel polls, once scrolling pauses. */
export class CropRequests {
  private timer = 0;
  private last = "";

  constructor(
    private readonly ctx: BlindspotContext,
    private readonly artifacts: Artifacts,
    private readonly bundle: PatchesBundle,
    private readonly rowsOnScreen: () => number[],
  ) {}

  schedule(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.write(), REQUEST_DELAY_MS);
  }

  dispose(): void {
    window.clearTimeout(this.timer);
  }

  private async write(): Promise<void> {
    const request: PatchRequest = { version: 1, rows: this.rowsOnScreen() };
    const text = JSON.stringify(request);
    if (text === this.last || !request.rows.length) return;
    this.last = text;
    const path = await this.artifacts.serverPath(this.bundle.patches.requests);
    await this.ctx.selections.saveJson(path, request).catch((e: unknown) => console.warn("blindspot: crop request", e));
  }
}

/** The patches' samples as an image grid (thumbnails, every box), loaded on the first click. */
export interface PatchSamples {
  bundle: GridBundle;
  table: SampleTable;
  objects: ObjectsStore | null;
  painter: TilePainter;
  /** Row of the sample of a patch id, and the patch's object id. */
  locate(patchId: string): { row: number; object: number } | null;
}

export async function loadPatchSamples(
  bundle: PatchesBundle,
  artifacts: Artifacts,
  signal: AbortSignal,
): Promise<PatchSamples> {
  const files = bundle.patches.samples;
  const grid: GridBundle = { ...bundle, kind: "grid", samples: files.samples, objects: files.objects, fields: [] };
  const table = new SampleTable(columnsOf(await artifacts.arrow(files.samples, signal)), []);
  table.indexIds(() => false);
  const objects = files.objects ? new ObjectsStore(files.objects, artifacts, signal, () => undefined) : null;
  return {
    bundle: grid,
    table,
    objects,
    painter: new TilePainter(grid, table, artifacts, objects, () => undefined),
    locate: (patchId) => {
      const parsed = parsePatchId(patchId);
      const row = parsed ? table.rowOf(parsed.sample) : undefined;
      return parsed && row !== undefined ? { row, object: parsed.object } : null;
    },
  };
}
