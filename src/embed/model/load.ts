import * as fs from "node:fs";
import * as path from "node:path";
import { BlindspotError } from "../../errors";
import { parseCard, type ModelCard, type ModelCardInit } from "./card";
import { downloadModel } from "./download";
import { BUILTINS, builtinModel } from "./mobilenet";
import { modelsDir, readStoredCard, sha256, type ModelFile } from "./store";

export interface LoadModelOptions {
  /** Required for a URL; for a file, checked when given. */
  sha256?: string;
  /** The model card; for a file or a cached download it may instead sit beside the model (`<model>.card.json`). */
  card?: ModelCard | ModelCardInit;
  /** The models cache (default `$BLINDSPOT_MODELS`, else `~/.cache/blindspot/models`). */
  dir?: string;
  /** The built-in model only: an nsfwjs-4.4.0.tgz on disk, for machines without registry access. */
  tarball?: string;
  signal?: AbortSignal;
}

/**
 * An embedding model, ready to open: a built-in one, `"mobilenet_v2"` or `"mobilenet_v2_1.0"`
 * (see mobilenet.ts; converted on first use, or by scripts/setup.sh), an `.onnx` file by path, or
 * an http(s) URL (downloaded once, checked against `sha256`, then read from the cache).
 */
export async function loadModel(model: string, options: LoadModelOptions = {}): Promise<ModelFile> {
  const dir = options.dir ?? modelsDir();
  const card = options.card === undefined ? undefined : parseCard(options.card, `card of ${model}`);
  if (Object.hasOwn(BUILTINS, model)) return builtinModel(model, { dir, tarball: options.tarball });
  if (/^https?:\/\//i.test(model))
    return downloadModel(model, { sha256: options.sha256 ?? "", card, dir, signal: options.signal });
  return localModel(path.resolve(model), card, options.sha256);
}

function localModel(file: string, given: ModelCard | undefined, expected: string | undefined): ModelFile {
  if (!fs.existsSync(file)) {
    throw new BlindspotError({
      file,
      message: "no such model file",
      hint: `pass ${Object.keys(BUILTINS)
        .map((b) => `"${b}"`)
        .join(" or ")}, the path of an .onnx file, or an http(s) URL with its sha256`,
    });
  }
  const card = given ?? readStoredCard(file)?.card;
  if (!card) {
    throw new BlindspotError({
      file,
      message: "the model has no card: its input size, layout, normalisation and output are unknown",
      hint: `pass { card }, or write it beside the model as ${path.basename(file).replace(/\.onnx$/i, "")}.card.json`,
    });
  }
  const hash = sha256(fs.readFileSync(file));
  if (expected !== undefined && hash !== expected.toLowerCase()) {
    throw new BlindspotError({
      file,
      message: `the model's sha256 is ${hash}, expected ${expected}`,
      hint: "check that this is the file you meant",
    });
  }
  return { path: file, card, sha256: hash };
}
