"""Runs the sliceline package's Slicefinder (0.3.0) on the cases of a JSON file (argv[1]:
[{"name", "X": rows of strings, "errors", "alpha", "k", "max_l", "min_sup"}, ...]) and prints,
per case, the top slices (one value or null per feature) and their statistics, as JSON, for
test/analyze/findSlices.test.ts."""
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")  # the package warns that numba is not installed
from sliceline import Slicefinder  # noqa: E402

out = {}
for case in json.load(open(sys.argv[1])):
    X = np.array(case["X"], dtype=object)
    errors = np.array(case["errors"], dtype=float)
    sf = Slicefinder(
        alpha=case["alpha"], k=case["k"], max_l=case["max_l"], min_sup=case["min_sup"], verbose=False
    )
    sf.fit(X, errors)
    out[case["name"]] = {
        "slices": [[None if v is None else str(v) for v in row] for row in sf.top_slices_],
        "statistics": sf.top_slices_statistics_,
        "average_error": sf.average_error_,
    }
json.dump(out, sys.stdout)
