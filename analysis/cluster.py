"""Scaling, the K sweep, the final model, algorithm comparison and stability (scikit-learn)."""

from __future__ import annotations

import time

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, RobustScaler, StandardScaler

from .config import Clustering
from .progress import Progress
from .results import AlgorithmRun, Stability
from .threads import side_by_side


def make_scaler(name: str):
    return {
        "standard": StandardScaler,
        "minmax": MinMaxScaler,
        "robust": RobustScaler,
        "none": lambda: FunctionTransformer(validate=False),
    }[name]()


def make_model(
    k: int, opts: Clustering, algorithm: str | None = None, random_state: int | None = None
):
    algorithm = algorithm or opts.algorithm
    seed = opts.random_state if random_state is None else random_state
    seed %= 2**32  # refit seeds are random_state + i; scikit-learn takes 0 .. 2**32 - 1
    common = dict(n_clusters=k, init=opts.init, n_init=opts.n_init, random_state=seed,
                  max_iter=opts.max_iter)
    if algorithm == "minibatch":
        return MiniBatchKMeans(**common, batch_size=opts.minibatch_batch_size)
    return KMeans(**common, algorithm="lloyd")


def smallest_share(labels: np.ndarray, k: int) -> float:
    """Share of the rows in the smallest of the k clusters (0 for an empty cluster)."""
    return float(np.bincount(labels, minlength=k).min() / len(labels))


def compare_algorithms(
    X: np.ndarray,
    k: int,
    final_labels: np.ndarray,
    opts: Clustering,
    final_seconds: float | None,
) -> list[AlgorithmRun]:
    """Lloyd vs Mini-Batch K-Means at the chosen K on the same rows: time and inertia.

    `final_seconds=None` refits the configured algorithm too (the large-data path compares
    both on the sweep sample, against the reported segments on those rows).
    """
    runs = []
    for algorithm in ("lloyd", "minibatch"):
        if algorithm == opts.algorithm and final_seconds is not None:
            model, seconds, labels = None, final_seconds, final_labels
        else:
            model = make_model(k, opts, algorithm=algorithm)
            start = time.perf_counter()
            labels = model.fit_predict(X)
            seconds = time.perf_counter() - start
        inertia = _inertia(X, labels)
        runs.append(
            AlgorithmRun(
                algorithm=algorithm,
                k=k,
                fit_seconds=round(seconds, 4),
                inertia=inertia,
                ari_vs_final=float(adjusted_rand_score(final_labels, labels)),
            )
        )
    return runs


def _inertia(X: np.ndarray, labels: np.ndarray) -> float:
    """Sum of squared distances to each cluster's mean, computed the same way for any model."""
    total = 0.0
    for c in np.unique(labels):
        members = X[labels == c]
        total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def stability(
    X: np.ndarray,
    k: int,
    final_labels: np.ndarray,
    opts: Clustering,
    true_labels: np.ndarray | None = None,
    progress: Progress | None = None,
) -> Stability:
    """Adjusted Rand index of the chosen clustering against re-seeded and bootstrap refits.

    Refits run on at most `stability.max_rows` rows (a fixed uniform sample) so the cost is
    bounded at any data size; agreement is measured on those rows.
    """
    progress = progress or Progress(enabled=False)
    s = opts.stability
    rng = np.random.default_rng(opts.random_state)
    if len(X) > s.max_rows:
        subset = np.sort(rng.choice(len(X), size=s.max_rows, replace=False))
        X_sub, reference = X[subset], final_labels[subset]
    else:
        X_sub, reference = X, final_labels
    # The refits' rows are bounded: float64 costs little there, and scikit-learn's k-means++
    # is faster on it than on the large path's float32 (no copy when already float64).
    X_sub = np.asarray(X_sub, dtype=np.float64)

    def reseeded(i: int) -> np.ndarray:
        return make_model(k, opts, random_state=opts.random_state + i).fit_predict(X_sub)

    refits = side_by_side([lambda i=i: reseeded(i) for i in range(1, s.n_reseeds + 1)])
    reseed = [adjusted_rand_score(reference, labels) for labels in
              progress.iter(refits, "stability: re-seeded fits", s.n_reseeds)]

    size = max(k, int(round(s.bootstrap_fraction * len(X_sub))))
    # the resamples drawn first, in order: the same rows whatever order the fits run in
    draws = [rng.choice(len(X_sub), size=size, replace=True) for _ in range(s.n_bootstrap)]

    def resampled(i: int) -> np.ndarray:
        model = make_model(k, opts, random_state=opts.random_state + 1000 + i)
        return model.fit(X_sub[draws[i]]).predict(X_sub)

    refits = side_by_side([lambda i=i: resampled(i) for i in range(s.n_bootstrap)])
    boot = [adjusted_rand_score(reference, labels) for labels in
            progress.iter(refits, "stability: bootstrap refits", s.n_bootstrap)]

    def mean(values):
        return float(np.mean(values)) if values else None

    def low(values):
        return float(np.min(values)) if values else None

    return Stability(
        n_rows_used=len(X_sub),
        n_reseeds=s.n_reseeds,
        reseed_ari_mean=mean(reseed),
        reseed_ari_min=low(reseed),
        n_bootstrap=s.n_bootstrap,
        bootstrap_fraction=s.bootstrap_fraction,
        bootstrap_ari_mean=mean(boot),
        bootstrap_ari_min=low(boot),
        planted_ari=(
            float(adjusted_rand_score(true_labels, final_labels))
            if true_labels is not None
            else None
        ),
    )
