"""`run_analysis(config) -> AnalysisOutput`: the one entry point the report uses.

Reads top to bottom like the notebook: data, scaling, K sweep, choice of K, final model,
profiles and segments, stability, algorithm comparison, ROI, provenance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from . import cluster, data_summary, metrics, provenance, scale
from .config import Config
from .data_summary import column_stats
from .preprocess import centres_in_original_units, prepare
from .progress import Progress
from .results import SCHEMA_VERSION, Comparison, Points, Quality, Results
from .roi import roi_model
from .run_records import DataSummary, RunInfo
from .segments import build_segments, cluster_profiles
from .selection import choose_k
from .sources.rules import Dataset, load_dataset

MAX_POINTS = 2000  # customers shown in scatter plots; keeps every page light at any size


@dataclass
class AnalysisOutput:
    results: Results
    assignments: pd.DataFrame  # customer_id, cluster, segment — one row per customer
    # (on Spark: a handle whose write_into(folder) has Spark write them; see spark_final)


def run_analysis(config: Config, progress: Progress | None = None,
                 dataset: Dataset | None = None) -> AnalysisOutput:
    """The analysis of the configured data (or of `dataset`, when the caller loaded it)."""
    progress = progress or Progress(enabled=False)  # one per run: stage times never carry over
    if config.clustering.backend == "spark":  # pyspark is imported only on this path
        from .backends.spark.run import run_spark

        return run_spark(config, progress)
    with progress.stage("load", "Loading customer data"):
        dataset = dataset or load_dataset(config)
    progress.note(f"  {dataset.n_rows:,} customers × {len(config.features)} features")

    opts = config.clustering
    large = opts.use_large_path(dataset.n_rows)
    with progress.stage("scale", f"Scaling features ({config.preprocessing.scaler})"):
        # float32 halves memory and time on the large path; the notebook's path stays float64.
        prepared = prepare(dataset.frame, config, np.float32 if large else np.float64)
        X = prepared.matrix

    sample = None
    if large:
        size = min(opts.large_data.sweep_sample_size, len(X))
        message = f"K-Means for K = {opts.k_min}..{opts.k_max} on a sample of {size:,} rows"
        with progress.stage("sweep", message):
            outcome, sample = scale.sampled_sweep(X, opts, progress)
    else:
        with progress.stage("sweep", f"Fitting K-Means for K = {opts.k_min}..{opts.k_max}"):
            outcome = cluster.sweep(X, opts, progress)
    if opts.chosen_k == "auto":
        with progress.stage("select", "Choosing K (cluster sizes and stability)"):
            selection = choose_k(outcome.rows, config, X)
    else:
        selection = choose_k(outcome.rows, config)
    k = selection.chosen_k
    progress.note(f"  chosen K = {k} ({selection.reason})")

    refined = None
    if large:
        with progress.stage("refine", f"Refining K = {k} on all {len(X):,} rows"):
            refined = scale.refine(X, k, outcome.models[k].cluster_centers_, opts)
            outcome.models[k] = refined.model

    with progress.stage("final", f"Final model, profiles and segments for K = {k}"):
        model = outcome.models[k]
        start = time.perf_counter()
        labels = refined.labels if refined else model.predict(X).astype(np.int32)
        predict_seconds = time.perf_counter() - start
        sil = metrics.silhouette(X, labels, outcome.silhouette_index)
        if refined:
            i = opts.k_values.index(k)
            outcome.rows[i] = scale.refined_row(X, outcome.rows[i], refined, sil)
        per_cluster = sil.by_cluster(labels)
        centres = centres_in_original_units(prepared, model.cluster_centers_, config)
        spend_columns = config.roles.spending_columns
        spend = dataset.frame[spend_columns].sum(axis=1) if spend_columns else None
        profiles = cluster_profiles(dataset.frame, labels, centres, per_cluster, spend_columns)
        segments = build_segments(profiles, dataset.frame, X, labels, config, spend)

    with progress.stage("stability", "Stability (re-seeded and bootstrap refits)"):
        stability = cluster.stability(X, k, labels, opts, dataset.true_labels, progress)

    with progress.stage("algorithms", "Comparing Lloyd and Mini-Batch K-Means"):
        if large:  # bounded: both algorithms on the sweep sample
            algorithms = cluster.compare_algorithms(X[sample], k, labels[sample], opts, None)
        else:
            final_seconds = outcome.rows[opts.k_values.index(k)].fit_seconds + predict_seconds
            algorithms = cluster.compare_algorithms(X, k, labels, opts, final_seconds)

    with progress.stage("roi", "Business insights and ROI"):
        # Revenue is the configured spend; without a spending role there is no ROI to show.
        roi = roi_model(float(spend.sum()), config.roi) if spend is not None else None

    with progress.stage("points", "Projection and sample for charts"):
        points = chart_points(dataset, X, labels, sil, config.clustering.random_state)

    results = Results(
        schema_version=SCHEMA_VERSION,
        metadata=config.report.model_dump(mode="json"),
        config=config.public_dict(),
        data=summarise_data(dataset, config, prepared.clipped),
        run=RunInfo(
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
            sweep_rows=len(sample) if large else len(X),
            seconds=dict(progress.seconds),
            large_data=large,
            sweep_sample_seed=opts.random_state + scale.SAMPLE_SEED_OFFSET if large else None,
            refine_rows=len(X) if large else None,
            refine_n_iter=int(model.n_iter_) if large else None,
            matrix_dtype=str(X.dtype),
        ),
        sweep=outcome.rows,
        selection=selection,
        final_inertia=outcome.rows[opts.k_values.index(k)].inertia if large else float(model.inertia_),
        quality=quality(sil.mean, k),
        profiles=profiles,
        segments=segments,
        stability=stability,
        algorithms=algorithms,
        roi=roi,
        points=points,
        provenance=provenance.collect(config, dataset.sha256),
        comparison=compare(dataset, labels, k),
    )
    ids = dataset.ids if dataset.ids is not None else pd.RangeIndex(len(labels)).to_series()
    assignments = pd.DataFrame(
        {
            # the user's own id column name; row numbers when the table has no id column
            (config.data.id_column or "customer_id"): ids.to_numpy(),
            "cluster": labels,
            # categorical: one small dictionary instead of a string object per customer
            "segment": pd.Categorical.from_codes(
                labels, [s.name for s in sorted(segments, key=lambda s: s.cluster)]
            ),
        }
    )
    return AnalysisOutput(results, assignments)


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


def summarise_data(dataset: Dataset, config: Config, clipped: dict[str, int]) -> DataSummary:
    columns = {f.column: column_stats(dataset.frame[f.column].to_numpy(), f.transform)
               for f in config.features}
    return data_summary.summarise(config, dataset, {c: s for c, (s, _) in columns.items()},
                                  {c: h for c, (_, h) in columns.items()}, clipped)


def chart_points(dataset: Dataset, X: np.ndarray, labels: np.ndarray, sil, seed: int,
                 n_total: int | None = None) -> Points:
    """A bounded, stated sample of customers with their PCA coordinates and silhouettes.
    `n_total`: the table's size when `dataset` is itself a sample of it (Spark)."""
    n_total = dataset.n_rows if n_total is None else n_total
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
            c: dataset.frame[c].to_numpy()[rows].round(6).tolist() for c in dataset.frame.columns
        },
        cluster=labels[rows].tolist(),
        pca=coords.round(6).tolist(),
        pca_explained=pca.explained_variance_ratio_.round(6).tolist(),
        silhouette=sil.values[chosen].round(6).tolist(),
    )
