"""sliceline side of bench/slices.bench.ts: Slicefinder on the coded rows in OUT_DIR (one uint8
file per feature, float64 errors), the fastest of RUNS; prints the time and the slices as JSON.

    python bench/slices/sliceline_run.py OUT_DIR FEATURES K MAX_L MIN_SUP ALPHA RUNS"""
import json
import os
import sys
import time
import warnings

import numpy as np

warnings.simplefilter("ignore")  # numba is not installed
from sliceline import Slicefinder  # noqa: E402

out, features, k, max_l, min_sup, alpha, runs = sys.argv[1:]
X = np.column_stack(
    [np.fromfile(os.path.join(out, f"f{j}.u8"), dtype=np.uint8).astype(np.int64) for j in range(int(features))]
)
errors = np.fromfile(os.path.join(out, "errors.f64"), dtype=np.float64)
best = float("inf")
for _ in range(int(runs)):
    start = time.perf_counter()
    sf = Slicefinder(alpha=float(alpha), k=int(k), max_l=int(max_l), min_sup=int(min_sup), verbose=False).fit(X, errors)
    best = min(best, time.perf_counter() - start)
print(
    json.dumps(
        {
            "seconds": best,
            "slices": [[None if v is None else int(v) for v in row] for row in sf.top_slices_],
            "scores": [s["slice_score"] for s in sf.top_slices_statistics_],
        }
    )
)
