/**
 * Embeddings made from another pass's decode (one decode per image): a run that decodes every
 * image, such as the quality pass, hands each batch's model inputs (image/views.ts) to `take`,
 * which embeds them while the run goes on; `finish` then embeds, the usual way, the images the
 * run did not decode (its cached rows, its failures) and gives what computeEmbeddings would.
 */

import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { ResultCache } from "../image/cache";
import type { ViewsTaker } from "../image/pipeline";
import type { ImageViews } from "../image/views";
import { embedFiles, embeddingsOf, openEmbedder, type EmbedOptions, type Embedder, type Embeddings } from "./embed";

export class EmbeddingsFromViews {
  private readonly ids: string[];
  private readonly files: string[];
  private readonly rows: Float32Array;
  private readonly taken: Uint8Array;
  private readonly cache?: ResultCache;
  /** ONNX runs one after another, whichever batch of the run handed them on. */
  private queue = Promise.resolve();
  private computed = 0;
  private reused = 0;

  private constructor(
    ds: Dataset,
    private readonly model: Embedder,
    private readonly options: EmbedOptions,
  ) {
    this.ids = Array.from(values<string>(ds.samples, "id"));
    this.files = Array.from(values<string>(ds.samples, "filepath"), (f) => ds.imagePath(f));
    this.rows = new Float32Array(this.ids.length * model.card.output.dim);
    this.taken = new Uint8Array(this.ids.length);
    this.cache = ResultCache.openAt(options.cacheRoot, model.computation);
  }

  static async open(ds: Dataset, options: EmbedOptions): Promise<EmbeddingsFromViews> {
    return new EmbeddingsFromViews(ds, await openEmbedder(options), options);
  }

  /** What to hand to computeForImages' `views`. */
  get taker(): ViewsTaker {
    const { width, height, resize: fit } = this.model.card.input;
    return { request: { model: { width, height, fit } }, take: (i, v, h) => this.take(i, v, h) };
  }

  private take(indices: number[], views: ImageViews[], hashes: string[]): Promise<void> {
    const run = this.queue.then(async () => {
      const dim = this.model.card.output.dim;
      const todo = indices.flatMap((index, k) => {
        const cached = hashes[k] ? this.cache?.get(hashes[k]) : undefined;
        if (cached) {
          this.rows.set(cached, index * dim);
          this.taken[index] = 1;
          this.reused++;
          return [];
        }
        return [k];
      });
      for (let s = 0; s < todo.length; s += this.model.batchSize) {
        const group = todo.slice(s, s + this.model.batchSize);
        const out = await this.model.embed(group.map((k) => views[k].model!));
        group.forEach((k, g) => {
          this.rows.set(out.subarray(g * dim, (g + 1) * dim), indices[k] * dim);
          this.taken[indices[k]] = 1;
        });
        if (this.cache && hashes[0])
          this.cache.putMany(
            group.map((k) => hashes[k]),
            out,
          );
        this.computed += group.length;
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** The embeddings of every image: those handed on, and the rest computed now. */
  async finish(ds: Dataset): Promise<Embeddings> {
    await this.queue;
    this.cache?.close();
    const dim = this.model.card.output.dim;
    const rest = this.ids.flatMap((_, i) => (this.taken[i] ? [] : [i]));
    const run = await embedFiles(
      rest.map((i) => this.ids[i]),
      rest.map((i) => this.files[i]),
      this.model,
      { ...this.options, onProgress: undefined },
    );
    rest.forEach((i, r) => this.rows.set(run.rows.subarray(r * dim, (r + 1) * dim), i * dim));
    return embeddingsOf(ds, this.model, {
      keys: this.ids,
      rows: this.rows,
      problems: run.problems,
      computed: this.computed + run.computed,
      reused: this.reused + run.reused,
    });
  }
}
