/** What the large view offers for review on one sample: its flagged boxes, or its flagged class. */
import type { Box } from "./objects";

export interface ReviewItem {
  /** The review file's key: object:<id> or sample:<id>. */
  key: string;
  issue: string;
  /** The suggestion in words, e.g. "person → car". */
  text: string;
}

/**
 * Flagged boxes (an id and an issue) first, in the order drawn; the sample's own class when it is
 * flagged with a suggested label. `boxes` are all the sample's boxes (the suggestions among them).
 */
export function reviewItems(
  boxes: readonly Box[],
  sample: { id: string; flagged: boolean; suggested: string | null },
): ReviewItem[] {
  const byId = new Map(boxes.filter((b) => b.id != null).map((b) => [b.id!, b]));
  const items: ReviewItem[] = [];
  for (const b of boxes) {
    if (!b.issue || b.id == null) continue;
    const fix = b.fix == null ? undefined : byId.get(b.fix);
    const text =
      b.issue === "overlooked"
        ? `missing ${b.label}: add this box`
        : b.issue === "swap"
          ? `${b.label} → ${fix?.label ?? "?"}`
          : `${b.label}: move the box to the suggested one`;
    items.push({ key: `object:${b.id}`, issue: b.issue, text });
  }
  if (sample.flagged && sample.suggested !== null) {
    items.push({ key: `sample:${sample.id}`, issue: "label", text: `label → ${sample.suggested}` });
  }
  return items;
}

/** The boxes as drawn: each box that a flagged box names as its correction marked as suggested. */
export function markSuggestions(boxes: readonly Box[]): Box[] {
  const fixes = new Set(boxes.filter((b) => b.issue && b.fix != null).map((b) => b.fix));
  return boxes.map((b) => (b.id != null && fixes.has(b.id) && !b.issue ? { ...b, suggested: true } : b));
}
