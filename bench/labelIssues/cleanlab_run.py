"""cleanlab's find_label_issues on the benchmark's labels and probabilities, timed inside Python.

Reads labels (int32) and probabilities (float64, n x k) from binary files, runs
cleanlab.filter.find_label_issues with its defaults `rounds` times, writes the last mask (uint8)
and prints the fastest seconds as JSON. Loading is not timed."""

import json
import sys
import time

import numpy as np
from cleanlab.filter import find_label_issues


def main():
    labels_file, probs_file, out_file, k, rounds = sys.argv[1:6]
    y = np.fromfile(labels_file, dtype=np.int32).astype(np.int64)
    probs = np.fromfile(probs_file, dtype=np.float64).reshape(len(y), int(k))
    best = float("inf")
    for _ in range(int(rounds)):
        start = time.perf_counter()
        mask = find_label_issues(y, probs, n_jobs=1)
        best = min(best, time.perf_counter() - start)
    mask.astype(np.uint8).tofile(out_file)
    print(json.dumps({"seconds": best}))


main()
