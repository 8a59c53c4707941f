"""Computes scikit-learn's classification metrics for the cases in a JSON file (argv[1]) and
prints them as JSON, for test/eval/sklearnLive.test.ts."""
import json
import sys

import numpy as np
from sklearn import metrics
from sklearn.calibration import calibration_curve

cases = json.load(open(sys.argv[1]))
out = {}
for case in cases:
    k, y, pred = case["k"], np.array(case["truth"]), np.array(case["pred"])
    proba = np.array(case["proba"])
    labels = list(range(k))
    r = {
        "confusion": metrics.confusion_matrix(y, pred, labels=labels).ravel().tolist(),
        "accuracy": metrics.accuracy_score(y, pred),
        "balanced_accuracy": metrics.balanced_accuracy_score(y, pred),
        "precision": metrics.precision_score(y, pred, labels=labels, average=None, zero_division=0).tolist(),
        "recall": metrics.recall_score(y, pred, labels=labels, average=None, zero_division=0).tolist(),
        "f1": metrics.f1_score(y, pred, labels=labels, average=None, zero_division=0).tolist(),
        "kappa": metrics.cohen_kappa_score(y, pred),
        "mcc": metrics.matthews_corrcoef(y, pred),
        "log_loss": metrics.log_loss(y, proba, labels=labels),
    }
    if k > 2:
        r["top2"] = metrics.top_k_accuracy_score(y, proba, k=2, labels=labels)
    for avg in ("macro", "micro", "weighted"):
        for name, fn in (("precision", metrics.precision_score), ("recall", metrics.recall_score), ("f1", metrics.f1_score)):
            r[f"{name}_{avg}"] = fn(y, pred, average=avg, zero_division=0)
    if k > 2 and len(set(y.tolist())) == k:
        r["auc_ovr_macro"] = metrics.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=labels)
        r["auc_ovr_weighted"] = metrics.roc_auc_score(y, proba, multi_class="ovr", average="weighted", labels=labels)
        r["auc_ovo_macro"] = metrics.roc_auc_score(y, proba, multi_class="ovo", average="macro", labels=labels)
    positive, score = (y == 0).astype(int), proba[:, 0]
    if 0 < positive.sum() < len(positive):
        p, rc, th = metrics.precision_recall_curve(positive, score)
        fpr, tpr, _ = metrics.roc_curve(positive, score)
        r["binary"] = {
            "precision": p.tolist(), "recall": rc.tolist(), "thresholds": th.tolist(),
            "ap": metrics.average_precision_score(positive, score),
            "fpr": fpr.tolist(), "tpr": tpr.tolist(), "auc": metrics.roc_auc_score(positive, score),
            "brier": metrics.brier_score_loss(positive, score),
            "calibration": [a.tolist() for a in calibration_curve(positive, score, n_bins=10)],
        }
    out[case["name"]] = r
print(json.dumps(out))
