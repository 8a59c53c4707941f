"""Exact cosine k-NN with scikit-learn's NearestNeighbors(metric="cosine", algorithm="brute"), for
test/embed/knn.test.ts and bench/knn.bench.ts.

argv[1]: a JSON list of cases {name, data, dim, k, queries?, out?}; `data` and `queries` are raw
little-endian float32 files. Prints {name: {seconds, indices?, similarity?}} as JSON: with `out`,
the indices (int32) and similarities (float32) go to out + ".idx" / ".sim" instead of the JSON.
`cpu_seconds` counts every thread of the process (BLAS included).
Without `queries`, each row's neighbours exclude itself (kneighbors() with no X).
"""
import json
import sys
import time

import numpy as np
from sklearn.neighbors import NearestNeighbors

result = {}
for case in json.load(open(sys.argv[1])):
    dim, k = case["dim"], case["k"]
    data = np.fromfile(case["data"], dtype="<f4").reshape(-1, dim)
    queries = np.fromfile(case["queries"], dtype="<f4").reshape(-1, dim) if case.get("queries") else None
    start, cpu = time.perf_counter(), time.process_time()
    nn = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute", n_jobs=-1).fit(data)
    dist, idx = nn.kneighbors(queries)
    r = {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}
    sim = 1 - dist
    if case.get("out"):
        idx.astype("<i4").tofile(case["out"] + ".idx")
        sim.astype("<f4").tofile(case["out"] + ".sim")
    else:
        r["indices"] = idx.ravel().tolist()
        r["similarity"] = sim.ravel().tolist()
    result[case["name"]] = r
print(json.dumps(result))
