/**
 * What the label controls show (FiftyOne's label toggles): which label fields and classes are
 * drawn, whether scores are written, and the lowest confidence of a drawn prediction. One value
 * per grid output, applied to its tiles and its large view alike.
 */
import type { Box } from "./objects";

export interface LabelSettings {
  hiddenFields: ReadonlySet<string>;
  hiddenClasses: ReadonlySet<string>;
  scores: boolean;
  /** Boxes with a confidence below this are hidden; boxes without one (ground truth) never. */
  minConfidence: number;
}

export const SHOW_ALL_LABELS: LabelSettings = {
  hiddenFields: new Set(),
  hiddenClasses: new Set(),
  scores: true,
  minConfidence: 0,
};

export function boxShown(box: Box, s: LabelSettings): boolean {
  if (s.hiddenFields.has(box.field) || s.hiddenClasses.has(box.label)) return false;
  return !(box.confidence < s.minConfidence);
}

/** The boxes the settings let through, in their order. */
export function shownBoxes(boxes: readonly Box[], s: LabelSettings): Box[] {
  return boxes.filter((b) => boxShown(b, s));
}

/** Settings with one field, class or value changed (settings are replaced, never mutated). */
export function toggled(set: ReadonlySet<string>, name: string, hidden: boolean): Set<string> {
  const next = new Set(set);
  if (hidden) next.add(name);
  else next.delete(name);
  return next;
}

/** How many settings differ from showing everything (the toolbar button says so). */
export function activeLabelSettings(s: LabelSettings): number {
  return s.hiddenFields.size + s.hiddenClasses.size + (s.scores ? 0 : 1) + (s.minConfidence > 0 ? 1 : 0);
}
