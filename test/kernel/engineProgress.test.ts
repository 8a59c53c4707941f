import { describe, expect, it } from "vitest";
import * as kernel from "../../kernel";
import * as engine from "../../src/index";
import { HAS_SHARED, onSharedData, SHARED } from "../helpers/data";
import { captureOutputs } from "./helpers";

const text = (o: { data: Record<string, unknown> }) => String(o.data["text/plain"]);

describe("the engine's long runs in a notebook", () => {
  it("are the engine's own functions in the package's entry point (bars come from its default reporter)", () => {
    for (const name of [
      "computeQuality",
      "computeEmbeddings",
      "generateDemo",
      "load",
      "knn",
      "umap",
      "tsne",
      "pca",
    ] as const) {
      expect(kernel[name], name).toBe(engine[name]);
    }
  });

  it.skipIf(!HAS_SHARED)(
    onSharedData("show a progress bar for loading and scoring sign-digits, none for a caller's own onProgress"),
    async () => {
      const { outputs } = captureOutputs("engine-progress");
      const ds = await kernel.load(`${SHARED}/sign-digits/Dataset`, { format: "image-folder" });
      const summary = await kernel.computeQuality(ds);
      const last = new Map<string, string>();
      for (const o of outputs) last.set(String(o.transient.display_id), text(o));
      const finals = [...last.values()];
      // Each bar ends in its final state; scoring 2,062 images takes over a second here.
      expect(finals.find((t) => t.startsWith("image quality"))).toMatch(
        /^image quality \[#{30}\] 2,062\/2,062 100% done after \d+\.\d s$/,
      );
      expect(summary.scored).toBe(2062);

      const before = outputs.length;
      const seen: number[] = [];
      await kernel.computeQuality(ds, { onProgress: (done) => seen.push(done) });
      expect(outputs.length).toBe(before);
      expect(seen.at(-1)).toBe(2062);
    },
  );
});
