/**
 * The engine's long runs as a notebook calls them: each shows a progress bar in the cell once
 * it has run a second (unless the caller passes its own onProgress), and the kernel's stop
 * button ends it. Same names and arguments as the engine's functions, which these shadow in
 * the package's entry point.
 */
import * as engine from "../src/index";
import { withBars } from "./progressBars";

const phaseName = (what: string) => (phase: string) => (phase ? `${what}: ${phase === "knn" ? "nearest neighbours" : phase}` : what);

export function computeQuality(ds: engine.Dataset, options?: engine.QualityOptions): Promise<engine.QualitySummary> {
  return withBars("image quality", options, false, (o) => engine.computeQuality(ds, o));
}

export function computeEmbeddings(ds: engine.Dataset, options?: engine.EmbedOptions): Promise<engine.Embeddings> {
  return withBars(`embeddings (${options?.model ?? "mobilenet_v2"})`, options, false, (o) => engine.computeEmbeddings(ds, o));
}

export function generateDemo(options: Parameters<typeof engine.generateDemo>[0]): ReturnType<typeof engine.generateDemo> {
  return withBars("demo images", options, false, (o) => engine.generateDemo(o));
}

export function load(input: string, options?: engine.LoadOptions): Promise<engine.Dataset> {
  return withBars(phaseName("loading"), options, true, (o) => engine.load(input, o));
}

export function knn(data: Float32Array, dim: number, k: number, options?: engine.KnnOptions): Promise<engine.KnnResult> {
  return withBars(phaseName("k-NN"), options, true, (o) => engine.knn(data, dim, k, o));
}

export function umap(data: Float32Array, dim: number, options?: engine.UmapOptions): Promise<Float32Array> {
  return withBars(phaseName("UMAP"), options, true, (o) => engine.umap(data, dim, o));
}

export function tsne(data: Float32Array, dim: number, options?: engine.TsneOptions): Promise<Float32Array> {
  return withBars(phaseName("t-SNE"), options, true, (o) => engine.tsne(data, dim, o));
}

export function pca(data: Float32Array, dim: number, options?: engine.PcaOptions): Promise<Float32Array> {
  return withBars(phaseName("PCA"), options, true, (o) => engine.pca(data, dim, o));
}
