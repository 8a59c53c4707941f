// What every kernel module exports for its caller (src/quality/wasm.ts) to lay arrays out.

/** Where the module's own data ends: callers lay their arrays out from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Makes the memory at least `bytes` long. */
export function reserve(bytes: i32): void {
  const need = (bytes + 0xffff) >>> 16;
  const have = memory.size();
  if (need > have) memory.grow(need - have);
}
