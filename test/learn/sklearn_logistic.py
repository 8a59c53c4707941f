"""scikit-learn's LogisticRegression(solver="lbfgs") for the cases blindspot's tests generate
(test/learn/logisticRegression.test.ts, test/analyze/crossValProbs.test.ts).

Reads a JSON file [{"X": [flat n x d], "y": [...], "C": c, "folds": [fold of each row] or null}, ...]
and prints, for each case, predict_proba of every row: of the model fitted on all rows, or, with
folds, out of fold (each fold predicted by the model fitted on the other folds). Fitted to a tight
tolerance (tol 1e-10, max_iter 10000) so that the optimum, not the stopping point, is compared."""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

warnings.simplefilter("ignore")
out = []
for case in json.load(open(sys.argv[1])):
    y = np.array(case["y"], dtype=np.int64)
    X = np.array(case["X"], dtype=np.float64).reshape(len(y), -1)
    model = lambda: LogisticRegression(C=case["C"], solver="lbfgs", tol=1e-10, max_iter=10000)
    folds = case.get("folds")
    if folds is None:
        probs = model().fit(X, y).predict_proba(X)
    else:
        folds = np.array(folds)
        probs = np.zeros((len(y), int(y.max()) + 1))
        for f in np.unique(folds):
            test = folds == f
            m = model().fit(X[~test], y[~test])
            probs[np.ix_(test, m.classes_)] = m.predict_proba(X[test])
    out.append(probs.flatten().tolist())
print(json.dumps({"sklearn": sklearn.__version__, "cases": out}))
