/**
 * The AssemblyScript kernels (asm/*.ts) as WebAssembly instances, one per module and thread.
 * They are found beside the build (dist/asm/), or in the build when running from the sources
 * (the test runner); without them (a build that skipped `asc`) callers use their TypeScript
 * versions.
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** What every kernel module exports besides its functions. */
export interface KernelModule {
  memory: WebAssembly.Memory;
  /** Where the module's own data ends. */
  heapBase(): number;
  /** Grows the memory to at least this many bytes. */
  reserve(bytes: number): void;
}

const instances = new Map<string, KernelModule | null>();

export function kernelModule<T extends KernelModule>(name: string): T | null {
  if (!instances.has(name)) {
    const file = [path.resolve(__dirname, `../../asm/${name}.wasm`), path.resolve(__dirname, `../../dist/asm/${name}.wasm`)].find((f) => fs.existsSync(f));
    const exports = file
      ? new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), { env: { abort: () => { throw new Error(`${name}.wasm aborted`); } } }).exports
      : null;
    instances.set(name, exports as unknown as KernelModule | null);
  }
  return instances.get(name) as T | null;
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
