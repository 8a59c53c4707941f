"""Times Cleanvision's Imagelab.find_issues() (default issue types and thresholds) on the image
files listed one per line in argv[1]; prints one JSON line: seconds, and per issue type the number
of images flagged, for bench/onnx.bench.ts."""
import json
import sys
import time

import cleanvision
from cleanvision import Imagelab

files = [line for line in open(sys.argv[1]).read().splitlines() if line]
lab = Imagelab(filepaths=files)
start = time.perf_counter()
lab.find_issues(verbose=False)
seconds = time.perf_counter() - start
flags = {c[3:-6]: int(lab.issues[c].sum()) for c in lab.issues.columns if c.startswith("is_") and c.endswith("_issue")}
print(json.dumps({"seconds": seconds, "version": cleanvision.__version__, "flags": flags}))
