"""Choosing K: the configured one, or `auto` — honestly.

`auto` never picks a K whose smallest cluster holds less than `clustering.min_cluster_share`
of the customers (a K that only splits off a few outliers), unless no K qualifies, and then
it says so. Among the others it takes the best by the configured criterion (silhouette, or
the elbow of the inertia curve), then checks stability: when that K's bootstrap ARI is more
than `auto_stability_margin` below a qualifying neighbour's (K ± 1), the steadier neighbour
is chosen. The rule is stated on the Methods page; every number behind it is recorded.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from . import metrics
from .cluster import make_model
from .config import Config
from .results import Selection, SweepRow
from .threads import side_by_side

STABILITY_REFITS = 5  # bootstrap refits per K compared by `auto`


def bootstrap_ari(X: np.ndarray, k: int, config: Config) -> float:
    """Mean ARI between a K-means fit on all (sampled) rows and fits on bootstrap resamples,
    on at most `stability.max_rows` rows: the cheap per-K version of the Stability section."""
    opts = config.clustering
    rng = np.random.default_rng(opts.random_state + 17)
    rows = np.sort(rng.choice(len(X), size=min(len(X), opts.stability.max_rows), replace=False))
    X_sub = X[rows].astype(np.float64, copy=False)  # bounded rows: float64 fits faster
    reference = make_model(k, opts).fit_predict(X_sub)
    size = max(k, int(round(opts.stability.bootstrap_fraction * len(X_sub))))
    # the resamples drawn first, in order: the same rows whatever order the fits run in
    draws = [rng.choice(len(X_sub), size=size, replace=True) for _ in range(STABILITY_REFITS)]

    def resampled(i: int) -> np.ndarray:
        model = make_model(k, opts, random_state=opts.random_state + 2000 + i)
        return model.fit(X_sub[draws[i]]).predict(X_sub)

    labels = side_by_side([lambda i=i: resampled(i) for i in range(STABILITY_REFITS)])
    return float(np.mean([adjusted_rand_score(reference, found) for found in labels]))


def choose_k(rows: list[SweepRow], config: Config, X: np.ndarray | None = None) -> Selection:
    opts = config.clustering
    ks = [r.k for r in rows]
    elbow = metrics.find_elbow(ks, [r.inertia for r in rows])
    best_sil = max(rows, key=lambda r: r.silhouette).k
    best_ch = max(rows, key=lambda r: r.calinski_harabasz).k
    best_db = min(rows, key=lambda r: r.davies_bouldin).k
    small = [r.k for r in rows if r.min_cluster_share < opts.min_cluster_share]
    facts = dict(elbow_k=elbow, best_silhouette_k=best_sil, best_ch_k=best_ch, best_db_k=best_db,
                 min_cluster_share=opts.min_cluster_share, small_cluster_ks=small)

    if opts.chosen_k != "auto":
        k = int(opts.chosen_k)
        text = f"K = {k} was set in the configuration (clustering.chosen_k)"
        text += ", as in the notebook." if config.segments.rules == "notebook" else "."
        return Selection(chosen_k=k, reason="config", explanation=text, **facts)

    qualified = [r for r in rows if r.k not in small]
    notes = []
    if not qualified:
        qualified = list(rows)
        notes.append(
            f"Every K tried has a cluster holding less than {opts.min_cluster_share:.0%} of "
            "the customers, so the smallest-cluster rule could not be applied."
        )
    elif small:
        notes.append(
            f"K = {', '.join(map(str, small))} left out: a cluster would hold less than "
            f"{opts.min_cluster_share:.0%} of the customers (clustering.min_cluster_share)."
        )
    allowed = [r.k for r in qualified]
    if opts.auto_method == "elbow" and elbow in allowed:
        reason, k = "elbow", elbow
        text = f"K = {k} is the elbow of the inertia curve (kneedle algorithm)."
    else:
        reason = "silhouette"
        k = max(qualified, key=lambda r: r.silhouette).k
        text = f"K = {k} has the highest average silhouette of the K values allowed."
        if opts.auto_method == "elbow":
            text = "The inertia curve has no usable elbow, so " + text[0].lower() + text[1:]

    stability: dict[str, float] = {}
    if X is not None:
        neighbours = [n for n in (k - 1, k + 1) if n in allowed]
        for candidate in (k, *neighbours):
            stability[str(candidate)] = bootstrap_ari(X, candidate, config)
        steadier = max(neighbours, key=lambda n: stability[str(n)], default=None)
        if steadier is not None and (
            stability[str(steadier)] - stability[str(k)] > opts.auto_stability_margin
        ):
            text += (
                f" Its clusters were unstable (bootstrap ARI {stability[str(k)]:.2f}) next to"
                f" K = {steadier} ({stability[str(steadier)]:.2f}), so K = {steadier} was"
                " chosen instead."
            )
            k, reason = steadier, "stability"
    return Selection(chosen_k=k, reason=reason, explanation=" ".join([text, *notes]),
                     stability_ari=stability, **facts)
