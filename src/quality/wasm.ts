/**
 * The AssemblyScript kernels (asm/*.ts) as WebAssembly instances, one per module and thread.
 * They are found beside the build (dist/asm/), or in the build when running from the sources
 * (the test runner); without them (a build that skipped `asc`) callers use their TypeScript
 * versions.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { isMainThread } from "node:worker_threads";

/** What every kernel module exports besides its functions. */
export interface KernelModule {
  memory: WebAssembly.Memory;
  /** Where the module's own data ends. */
  heapBase(): number;
  /** Grows the memory to at least this many bytes. */
  reserve(bytes: number): void;
}

const modules = new Map<string, WebAssembly.Module | null>();
const instances = new Map<string, KernelModule>();

/**
 * Memory an instance may keep between calls; one grown past it by a large image is dropped. The
 * scorer's worker threads keep more: they end with their run, and growing the memory again for
 * each large photo (page faults on fresh memory) costs a fifth of its pass.
 */
const KEEP_BYTES = isMainThread ? 64 << 20 : 512 << 20;

export function kernelModule<T extends KernelModule>(name: string): T | null {
  if (!modules.has(name)) {
    const file = [
      path.resolve(__dirname, `../../asm/${name}.wasm`),
      path.resolve(__dirname, `../../dist/asm/${name}.wasm`),
    ].find((f) => fs.existsSync(f));
    modules.set(name, file ? new WebAssembly.Module(fs.readFileSync(file)) : null);
  }
  const compiled = modules.get(name);
  if (!compiled) return null;
  let instance = instances.get(name);
  if (!instance) {
    const env = {
      abort: () => {
        throw new Error(`${name}.wasm aborted`);
      },
    };
    instance = new WebAssembly.Instance(compiled, { env }).exports as unknown as KernelModule;
    instances.set(name, instance);
  }
  return instance as T;
}

/**
 * Lets go of an instance whose memory a large image grew past KEEP_BYTES (WebAssembly memory
 * never shrinks); the next call starts a fresh one.
 */
export function trimKernel(name: string): void {
  const instance = instances.get(name);
  if (instance && instance.memory.buffer.byteLength > KEEP_BYTES) instances.delete(name);
}

/**
 * Places arrays one after another in a kernel's memory, 16-byte aligned with 16 spare bytes
 * each (SIMD loads may read a few bytes past an array's end).
 */
export class Layout {
  size: number;

  constructor(kernels: KernelModule) {
    this.size = (kernels.heapBase() + 15) & ~15;
  }

  place(bytes: number): number {
    const at = this.size;
    this.size = (this.size + bytes + 31) & ~15;
    return at;
  }
}
