import { describe, expect, it } from "vitest";
import { pickInBand, pickOnClick } from "../../extension/src/model/picking";

const idAt = (i: number) => `s${i}`;
const none = { shift: false, toggle: false };

describe("picking tiles", () => {
  it("click picks one, ctrl/cmd-click toggles, shift-click picks the range from the anchor", () => {
    let r = pickOnClick(new Set(), idAt, null, 3, none);
    expect([...r.picked]).toEqual(["s3"]);
    r = pickOnClick(r.picked, idAt, r.anchor, 5, { shift: false, toggle: true });
    expect([...r.picked].sort()).toEqual(["s3", "s5"]);
    r = pickOnClick(r.picked, idAt, r.anchor, 3, { shift: false, toggle: true });
    expect([...r.picked]).toEqual(["s5"]);
    expect(r.anchor.index).toBe(3);
    r = pickOnClick(new Set(["s7"]), idAt, null, 3, none);
    r = pickOnClick(r.picked, idAt, r.anchor, 1, { shift: true, toggle: false });
    expect([...r.picked].sort()).toEqual(["s1", "s2", "s3"]);
    expect(r.anchor.index).toBe(3);
    // A second shift-click replaces the first one's range.
    r = pickOnClick(r.picked, idAt, r.anchor, 4, { shift: true, toggle: false });
    expect([...r.picked].sort()).toEqual(["s3", "s4"]);
    r = pickOnClick(new Set(["s9"]), idAt, { index: 4, base: new Set() }, 6, { shift: true, toggle: true });
    expect([...r.picked].sort()).toEqual(["s4", "s5", "s6", "s9"]);
  });

  it("shift-click after ctrl-clicks keeps the ctrl-picked tiles and adds the range from the last one", () => {
    const ctrl = { shift: false, toggle: true };
    let r = pickOnClick(new Set(), idAt, null, 2, none);
    r = pickOnClick(r.picked, idAt, r.anchor, 9, ctrl);
    r = pickOnClick(r.picked, idAt, r.anchor, 5, ctrl);
    r = pickOnClick(r.picked, idAt, r.anchor, 7, { shift: true, toggle: false });
    expect([...r.picked].sort()).toEqual(["s2", "s5", "s6", "s7", "s9"]);
    // Shift-clicking again moves the range's end and still keeps the ctrl-picked tiles.
    r = pickOnClick(r.picked, idAt, r.anchor, 4, { shift: true, toggle: false });
    expect([...r.picked].sort()).toEqual(["s2", "s4", "s5", "s9"]);
  });

  it("a rubber band replaces the selection, or adds to it with a modifier", () => {
    expect([...pickInBand(new Set(["a"]), ["b", "c"], false)]).toEqual(["b", "c"]);
    expect([...pickInBand(new Set(["a"]), ["b", "a"], true)]).toEqual(["a", "b"]);
  });
});
