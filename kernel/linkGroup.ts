import type { Dataset } from "../src/dataset/dataset";
import { datasetIdentity } from "../src/dataset/identity";
import { sha256Hex } from "./artifacts/hash";

/** Hex digits of the digest in a key: readable, and 2^40 keys apart. */
const DIGEST_LENGTH = 10;

/**
 * The notebook this kernel runs for: Jupyter names it in JPY_SESSION_NAME (its path from the
 * server's root). Notebooks in one folder share the artifacts folder, so keys are per notebook.
 */
export function notebookScope(): string {
  return process.env.JPY_SESSION_NAME ?? "";
}

/**
 * The link group of a dataset's outputs in this notebook (unless `show` is given another), which
 * names its selection file, and the name its outputs and tag events give the dataset: its name
 * plus a digest of its content, location and notebook. Two datasets of one name never share a
 * selection or tags, nor do two notebooks that show the same dataset.
 */
export function linkGroup(ds: Dataset): string {
  return `${ds.name}-${sha256Hex(datasetIdentity(ds), "\0", notebookScope()).slice(0, DIGEST_LENGTH)}`;
}

/** Group of outputs that belong to no dataset, when nothing was shown before (per notebook). */
export function defaultGroup(): string {
  const scope = notebookScope();
  return scope ? `default-${sha256Hex(scope).slice(0, DIGEST_LENGTH)}` : "default";
}
