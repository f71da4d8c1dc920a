"""Baseline: the seed notebook's method as a plain script (data, K loop, final model, insights).

Timed against `kmeans-report analyze` by bench_analyze.py. Plotting is left out: the notebook
only shows its dashboard, and our analyze step builds no figures either.
Usage: python notebook_baseline.py [N_CUSTOMERS]
"""

import sys

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1000
np.random.seed(42)
data = pd.DataFrame({
    "annual_spending": np.random.gamma(2, 15000, n),
    "visit_frequency": np.random.poisson(8, n),
    "avg_transaction": np.random.lognormal(4, 0.5, n),
    "loyalty_years": np.random.exponential(2, n),
})
scaled = StandardScaler().fit_transform(data)
models = {}
for k in range(2, 11):
    model = KMeans(n_clusters=k, init="k-means++", random_state=42, n_init=10)
    labels = model.fit_predict(scaled)
    models[k] = model
    # The notebook computes the exact silhouette twice per K (once to store, once to print).
    score = silhouette_score(scaled, labels)
    print(f"K={k}: Inertia={model.inertia_:.0f}, Silhouette={silhouette_score(scaled, labels):.3f}")
labels = models[3].fit_predict(scaled)
print(f"Final silhouette score: {silhouette_score(scaled, labels):.3f}")
data["cluster"] = labels
print(data.groupby("cluster").agg(["mean", "std"]).round(2))
print(f"Total revenue: ${data['annual_spending'].sum():,.0f}")
