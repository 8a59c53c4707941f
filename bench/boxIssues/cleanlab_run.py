"""cleanlab's object-detection find_label_issues on the benchmark's boxes, timed inside Python.

Reads a JSON file {"classes": K, "labels": {"start", "corners", "cls"}, "predictions": {"start",
"corners", "cls", "prob"}} (every image's boxes, flat), builds cleanlab's per-image input, runs
find_label_issues(return_indices_ranked_by_score=True) once (it scores every box, pools them per
image, derives the per-class thresholds from AP and ranks the flagged images) and prints the
seconds, the ranked image indices and the images' label quality scores as JSON. Building the
input is not timed."""

import contextlib
import io
import json
import sys
import time

import numpy as np
from cleanlab.object_detection.filter import find_label_issues
from cleanlab.object_detection.rank import get_label_quality_scores

# cleanlab 2.9.0 ranks with np.in1d, which NumPy 2.4 removed; np.isin is its replacement.
if not hasattr(np, "in1d"):
    np.in1d = np.isin


def main():
    data = json.load(open(sys.argv[1]))
    k = data["classes"]
    lab, pred = data["labels"], data["predictions"]
    lab_corners = np.array(lab["corners"], dtype=np.float64).reshape(-1, 4)
    pred_rows = np.column_stack(
        [np.array(pred["corners"], dtype=np.float64).reshape(-1, 4), np.array(pred["prob"], dtype=np.float64)]
    )
    lab_cls, pred_cls = np.array(lab["cls"], dtype=np.int64), np.array(pred["cls"], dtype=np.int64)
    labels, predictions = [], []
    for i in range(len(lab["start"]) - 1):
        a, b = lab["start"][i], lab["start"][i + 1]
        labels.append({"bboxes": lab_corners[a:b], "labels": lab_cls[a:b]})
        p, q = pred["start"][i], pred["start"][i + 1]
        predictions.append([pred_rows[p:q][pred_cls[p:q] == c] for c in range(k)])
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        ranked = find_label_issues(labels, predictions, return_indices_ranked_by_score=True)
        seconds = time.perf_counter() - start
        quality = get_label_quality_scores(labels, predictions)
    print(json.dumps({"seconds": seconds, "ranked": ranked.tolist(), "quality": quality.tolist()}))


main()
