"""scikit-learn's silhouette_score (euclidean) for the cases of a JSON file (argv[1]:
[{"X": rows of numbers, "labels": [...]}, ...]), printed as a JSON list, for
test/analyze/errorClusters.test.ts. X is taken as float64."""
import json
import sys

import numpy as np
from sklearn.metrics import silhouette_score

cases = json.load(open(sys.argv[1]))
print(json.dumps([float(silhouette_score(np.array(c["X"], dtype=np.float64), np.array(c["labels"]))) for c in cases]))
