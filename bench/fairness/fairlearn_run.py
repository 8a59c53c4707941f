"""Fairlearn side of bench/fairness.bench.ts: a MetricFrame of two metrics over two sensitive
features and equalized_odds_difference on the rows in OUT_DIR (0/1 labels and predictions, two
group codes), the fastest of RUNS; prints the time and the numbers as JSON.

    python bench/fairness/fairlearn_run.py OUT_DIR RUNS"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, equalized_odds_difference, selection_rate, true_positive_rate

out, runs = sys.argv[1], int(sys.argv[2])
load = lambda name: np.fromfile(os.path.join(out, name + ".u8"), dtype=np.uint8).astype(np.int64)
y_true, y_pred = load("truth"), load("predicted")
sensitive = pd.DataFrame({"camera": load("camera").astype(str), "weather": load("weather").astype(str)})

best = float("inf")
for _ in range(runs):
    start = time.perf_counter()
    mf = MetricFrame(
        metrics={"selection_rate": selection_rate, "true_positive_rate": true_positive_rate},
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sensitive,
    )
    difference = mf.difference()
    eo = equalized_odds_difference(y_true, y_pred, sensitive_features=sensitive)
    best = min(best, time.perf_counter() - start)
print(json.dumps({"seconds": best, "eo": float(eo), "tpr_difference": float(difference["true_positive_rate"])}))
