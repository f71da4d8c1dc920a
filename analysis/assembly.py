"""Putting an analysis's findings together, the same way for every backend: the `Results`
record and its `RunInfo`, the quality reading, the comparison with a label column, and the
chart points drawn from the rows the driver holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from . import metrics, provenance
from .config import Config
from .results import SCHEMA_VERSION, Comparison, Points, Quality, Results
from .run_records import RunInfo, SparkRun
from .scale import SAMPLE_SEED_OFFSET, SCORE_SEED_OFFSET
from .sources import Dataset

MAX_POINTS = 2000  # customers shown in scatter plots; keeps every page light at any size


@dataclass
class AnalysisOutput:
    results: Results
    # One row per customer (id, cluster, segment): a pandas DataFrame on this machine, or an
    # object whose write_into(folder) writes them where the data is (Spark).
    assignments: Any


def run_info(config: Config, *, seconds: dict[str, float], sweep_rows: int, large: bool,
             n_rows: int, refine_n_iter: int | None, matrix_dtype: str,
             spark: SparkRun | None = None) -> RunInfo:
    """How the analysis ran: the configured method and what the data's size made of it."""
    opts = config.clustering
    return RunInfo(
        scaler=config.preprocessing.scaler,
        init=opts.init,
        n_init=opts.n_init,
        max_iter=opts.max_iter,
        random_state=opts.random_state,
        algorithm=opts.algorithm,
        k_values=opts.k_values,
        silhouette_exact_max_rows=opts.silhouette.exact_max_rows,
        silhouette_sample_size=opts.silhouette.sample_size,
        minibatch_batch_size=opts.minibatch_batch_size,
        sweep_rows=sweep_rows,
        seconds=dict(seconds),
        large_data=large,
        sweep_sample_seed=opts.random_state + SAMPLE_SEED_OFFSET if large else None,
        score_sample_seed=opts.random_state + SCORE_SEED_OFFSET if large else None,
        refine_rows=n_rows if large else None,
        refine_n_iter=refine_n_iter if large else None,
        matrix_dtype=matrix_dtype,
        backend="spark" if spark is not None else "sklearn",
        spark=spark,
    )


def results(config: Config, data_sha256: str, **findings) -> Results:
    """The Results record: the findings with the report's metadata, the published config
    and the provenance."""
    return Results(
        schema_version=SCHEMA_VERSION,
        metadata=config.report.model_dump(mode="json"),
        config=config.public_dict(),
        provenance=provenance.collect(config, data_sha256),
        **findings,
    )


def compare(dataset: Dataset, labels: np.ndarray, k: int) -> Comparison | None:
    """The segments against the table's own label column (data.compare_with), if any."""
    known = dataset.compare_labels
    if known is None:
        return None
    values = known.to_numpy()
    order = known.value_counts().index.tolist()
    counts = [np.bincount(labels[values == label], minlength=k).tolist() for label in order]
    return Comparison(column=str(known.name), labels=[str(v) for v in order], counts=counts,
                      ari=float(adjusted_rand_score(values, labels)))


def quality(value: float, k: int) -> Quality:
    """The reading of the chosen solution's average silhouette, for every backend."""
    band, label = metrics.quality_band(value)
    message = (f"The average silhouette of the {k}-cluster solution is {value:.3f}: "
               f"{label.lower()} by the usual reading ({metrics.band_reading()}).")
    return Quality(silhouette=value, band=band, label=label, message=message)


def chart_points(features: pd.DataFrame, X: np.ndarray, labels: np.ndarray, sil, seed: int,
                 n_total: int) -> Points:
    """A bounded, stated sample of customers with their PCA coordinates and silhouettes.
    `features` and `X`: the rows the driver holds (all rows, or a sample of the `n_total`)."""
    pool = sil.sample_index  # rows whose silhouette is known (all rows when exact)
    if len(pool) > MAX_POINTS:
        rng = np.random.default_rng(seed + 7)
        chosen = np.sort(rng.choice(len(pool), size=MAX_POINTS, replace=False))
        method = (
            f"uniform random sample of {MAX_POINTS:,} of {n_total:,} customers "
            f"(seed {seed + 7})"
        )
    else:
        chosen = np.arange(len(pool))
        method = "all customers" if len(pool) == n_total else (
            f"the silhouette's uniform random sample of {len(pool):,} of {n_total:,} customers")
    rows = pool[chosen]
    # Fitted on all rows, or on the silhouette sample when that is a sample (large tables).
    basis = X if len(pool) == len(X) else X[pool]
    pca = PCA(n_components=min(2, X.shape[1]), random_state=seed).fit(basis)
    coords = pca.transform(X[rows])
    return Points(
        method=method,
        n_total=n_total,
        features={
            c: features[c].to_numpy()[rows].round(6).tolist() for c in features.columns
        },
        cluster=labels[rows].tolist(),
        pca=coords.round(6).tolist(),
        pca_explained=pca.explained_variance_ratio_.round(6).tolist(),
        silhouette=sil.values[chosen].round(6).tolist(),
    )
