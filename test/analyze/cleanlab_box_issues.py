"""cleanlab's object-detection label-issue numbers for the cases blindspot's tests build
(test/analyze/boxIssues*.test.ts).

Reads a JSON file [{"classes": K, "images": [{"bboxes": [[x1, y1, x2, y2], ...], "labels": [...],
"predictions": [per class: [[x1, y1, x2, y2, prob], ...]]}, ...], "weights": {...} or null,
"overlapping_label_check": bool, "params": {"alpha", "low", "high", "temperature"} or null}, ...] and prints, for each case: the overlooked, swap and
bad-location score of every box, each image's pooled scores and label quality, the images
find_label_issues flags and their ranking (and the ranking by the case's own scores), and the per-class thresholds it derives from AP."""
import contextlib
import io
import json
import sys
import time
import warnings

import numpy as np
import cleanlab
from cleanlab.object_detection.filter import (
    _find_label_issues_per_box,
    _get_per_class_ap,
    _pool_box_scores_per_image,
    _process_class_list,
    find_label_issues,
)
from cleanlab.object_detection.rank import (
    _get_subtype_label_quality_scores,
    _separate_prediction,
    compute_badloc_box_scores,
    compute_overlooked_box_scores,
    compute_swap_box_scores,
    get_label_quality_scores,
    issues_from_scores,
    pool_box_scores_per_image,
)

warnings.simplefilter("ignore")
# cleanlab 2.9.0 ranks the flagged images with np.in1d, which NumPy 2.4 removed; np.isin is its
# documented replacement with the same result on 1-D arrays.
if not hasattr(np, "in1d"):
    np.in1d = np.isin


def listed(a):
    """A float array as a JSON list, NaN as null."""
    return [None if np.isnan(v) else float(v) for v in a]


def case_input(case):
    k = case["classes"]
    labels, predictions = [], []
    for image in case["images"]:
        labels.append(
            {
                "bboxes": np.array(image["bboxes"], dtype=np.float64).reshape(-1, 4),
                "labels": np.array(image["labels"], dtype=np.int64),
            }
        )
        predictions.append([np.array(image["predictions"][c], dtype=np.float64).reshape(-1, 5) for c in range(k)])
    return labels, predictions


out = []
def flagged_with(labels, predictions, per_box):
    """find_label_issues' flags, from box scores computed with other parameters than its defaults."""
    ap = _get_per_class_ap(labels, predictions)
    pred_limits = _process_class_list([_separate_prediction(p)[1] for p in predictions], ap)
    label_limits = _process_class_list([label["labels"] for label in labels], ap)
    total = sum(
        _pool_box_scores_per_image(_find_label_issues_per_box([s.copy() for s in per_box[name]], limits, 0.8))
        for name, limits in [("overlooked", pred_limits), ("swap", label_limits), ("badloc", label_limits)]
    )
    return total > 0


for case in json.load(open(sys.argv[1])):
    labels, predictions = case_input(case)
    check = case["overlapping_label_check"]
    p = case["params"] or {}
    per_box = {
        "overlooked": compute_overlooked_box_scores(
            labels=labels, predictions=predictions, alpha=p.get("alpha"), high_probability_threshold=p.get("high")
        ),
        "swap": compute_swap_box_scores(
            labels=labels,
            predictions=predictions,
            alpha=p.get("alpha"),
            high_probability_threshold=p.get("high"),
            overlapping_label_check=check,
        ),
        "badloc": compute_badloc_box_scores(
            labels=labels, predictions=predictions, alpha=p.get("alpha"), low_probability_threshold=p.get("low")
        ),
    }
    pooled = {name: pool_box_scores_per_image(s, temperature=p.get("temperature")) for name, s in per_box.items()}
    started = time.perf_counter()
    if p:
        # Only the internal scorer takes these parameters; find_label_issues always uses the defaults.
        quality = _get_subtype_label_quality_scores(
            labels,
            predictions,
            alpha=p.get("alpha"),
            low_probability_threshold=p.get("low"),
            high_probability_threshold=p.get("high"),
            temperature=p.get("temperature"),
            aggregation_weights=case["weights"],
            overlapping_label_check=check,
        )
        is_issue = flagged_with(labels, predictions, per_box)
    else:
        quality = get_label_quality_scores(
            labels, predictions, aggregation_weights=case["weights"], overlapping_label_check=check, verbose=False
        )
        is_issue = find_label_issues(labels, predictions, overlapping_label_check=check)
    with contextlib.redirect_stdout(io.StringIO()):  # the ranking re-scores with verbose=True
        ranked = find_label_issues(
            labels, predictions, return_indices_ranked_by_score=True, overlapping_label_check=check
        )
    seconds = time.perf_counter() - started
    # find_label_issues ranks by the default scores whatever the case's parameters; the ranking
    # by the case's own scores is issues_from_scores on them, kept to the flagged images.
    flagged = set(np.where(is_issue)[0].tolist())
    by_quality = [int(i) for i in issues_from_scores(quality, threshold=1.0) if int(i) in flagged]
    out.append(
        {
            "boxes": {name: [listed(s) for s in scores] for name, scores in per_box.items()},
            "pooled": {name: listed(scores) for name, scores in pooled.items()},
            "quality": listed(quality),
            "issues": [int(i) for i in np.where(is_issue)[0]],
            "ranked": [int(i) for i in ranked],
            "ranked_by_quality": by_quality,
            "ap": [float(v) for v in _get_per_class_ap(labels, predictions).values()],
            "seconds": seconds,
        }
    )
print(json.dumps({"cleanlab": cleanlab.__version__, "cases": out}))
