"""scikit-learn's compute_class_weight("balanced") and Cui et al.'s class-balanced weights for the
cases blindspot's tests generate (test/analyze/classWeights.test.ts).

Reads a JSON file [{"y": [labels...], "beta": b}, ...] and prints, for each case, the present
classes (np.unique order), compute_class_weight("balanced", classes=those, y=y), and the
effective-number weights as the authors' code computes them: (1 - beta) / (1 - beta ** n),
normalised to sum to the number of classes."""
import json
import sys

import numpy as np
import sklearn
from sklearn.utils.class_weight import compute_class_weight

out = []
for case in json.load(open(sys.argv[1])):
    y = np.array(case["y"])
    classes = np.unique(y)
    balanced = compute_class_weight("balanced", classes=classes, y=y)
    counts = np.array([np.sum(y == c) for c in classes], dtype=np.float64)
    beta = case["beta"]
    weights = (1.0 - beta) / (1.0 - np.power(beta, counts))
    weights = weights / np.sum(weights) * len(classes)
    out.append({"classes": classes.tolist(), "balanced": balanced.tolist(), "effective": weights.tolist()})
print(json.dumps({"sklearn": sklearn.__version__, "cases": out}))
