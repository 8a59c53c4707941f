/** How clicks and rubber bands change the picked samples, as in a file manager. */

export interface Modifiers {
  /** Shift: extend from the anchor. */
  shift: boolean;
  /** Ctrl or Cmd: toggle one, or add a range to what is picked. */
  toggle: boolean;
}

/**
 * Where a shift-click's range starts, and what was picked beside it then: the tiles picked one
 * by one with ctrl-click stay picked when shift-click extends from the last of them.
 */
export interface Anchor {
  index: number;
  base: ReadonlySet<string>;
}

export interface PickResult {
  picked: Set<string>;
  anchor: Anchor;
}

const NOTHING: ReadonlySet<string> = new Set();

/** Click on the item at display index `index`; `idAt` maps display indices to sample ids. */
export function pickOnClick(
  picked: ReadonlySet<string>,
  idAt: (index: number) => string,
  anchor: Anchor | null,
  index: number,
  mods: Modifiers,
): PickResult {
  if (mods.shift) {
    const from = anchor ?? { index, base: NOTHING };
    // A second shift-click replaces the first one's range; ctrl+shift adds to everything picked.
    const next = new Set(mods.toggle ? picked : from.base);
    for (let i = Math.min(from.index, index); i <= Math.max(from.index, index); i++) next.add(idAt(i));
    return { picked: next, anchor: from };
  }
  const id = idAt(index);
  if (mods.toggle) {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { picked: next, anchor: { index, base: new Set(next) } };
  }
  return { picked: new Set([id]), anchor: { index, base: NOTHING } };
}

/** A rubber band over `ids`: replaces what is picked, or adds to it with a modifier. */
export function pickInBand(picked: ReadonlySet<string>, ids: Iterable<string>, additive: boolean): Set<string> {
  const next = additive ? new Set(picked) : new Set<string>();
  for (const id of ids) next.add(id);
  return next;
}
