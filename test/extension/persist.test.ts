import { describe, expect, it } from "vitest";
import type { SelectionFile } from "../../kernel/protocol";
import { LinkBus } from "../../extension/src/model/bus";
import { SelectionPersister, type Timers } from "../../extension/src/model/persist";

/** Timers driven by the test. */
class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number) {
    const h = this.next++;
    this.due.set(h, { at: this.now + ms, fn });
    return h;
  }
  clear(h: unknown) {
    this.due.delete(h as number);
  }
  advance(ms: number) {
    this.now += ms;
    for (const [h, t] of [...this.due]) if (t.at <= this.now) (this.due.delete(h), t.fn());
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("selection persistence", () => {
  it("writes the last state of a group once, 300 ms after the changes stop", async () => {
    const bus = new LinkBus();
    const timers = new FakeTimers();
    const saved: [string, SelectionFile][] = [];
    new SelectionPersister(
      bus,
      async (p, f) => void saved.push([p, f]),
      timers,
      () => {},
      300,
      () => new Date(0),
    );
    bus.state("g1", "one", "ds");
    bus.state("g2", "two", "ds");
    for (let i = 0; i < 10; i++) {
      bus.setPicked("g1", [`s${i}`], {});
      timers.advance(100);
    }
    bus.setFilter("g2", { ids: ["x"], description: "d" }, {});
    expect(saved).toEqual([]);
    timers.advance(300);
    await tick();
    expect(saved.map(([p, f]) => [p, f.picked, f.filter?.ids ?? null])).toEqual([
      ["g1", ["s9"], null],
      ["g2", [], ["x"]],
    ]);
  });

  it("does not write selections read from the file, flushes pending ones, and reports failures", async () => {
    const bus = new LinkBus();
    const timers = new FakeTimers();
    const saved: string[][] = [];
    const errors: string[] = [];
    const p = new SelectionPersister(
      bus,
      async (_path, f) => {
        if (f.picked[0] === "bad") throw new Error("disk full");
        saved.push(f.picked);
      },
      timers,
      (_e, path) => errors.push(path),
    );
    bus.state("g", "g", null);
    bus.load("g", { version: 1, group: "g", dataset: null, picked: ["from-file"], filter: null, updated: "" });
    timers.advance(1000);
    bus.setPicked("g", ["bad"], {});
    p.flush();
    await tick();
    bus.setPicked("g", ["good"], {});
    p.dispose();
    await tick();
    expect(saved).toEqual([["good"]]);
    expect(errors).toEqual(["g"]);
  });

  it("keeps the order of writes to one file even when an earlier write is slow", async () => {
    const bus = new LinkBus();
    const timers = new FakeTimers();
    const landed: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    new SelectionPersister(
      bus,
      async (_p, f) => {
        if (f.picked[0] === "first") await slow;
        landed.push(f.picked[0]);
      },
      timers,
      () => {},
    );
    bus.state("g", "g", null);
    bus.setPicked("g", ["first"], {});
    timers.advance(300);
    bus.setPicked("g", ["second"], {});
    timers.advance(300);
    await tick();
    release();
    await tick();
    await tick();
    expect(landed).toEqual(["first", "second"]);
  });
});
