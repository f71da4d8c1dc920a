"""The analysis on Apache Spark (`clustering.backend: spark`): the same `Results`, computed
where the data is.

Features are transformed, clipped and scaled in Spark (VectorAssembler and the MLlib scaler
matching `preprocessing.scaler`); the K sweep fits MLlib `KMeans` (k-means|| start, the
configured seed and iteration cap) on a uniform sample where the local path samples
(`clustering.large_data`) and on all rows otherwise; each K is scored on all rows from
per-cluster sums computed in Spark (inertia, Calinski–Harabasz, Davies–Bouldin); the chosen
K is refitted on all rows. Profiles, sizes, revenue and the comparison tables are Spark
aggregations, and the assignments are written by Spark as Parquet parts.

What reaches the driver: aggregates (a few numbers per cluster and feature) and one bounded
uniform sample (at most max(silhouette.sample_size, stability.max_rows) rows), on which the
Euclidean silhouette (with its standard error), the stability refits, the Lloyd / Mini-Batch
comparison and the chart points are computed exactly as the local path computes them.

This module is the recipe, step for step beside `pipeline.run_analysis`; the steps are
session (the session), table (reading and checking the table), prepare (the clustering
space and the driver sample), summary (the Data page), kmeans (MLlib fits and scores) and
final (the chosen K's profiles, segments, assignments).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ... import cluster, metrics, provenance
from ...config import Clustering, Config
from ...pipeline import AnalysisOutput, chart_points
from ...progress import Progress
from ...results import SCHEMA_VERSION, Results
from ...roi import roi_model
from ...run_records import RunInfo, SparkRun
from ...scale import SAMPLE_SEED_OFFSET
from ...selection import choose_k
from ...sources.rules import Dataset
from .final import Final, final_model
from .kmeans import Fitted, centres_of, fit, nearest, refine, score, sweep_row
from .prepare import DRIVER_SAMPLE_SEED_OFFSET, driver_sample, prepare
from .session import SparkError, first_line, start_session
from .summary import data_summary
from .table import SparkTable, read_customers


@dataclass
class Sweep:
    rows: list  # SweepRow per K, scored on all rows
    models: dict[int, Fitted]
    n_rows: int  # rows the models were fitted on
    large: bool  # fitted on a sample (the large-data path)


def run_spark(config: Config, progress: Progress | None = None) -> AnalysisOutput:
    progress = progress or Progress(enabled=False)
    with progress.stage("spark", f"Starting Spark ({config.spark.master})"):
        spark = start_session(config.spark)
    try:
        return _run(spark, config, progress)
    except SparkError:
        raise
    except Exception as exc:
        from pyspark.errors import PySparkException

        if isinstance(exc, PySparkException):  # a Spark failure on this data, not a bug here
            raise SparkError(f"Spark failed: {first_line(exc)}") from None
        raise


def _run(spark, config: Config, progress: Progress) -> AnalysisOutput:
    opts = config.clustering
    with progress.stage("load", "Reading and checking the customer table in Spark"):
        table = read_customers(spark, config)
    n = table.n_rows
    progress.note(f"  {n:,} customers × {len(config.features)} features "
                  f"({table.input_partitions} partitions)")
    with progress.stage("scale", f"Scaling features in Spark ({config.preprocessing.scaler})"):
        prepared = prepare(table, config)
        summary = data_summary(table, config, prepared.clipped)

    with progress.stage("sample", "Collecting a bounded uniform sample to the driver"):
        sample = driver_sample(prepared.frame, n, config)
        Z = sample.z
        silhouette = _silhouette_of(Z, n, opts)

    sweep = _sweep(spark, prepared.frame, n, Z, silhouette, opts, progress)
    with progress.stage("select", "Choosing K (cluster sizes and stability, driver sample)"):
        selection = choose_k(sweep.rows, config, Z if opts.chosen_k == "auto" else None)
    k = selection.chosen_k
    progress.note(f"  chosen K = {k} ({selection.reason})")

    fitted = sweep.models[k]
    if sweep.large:
        with progress.stage("refine", f"Refining K = {k} on all {n:,} rows (MLlib)"):
            fitted = refine(spark, prepared.frame, k, centres_of(fitted.model), opts)
    with progress.stage("final", f"Final model, profiles and segments for K = {k}"):
        final = final_model(config, table, prepared, fitted, k, Z, silhouette)
        if sweep.large:  # the chosen K's row describes the refined all-rows model
            seconds = sweep.models[k].seconds + fitted.seconds
            sweep.rows[opts.k_values.index(k)] = sweep_row(k, fitted, final.scores, final.sil,
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
        points = chart_points(sample_set, Z, final.labels_sample, final.sil, opts.random_state,
                              n_total=n)

    roi = roi_model(final.revenue, config.roi) if final.revenue is not None else None
    spark_run = _spark_run(spark, table, len(Z), fitted, final, opts)
    results = Results(
        schema_version=SCHEMA_VERSION,
        metadata=config.report.model_dump(mode="json"),
        config=config.public_dict(),
        data=summary,
        run=_run_info(config, sweep, n, spark_run, progress),
        sweep=sweep.rows,
        selection=selection,
        final_inertia=sweep.rows[opts.k_values.index(k)].inertia,
        quality=final.quality,
        profiles=final.profiles,
        segments=final.segments,
        stability=stability,
        algorithms=algorithms,
        roi=roi,
        points=points,
        provenance=provenance.collect(config, table.sha256),
        comparison=final.comparison,
    )
    return AnalysisOutput(results, final.assignments)


def _silhouette_of(Z, n: int, opts: Clustering):
    """labels -> the silhouette on the driver sample: exact when the sample is the whole
    table (no larger than silhouette.exact_max_rows), else on a fixed sample of it, the same
    rows for every K."""
    if n <= opts.silhouette.exact_max_rows:
        return lambda labels: metrics.silhouette(Z, labels, None)
    index = metrics.silhouette_sample_index(len(Z), 0, opts.silhouette.sample_size,
                                            opts.random_state)
    return metrics.SampledSilhouette(Z, index)


def _sweep(spark, frame, n: int, Z, silhouette, opts: Clustering, progress: Progress) -> Sweep:
    """MLlib K-Means for every K, on a uniform sample on the large-data path (all rows
    otherwise), each K scored on all rows and its silhouette on the driver sample."""
    large = opts.use_large_path(n)
    sweep_frame, sweep_rows = frame, n
    if large:
        fraction = min(1.0, opts.large_data.sweep_sample_size / n)
        # Few partitions: the sample is small, and each MLlib iteration is a job whose cost
        # is mostly per task.
        sweep_frame = (frame.sample(False, fraction, opts.random_state + SAMPLE_SEED_OFFSET)
                       .select("features")
                       .coalesce(spark.sparkContext.defaultParallelism).cache())
        sweep_rows = sweep_frame.count()
    message = (f"MLlib K-Means for K = {opts.k_min}..{opts.k_max} on "
               + (f"a sample of {sweep_rows:,} rows" if large else f"all {n:,} rows"))
    rows, models = [], {}
    with progress.stage("sweep", message):
        for k in progress.iter(opts.k_values, "K sweep (MLlib, scored on all rows)",
                               len(opts.k_values)):
            fitted = fit(sweep_frame, k, opts)
            scores = score(frame, fitted.model, k)
            sil = silhouette(nearest(Z, centres_of(fitted.model)))
            rows.append(sweep_row(k, fitted, scores, sil, fitted.seconds, n))
            models[k] = fitted
    if large:
        sweep_frame.unpersist()
    return Sweep(rows, models, sweep_rows, large)


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


def _run_info(config: Config, sweep: Sweep, n: int, spark_run: SparkRun,
              progress: Progress) -> RunInfo:
    opts = config.clustering
    return RunInfo(
        scaler=config.preprocessing.scaler,
        init="k-means||",
        n_init=opts.n_init,
        max_iter=opts.max_iter,
        random_state=opts.random_state,
        algorithm="lloyd",
        k_values=opts.k_values,
        silhouette_exact_max_rows=opts.silhouette.exact_max_rows,
        silhouette_sample_size=opts.silhouette.sample_size,
        minibatch_batch_size=opts.minibatch_batch_size,
        sweep_rows=sweep.n_rows,
        seconds=dict(progress.seconds),
        large_data=sweep.large,
        sweep_sample_seed=opts.random_state + SAMPLE_SEED_OFFSET if sweep.large else None,
        refine_rows=n if sweep.large else None,
        refine_n_iter=spark_run.final_n_iter if sweep.large else None,
        matrix_dtype="float64",
        backend="spark",
        spark=spark_run,
    )
