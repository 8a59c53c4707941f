"""cleanlab's Datalab near_duplicate and outlier issues for feature rows blindspot's tests build
(test/analyze/neighborIssues.test.ts).

Reads float64 rows (n x dim, a binary file) and prints, as JSON: each row's near-duplicate score,
flag and set, its outlier score and flag, the k-NN graph's distances, and the outlier limit."""
import json
import sys
import warnings

import numpy as np
import cleanlab
from cleanlab import Datalab

warnings.simplefilter("ignore")
file, n, dim, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
features = np.fromfile(file, dtype=np.float64).reshape(n, dim)
lab = Datalab(data={"row": list(range(n))}, verbosity=0)
lab.find_issues(features=features, issue_types={"near_duplicate": {"k": k}, "outlier": {"k": k}})
near = lab.get_issues("near_duplicate")
outlier = lab.get_issues("outlier")
info_near = lab.get_info("near_duplicate")
info_outlier = lab.get_info("outlier")
graph = lab.get_info("statistics")["weighted_knn_graph"]
print(
    json.dumps(
        {
            "cleanlab": cleanlab.__version__,
            "near_score": near["near_duplicate_score"].tolist(),
            "near_issue": near["is_near_duplicate_issue"].tolist(),
            "near_sets": [sorted(int(j) for j in s) for s in info_near["near_duplicate_sets"]],
            "outlier_score": outlier["outlier_score"].tolist(),
            "outlier_issue": outlier["is_outlier_issue"].tolist(),
            "outlier_limit": info_outlier["issue_threshold"],
            "distances": graph.data.reshape(n, -1).tolist(),
        }
    )
)
