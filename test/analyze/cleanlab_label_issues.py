"""cleanlab's classification label-issue numbers for the cases blindspot's tests generate
(test/analyze/labelIssues.test.ts).

Reads a JSON file [{"labels": [...], "probs": [flat n x K], "classes": K, "filters": [...],
"joint": [blindspot's calibrated confident joint, flat K x K]}, ...] and prints, for
each case: the confident thresholds, the confident joint raw and calibrated, the label quality
scores of every method, with and without adjusted probabilities where cleanlab allows, the
issues find_label_issues flags by every filter, the default filter's issues ranked by each
score, and the dataset's label health (per class, per pair of classes, overall)."""
import json
import sys
import warnings

import numpy as np
import cleanlab
from cleanlab.count import compute_confident_joint, get_confident_thresholds
from cleanlab.dataset import find_overlapping_classes, overall_label_health_score, rank_classes_by_label_quality
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores

warnings.simplefilter("ignore")
out = []
for case in json.load(open(sys.argv[1])):
    k = case["classes"]
    labels = np.array(case["labels"], dtype=np.int64)
    probs = np.array(case["probs"], dtype=np.float64).reshape(-1, k)
    ours = np.array(case["joint"], dtype=np.float64).reshape(k, k)
    joint = ours / ours.sum()
    raw, off = compute_confident_joint(labels, probs, calibrate=False, return_indices_of_off_diagonals=True)
    scores = {}
    for method in ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]:
        for adjust in [False, True]:
            if adjust and method == "confidence_weighted_entropy":
                continue
            s = get_label_quality_scores(labels, probs, method=method, adjust_pred_probs=adjust)
            scores[f"{method}{'_adjusted' if adjust else ''}"] = s.tolist()
    out.append(
        {
            "thresholds": get_confident_thresholds(labels, probs).tolist(),
            "raw": raw.flatten().tolist(),
            "offDiagonal": [int(i) for i in off],
            "calibrated": compute_confident_joint(labels, probs).flatten().tolist(),
            "scores": scores,
            "issues": {
                f: np.flatnonzero(find_label_issues(labels, probs, filter_by=f)).tolist() for f in case["filters"]
            },
            # On blindspot's calibrated joint: where rounding ties, cleanlab's own depends on numpy's unstable sort.
            "health": {
                "classes": rank_classes_by_label_quality(joint=joint, num_examples=len(labels)).to_dict("records"),
                "overlaps": find_overlapping_classes(joint=joint, num_examples=len(labels)).to_dict("records"),
                "score": overall_label_health_score(labels, probs, verbose=False),
            },
            "ranked": {
                m: find_label_issues(labels, probs, return_indices_ranked_by=m).tolist()
                for m in ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]
            },
        }
    )
print(json.dumps({"cleanlab": cleanlab.__version__, "cases": out}))
