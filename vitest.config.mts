import { defineConfig } from "vitest/config";
import CacheFirstSequencer from "./test/helpers/sequencer.mts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/.tmp/**"],
    globalSetup: ["test/helpers/sharedCache.ts"],
    setupFiles: ["test/helpers/cleanup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: run files two at a time, the cache-filling and the slowest first.
    maxWorkers: 2,
    sequence: { sequencer: CacheFirstSequencer },
  },
});
