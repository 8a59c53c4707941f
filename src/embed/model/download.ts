import * as fs from "node:fs";
import * as path from "node:path";
import { BlindspotError } from "../../errors";
import type { ModelCard } from "./card";
import { readStoredCard, sha256, storeModel, writeCard, type ModelFile } from "./store";

export interface DownloadOptions {
  /** The sha256 of the model file (hex): required, the download is refused when it differs. */
  sha256: string;
  /** The card; may be left out once a download stored one. */
  card?: ModelCard;
  /** The models cache (default `modelsDir()`). */
  dir: string;
  signal?: AbortSignal;
}

/**
 * A model by URL: downloaded once into `<cache>/downloads/<sha256>.onnx`, checked against its
 * sha256 before anything is written (a mismatch writes nothing and says expected and got), and
 * read from the cache afterwards without network. The cache is keyed by content, so two URLs of
 * the same file share it, and a cached file is re-checked on every use.
 */
export async function downloadModel(url: string, options: DownloadOptions): Promise<ModelFile> {
  const expected = options.sha256?.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected ?? "")) {
    throw new BlindspotError({
      file: url,
      message: "a model by URL needs its sha256 (64 hex digits), so that a changed or corrupted download is refused",
      hint:
        "pass { sha256 } with the checksum the model's publisher gives, or one computed with `sha256sum " +
        "model.onnx`",
    });
  }
  const file = path.join(options.dir, "downloads", `${expected}.onnx`);
  if (fs.existsSync(file) && sha256(fs.readFileSync(file)) === expected) {
    const card = options.card ?? readStoredCard(file)?.card;
    if (!card) throw noCard(url);
    if (options.card) writeCard(file, card, { url, sha256: expected });
    return { path: file, card, sha256: expected };
  }
  if (!options.card) throw noCard(url);
  const bytes = await fetchBytes(url, options.signal);
  const got = sha256(bytes);
  if (got !== expected) {
    throw new BlindspotError({
      file: url,
      message:
        `the downloaded model's sha256 is ${got}, expected ${expected} (${bytes.length} bytes received, ` +
        `nothing kept)`,
      hint: "check the URL and the checksum; a file that changed on the server must be checked again before it is used",
    });
  }
  return storeModel(file, bytes, options.card, { url });
}

async function fetchBytes(url: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: "follow" });
  } catch (err) {
    if (signal?.aborted) throw err;
    const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new BlindspotError({
      file: url,
      message: `the model cannot be downloaded (${reason})`,
      hint: "check the URL and the network; a model downloaded once is used from the cache offline",
      cause: err,
    });
  }
  if (!res.ok) {
    throw new BlindspotError({
      file: url,
      message: `the model cannot be downloaded: HTTP ${res.status} ${res.statusText}`,
      hint: "check the URL",
    });
  }
  return new Uint8Array(await res.arrayBuffer());
}

function noCard(url: string): BlindspotError {
  return new BlindspotError({
    file: url,
    message: "the model has no card: its input size, layout, normalisation and output are unknown",
    hint: "pass { card } the first time the model is used (see ModelCard); it is stored in the cache with the model",
  });
}
