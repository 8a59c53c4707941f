import sharp from "sharp";
import { ARTIFACTS_DIR } from "../protocol";
import { escapeHtml, formatCount } from "../../src/report/escape";

/** Size of the inline preview images: small enough that 12 of them stay far below 100 KB. */
const PREVIEW_SIZE = 96;
export const PREVIEW_TILES = 12;

export interface PreviewBox {
  /** Fractions of the image, top-left origin. */
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  prediction: boolean;
  confidence: number | null;
}

export interface PreviewTile {
  id: string;
  /** The thumbnail file, or null with the reason it is missing. */
  thumb: string | null;
  missing: string | null;
  caption: string[];
  boxes: PreviewBox[];
}

const TRUTH_COLOUR = "#2ca02c";
const PREDICTION_COLOUR = "#ff7f0e";

/**
 * The grid as a notebook without the extension shows it (and nbconvert exports it): the first
 * tiles as inline JPEGs with their boxes, captions and the count. No scripts, no event
 * attributes, no links: every text from the data is escaped.
 */
export async function gridHtml(p: { title: string; total: number; tiles: PreviewTile[] }): Promise<string> {
  const tiles = await Promise.all(p.tiles.map(tileHtml));
  const shown =
    p.tiles.length < p.total
      ? `the first ${p.tiles.length} of ${formatCount(p.total)} samples`
      : `${formatCount(p.total)} samples`;
  return (
    `<div style="font-family:sans-serif;font-size:12px">` +
    `<div style="font-weight:600;margin-bottom:4px">${escapeHtml(p.title)}</div>` +
    `<div style="display:flex;flex-wrap:wrap;gap:6px">${tiles.join("")}</div>` +
    `<p style="margin:6px 0 0 0;color:#555">Showing ${shown}. The interactive grid (all samples, filters, selection) ` +
    `needs the blindspot JupyterLab extension. ` +
    `It reads ${ARTIFACTS_DIR}/ beside the notebook; if that folder is missing, run this cell again to regenerate ` +
    `it.</p></div>`
  );
}

async function tileHtml(t: PreviewTile): Promise<string> {
  const caption = [t.id, ...t.caption]
    .map((line) => `<div style="overflow:hidden;text-overflow:ellipsis;white-space:nowrap">${escapeHtml(line)}</div>`)
    .join("");
  let picture: string;
  if (t.thumb === null) {
    picture =
      `<div style="width:${PREVIEW_SIZE}px;height:${PREVIEW_SIZE}px;background:#eee;color:#777;font-size:9px;` +
      `overflow:hidden">${escapeHtml(`no thumbnail: ${t.missing ?? "unknown reason"}`)}</div>`;
  } else {
    const { data, info } = await sharp(t.thumb)
      .resize({ width: PREVIEW_SIZE, height: PREVIEW_SIZE, fit: "inside" })
      .jpeg({ quality: 60 })
      .toBuffer({ resolveWithObject: true });
    picture =
      `<div style="position:relative;width:${info.width}px;height:${info.height}px">` +
      `<img src="data:image/jpeg;base64,${data.toString("base64")}" width="${info.width}" height="${info.height}" ` +
      `alt="${escapeHtml(t.id)}" style="display:block">` +
      boxesSvg(t.boxes, info.width, info.height) +
      `</div>`;
  }
  return (
    `<figure style="margin:0;width:${PREVIEW_SIZE}px">${picture}<figcaption ` +
    `style="font-size:10px;color:#333">${caption}</figcaption></figure>`
  );
}

function boxesSvg(boxes: PreviewBox[], width: number, height: number): string {
  if (!boxes.length) return "";
  const marks = boxes
    .filter((b) => Number.isFinite(b.x + b.y + b.w + b.h))
    .map((b) => {
      const colour = b.prediction ? PREDICTION_COLOUR : TRUTH_COLOUR;
      const name = b.confidence === null ? b.label : `${b.label} ${b.confidence.toFixed(2)}`;
      const x = (b.x * width).toFixed(1),
        y = (b.y * height).toFixed(1);
      return (
        `<rect x="${x}" y="${y}" width="${(b.w * width).toFixed(1)}" height="${(b.h * height).toFixed(1)}" ` +
        `fill="none" stroke="${colour}" ` +
        `stroke-width="1"${b.prediction ? ' stroke-dasharray="3 2"' : ""}><title>${escapeHtml(name)}</title></rect>` +
        `<text x="${x}" y="${y}" dy="6" font-size="6" fill="${colour}">${escapeHtml(b.label)}</text>`
      );
    });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ` +
    `${height}" style="position:absolute;left:0;top:0">${marks.join("")}</svg>`
  );
}
