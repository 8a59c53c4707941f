import { BlindspotError } from "../../errors";

/**
 * A model card: what an embedding model expects and gives, so any ONNX image model can be fed.
 * Stored as JSON beside the model (`<model>.card.json`) or passed to `loadModel`.
 *
 * A pixel value v (0-255, in `colorOrder`) enters the model as `(v * scale - mean[c]) / std[c]`.
 * Images are resized to width x height with `resize` (`fill` stretches, `cover` crops the centre).
 */
export interface ModelCard {
  name: string;
  /** Where the weights come from (a package and version, a URL, a paper). */
  source?: string;
  license?: string;
  input: {
    name: string;
    layout: "NCHW" | "NHWC";
    width: number;
    height: number;
    colorOrder: "RGB" | "BGR";
    scale: number;
    mean: [number, number, number];
    std: [number, number, number];
    resize: "fill" | "cover";
  };
  /** The embedding output; its values (e.g. [N, d] or [N, d, 1, 1]) are read as N rows of `dim`. */
  output: { name: string; dim: number };
}

/** What a user writes: the input's preprocessing has defaults (RGB, NCHW, x/255, mean 0, std 1, fill). */
export interface ModelCardInit {
  name: string;
  source?: string;
  license?: string;
  input: Partial<ModelCard["input"]> & { width: number; height: number };
  output: { name: string; dim: number };
}

/** Checks a card (from JSON or code) and fills the defaults; `where` names it in errors. */
export function parseCard(json: unknown, where: string): ModelCard {
  const c = json as Partial<ModelCardInit> | null;
  const bad = (place: string, message: string): never => {
    throw new BlindspotError({ file: where, place, message, hint: CARD_HINT });
  };
  if (typeof c !== "object" || c === null) return bad("card", "the model card is not an object");
  if (typeof c.name !== "string" || !c.name) bad("name", "the model card needs a name");
  const i = (c.input ?? bad("input", "the model card has no input")) as ModelCardInit["input"];
  const o = (c.output ?? bad("output", "the model card has no output")) as ModelCardInit["output"];
  const positive = (v: unknown, place: string) =>
    Number.isInteger(v) && (v as number) > 0
      ? (v as number)
      : bad(place, `${place} must be a positive integer, not ${JSON.stringify(v)}`);
  const triple = (v: unknown, fallback: number, place: string): [number, number, number] => {
    if (v === undefined) return [fallback, fallback, fallback];
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => Number.isFinite(x)))
      return bad(place, `${place} must be three numbers (one per channel)`);
    return v as [number, number, number];
  };
  const oneOf = <T extends string>(v: unknown, allowed: T[], place: string): T => {
    if (v === undefined) return allowed[0];
    return allowed.includes(v as T)
      ? (v as T)
      : bad(place, `${place} must be ${allowed.join(" or ")}, not ${JSON.stringify(v)}`);
  };
  const std = triple(i.std, 1, "input.std");
  if (std.some((s) => s === 0)) bad("input.std", "input.std must not be 0");
  const scale = i.scale ?? 1 / 255;
  if (!Number.isFinite(scale)) bad("input.scale", "input.scale must be a number");
  if (typeof o.name !== "string" || !o.name) bad("output.name", "the output needs the ONNX output name");
  return {
    name: c.name!,
    ...(c.source === undefined ? {} : { source: c.source }),
    ...(c.license === undefined ? {} : { license: c.license }),
    input: {
      name: typeof i.name === "string" && i.name ? i.name : bad("input.name", "the input needs the ONNX input name"),
      layout: oneOf(i.layout, ["NCHW", "NHWC"], "input.layout"),
      width: positive(i.width, "input.width"),
      height: positive(i.height, "input.height"),
      colorOrder: oneOf(i.colorOrder, ["RGB", "BGR"], "input.colorOrder"),
      scale,
      mean: triple(i.mean, 0, "input.mean"),
      std,
      resize: oneOf(i.resize, ["fill", "cover"], "input.resize"),
    },
    output: { name: o.name, dim: positive(o.dim, "output.dim") },
  };
}

const CARD_HINT =
  'a card looks like {"name":"resnet50","input":{"name":"input","layout":"NCHW","width":224,"height":224,' +
  '"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]},"output":{"name":"features","dim":2048}}';

/**
 * Writes one decoded image (interleaved 8-bit RGB, width x height of the card) into slot `row`
 * of a batch tensor, normalised and laid out as the card says.
 */
export function fillInput(card: ModelCard, rgb: Uint8Array, batch: Float32Array, row: number): void {
  const { width, height, layout, colorOrder, scale, mean, std } = card.input;
  const plane = width * height;
  const base = row * plane * 3;
  const order = colorOrder === "RGB" ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const src = order[c];
    const a = scale / std[c],
      b = -mean[c] / std[c];
    if (layout === "NCHW")
      for (let p = 0, o = base + c * plane; p < plane; p++) batch[o + p] = rgb[3 * p + src] * a + b;
    else for (let p = 0; p < plane; p++) batch[base + 3 * p + c] = rgb[3 * p + src] * a + b;
  }
}
