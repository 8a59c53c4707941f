/**
 * tslab publishes every IOPub message with zeromq 6's `Publisher.send` without awaiting it.
 * zeromq allows one send in flight per socket and refuses a second one ("Socket is busy
 * writing"), so outputs written in quick succession were lost. Patching the prototype of the
 * Publisher class tslab uses makes every send wait for the one before it, in call order, and
 * retry while the socket still reports EBUSY (a send started by code that bypassed the queue).
 */

const PATCHED = Symbol.for("blindspot.zeromq.orderedSend");
const MAX_BUSY_RETRIES = 100;

type Send = (this: object, ...args: unknown[]) => Promise<void>;

interface PublisherClass {
  prototype: { send: Send; [PATCHED]?: boolean };
}

/** Chains `send` on a Publisher class once; later calls (from any copy of blindspot) do nothing. */
export function orderPublisherSends(Publisher: PublisherClass): void {
  const proto = Publisher.prototype;
  if (proto[PATCHED]) return;
  const send = proto.send;
  const tails = new WeakMap<object, Promise<void>>();
  const ordered: Send = function (this: object, ...args: unknown[]) {
    const result = (tails.get(this) ?? Promise.resolve()).then(() => sendWhenFree(this, send, args));
    // A failed send must not stop the ones queued after it; its caller still sees the failure.
    tails.set(
      this,
      result.catch(() => undefined),
    );
    return result;
  };
  Object.defineProperty(proto, "send", { value: ordered, writable: true, configurable: true });
  Object.defineProperty(proto, PATCHED, { value: true });
}

async function sendWhenFree(socket: object, send: Send, args: unknown[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send.apply(socket, args);
    } catch (err) {
      if ((err as { code?: string }).code !== "EBUSY" || attempt >= MAX_BUSY_RETRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 50)));
    }
  }
}
