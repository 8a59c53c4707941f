/**
 * Small images made from one decoded image for the computations that share its decode: the
 * quality pass decodes every image once and hands these on, so that embeddings need not decode
 * it again. Each is made the same way whoever decoded the image, so a result does not depend on
 * which computation ran first.
 */

import sharp from "sharp";
import type { DecodedImage, Fit } from "./decode";

export interface ViewRequest {
  /** An embedding model's input: RGB, `width` x `height`, bilinear (antialiased). */
  model?: { width: number; height: number; fit: Fit };
}

export interface ImageViews {
  model?: Uint8Array;
}

export async function makeViews(image: DecodedImage, request: ViewRequest): Promise<ImageViews> {
  return { model: request.model && (await modelInput(image, request.model)) };
}

export async function modelInput(image: DecodedImage, size: NonNullable<ViewRequest["model"]>): Promise<Uint8Array> {
  const out = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .resize(size.width, size.height, { fit: size.fit, kernel: "linear", background: { r: 0, g: 0, b: 0 } })
    .toColourspace("srgb")
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
