"""Fairlearn 0.15 run on the cases in a JSON file (argv[1]); prints its numbers as JSON.

Each case: y_true and y_pred (0/1), sensitive and control ({field: values}), metrics (names).
Per case: MetricFrame's overall, by_group (observed groups only, as records), group_min,
group_max, difference and ratio by both methods (per control group when there are controls),
and the fairness functions over the sensitive features. NaN becomes null.
"""

import json
import math
import sys
import warnings

import fairlearn
import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "accuracy": accuracy_score,
    "precision": precision_score,
    "count": count,
}


def clean(v):
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def series_records(s, names):
    """A Series or DataFrame indexed by groups as a list of {field: value, metric: value}."""
    frame = s.to_frame() if isinstance(s, pd.Series) else s
    frame = frame.reset_index()
    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def run(case):
    y_true = np.array(case["y_true"])
    y_pred = np.array(case["y_pred"])
    sens = pd.DataFrame(case["sensitive"])
    ctrl = pd.DataFrame(case["control"]) if case["control"] else None
    fns = {m: METRICS[m] for m in case["metrics"]}
    mf = MetricFrame(metrics=fns, y_true=y_true, y_pred=y_pred, sensitive_features=sens, control_features=ctrl)
    by_group = mf.by_group.dropna(how="all")
    out = {
        "by_group": series_records(by_group, None),
        "overall": series_records(mf.overall, None) if ctrl is not None else {k: clean(v) for k, v in mf.overall.items()},
    }
    for name, value in [
        ("group_min", mf.group_min()),
        ("group_max", mf.group_max()),
        ("difference", mf.difference(method="between_groups")),
        ("difference_to_overall", mf.difference(method="to_overall")),
        ("ratio", mf.ratio(method="between_groups")),
        ("ratio_to_overall", mf.ratio(method="to_overall")),
    ]:
        out[name] = series_records(value, None) if ctrl is not None else {k: clean(v) for k, v in value.items()}
    scores = {}
    for method in ["between_groups", "to_overall"]:
        scores[method] = {
            "dp_difference": clean(demographic_parity_difference(y_true, y_pred, sensitive_features=sens, method=method)),
            "dp_ratio": clean(demographic_parity_ratio(y_true, y_pred, sensitive_features=sens, method=method)),
            "eo_difference": clean(equalized_odds_difference(y_true, y_pred, sensitive_features=sens, method=method)),
            "eo_ratio": clean(equalized_odds_ratio(y_true, y_pred, sensitive_features=sens, method=method)),
            "eo_mean_difference": clean(
                equalized_odds_difference(y_true, y_pred, sensitive_features=sens, method=method, agg="mean")
            ),
            "eo_mean_ratio": clean(equalized_odds_ratio(y_true, y_pred, sensitive_features=sens, method=method, agg="mean")),
            "eop_difference": clean(equal_opportunity_difference(y_true, y_pred, sensitive_features=sens, method=method)),
            "eop_ratio": clean(equal_opportunity_ratio(y_true, y_pred, sensitive_features=sens, method=method)),
        }
    out["scores"] = scores
    return out


def main():
    warnings.simplefilter("ignore")
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    print(json.dumps({"fairlearn": fairlearn.__version__, "cases": [run(c) for c in cases]}))


main()
