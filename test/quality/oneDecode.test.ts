import { afterAll, describe, expect, it } from "vitest";
import { computeEmbeddings } from "../../src/embed/embed";
import { load } from "../../src/formats/api";
import { computeQuality } from "../../src/quality/issues";
import { HAS_SHARED, onSharedData, VOC_IMAGES, removeTmpDirs, tmpDir } from "../helpers/data";

afterAll(removeTmpDirs);

/**
 * Mode "dataset" needs quality scores and embeddings of every image: the quality pass decodes each image once and
 * embeds it from that decode, in worker threads or on the calling thread, giving exactly what computeEmbeddings
 * gives on its own.
 */
describe.skipIf(!HAS_SHARED)(onSharedData("one decode for quality scores and embeddings"), () => {
  for (const workers of [undefined, 0]) {
    it(`embeds from the quality pass's decode (${workers === 0 ? "calling thread" : "worker threads"})`, async () => {
      const ds = await load(VOC_IMAGES, { format: "image-folder" });
      const cacheRoot = tmpDir("one-decode");
      const quality = await computeQuality(ds, { mode: "dataset", cacheRoot, workers });
      expect(quality.computed).toBe(ds.count());

      // The quality pass cached every image's embedding: nothing is left to compute.
      const cached = await computeEmbeddings(ds, { cacheRoot });
      expect([cached.computed, cached.reused]).toEqual([0, ds.count()]);
      const alone = await computeEmbeddings(ds, { cacheRoot: null });
      expect(alone.computed).toBe(ds.count());
      expect(alone.vectors).toEqual(cached.vectors);
    });
  }
});
