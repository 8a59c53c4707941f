"""scikit-learn's calibration_curve (uniform bins) for the cases of a JSON file (argv[1]: [{"name",
"right": [0/1, ...], "score": [...], "bins"}, ...]): per case the non-empty bins' share of right
outcomes and mean score, their counts (scikit-learn's own bin assignment, searchsorted on the
inner edges) and the expected calibration error over those bins, printed as JSON for
test/analyze/overconfidence.test.ts."""
import json
import sys

import numpy as np
from sklearn.calibration import calibration_curve

out = {}
for case in json.load(open(sys.argv[1])):
    right = np.asarray(case["right"], dtype=int)
    score = np.asarray(case["score"], dtype=float)
    prob_true, prob_pred = calibration_curve(right, score, n_bins=case["bins"], strategy="uniform")
    edges = np.linspace(0.0, 1.0, case["bins"] + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], score), minlength=case["bins"])
    counts = counts[counts > 0]
    out[case["name"]] = {
        "right_share": prob_true.tolist(),
        "mean_score": prob_pred.tolist(),
        "count": counts.tolist(),
        "ece": float(np.sum(counts / len(score) * np.abs(prob_true - prob_pred))),
    }
json.dump(out, sys.stdout)
