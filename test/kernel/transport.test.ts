import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { display } from "../../kernel/display/display";
import { inKernel, setDisplaySink } from "../../kernel/display/sink";
import { orderPublisherSends } from "../../kernel/display/zeromqOrder";
import { tmpDir } from "../helpers/data";

/**
 * Behaves like zeromq 6's Publisher.send: one send in flight per socket, a second one throws
 * EBUSY at once; a send completes after a short delay.
 */
function fakePublisherClass(delivered: unknown[]) {
  class Socket {
    busy = false;
    send(message: unknown): Promise<void> {
      if (this.busy)
        throw Object.assign(
          new Error("Socket is busy writing; only one send operation may be in progress at any time"),
          { code: "EBUSY" },
        );
      this.busy = true;
      return new Promise((resolve) =>
        setTimeout(() => {
          this.busy = false;
          delivered.push(message);
          resolve();
        }, Math.random() * 2),
      );
    }
  }
  class Publisher extends Socket {}
  return Publisher;
}

describe("IOPub sends", () => {
  test("unpatched, quick sends are refused; patched, all arrive in order", async () => {
    const lost: unknown[] = [];
    const Plain = fakePublisherClass(lost);
    const plain = new Plain();
    let refused = 0;
    for (let i = 0; i < 50; i++) {
      try {
        void plain.send(i);
      } catch {
        refused++;
      }
    }
    expect(refused).toBe(49);

    const delivered: unknown[] = [];
    const Publisher = fakePublisherClass(delivered);
    orderPublisherSends(Publisher);
    orderPublisherSends(Publisher); // a second copy of blindspot: no second wrapper
    const socket = new Publisher();
    const sends = Array.from({ length: 200 }, (_, i) => socket.send(i));
    await Promise.all(sends);
    expect(delivered).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  test("a send waits while the socket is busy with one made outside the queue", async () => {
    const delivered: unknown[] = [];
    const Publisher = fakePublisherClass(delivered);
    const unordered = Publisher.prototype.send;
    orderPublisherSends(Publisher);
    const socket = new Publisher();
    void unordered.call(socket, "outside");
    await socket.send("queued");
    expect(delivered).toEqual(["outside", "queued"]);
  });
});

describe("finding the kernel", () => {
  test("outside a kernel, outputs print their text", () => {
    setDisplaySink(null);
    expect(inKernel()).toBe(false);
    const printed: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(args.join(" "));
    try {
      display({ "text/plain": "hello", "text/html": "<b>hello</b>" });
    } finally {
      console.log = log;
    }
    expect(printed).toEqual(["hello"]);
  });

  test("inside tslab, bundles go to the running tslab's writer and its zeromq sends are ordered", () => {
    // A tslab installed elsewhere (the kernel's own copy), with the zeromq it loads beside it.
    const root = tmpDir("kernel-fake-tslab");
    const jupyterJs = path.join(root, "tslab/dist/jupyter.js");
    const zeromqJs = path.join(root, "tslab/node_modules/zeromq/index.js");
    fs.mkdirSync(path.dirname(jupyterJs), { recursive: true });
    fs.mkdirSync(path.dirname(zeromqJs), { recursive: true });
    fs.writeFileSync(
      zeromqJs,
      "class Socket { send() { return Promise.resolve(); } }\nclass Publisher extends Socket {}\nexports.Publisher = " +
        "Publisher;\n",
    );
    fs.writeFileSync(jupyterJs, "exports.lastWriteDisplayData = null;\n");
    const jupyter = require(jupyterJs) as { lastWriteDisplayData: unknown };
    const received: unknown[] = [];
    jupyter.lastWriteDisplayData = (bundle: unknown, update: boolean) => received.push({ bundle, update });
    try {
      setDisplaySink(null);
      display({ "application/vnd.blindspot.event.v1+json": { kind: "tags" }, "text/plain": "Tagged 1 sample 'x'" });
      expect(received).toEqual([
        {
          bundle: {
            data: { "application/vnd.blindspot.event.v1+json": { kind: "tags" }, "text/plain": "Tagged 1 sample 'x'" },
            metadata: {},
            transient: {},
          },
          update: false,
        },
      ]);
      const zmq = require(zeromqJs) as { Publisher: { prototype: object } };
      expect(Object.prototype.hasOwnProperty.call(zmq.Publisher.prototype, "send")).toBe(true);
    } finally {
      jupyter.lastWriteDisplayData = null;
      delete require.cache[jupyterJs];
      delete require.cache[zeromqJs];
    }
  });
});
