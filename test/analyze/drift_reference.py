"""Evidently 0.7.23's drift tests for the cases of a JSON file (argv[1]: [{"name", "reference",
"current", "kind": "num" | "cat"}, ...]): per case, the test Evidently picks by default with its
score, threshold and decision, and the score of every test that applies (ks, chisquare, z,
wasserstein, jensenshannon, psi), printed as JSON for test/analyze/drift.test.ts.

Evidently 0.7.23 imports pandas.core.dtypes.common.infer_dtype_from_object, which pandas 3 (pinned
for Cleanvision) removed; the drift tests never call it, so a stand-in is set before the import."""
import json
import sys
import warnings

import pandas as pd
import pandas.core.dtypes.common as dtypes_common

if not hasattr(dtypes_common, "infer_dtype_from_object"):
    dtypes_common.infer_dtype_from_object = lambda dtype: dtype
warnings.simplefilter("ignore")
from evidently.legacy.calculations.stattests.registry import get_registered_stattest, get_stattest  # noqa: E402
from evidently.legacy.core import ColumnType  # noqa: E402

TESTS = {"num": ["ks", "wasserstein", "jensenshannon", "psi"], "cat": ["chisquare", "z", "jensenshannon", "psi"]}

out = {}
for case in json.load(open(sys.argv[1])):
    kind = ColumnType.Numerical if case["kind"] == "num" else ColumnType.Categorical
    ref, cur = pd.Series(case["reference"]), pd.Series(case["current"])
    chosen = get_stattest(ref, cur, kind, None)
    result = chosen(ref, cur, kind, None)
    scores = {}
    for name in TESTS[case["kind"]]:
        if name == "z" and pd.concat([ref, cur]).nunique() > 2:
            continue
        scores[name] = float(get_registered_stattest(name, kind)(ref, cur, kind, None).drift_score)
    out[case["name"]] = {
        "test": chosen.name,
        "score": float(result.drift_score),
        "threshold": float(result.actual_threshold),
        "drifted": bool(result.drifted),
        "scores": scores,
    }
json.dump(out, sys.stdout)
