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
import { kerasToGraph, type KerasModel } from "./keras";
import { asGraphModel, readWeights, type TfjsGraphModel } from "./tfjs";

/**
 * The built-in embedding models, both from the npm package nsfwjs 4.4.0 (MIT), which ships TF.js
 * models with 8-bit affine-quantized weights under a 5-class head:
 *
 * - `mobilenet_v2` (default): MobileNetV2 with width 1.4 at 224x224, TF-Hub's ImageNet
 *   feature-vector graph ("MobileNetV2Mid", a TF.js graph model; nsfwjs trained the head on it,
 *   the backbone possibly fine-tuned with it). The embedding is the 1792-d global average pool.
 * - `mobilenet_v2_1.0`: Keras's ImageNet MobileNetV2 with width 1.0 ("MobileNetV2", a TF.js
 *   layers model whose backbone nsfwjs kept frozen): 1280-d, half the computation, for speed.
 *
 * Both take pixels / 255, as nsfwjs feeds them (for the 1.0 model that also gave better
 * neighbours on sign-digits than Keras's [-1, 1]: 74% against 66% 10-NN accuracy).
 * The package tarball comes from the npm registry with `npm pack` (so npm's registry and proxy
 * settings apply), is checked against its published sha512, and is kept in the cache so that a
 * newer converter can rebuild the models offline.
 */
export const MOBILENET = "mobilenet_v2";

const PACKAGE = "nsfwjs@4.4.0";
const TARBALL = "nsfwjs-4.4.0.tgz";
const INTEGRITY = "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==";
/** Bump when the conversion or a card changes, so that cached conversions are rebuilt. */
const CONVERTER_VERSION = 1;
const LICENSE = "MIT (nsfwjs); MobileNetV2 weights Apache-2.0 (TF-Hub, Keras Applications)";
/** nsfwjs's pixels / 255, in NHWC. */
const INPUT: ModelCard["input"] = {
  name: "images",
  layout: "NHWC",
  width: 224,
  height: 224,
  colorOrder: "RGB",
  scale: 1 / 255,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: "fill",
};

interface Builtin {
  card: ModelCard;
  /** The model's folder in the tarball. */
  folder: string;
  /** ONNX output name -> TF.js node (for a layers model, the layer). */
  outputs: Record<string, string>;
}

/** The 5-class nsfwjs head of the default model, a second output: it lets the conversion be compared with TF.js. */
export const MOBILENET_PROBABILITIES = "probabilities";
/** The TF.js node of the 1792-d feature vector: the squeezed global average pool. */
export const MOBILENET_FEATURES =
  "StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/" +
  "StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze";

export const BUILTINS: Record<string, Builtin> = {
  [MOBILENET]: {
    card: {
      name: "mobilenet_v2_1.4_224",
      source:
        `${PACKAGE} (MobileNetV2Mid): TF-Hub imagenet/mobilenet_v2_140_224/feature_vector under nsfwjs's ` +
        `5-class head, 8-bit weights`,
      license: LICENSE,
      // The graph maps [0, 1] to [-1, 1] itself (hub_input/Mul, Sub).
      input: INPUT,
      output: { name: "embedding", dim: 1792 },
    },
    folder: "package/dist/models/mobilenet_v2_mid/",
    outputs: { embedding: MOBILENET_FEATURES, [MOBILENET_PROBABILITIES]: "Identity" },
  },
  "mobilenet_v2_1.0": {
    card: {
      name: "mobilenet_v2_1.0_224",
      source:
        `${PACKAGE} (MobileNetV2): Keras Applications MobileNetV2 (alpha 1.0, ImageNet), frozen under nsfwjs's ` +
        `dense head, 8-bit weights`,
      license: LICENSE,
      input: INPUT,
      // The 7x7 average pool of the last 1280 channels, [N, 1, 1, 1280].
      output: { name: "embedding", dim: 1280 },
    },
    folder: "package/dist/models/mobilenet_v2/",
    outputs: { embedding: "average_pooling2d_1" },
  },
};

export interface BuiltinOptions {
  /** The models cache (default `modelsDir()`). */
  dir: string;
  /** An nsfwjs-4.4.0.tgz already on disk (for machines without registry access). */
  tarball?: string;
}

