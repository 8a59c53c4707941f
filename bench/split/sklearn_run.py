"""scikit-learn's StratifiedGroupKFold on the benchmark's samples, timed inside Python.

Reads labels and groups (int32 binary files), runs StratifiedGroupKFold(n_splits=k, shuffle=True,
random_state=seed) and collects every fold's test indices (what a training loop consumes), then
writes each sample's fold (int8) and prints the seconds as JSON. Loading is not timed.
"""

import json
import sys
import time

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold


def main():
    labels_file, groups_file, out_file, k, seed = sys.argv[1:6]
    y = np.fromfile(labels_file, dtype=np.int32)
    groups = np.fromfile(groups_file, dtype=np.int32)
    X = np.zeros((len(y), 1), dtype=np.int8)
    start = time.perf_counter()
    folds = np.full(len(y), -1, dtype=np.int8)
    splitter = StratifiedGroupKFold(n_splits=int(k), shuffle=True, random_state=int(seed))
    for f, (_, test) in enumerate(splitter.split(X, y, groups)):
        folds[test] = f
    seconds = time.perf_counter() - start
    folds.tofile(out_file)
    print(json.dumps({"seconds": seconds}))


main()
