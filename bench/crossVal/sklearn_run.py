"""scikit-learn's out-of-fold LogisticRegression probabilities on the benchmark's features, timed inside Python.

Reads features (float32, n x d), labels (int32) and folds (int32) from binary files, fits
LogisticRegression(solver="lbfgs", C=1) on each fold's complement with the tolerance given and
predicts the fold, writes the probabilities (float64, n x k) and prints the seconds as JSON.
Loading is not timed."""

import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression


def main():
    x_file, y_file, folds_file, out_file, d, tol = sys.argv[1:7]
    y = np.fromfile(y_file, dtype=np.int32)
    X = np.fromfile(x_file, dtype=np.float32).reshape(len(y), int(d)).astype(np.float64)
    folds = np.fromfile(folds_file, dtype=np.int32)
    probs = np.zeros((len(y), int(y.max()) + 1))
    start = time.perf_counter()
    for f in np.unique(folds):
        test = folds == f
        model = LogisticRegression(C=1.0, solver="lbfgs", tol=float(tol), max_iter=10000).fit(X[~test], y[~test])
        probs[np.ix_(test, model.classes_)] = model.predict_proba(X[test])
    seconds = time.perf_counter() - start
    probs.tofile(out_file)
    print(json.dumps({"seconds": seconds}))


main()
