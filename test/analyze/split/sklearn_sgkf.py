"""scikit-learn's StratifiedGroupKFold on generated cases: the test fold of every sample.

Reads a JSON list of cases ({k, labels, groups, seed}) and prints, per case, the folds without
shuffling and with shuffle=True, random_state=seed.
"""

import json
import sys

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold


def folds(splitter, y, groups):
    out = np.full(len(y), -1)
    for f, (_, test) in enumerate(splitter.split(np.zeros((len(y), 1)), y, groups)):
        out[test] = f
    return out.tolist()


def main():
    results = []
    for case in json.load(open(sys.argv[1])):
        y, g, k = np.array(case["labels"]), np.array(case["groups"]), case["k"]
        results.append(
            {
                "plain": folds(StratifiedGroupKFold(n_splits=k), y, g),
                "shuffled": folds(StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=case["seed"]), y, g),
            }
        )
    json.dump(results, sys.stdout)


main()
