"""The analysis on Apache Spark (`clustering.backend: spark`): the same `Results`, with every
pass over all rows done where the data is.

In Spark, on every row: reading and checking the table (the data rules every source passes),
the transforms, clipping and the MLlib scaler matching `preprocessing.scaler`, the Data
page's aggregates, the scores of every K's centres (inertia, Calinski–Harabasz,
Davies–Bouldin from per-cluster sums, all Ks in two passes), MLlib's refine of the chosen K
from the sample's centres (large tables), the chosen model's profiles, sizes and revenue, and
the assignments, which Spark writes as Parquet parts.

On the driver, with scikit-learn, what works on a bounded sample, exactly as on one machine:
the sweep's fits (on the sweep sample on the large-data path, else on every row: a
scikit-learn fit on 50,000 rows takes milliseconds where each MLlib job costs seconds of
overhead), the choice of K, the silhouette, stability refits, the Lloyd / Mini-Batch
comparison and the chart points.
"""

from __future__ import annotations

import time
from dataclasses import replace

from ... import assembly, cluster, metrics
from ...config import Clustering, Config
from ...progress import Progress
from ...results import SweepRow
from ...roi import roi_model
from ...run_records import SparkRun
from ...scale import SAMPLE_SEED_OFFSET
from ...selection import choose_k
from ...sources import Dataset, Source
from .final import Final, final_model
from .kmeans import Fitted, model_from_centres, nearest, refine, score_sweep, sweep_row
from .prepare import DRIVER_SAMPLE_SEED_OFFSET, collect_sample, driver_sample, prepare
from .session import SparkError, first_line, start_session
from .summary import data_summary
from .table import SparkTable, read_customers


def run_spark(config: Config, source: Source, progress: Progress | None = None):
    """The analysis as an `assembly.AnalysisOutput` whose assignments Spark writes."""
    progress = progress or Progress(enabled=False)
    with progress.stage("spark", f"Starting Spark ({config.spark.master})"):
        spark = start_session(config.spark)
    try:
        return _run(spark, config, source, progress)
    except SparkError:
        raise
    except Exception as exc:
        from pyspark.errors import PySparkException

        if isinstance(exc, PySparkException):  # a Spark failure on this data, not a bug here
            raise SparkError(f"Spark failed: {first_line(exc)}") from None
        raise


