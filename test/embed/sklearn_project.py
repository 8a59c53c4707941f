"""scikit-learn's PCA and t-SNE on rows from a raw float32 file, for test/embed/project*.test.ts.

argv: method ("pca" | "tsne"), the rows file, the dimension, then a JSON object of options
(pca: components; tsne: perplexity, seed). The rows go to scikit-learn as float64 (exact
copies of the float32 values). Prints JSON: pca: components, explained_variance, ratio, points;
tsne: kl_divergence, points.
"""
import json
import sys

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

method, file, dim, options = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
x = np.fromfile(file, dtype="<f4").reshape(-1, dim).astype(np.float64)
if method == "pca":
    model = PCA(n_components=options["components"], svd_solver="full")
    points = model.fit_transform(x)
    out = {
        "components": model.components_.ravel().tolist(),
        "explained_variance": model.explained_variance_.tolist(),
        "ratio": model.explained_variance_ratio_.tolist(),
        "points": points.ravel().tolist(),
    }
else:
    model = TSNE(n_components=2, perplexity=options["perplexity"], random_state=options["seed"], init="pca")
    points = model.fit_transform(x)
    out = {"kl_divergence": float(model.kl_divergence_), "points": points.ravel().tolist()}
print(json.dumps(out))
