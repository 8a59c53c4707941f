"""pycocotools' bbox evaluation of results.json against gt.json; prints one JSON line.

    python pycocotools_run.py GT RESULTS
"""
import contextlib
import json
import sys
import time
from importlib.metadata import version

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

gt_file, results_file = sys.argv[1:3]
# pycocotools prints progress to stdout, which carries only the result line.
with contextlib.redirect_stdout(sys.stderr):
    t0 = time.perf_counter()
    gt = COCO(gt_file)
    dt = gt.loadRes(results_file)
    t1 = time.perf_counter()
    ev = COCOeval(gt, dt, "bbox")
    ev.evaluate()
    ev.accumulate()
    t2 = time.perf_counter()
    ev.summarize()

# AP per category as summarize() computes stats[0]: IoU 0.50:0.95, all areas, 100 detections.
precision = ev.eval["precision"][:, :, :, 0, -1]
per_category = {}
for k, cat_id in enumerate(ev.params.catIds):
    p = precision[:, :, k]
    per_category[str(cat_id)] = float(np.mean(p[p > -1])) if (p > -1).any() else -1.0

print(json.dumps({
    "tool": "pycocotools",
    "version": version("pycocotools"),
    "load_s": t1 - t0,
    "eval_s": t2 - t1,
    "stats": [float(s) for s in ev.stats],
    "per_category_ap": per_category,
}))
