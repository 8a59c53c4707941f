"""fastdup's run() on a list of image files, timed; prints one JSON line (seconds, version, pairs found)."""
import json
import sys
import time

import fastdup

files = [line.strip() for line in open(sys.argv[1]) if line.strip()]
start = time.perf_counter()
fd = fastdup.create(work_dir=sys.argv[2], input_dir=files)
fd.run(overwrite=True, print_summary=False)
seconds = time.perf_counter() - start
# Pairs fastdup reports as similar (its default threshold), for the record.
pairs = len(fd.similarity())
print(json.dumps({"seconds": seconds, "version": fastdup.__version__, "pairs": pairs}))
