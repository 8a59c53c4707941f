/**
 * Zoom and pan of the large view. A view maps image pixels to screen pixels of the viewport:
 * screen = image * scale + offset. Zooming keeps the image point under the pointer still.
 */
import type { Fit } from "./boxes";

/** Same shape as a fit: scale, then offset (dx, dy) in viewport pixels. */
export type ZoomView = Fit;

/** Largest zoom, as screen pixels per image pixel (enough to read single pixels). */
export const MAX_SCALE = 16;

/** The whole image in the viewport, centred, never enlarged past its natural size. */
export function fitView(imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): ZoomView {
  if (!(imageWidth > 0 && imageHeight > 0 && viewWidth > 0 && viewHeight > 0)) return { scale: 1, dx: 0, dy: 0 };
  const scale = Math.min(viewWidth / imageWidth, viewHeight / imageHeight, 1);
  return { scale, dx: (viewWidth - imageWidth * scale) / 2, dy: (viewHeight - imageHeight * scale) / 2 };
}

/** The image at one screen pixel per image pixel, with the viewport's centre kept. */
export function naturalView(v: ZoomView, viewWidth: number, viewHeight: number): ZoomView {
  return zoomAt(v, 1 / v.scale, viewWidth / 2, viewHeight / 2, 1);
}

/**
 * Zoom by `factor` about the viewport point (px, py). The scale stays between `minScale` (the
 * fitted view's, so one cannot lose the image) and MAX_SCALE.
 */
export function zoomAt(v: ZoomView, factor: number, px: number, py: number, minScale: number): ZoomView {
  const scale = Math.min(Math.max(v.scale * factor, Math.min(minScale, MAX_SCALE)), MAX_SCALE);
  const k = scale / v.scale;
  return { scale, dx: px - (px - v.dx) * k, dy: py - (py - v.dy) * k };
}

export function panBy(v: ZoomView, dx: number, dy: number): ZoomView {
  return { scale: v.scale, dx: v.dx + dx, dy: v.dy + dy };
}

/** Zoom factor of one wheel event: a notch (~100 px of deltaY) zooms by about 1.2x. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-pixels * 0.0018);
}

/** The image point under a viewport point. */
export function imagePoint(v: ZoomView, px: number, py: number): [number, number] {
  return [(px - v.dx) / v.scale, (py - v.dy) / v.scale];
}
