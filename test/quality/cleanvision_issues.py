"""Runs Cleanvision's Imagelab.find_issues() with its default issue types and thresholds on
datasets given in a JSON file (argv[1]: [{"name": ..., "files": [...]}, ...]) and prints, per
dataset, every image's scores, flags and raw properties, the duplicate sets and the seconds
find_issues took (and, outside that time, each image's md5, phash and EXIF orientation), as
JSON, for test/quality/cleanvision.test.ts."""
import json
import math
import sys
import time

from cleanvision import Imagelab
from cleanvision.issue_managers.duplicate_issue_manager import get_hash
from PIL import Image

def plain(v):
    if isinstance(v, (bool, str)) or v is None:
        return v
    if hasattr(v, "item"):
        v = v.item()
    return None if isinstance(v, float) and math.isnan(v) else v


out = {}
for dataset in json.load(open(sys.argv[1])):
    files = dataset["files"]
    lab = Imagelab(filepaths=files)
    start = time.perf_counter()
    lab.find_issues(verbose=False)
    seconds = time.perf_counter() - start
    raw = {}
    for key, info in lab.info.items():
        if hasattr(info, "columns"):
            for col in info.columns:
                raw[col] = [plain(v) for v in info[col].reindex(files)]
    issues = lab.issues.reindex(files)
    out[dataset["name"]] = {
        "seconds": seconds,
        "columns": {c: [plain(v) for v in issues[c]] for c in issues.columns},
        "raw": raw,
        "sets": {t: lab.info[t]["sets"] for t in ("exact_duplicates", "near_duplicates")},
        # Each file's EXIF orientation, which PIL does not apply.
        "orientation": [Image.open(f).getexif().get(274, 1) for f in files],
        # The hashes behind the duplicate sets, by the same function and parameters.
        "hashes": {t: [get_hash(Image.open(f), lab._issue_managers["duplicate"].params[t]) for f in files] for t in ("exact_duplicates", "near_duplicates")},
    }
print(json.dumps(out))