/** A built-in model from the cache, converted first when it is missing or stale. */
export async function builtinModel(name: string, options: BuiltinOptions): Promise<ModelFile> {
  const { card } = BUILTINS[name];
  const file = path.join(options.dir, `${card.name}.onnx`);
  const stored = fs.existsSync(file) ? readStoredCard(file) : undefined;
  if (stored && stored.stored.converter === CONVERTER_VERSION) {
    const hash = sha256(fs.readFileSync(file));
    if (hash === stored.stored.sha256) return { path: file, card: stored.card, sha256: hash };
  }
  const tgz = await tarball(options);
  return storeModel(file, convertBuiltin(name, tgz), card, { converter: CONVERTER_VERSION, from: TARBALL });
}

/** Converts a built-in model inside the nsfwjs tarball to ONNX bytes. */
export function convertBuiltin(name: string, tgz: Uint8Array): Uint8Array {
  const { card, outputs } = BUILTINS[name];
  const { json, shard } = builtinSource(name, tgz);
  const weights = readWeights(json as TfjsGraphModel, shard);
  // A layers model (Keras JSON) is first rewritten as the graph TF would run.
  const graph =
    (json as { format?: string }).format === "graph-model"
      ? asGraphModel(json, name)
      : {
          format: "graph-model" as const,
          modelTopology: { node: kerasToGraph(json as KerasModel, weights) },
          weightsManifest: (json as TfjsGraphModel).weightsManifest,
        };
  return tfjsToOnnx(graph, weights, { inputName: card.input.name, outputs });
}

/** A built-in model's model.json as shipped, and its weight shards by name. */
export function builtinSource(name: string, tgz: Uint8Array): { json: unknown; shard: (name: string) => Uint8Array } {
  const { folder } = BUILTINS[name];
  const files = readTgz(tgz, (p) => p.startsWith(folder));
  const text = (file: string) => {
    const f = files.get(folder + file);
    if (!f)
      throw new BlindspotError({
        file: TARBALL,
        message: `the package has no ${folder + file}`,
        hint: `use the tarball of ${PACKAGE}`,
      });
    return f.toString("utf8");
  };
  return {
    json: bundledExport(text("model.min.js")),
    shard: (shard) => Buffer.from(bundledExport(text(`${shard}.min.js`)) as string, "base64"),
  };
}

/** The checked nsfwjs tarball: given, cached, or fetched with `npm pack` into the cache. */
export async function tarball(options: BuiltinOptions): Promise<Uint8Array> {
  const cached = path.join(options.dir, "sources", TARBALL);
  const file = options.tarball ?? (fs.existsSync(cached) ? cached : undefined);
  if (file) {
    if (!fs.existsSync(file))
      throw new BlindspotError({
        file,
        message: "no such file",
        hint: `pass the path of ${TARBALL} (\`npm pack ${PACKAGE}\` downloads it)`,
      });
    const bytes = fs.readFileSync(file);
    checkIntegrity(bytes, file);
    return bytes;
  }
  fs.mkdirSync(options.dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(options.dir, ".npm-pack-"));
  try {
    await promisify(execFile)(
      process.platform === "win32" ? "npm.cmd" : "npm",
      ["pack", PACKAGE, "--pack-destination", tmp, "--silent"],
      {
        shell: process.platform === "win32",
        maxBuffer: 1 << 20,
      },
    );
    const bytes = fs.readFileSync(path.join(tmp, TARBALL));
    checkIntegrity(bytes, `${PACKAGE} from the npm registry`);
    writeFileAtomic(cached, bytes);
    return bytes;
  } catch (err) {
    if (err instanceof BlindspotError) throw err;
    throw new BlindspotError({
      file: PACKAGE,
      message:
        `the built-in model's weights could not be fetched with npm pack ` +
        `(${(err as Error).message.split("\n")[0]})`,
      hint:
        `run scripts/setup.sh (or \`node scripts/fetch-model.js\`) once with access to the npm registry, or pass ` +
        `the path of ${TARBALL} as { tarball }`,
      cause: err,
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkIntegrity(bytes: Uint8Array, what: string): void {
  const got = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
  if (got !== INTEGRITY) {
    throw new BlindspotError({
      file: what,
      message: `not the published ${TARBALL}: its integrity is ${got}, expected ${INTEGRITY}`,
      hint: "delete the file and fetch it again",
    });
  }
}
