/**
 * Scores batches of images into stored quality rows, with the ONNX graph or the TypeScript
 * scorer, whichever is faster where it runs:
 *
 * - `auto` (default): the graph when it loads on CUDA, on images the caller decodes; on CPU
 *   the TypeScript scorer in worker threads that decode the files as well, which measured
 *   faster there (graph.ts does the same exact integer work, but
 *   float64 MatMul and TopK are slow on onnxruntime's CPU kernels: 3 ms against 1 ms for a
 *   100 x 100 image).
 * - `graph`: the graph on the given provider. On CPU, images over RUN_PIXELS still go to the
 *   TypeScript scorer: measured on a 3024 x 3024 photo, the graph took the same time (1.5 s)
 *   but 1.9 GB of memory against 0.3 GB, and onnxruntime's CPU arena keeps that memory.
 * - `reference`: the TypeScript scorer.
 */

import * as os from "node:os";
import type { FileResults, ImageFile } from "../image/pipeline";
import type { ViewRequest } from "../image/views";
import type { OpenedSession, Provider, RanOn } from "../onnx/session";
import { graphAccepts, graphRawStats, openQualityGraph } from "./graph";
import { qualityRowWidth, qualityRows } from "./rows";
import { referenceRawStats } from "./scores";
import type { QualityImage, RawStats } from "./stats";
import { ScoringPool } from "./workerPool";

export type Engine = "auto" | "graph" | "reference";

/** Pixels per graph run: the graph holds ~200 bytes per pixel in intermediates. */
const RUN_PIXELS = 1 << 21;

export interface ScorerOptions {
  engine: Engine;
  provider: Provider;
  hashSize: number;
  /** Worker threads of the TypeScript scorer (default: one per core; 0: the calling thread). */
  workers?: number;
  /** Images over this many pixels are refused (decodeImage's maxPixels), where the scorer decodes. */
  maxPixels?: number;
}

/** A scorer of decoded images, or of files that it decodes itself. */
export type Scorer = {
  /** Where the scores are computed. */
  ranOn: RanOn | "typescript";
  close(): Promise<void>;
} & (
  | {
      decodes: false;
      /** The images' stored rows (rows.ts), in order. */ rows(images: QualityImage[]): Promise<Float32Array>;
    }
  | {
      decodes: true;
      /** The files' stored rows, in order, or their decoding errors; and the views asked for. */ rowsOfFiles(
        files: ImageFile[],
        views?: ViewRequest,
      ): Promise<FileResults>;
    }
);

export async function openScorer({ engine, provider, hashSize, workers, maxPixels }: ScorerOptions): Promise<Scorer> {
  if (engine !== "reference" && !(engine === "auto" && provider === "cpu")) {
    const { session, provider: ranOn } = await openQualityGraph(provider);
    if (engine === "graph" || ranOn === "cuda") {
      return {
        ranOn,
        decodes: false,
        rows: async (images) => qualityRows(images, await graphStats(session, images, hashSize, ranOn), hashSize),
        close: async () => {},
      };
    }
  }
  const threads = workers ?? os.availableParallelism();
  if (threads <= 0) {
    return {
      ranOn: "typescript",
      decodes: false,
      rows: async (images) =>
        qualityRows(
          images,
          images.map((im) => referenceRawStats(im, hashSize)),
          hashSize,
        ),
      close: async () => {},
    };
  }
  const pool = new ScoringPool(threads, hashSize, maxPixels);
  return {
    ranOn: "typescript",
    decodes: true,
    rowsOfFiles: (files, views) => pool.score(files, qualityRowWidth(hashSize), views),
    close: () => pool.close(),
  };
}

/** Raw statistics through the graph, one run per image size; on CPU large images by the reference. */
async function graphStats(
  session: OpenedSession["session"],
  images: QualityImage[],
  hashSize: number,
  ranOn: RanOn,
): Promise<RawStats[]> {
  const out: RawStats[] = new Array(images.length);
  for (const run of runs(images)) {
    const members = run.indices.map((i) => images[i]);
    const stats =
      graphAccepts(run.width, run.height) && (ranOn === "cuda" || run.width * run.height <= RUN_PIXELS)
        ? await graphRawStats(session, members, hashSize)
        : members.map((im) => referenceRawStats(im, hashSize));
    run.indices.forEach((i, k) => (out[i] = stats[k]));
  }
  return out;
}

/** The images grouped by size, each group cut into runs of at most RUN_PIXELS (at least one image). */
function runs(images: QualityImage[]): { width: number; height: number; indices: number[] }[] {
  const bySize = new Map<string, number[]>();
  images.forEach((im, i) => {
    const key = `${im.width}x${im.height}`;
    bySize.set(key, [...(bySize.get(key) ?? []), i]);
  });
  return [...bySize.values()].flatMap((indices) => {
    const { width, height } = images[indices[0]];
    const per = Math.max(1, Math.floor(RUN_PIXELS / (width * height)));
    return Array.from({ length: Math.ceil(indices.length / per) }, (_, r) => ({
      width,
      height,
      indices: indices.slice(r * per, (r + 1) * per),
    }));
  });
}
