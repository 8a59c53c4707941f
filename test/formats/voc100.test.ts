import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { load } from "../../src/formats/api";
import { summarize } from "../../src/dataset/summary";
import { canonical, compareCanonical, HAS_SHARED, VOC, VOC_CLASSES, VOC_IMAGES } from "../helpers/data";

/** The nine ground-truth layouts of the same 100 VOC images, and the four prediction layouts. */
const GT_LAYOUTS: [string, string][] = [
  ["coco", "gts/coco_format_v1/instances_default.json"],
  ["coco", "gts/coco_format_v2/instances_v2.json"],
  ["cvat", "gts/cvat_format/annotations.xml"],
  ["voc", "gts/imagenet_format"],
  ["labelme", "gts/labelme_format"],
  ["openimages", "gts/openimages_format/all_bounding_boxes.csv"],
  ["voc", "gts/pascalvoc_format"],
  ["tfrecord", "gts/tfrecord_format/default.tfrecord"],
  ["yolo", "gts/yolo_format"],
];
const DET_LAYOUTS: [string, string][] = [
  ["txt-abs-xywh", "dets/abs_xywh"],
  ["txt-abs-xyxy", "dets/abs_xyx2y2"],
  ["txt-rel-cxcywh", "dets/rel_xywh"],
  ["coco", "dets/coco_format/coco_dets.json"],
];

describe.skipIf(!HAS_SHARED)("VOC100: every layout loads to the same dataset", async () => {
  const reference = HAS_SHARED
    ? await load(path.join(VOC, GT_LAYOUTS[0][1]), { format: "coco", images: VOC_IMAGES })
    : null!;
  const refBoxes = HAS_SHARED ? canonical(reference, "ground_truth") : null!;
  const refLabels = HAS_SHARED ? summarize(reference).fields[0].labels : null!;

  it("the reference has 100 samples and 273 boxes", () => {
    expect(reference.count()).toBe(100);
    expect(reference.objects.numRows()).toBe(273);
    expect(reference.problems).toEqual([]);
  });

  for (const [format, rel] of GT_LAYOUTS) {
    // A format renamed in the registry fails here (load names the formats it knows).
    it(`${rel} (${format})`, async () => {
      const ds = await load(path.join(VOC, rel), { format, images: VOC_IMAGES });
      const s = summarize(ds);
      expect(s.samples).toBe(100);
      expect(s.objects).toBe(273);
      expect(s.fields.find((f) => f.name === "ground_truth")!.labels).toEqual(refLabels);
      expect(compareCanonical(refBoxes, canonical(ds, "ground_truth"))).toEqual([]);
      expect(ds.problems).toEqual([]);
    });
  }

  const firstDets = HAS_SHARED
    ? await load(path.join(VOC, DET_LAYOUTS[0][1]), {
        format: DET_LAYOUTS[0][0],
        images: VOC_IMAGES,
        classes: VOC_CLASSES,
        field: "model",
      })
    : null!;
  for (const [format, rel] of DET_LAYOUTS) {
    it(`predictions ${rel} (${format}) give the same 452 scored boxes`, async () => {
      const ds = await load(path.join(VOC, rel), { format, images: VOC_IMAGES, classes: VOC_CLASSES, field: "model" });
      expect(ds.objects.numRows()).toBe(452);
      const boxes = canonical(ds, "model");
      expect([...boxes.values()].flat().every((b) => typeof b.confidence === "number")).toBe(true);
      expect(compareCanonical(canonical(firstDets, "model"), boxes, { confidence: true })).toEqual([]);
    });
  }
});
