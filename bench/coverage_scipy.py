"""numpy + scipy side of bench/coverage.bench.ts: counts the same class x field and field x field
tables from the codes blindspot wrote (np.bincount), runs scipy.stats.chi2_contingency on each
class x field table, and prints the times and statistics as JSON.

    python bench/coverage_scipy.py OUT_DIR FIELDS CLASSES"""
import json
import os
import sys
import time

import numpy as np
from scipy import stats

out, n_fields, n_classes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
load = lambda name: np.fromfile(os.path.join(out, name + ".i32"), dtype=np.int32).astype(np.int64)
fields = [load(f"field{k}") for k in range(n_fields)]
classes, sample_rows = load("classes"), load("sample_rows")

start = time.perf_counter()
sizes = [int(f.max()) + 1 for f in fields]
class_tables = [
    np.bincount(classes * k + f[sample_rows], minlength=n_classes * k).reshape(n_classes, k)
    for f, k in zip(fields, sizes)
]
pairs = [
    np.bincount(fields[a] * sizes[b] + fields[b], minlength=sizes[a] * sizes[b])
    for a in range(n_fields)
    for b in range(a + 1, n_fields)
]
count_s = time.perf_counter() - start

start = time.perf_counter()
chi2 = []
for t in class_tables:
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    chi2.append(float(stats.chi2_contingency(t).statistic))
chi2_s = time.perf_counter() - start
print(json.dumps({"count_s": count_s, "chi2_s": chi2_s, "chi2": chi2}))
