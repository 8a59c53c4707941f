"""Fold of every sample under scikit-learn's KFold, StratifiedKFold, GroupKFold and TimeSeriesSplit.

Reads a JSON list of cases ({k, labels, groups, times}) and prints, per case, the test fold of each
sample (-1: in no test fold). GroupKFold is run twice: as it is, and with numpy's argsort made
stable, since its order of equal-sized groups follows numpy's unstable default sort.
"""

import json
import sys

import numpy as np
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit


def folds(splits, n):
    out = np.full(n, -1)
    for f, (_, test) in enumerate(splits):
        out[test] = f
    return out.tolist()


def stable_argsort(original):
    def argsort(a, *args, **kwargs):
        if not args and "kind" not in kwargs:
            kwargs["kind"] = "stable"
        return original(a, *args, **kwargs)

    return argsort


def main():
    cases = json.load(open(sys.argv[1]))
    results = []
    for case in cases:
        k, y, g = case["k"], np.array(case["labels"]), np.array(case["groups"])
        n = len(y)
        X = np.zeros((n, 1))
        order = np.argsort(np.array(case["times"]), kind="stable")
        by_time = folds(TimeSeriesSplit(n_splits=k).split(X), n)
        time_folds = [0] * n
        for position, sample in enumerate(order):
            time_folds[sample] = by_time[position]
        original = np.argsort
        np.argsort = stable_argsort(original)
        try:
            group_stable = folds(GroupKFold(n_splits=k).split(X, y, g), n)
        finally:
            np.argsort = original
        results.append(
            {
                "kfold": folds(KFold(n_splits=k).split(X), n),
                "stratified": folds(StratifiedKFold(n_splits=k).split(X, y), n),
                "group": folds(GroupKFold(n_splits=k).split(X, y, g), n),
                "group_stable": group_stable,
                "time": time_folds,
            }
        )
    json.dump(results, sys.stdout)


main()