def _run(spark, config: Config, source: Source, progress: Progress):
    opts = config.clustering
    with progress.stage("load", "Reading and checking the customer table in Spark"):
        table = read_customers(spark, config, source)
    n = table.n_rows
    progress.note(f"  {n:,} customers × {len(config.features)} features "
                  f"({table.input_partitions} partitions)")
    with progress.stage("scale", f"Scaling features in Spark ({config.preprocessing.scaler})"):
        prepared = prepare(table, config)
        summary = data_summary(table, config, prepared.clipped)

    large = opts.use_large_path(n)
    with progress.stage("sample", "Collecting bounded uniform samples to the driver"):
        sample = driver_sample(prepared.frame, n, config)
        Z = sample.z
        silhouette = _silhouette_of(Z, n, opts)
        fit_rows = (collect_sample(prepared.frame, n, opts.large_data.sweep_sample_size,
                                   opts.random_state + SAMPLE_SEED_OFFSET, []).z
                    if large else (Z if len(Z) == n else collect_sample(
                        prepared.frame, n, n, opts.random_state, []).z))

    message = (f"K-Means for K = {opts.k_min}..{opts.k_max} on "
               + (f"a sample of {len(fit_rows):,} rows" if large else f"all {n:,} rows")
               + " (driver), scored on all rows in Spark")
    with progress.stage("sweep", message):
        rows, models = _sweep(prepared.frame, fit_rows, Z, silhouette, n, opts, progress)
    with progress.stage("select", "Choosing K (cluster sizes and stability, driver sample)"):
        selection = choose_k(rows, config, Z if opts.chosen_k == "auto" else None)
    k = selection.chosen_k
    progress.note(f"  chosen K = {k} ({selection.reason})")

    best = models[k]
    if large:
        with progress.stage("refine", f"Refining K = {k} on all {n:,} rows (MLlib)"):
            fitted = refine(spark, prepared.frame, k, best.cluster_centers_, opts)
    else:  # fitted on every row already
        fitted = Fitted(model_from_centres(spark, best.cluster_centers_), 0.0,
                        int(best.n_iter_), float(best.inertia_))
    with progress.stage("final", f"Final model, profiles and segments for K = {k}"):
        final = final_model(config, table, prepared, fitted, k, Z, silhouette)
        if large:  # the chosen K's row describes the refined all-rows model
            seconds = rows[opts.k_values.index(k)].fit_seconds + fitted.seconds
            rows[opts.k_values.index(k)] = sweep_row(k, fitted, final.scores, final.sil,
                                                     seconds, n)

    with progress.stage("stability", "Stability (re-seeded and bootstrap refits, driver sample)"):
        stability = replace(
            cluster.stability(Z, k, final.labels_sample, opts, None, progress),
            planted_ari=final.planted_ari)

    with progress.stage("algorithms", "Lloyd and Mini-Batch on the driver sample"):
        algorithms = cluster.compare_algorithms(Z, k, final.labels_sample, opts, None)

    with progress.stage("points", "Projection and sample for charts"):
        sample_set = Dataset(frame=sample.features, ids=None, source=table.source,
                             format=table.format, sha256=table.sha256, n_input_rows=n)
        points = assembly.chart_points(sample_set, Z, final.labels_sample, final.sil,
                                       opts.random_state, n_total=n)

    roi = roi_model(final.revenue, config.roi) if final.revenue is not None else None
    results = assembly.results(
        config, table.sha256,
        data=summary,
        run=assembly.run_info(config, seconds=progress.seconds, sweep_rows=len(fit_rows),
                              large=large, n_rows=n, refine_n_iter=fitted.n_iter,
                              matrix_dtype="float64",
                              spark=_spark_run(spark, table, len(Z), fitted, final, opts)),
        sweep=rows,
        selection=selection,
        final_inertia=rows[opts.k_values.index(k)].inertia,
        quality=final.quality,
        profiles=final.profiles,
        segments=final.segments,
        stability=stability,
        algorithms=algorithms,
        roi=roi,
        points=points,
        comparison=final.comparison,
    )
    return assembly.AnalysisOutput(results, final.assignments)


def _silhouette_of(Z, n: int, opts: Clustering):
    """labels -> the silhouette on the driver sample: exact when the sample is the whole
    table (no larger than silhouette.exact_max_rows), else on a fixed sample of it, the same
    rows for every K."""
    if n <= opts.silhouette.exact_max_rows:
        return lambda labels: metrics.silhouette(Z, labels, None)
    index = metrics.silhouette_sample_index(len(Z), 0, opts.silhouette.sample_size,
                                            opts.random_state)
    return metrics.SampledSilhouette(Z, index)


def _sweep(frame, fit_rows, Z, silhouette, n: int, opts: Clustering, progress: Progress):
    """Every K fitted with scikit-learn on `fit_rows` (the driver), all Ks' centres scored on
    all rows in Spark at once, each K's silhouette on the driver sample."""
    models, seconds = {}, {}
    for k in progress.iter(opts.k_values, "K sweep (fits on the driver)", len(opts.k_values)):
        model = cluster.make_model(k, opts)
        start = time.perf_counter()
        model.fit(fit_rows)
        seconds[k] = time.perf_counter() - start
        del model.labels_
        models[k] = model
    scores = score_sweep(frame, {k: m.cluster_centers_ for k, m in models.items()})
    rows = []
    for k, model in models.items():
        sil = silhouette(nearest(Z, model.cluster_centers_))
        s = scores[k]
        rows.append(SweepRow.scored(k, s.inertia, sil, s.ch, s.db, model.n_iter_, seconds[k],
                                    s.counts.min() / n))
    return rows, models


def _spark_run(spark, table: SparkTable, driver_rows: int, fitted: Fitted, final: Final,
               opts: Clustering) -> SparkRun:
    """What the Methods and Provenance pages say about Spark itself."""
    return SparkRun(
        version=spark.version,
        master=spark.sparkContext.master,
        app_name=spark.sparkContext.appName,
        default_parallelism=spark.sparkContext.defaultParallelism,
        input_partitions=table.input_partitions,
        driver_sample_rows=driver_rows,
        driver_sample_seed=opts.random_state + DRIVER_SAMPLE_SEED_OFFSET,
        final_n_iter=fitted.n_iter,
        training_cost=fitted.cost,
        silhouette_squared_euclidean=final.spark_silhouette,
    )
