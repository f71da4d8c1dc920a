"""Cluster validity: silhouette (exact or sampled), Calinski–Harabasz, Davies–Bouldin, elbow.

The exact silhouette is quadratic in the number of rows; above a configured size it is
estimated on a uniform random sample, and the sample size and standard error are recorded.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_samples

# Kaufman & Rousseeuw's reading of the average silhouette width.
QUALITY_BANDS = (
    (0.70, "strong", "Strong structure"),
    (0.50, "reasonable", "Reasonable structure"),
    (0.25, "weak", "Weak structure"),
    (-1.0, "none", "No substantial structure"),
)


@dataclass
class SilhouetteEstimate:
    mean: float
    se: float | None  # None when exact
    sample_size: int | None  # None when computed on all rows
    sample_index: np.ndarray  # rows the per-point values refer to
    values: np.ndarray  # per-point silhouette of those rows


def silhouette_sample_index(n_rows: int, exact_max_rows: int, sample_size: int, seed: int):
    """Rows on which the silhouette is computed: all of them, or a fixed uniform sample.

    The same sample is used for every K so that values are comparable across the sweep.
    """
    if n_rows <= exact_max_rows:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_rows, size=min(sample_size, n_rows), replace=False))


def silhouette(
    X: np.ndarray, labels: np.ndarray, sample_index: np.ndarray | None
) -> SilhouetteEstimate:
    if sample_index is None:
        values = silhouette_samples(X, labels)
        return SilhouetteEstimate(float(values.mean()), None, None, np.arange(len(X)), values)
    values = sampled_silhouette_values(X[sample_index], labels[sample_index])
    se = float(values.std(ddof=1) / math.sqrt(len(values)))
    return SilhouetteEstimate(float(values.mean()), se, len(sample_index), sample_index, values)


def sampled_silhouette_values(X: np.ndarray, labels: np.ndarray, block: int = 256) -> np.ndarray:
    """Per-row silhouette of a (sampled) set of rows; same values as scikit-learn's
    `silhouette_samples`, but the per-cluster distance sums are one matrix product per block,
    about three times faster on a 10,000-row sample."""
    X = np.asarray(X, dtype=np.float64)
    codes, labels = np.unique(labels, return_inverse=True)
    onehot = np.zeros((len(X), len(codes)))
    onehot[np.arange(len(X)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sq = (X**2).sum(axis=1)
    values = np.zeros(len(X))
    if len(codes) < 2:
        return values
    for start in range(0, len(X), block):
        rows = slice(start, min(start + block, len(X)))
        d = X[rows] @ X.T
        d *= -2.0
        d += sq[rows, None]
        d += sq[None, :]
        np.maximum(d, 0.0, out=d)
        np.sqrt(d, out=d)
        sums = d @ onehot  # distance sums to each cluster
        own = labels[rows]
        idx = np.arange(len(own))
        own_size = sizes[own]
        a = sums[idx, own] / np.maximum(own_size - 1, 1)
        means = sums / sizes
        means[idx, own] = np.inf
        b = means.min(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = (b - a) / np.maximum(a, b)
        values[rows] = np.where(own_size > 1, np.nan_to_num(s), 0.0)
    return values


def calinski_harabasz(X: np.ndarray, labels: np.ndarray) -> float:
    return float(calinski_harabasz_score(X, labels))


def davies_bouldin(X: np.ndarray, labels: np.ndarray) -> float:
    return float(davies_bouldin_score(X, labels))


def find_elbow(ks: list[int], inertias: list[float]) -> int | None:
    """The knee of the inertia curve (kneedle algorithm), or None when there is no clear one."""
    from kneed import KneeLocator

    if len(ks) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kneed warns instead of returning None on flat curves
        knee = KneeLocator(ks, inertias, curve="convex", direction="decreasing").knee
    return int(knee) if knee is not None else None


def quality_band(value: float) -> tuple[str, str]:
    for threshold, band, label in QUALITY_BANDS:
        if value > threshold:
            return band, label
    return QUALITY_BANDS[-1][1], QUALITY_BANDS[-1][2]
