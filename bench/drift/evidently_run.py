"""Evidently side of bench/drift.bench.ts: the data-drift preset (Evidently 0.7.23's Report with
DataDriftPreset) on the reference and current frames in OUT_DIR (ten float64 columns n0..n9, ten
uint8 category codes c0..c9, written as strings), the fastest of RUNS; prints the time and each
column's drift score and decision as JSON.

Evidently 0.7.23 imports pandas.core.dtypes.common.infer_dtype_from_object, removed in pandas 3
(pinned for Cleanvision); the drift code never calls it, so a stand-in is set before the import.

    python bench/drift/evidently_run.py OUT_DIR RUNS"""
import json
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pandas.core.dtypes.common as dtypes_common

if not hasattr(dtypes_common, "infer_dtype_from_object"):
    dtypes_common.infer_dtype_from_object = lambda dtype: dtype
warnings.simplefilter("ignore")
from evidently.legacy.calculations import stattests  # noqa: E402
from evidently.legacy.metric_preset import DataDriftPreset  # noqa: E402
from evidently.legacy.pipeline.column_mapping import ColumnMapping  # noqa: E402
from evidently.legacy.report import Report  # noqa: E402

out, runs = sys.argv[1], int(sys.argv[2])
# The report names a test by its display name; the bench compares short names.
SHORT = {
    t.display_name: t.name
    for t in [
        stattests.ks_stat_test,
        stattests.chi_stat_test,
        stattests.z_stat_test,
        stattests.wasserstein_stat_test,
        stattests.jensenshannon_stat_test,
    ]
}


def frame(which):
    columns = {}
    for j in range(10):
        columns[f"n{j}"] = np.fromfile(os.path.join(out, f"{which}-n{j}.f64"), dtype=np.float64)
    for j in range(10):
        columns[f"c{j}"] = np.fromfile(os.path.join(out, f"{which}-c{j}.u8"), dtype=np.uint8).astype(str)
    return pd.DataFrame(columns)


reference, current = frame("reference"), frame("current")
mapping = ColumnMapping(numerical_features=[f"n{j}" for j in range(10)], categorical_features=[f"c{j}" for j in range(10)])
best = float("inf")
for _ in range(runs):
    start = time.perf_counter()
    report = Report(metrics=[DataDriftPreset()])
    report.run(reference_data=reference, current_data=current, column_mapping=mapping)
    result = report.as_dict()
    best = min(best, time.perf_counter() - start)
columns = next(m["result"]["drift_by_columns"] for m in result["metrics"] if "drift_by_columns" in m["result"])
print(
    json.dumps(
        {
            "seconds": best,
            "columns": {
                name: {"test": SHORT[c["stattest_name"]], "score": c["drift_score"], "drifted": c["drift_detected"]}
                for name, c in columns.items()
            },
        }
    )
)
