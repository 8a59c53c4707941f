"""FiftyOne's uniqueness formula (fiftyone-brain, internal/core/uniqueness.py: the 3 nearest
neighbours' distances weighted 0.6 / 0.3 / 0.1, averaged, divided by the maximum) on
scikit-learn's cosine NearestNeighbors, for test/embed/scores.test.ts.

argv[1]: raw float32 rows; argv[2]: the dimension. Prints the scores as a JSON list.
"""
import json
import sys

import numpy as np
from sklearn.neighbors import NearestNeighbors

x = np.fromfile(sys.argv[1], dtype="<f4").reshape(-1, int(sys.argv[2]))
# Queried with the data itself, each row's first neighbour is the row (no duplicates here).
dist, _ = NearestNeighbors(n_neighbors=4, metric="cosine", algorithm="brute").fit(x).kneighbors(x)
score = np.mean(dist[:, 1:] * np.array([0.6, 0.3, 0.1]), axis=1)
print(json.dumps((score / score.max()).tolist()))
