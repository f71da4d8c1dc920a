"""`run_analysis(config) -> AnalysisOutput`: the one entry point the report uses.

Reads top to bottom like the notebook: data, scaling, K sweep, choice of K, final model,
profiles and segments, stability, algorithm comparison, ROI, provenance.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from . import assembly, cluster, data_summary, metrics, scale
from .config import Config
from .data_summary import column_stats
from .preprocess import centres_in_original_units, prepare
from .progress import Progress
from .roi import roi_model
from .run_records import DataSummary
from .segments import build_segments, cluster_profiles
from .selection import choose_k
from .sources import Dataset, Source, source_for


def run_analysis(config: Config, progress: Progress | None = None,
                 source: Source | None = None) -> assembly.AnalysisOutput:
    """The analysis of the configured data (`source`: the configured source, when the caller
    already asked it for its fingerprint: a database's rows are then fetched once)."""
    progress = progress or Progress(enabled=False)  # one per run: stage times never carry over
    source = source or source_for(config)
    if config.clustering.backend == "spark":  # pyspark is imported only on this path
        from .backends.spark.run import run_spark

        return run_spark(config, source, progress)
    with progress.stage("load", "Loading customer data"):
        dataset = source.load()
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
        points = assembly.chart_points(dataset, X, labels, sil, config.clustering.random_state)

    results = assembly.results(
        config, dataset.sha256,
        data=summarise_data(dataset, config, prepared.clipped),
        run=assembly.run_info(config, seconds=progress.seconds,
                              sweep_rows=len(sample) if large else len(X), large=large,
                              n_rows=len(X), refine_n_iter=int(model.n_iter_),
                              matrix_dtype=str(X.dtype)),
        sweep=outcome.rows,
        selection=selection,
        final_inertia=outcome.rows[opts.k_values.index(k)].inertia if large else float(model.inertia_),
        quality=assembly.quality(sil.mean, k),
        profiles=profiles,
        segments=segments,
        stability=stability,
        algorithms=algorithms,
        roi=roi,
        points=points,
        comparison=assembly.compare(dataset, labels, k),
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
    return assembly.AnalysisOutput(results, assignments)


def summarise_data(dataset: Dataset, config: Config, clipped: dict[str, int]) -> DataSummary:
    columns = {f.column: column_stats(dataset.frame[f.column].to_numpy()) for f in config.features}
    return data_summary.summarise(config, dataset, {c: s for c, (s, _) in columns.items()},
                                  {c: h for c, (_, h) in columns.items()}, clipped)
