"""pycocotools' COCO evaluation of a ground-truth file and a results file, as JSON on stdout.

usage: coco_eval.py GT RESULTS bbox|segm [RESULTS_OUT]
Results whose segmentation is a polygon list are turned into compressed RLE first (loadRes
only reads RLE); with RESULTS_OUT the converted results are written there, so the caller
evaluates the very same masks.
"""
import contextlib
import io
import json
import sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def polygons_to_rle(results, gt):
    sizes = {im["id"]: (im["height"], im["width"]) for im in gt.dataset["images"]}
    for r in results:
        seg = r.get("segmentation")
        if isinstance(seg, list):
            h, w = sizes[r["image_id"]]
            rle = mask_utils.merge(mask_utils.frPyObjects(seg, h, w))
            rle["counts"] = rle["counts"].decode("ascii")
            r["segmentation"] = rle
    return results


def main():
    gt_file, results_file, iou_type = sys.argv[1:4]
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_file)
        results = json.load(open(results_file))
        if iou_type == "segm":
            results = polygons_to_rle(results, gt)
            if len(sys.argv) > 4:
                json.dump(results, open(sys.argv[4], "w"))
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    precision = ev.eval["precision"]
    per_category = {}
    for k, cat_id in enumerate(ev.params.catIds):
        p = precision[:, :, k, 0, -1]
        p = p[p > -1]
        per_category[str(cat_id)] = float(np.mean(p)) if p.size else -1.0
    json.dump({
        "stats": [float(s) for s in ev.stats],
        "per_category_AP": per_category,
        "precision": precision.ravel().tolist(),
        "recall": ev.eval["recall"].ravel().tolist(),
    }, sys.stdout)


main()
