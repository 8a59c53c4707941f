/**
 * Everything that comes from data (labels, field names, file names, titles) passes through
 * here before it becomes HTML or SVG markup: as text, never as markup.
 */
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A number with thousands separators, the same in every locale. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
