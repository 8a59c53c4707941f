"""scipy's numbers for the cases blindspot's tests generate (test/analyze/chiSquare.test.ts).

Reads a JSON file {"gamma": [[a, x], ...], "tables": [[[counts]], ...]} and prints
gammaincc and gammainc of each pair, and chi2_contingency (default arguments) and Cramer's V
(scipy.stats.contingency.association, method "cramer") of each table, as JSON."""
import json
import sys

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats import contingency

cases = json.load(open(sys.argv[1]))
gamma = [[float(special.gammaincc(a, x)), float(special.gammainc(a, x))] for a, x in cases["gamma"]]
tables = []
for t in cases["tables"]:
    observed = np.array(t, dtype=np.int64)
    r = stats.chi2_contingency(observed)
    v = contingency.association(observed, method="cramer") if min(observed.shape) > 1 else None
    tables.append(
        {
            "chi2": float(r.statistic),
            "p": float(r.pvalue),
            "dof": int(r.dof),
            "expected": r.expected_freq.ravel().tolist(),
            "v": None if v is None else float(v),
        }
    )
print(json.dumps({"scipy": scipy.__version__, "gamma": gamma, "tables": tables}))
