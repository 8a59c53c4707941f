import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../../io/atomic";
import { parseCard, type ModelCard } from "./card";

/**
 * The models cache: `$BLINDSPOT_MODELS`, else `$XDG_CACHE_HOME/blindspot/models`, else
 * `~/.cache/blindspot/models`. Every model is an `.onnx` file with its card beside it
 * (`<name>.card.json`); both are written atomically, the model first, so a card never points
 * at a half-written model.
 */
export function modelsDir(): string {
  if (process.env.BLINDSPOT_MODELS) return path.resolve(process.env.BLINDSPOT_MODELS);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "blindspot", "models");
}

/** A model ready to open: its file, its card and the sha256 of its bytes. */
export interface ModelFile {
  path: string;
  card: ModelCard;
  sha256: string;
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function cardPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, "") + ".card.json";
}

/** Writes a model and then its card; the card records the model's sha256. */
export function storeModel(
  modelPath: string,
  bytes: Uint8Array,
  card: ModelCard,
  extra: Record<string, unknown> = {},
): ModelFile {
  const hash = sha256(bytes);
  writeFileAtomic(modelPath, bytes);
  writeCard(modelPath, card, { ...extra, sha256: hash });
  return { path: modelPath, card, sha256: hash };
}

export function writeCard(modelPath: string, card: ModelCard, extra: Record<string, unknown>): void {
  writeFileAtomic(cardPath(modelPath), JSON.stringify({ ...card, ...extra }, null, 1) + "\n");
}

/** The card stored beside a model with whatever else it recorded (sha256, converter version), or undefined. */
export function readStoredCard(modelPath: string): { card: ModelCard; stored: Record<string, unknown> } | undefined {
  const file = cardPath(modelPath);
  if (!fs.existsSync(file)) return undefined;
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  return { card: parseCard(stored, file), stored };
}
