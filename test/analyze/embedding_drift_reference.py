"""The embedding drift of test/analyze/drift.test.ts recomputed with scikit-learn and scipy on the
same rows, folds and permutations (argv[1]: {"reference": [[...]], "current": [[...]], "folds":
[...], "permutations": [[...]]}): the domain classifier's out-of-fold ROC AUC (LogisticRegression,
C 1, lbfgs), the median-distance Gaussian kernel's width, the unbiased MMD^2 and its permutation
p-value, printed as JSON."""
import json
import sys

import numpy as np
from scipy.spatial.distance import cdist, pdist
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

case = json.load(open(sys.argv[1]))
ref = np.asarray(case["reference"], dtype=np.float32).astype(np.float64)
cur = np.asarray(case["current"], dtype=np.float32).astype(np.float64)
X = np.vstack([ref, cur])
y = np.r_[np.zeros(len(ref), dtype=int), np.ones(len(cur), dtype=int)]
folds = np.asarray(case["folds"])
proba = np.empty(len(y))
for f in np.unique(folds):
    train, test = folds != f, folds == f
    model = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-10, max_iter=10000).fit(X[train], y[train])
    proba[test] = model.predict_proba(X[test])[:, 1]
auc = roc_auc_score(y, proba)

width = np.median(pdist(X))
K = np.exp(-cdist(X, X, "sqeuclidean") / (2 * width**2))


def mmd2(order):
    a, b = order[: len(ref)], order[len(ref) :]
    kxx, kyy, kxy = K[np.ix_(a, a)], K[np.ix_(b, b)], K[np.ix_(a, b)]
    n1, n2 = len(a), len(b)
    return (kxx.sum() - np.trace(kxx)) / (n1 * (n1 - 1)) + (kyy.sum() - np.trace(kyy)) / (n2 * (n2 - 1)) - 2 * kxy.mean()


observed = mmd2(np.arange(len(y)))
larger = sum(mmd2(np.asarray(p)) >= observed for p in case["permutations"])
json.dump(
    {
        "auc": float(auc),
        "bandwidth": float(width),
        "mmd": float(observed),
        "p_value": (1 + int(larger)) / (1 + len(case["permutations"])),
    },
    sys.stdout,
)
