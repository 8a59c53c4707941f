import * as fs from "node:fs";
import * as path from "node:path";
import { loadDataset, MANIFEST, saveDataset } from "../dataset/persist";
import type { Format } from "./format";

/** blindspot's own folder (manifest + Arrow tables): holds everything, loads fastest. */
export const native: Format = {
  name: "blindspot",
  description: "blindspot dataset folder (manifest.json + Arrow IPC tables), lossless",
  reads: "folder",
  holds: {
    boxes: true,
    polygons: true,
    rle: true,
    crowd: true,
    confidence: true,
    classification: true,
    metadata: true,
    attributes: true,
    multipleFields: true,
    splits: true,
    sampleTags: true,
    objectTags: true,
    area: true,
    ids: true,
    categoryKeys: true,
  },
  detect: (input) => fs.existsSync(path.join(input, MANIFEST)),
  read: async (input) => loadDataset(input),
  write: async (ds, out) => {
    saveDataset(ds, out);
    return { files: 3, dropped: [] };
  },
};
