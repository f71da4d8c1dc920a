"""The large-data path: the K sweep on a uniform sample, the chosen K refined on all rows.

The notebook fits K-Means with `n_init=10` on every row for every K and computes the exact
silhouette, which is quadratic. From `clustering.large_data.min_rows` customers (or always,
with `mode: on`) the sweep is fitted on a fixed uniform sample instead, and each K is scored
where it is decided: on a second, held-out uniform sample of the same size (inertia and
Calinski–Harabasz scaled to the whole table, inertia with its standard error; Davies–Bouldin
and the smallest cluster's share as the sample has them) and on the usual silhouette sample.
Only the chosen K is scored on all rows: it is refined on all rows with one K-Means run
started from the sample's centres, so the reported segments are a full-data K-Means solution
and its row of the sweep is exact. The
clustering matrix is float32 on this path (half the memory and time); the sample, the
profiles and the revenue are float64. The recipe (analysis.pipeline) puts these pieces together
for every backend.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans

from . import metrics
from .cluster import smallest_share
from .config import Clustering
from .results import SweepRow

CHUNK_ROWS = 1 << 20  # rows per block in the linear passes; bounds temporary memory
SAMPLE_SEED_OFFSET = 1  # the sweep sample's seed is random_state + 1 (the silhouette's is +0)
SCORE_SEED_OFFSET = 2  # the held-out scoring sample's seed is random_state + 2


@dataclass
class Refined:
    model: object  # fitted on all rows, started from the sample's centres
    labels: np.ndarray
    seconds: float


def sweep_sample_index(n_rows: int, size: int, seed: int) -> np.ndarray:
    """Sorted uniform sample of rows (without replacement) the sweep is fitted on."""
    rng = np.random.default_rng(seed + SAMPLE_SEED_OFFSET)
    return np.sort(rng.choice(n_rows, size=min(size, n_rows), replace=False))


def score_sample_index(n_rows: int, fitted: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Sorted uniform sample of the rows outside `fitted` (the sweep sample) on which every
    K's fit is scored: held out, so no estimate is flattered by the fit itself."""
    rng = np.random.default_rng(seed + SCORE_SEED_OFFSET)
    # A uniform random order of rows, less those fitted on, stays a uniform random order.
    drawn = rng.choice(n_rows, size=min(n_rows, size + len(fitted)), replace=False)
    return np.sort(drawn[~np.isin(drawn, fitted)][:size])


def _blocks(n: int):
    for start in range(0, n, CHUNK_ROWS):
        yield slice(start, min(start + CHUNK_ROWS, n))


def assign(model, X: np.ndarray) -> np.ndarray:
    """Nearest centre of every row (scikit-learn's threaded predict), as int32. The rows take
    the centres' dtype (scikit-learn needs both alike; no copy when they already match)."""
    X = np.asarray(X, dtype=model.cluster_centers_.dtype)
    return model.predict(X).astype(np.int32, copy=False)


def score_partition(
    X: np.ndarray, labels: np.ndarray, centres: np.ndarray
) -> tuple[float, float, float]:
    """Inertia around `centres`, Calinski–Harabasz and Davies–Bouldin, all rows, one pass.

    The same definitions as scikit-learn (CH and DB use the cluster means), without its
    per-cluster copies of the data, so time stays linear and memory flat at any size.
    The inertia follows from the within-cluster sum of squares around the means:
    sum |x - c|^2 = sum |x - m|^2 + n |m - c|^2 for each cluster, summed in float64.
    """
    centres = np.asarray(centres, dtype=np.float64)
    k, d = centres.shape
    n = len(X)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sums = np.stack([np.bincount(labels, weights=X[:, j], minlength=k) for j in range(d)], 1)
    present = counts > 0
    means = centres.copy()
    means[present] = sums[present] / counts[present, None]

    within_sq, within_dist = 0.0, np.zeros(k)
    for rows in _blocks(n):
        lab = labels[rows]
        diff = X[rows].astype(np.float64)
        diff -= means[lab]
        sq = np.einsum("ij,ij->i", diff, diff)
        within_sq += float(sq.sum())
        within_dist += np.bincount(lab, weights=np.sqrt(sq), minlength=k)
    inertia = within_sq + float((counts * ((means - centres) ** 2).sum(axis=1)).sum())
    ch, db = metrics.indices_from_aggregates(counts, sums, means, within_sq, within_dist)
    return inertia, ch, db


def sample_row(k: int, X_scored: np.ndarray, labels: np.ndarray, centres: np.ndarray,
               n_total: int, sil: metrics.SilhouetteEstimate, n_iter: int,
               seconds: float) -> SweepRow:
    """A K's sweep row from its centres scored on a uniform sample of `n_total` rows
    (`labels`: the sample's nearest centres), as estimates for the whole table.

    Inertia: the sample's mean squared distance to the centres times the table's rows, with
    the standard error of that total (finite-population corrected). Calinski–Harabasz: its
    between/within ratio does not depend on the number of rows, its degrees of freedom do, so
    it is scaled from the sample's n − k to the table's. Davies–Bouldin and the smallest
    cluster's share are the sample's own (both are averages or shares, not sums).
    """
    n = len(X_scored)
    centres = np.asarray(centres, dtype=np.float64)
    diff = np.asarray(X_scored, dtype=np.float64) - centres[labels]
    squared = np.einsum("ij,ij->i", diff, diff)
    inertia = float(squared.mean()) * n_total
    spread = float(squared.std(ddof=1)) if n > 1 else 0.0
    inertia_se = n_total * spread / math.sqrt(n) * math.sqrt(max(0.0, 1.0 - n / n_total))
    _, ch, db = score_partition(X_scored, labels, centres)
    used = int(np.count_nonzero(np.bincount(labels, minlength=k)))
    if n > used:
        ch *= (n_total - used) / (n - used)
    return SweepRow.scored(k, inertia, sil, ch, db, n_iter, seconds, smallest_share(labels, k),
                           score_sample_size=n, inertia_se=inertia_se)


def refine(X: np.ndarray, k: int, centres: np.ndarray, opts: Clustering) -> Refined:
    """One run of the configured algorithm on all rows, started from the sample's centres."""
    init = np.asarray(centres, dtype=X.dtype)
    common = dict(n_clusters=k, init=init, n_init=1, random_state=opts.random_state,
                  max_iter=opts.max_iter)
    if opts.algorithm == "minibatch":
        model = MiniBatchKMeans(**common, batch_size=opts.minibatch_batch_size)
    else:
        # copy_x=False: scikit-learn centres X in place and restores it afterwards instead of
        # copying the whole matrix (the values may differ in the last bit, far below any
        # reported digit).
        model = KMeans(**common, algorithm="lloyd", copy_x=False)
    start = time.perf_counter()
    model.fit(X)
    labels = model.labels_.astype(np.int32)
    del model.labels_
    return Refined(model, labels, time.perf_counter() - start)
