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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import cluster, metrics, provenance
from .config import Config
from .data import Dataset
from .pipeline import AnalysisOutput, chart_points, quality_message
from .preprocess import undo_transforms
from .progress import Progress
from .results import SCHEMA_VERSION, Comparison, Quality, Results, SweepRow
from .roi import roi_model
from .run_records import DataSummary, FeatureSummary, Histogram, RunInfo, SparkRun
from .scale import SAMPLE_SEED_OFFSET
from .segments import Baseline, feature_unit, profiles_from_stats, segments_from_stats
from .selection import choose_k
from .spark_data import (
    COMPARE,
    ID,
    PLANTED,
    QUANTILE_ERROR,
    SparkTable,
    histograms,
    read_customers,
)
from .spark_kmeans import (
    PREDICTION,
    Fitted,
    Scores,
    ari_from_table,
    centres_of,
    contingency,
    fit,
    nearest,
    refine,
    score,
)
from .spark_session import SparkError, first_line, start_session

DRIVER_SAMPLE_SEED_OFFSET = 3  # the driver sample's seed is random_state + 3


@dataclass
class SparkAssignments:
    """The assignments as a Spark DataFrame (id, cluster, segment), written by Spark."""

    frame: object
    n_rows: int

    def write_into(self, folder: Path) -> None:
        target = Path(folder) / "assignments.parquet"
        try:
            self.frame.write.parquet(str(target))
        except Exception as exc:  # noqa: BLE001 - a JVM write failure, named without its trace
            raise SparkError(f"Spark could not write the assignments: {first_line(exc)}") from None
        for checksum in target.glob(".*.crc"):  # Hadoop's local checksums: not data
            checksum.unlink()


@dataclass
class Prepared:
    frame: object  # cached: features (scaled vector), original features, _id, ...
    inverse: callable  # scaled centres -> the transformed (clipped) feature space
    clipped: dict[str, int]


def run_spark(config: Config, progress: Progress | None = None) -> AnalysisOutput:
    progress = progress or Progress(enabled=False)
    opts = config.clustering
    with progress.stage("spark", f"Starting Spark ({config.spark.master})"):
        spark = start_session(config.spark)
    try:
        return _run(spark, config, opts, progress)
    except SparkError:
        raise
    except Exception as exc:
        from pyspark.errors import PySparkException

        if isinstance(exc, PySparkException):  # a Spark failure on this data, not a bug here
            raise SparkError(f"Spark failed: {first_line(exc)}") from None
        raise


def _run(spark, config: Config, opts, progress: Progress) -> AnalysisOutput:
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
        Z = sample["z"]
        sil_index = (None if n <= opts.silhouette.exact_max_rows else
                     metrics.silhouette_sample_index(len(Z), 0, opts.silhouette.sample_size,
                                                     opts.random_state))
        sampled_sil = metrics.SampledSilhouette(Z, sil_index) if sil_index is not None else None

    def silhouette(labels):
        return sampled_sil(labels) if sampled_sil else metrics.silhouette(Z, labels, None)

    large = opts.use_large_path(n)
    sweep_frame, sweep_rows = prepared.frame, n
    if large:
        fraction = min(1.0, opts.large_data.sweep_sample_size / n)
        # Few partitions: the sample is small, and each MLlib iteration is a job whose cost
        # is mostly per task.
        sweep_frame = (prepared.frame.sample(False, fraction, opts.random_state
                                             + SAMPLE_SEED_OFFSET).select("features")
                       .coalesce(spark.sparkContext.defaultParallelism).cache())
        sweep_rows = sweep_frame.count()
    message = (f"MLlib K-Means for K = {opts.k_min}..{opts.k_max} on "
               + (f"a sample of {sweep_rows:,} rows" if large else f"all {n:,} rows"))
    rows, models = [], {}
    with progress.stage("sweep", message):
        for k in progress.iter(opts.k_values, "K sweep (MLlib, scored on all rows)",
                               len(opts.k_values)):
            fitted = fit(sweep_frame, k, opts)
            scores = score(prepared.frame, fitted.model, k)
            sil = silhouette(nearest(Z, centres_of(fitted.model)))
            rows.append(sweep_row(k, fitted, scores, sil, fitted.seconds, n))
            models[k] = fitted
    if large:
        sweep_frame.unpersist()
    with progress.stage("select", "Choosing K (cluster sizes and stability, driver sample)"):
        selection = choose_k(rows, config, Z if opts.chosen_k == "auto" else None)
    k = selection.chosen_k
    progress.note(f"  chosen K = {k} ({selection.reason})")

    fitted = models[k]
    if large:
        with progress.stage("refine", f"Refining K = {k} on all {n:,} rows (MLlib)"):
            fitted = refine(spark, prepared.frame, k, centres_of(fitted.model), opts)
    with progress.stage("final", f"Final model, profiles and segments for K = {k}"):
        final = _final(config, table, prepared, fitted, k, Z, silhouette)
        if large:  # the chosen K's row describes the refined all-rows model
            seconds = models[k].seconds + fitted.seconds
            rows[opts.k_values.index(k)] = sweep_row(k, fitted, final.scores, final.sil,
                                                     seconds, n)

    with progress.stage("stability", "Stability (re-seeded and bootstrap refits, driver sample)"):
        stability = cluster.stability(Z, k, final.labels_sample, opts, None, progress)
        stability.planted_ari = final.planted_ari

    with progress.stage("algorithms", "Lloyd and Mini-Batch on the driver sample"):
        algorithms = cluster.compare_algorithms(Z, k, final.labels_sample, opts, None)

    with progress.stage("points", "Projection and sample for charts"):
        sample_set = Dataset(frame=sample["features"], ids=None, source=table.source,
                             format=table.format, sha256=table.fingerprint, n_input_rows=n)
        points = chart_points(sample_set, Z, final.labels_sample, final.sil, opts.random_state,
                              n_total=n)

    roi = roi_model(final.revenue, config.roi) if final.revenue is not None else None
    spark_run = SparkRun(
        version=spark.version,
        master=spark.sparkContext.master,
        app_name=spark.sparkContext.appName,
        default_parallelism=spark.sparkContext.defaultParallelism,
        input_partitions=table.input_partitions,
        driver_sample_rows=len(Z),
        driver_sample_seed=opts.random_state + DRIVER_SAMPLE_SEED_OFFSET,
        final_n_iter=fitted.n_iter,
        training_cost=fitted.cost,
        silhouette_squared_euclidean=final.spark_silhouette,
    )
    results = Results(
        schema_version=SCHEMA_VERSION,
        metadata=config.report.model_dump(mode="json"),
        config=config.public_dict(),
        data=summary,
        run=RunInfo(
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
            sweep_rows=sweep_rows,
            seconds=dict(progress.seconds),
            large_data=large,
            sweep_sample_seed=opts.random_state + SAMPLE_SEED_OFFSET if large else None,
            refine_rows=n if large else None,
            refine_n_iter=spark_run.final_n_iter if large else None,
            matrix_dtype="float64",
            backend="spark",
            spark=spark_run,
        ),
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
        provenance=provenance.collect(config, table.fingerprint),
        comparison=final.comparison,
    )
    return AnalysisOutput(results, final.assignments)


# --------------------------------------------------------------------------- features


def prepare(table: SparkTable, config: Config) -> Prepared:
    """Transforms, quantile clipping and the scaler, in Spark; the result is cached."""
    import pyspark.sql.functions as F
    from pyspark import StorageLevel
    from pyspark.ml.feature import MinMaxScaler, RobustScaler, StandardScaler, VectorAssembler

    features = config.feature_columns
    space = [f"_t{j}" for j in range(len(features))]
    transformed = []
    for feature, name in zip(config.features, space, strict=True):
        column = F.col(feature.column)
        column = {"log1p": F.log1p, "asinh": F.asinh}.get(feature.transform, lambda c: c)(column)
        transformed.append(column.alias(name))
    frame = table.frame.select("*", *transformed)
    clipped = {c: 0 for c in features}
    bounds = config.preprocessing.clip_quantiles
    if bounds is not None:
        limits = frame.approxQuantile(space, list(bounds), QUANTILE_ERROR)
        outside = frame.agg(*[
            F.sum(((F.col(s) < lo) | (F.col(s) > hi)).cast("long")).alias(s)
            for s, (lo, hi) in zip(space, limits, strict=True)
        ]).first()
        clipped = {c: int(outside[s] or 0) for c, s in zip(features, space, strict=True)}
        frame = frame.select(*[c for c in frame.columns if c not in space], *[
            F.least(F.greatest(F.col(s), F.lit(lo)), F.lit(hi)).alias(s)
            for s, (lo, hi) in zip(space, limits, strict=True)
        ])
    assembled = VectorAssembler(inputCols=space, outputCol="_space").transform(frame)
    name = config.preprocessing.scaler
    kept = [c for c in table.frame.columns]
    if name == "none":
        scaled = assembled.withColumnRenamed("_space", "features")

        def inverse(centres):
            return np.asarray(centres, np.float64)
    else:
        scaler = {
            "standard": StandardScaler(withMean=True, withStd=True),
            "minmax": MinMaxScaler(),
            "robust": RobustScaler(withCentering=True, withScaling=True),
        }[name].setInputCol("_space").setOutputCol("features")
        model = scaler.fit(assembled)
        scaled = model.transform(assembled)
        inverse = _inverse(name, model)
    cached = scaled.select(*kept, "features").persist(StorageLevel.MEMORY_AND_DISK)
    return Prepared(cached, inverse, clipped)


def _inverse(name: str, model):
    """Scaled centres back to the transformed feature space, from the fitted scaler."""
    if name == "standard":
        scale, shift = np.array(model.std.toArray()), np.array(model.mean.toArray())
    elif name == "minmax":  # MLlib maps [min, max] to [0, 1]
        low, high = np.array(model.originalMin.toArray()), np.array(model.originalMax.toArray())
        scale, shift = high - low, low
    else:  # robust: (x - median) / interquartile range
        scale, shift = np.array(model.range.toArray()), np.array(model.median.toArray())

    def inverse(centres):
        return np.asarray(centres, np.float64) * scale + shift

    return inverse


def original_units(centres: np.ndarray, prepared: Prepared, config: Config) -> np.ndarray:
    return undo_transforms(prepared.inverse(centres), config)


def data_summary(table: SparkTable, config: Config, clipped: dict[str, int]) -> DataSummary:
    roles = {c: role for role, cols in config.roles.columns().items() for c in cols}
    hist = histograms(table.frame, table.stats, config.feature_columns)
    features = []
    for feature in config.features:
        s = table.stats[feature.column]
        edges, counts = hist[feature.column]
        features.append(FeatureSummary(
            column=feature.column, label=feature.display, unit=feature_unit(feature, config),
            role=roles.get(feature.column), min=s["min"], max=s["max"], mean=s["mean"],
            std=s["std"], median=s["median"], histogram=Histogram(edges=edges, counts=counts),
            transform=feature.transform, clipped=clipped[feature.column],
        ))
    synthetic = config.data.synthetic
    return DataSummary(
        source=table.source, format=table.format, sha256=table.fingerprint,
        n_input_rows=table.n_input_rows, n_rows=table.n_rows, n_dropped=table.n_dropped,
        id_column=config.data.id_column, features=features,
        planted_segments=synthetic.planted_segments if table.format == "synthetic" else None,
        notes=list(table.notes), size_bytes=table.size_bytes,
        clip_quantiles=list(config.preprocessing.clip_quantiles)
        if config.preprocessing.clip_quantiles else None,
    )


def driver_sample(frame, n: int, config: Config) -> dict:
    """A uniform sample of at most max(silhouette.sample_size, stability.max_rows) rows (all
    rows when the table is no larger than silhouette.exact_max_rows), on the driver."""
    from pyspark.ml.functions import vector_to_array

    opts = config.clustering
    seed = opts.random_state + DRIVER_SAMPLE_SEED_OFFSET
    size = n if n <= opts.silhouette.exact_max_rows else min(
        n, max(opts.silhouette.sample_size, opts.stability.max_rows))
    columns = [vector_to_array("features").alias("_z"), *config.feature_columns]
    if size < n:  # Bernoulli sample with a margin, trimmed to `size` on the driver
        fraction = min(1.0, size / n * 1.05 + 10 / n + 5 * math.sqrt(size) / n)
        frame = frame.sample(False, fraction, seed)
    rows = frame.select(*columns).toPandas()
    if len(rows) > size:
        keep = np.sort(np.random.default_rng(seed).choice(len(rows), size=size, replace=False))
        rows = rows.iloc[keep].reset_index(drop=True)
    z = np.ascontiguousarray(np.stack(rows.pop("_z").to_numpy()).astype(np.float64))
    return {"z": z, "features": rows.astype(np.float64)}


# --------------------------------------------------------------------------- K-Means


def sweep_row(k, fitted: Fitted, scores: Scores, sil, seconds: float, n: int) -> SweepRow:
    return SweepRow(
        k=k, inertia=scores.inertia, silhouette=sil.mean, silhouette_se=sil.se,
        silhouette_sample_size=sil.sample_size, calinski_harabasz=scores.ch,
        davies_bouldin=scores.db,
        n_iter=fitted.n_iter, fit_seconds=round(seconds, 4), min_cluster_share=float(scores.counts.min() / n),
    )


# --------------------------------------------------------------------------- final model


@dataclass
class Final:
    scores: Scores
    sil: metrics.SilhouetteEstimate
    labels_sample: np.ndarray
    profiles: list
    segments: list
    quality: Quality
    revenue: float | None
    spark_silhouette: float | None
    comparison: Comparison | None
    planted_ari: float | None
    assignments: SparkAssignments


def _final(config: Config, table: SparkTable, prepared: Prepared, fitted: Fitted, k, Z,
           silhouette) -> Final:
    import pyspark.sql.functions as F
    from pyspark.ml.evaluation import ClusteringEvaluator

    features = config.feature_columns
    spend_columns = config.roles.spending_columns
    extra = {}
    for c in features:
        extra[f"mean:{c}"] = F.mean(c)
        extra[f"std:{c}"] = F.stddev_samp(c)
    if spend_columns:
        spend = sum(F.col(c) for c in spend_columns)
        extra["spend_mean"], extra["spend_std"] = F.mean(spend), F.stddev_samp(spend)
    model = fitted.model
    scores = score(prepared.frame, model, k, extra)
    n = table.n_rows
    labels_sample = nearest(Z, centres_of(model))
    sil = silhouette(labels_sample)
    per_cluster = {
        int(c): float(sil.values[labels_sample[sil.sample_index] == c].mean())
        for c in np.unique(labels_sample[sil.sample_index])
    }
    sizes = pd.Series(scores.counts.astype(np.int64))
    means = pd.DataFrame({c: scores.extra[f"mean:{c}"] for c in features})
    stds = pd.DataFrame({c: scores.extra[f"std:{c}"] for c in features})
    overall = pd.Series({c: table.stats[c]["mean"] for c in features})
    centres = original_units(centres_of(model), prepared, config)
    profiles = profiles_from_stats(means, stds, sizes, overall, n, centres, per_cluster,
                                   spend_columns)
    spend_stats, revenue = {}, None
    if spend_columns:
        m, s = scores.extra["spend_mean"], np.nan_to_num(scores.extra["spend_std"])
        counts = scores.counts
        mean = float((counts * np.nan_to_num(m)).sum() / n)
        variance = ((np.maximum(counts - 1, 0) * s**2).sum()
                    + (counts * (np.nan_to_num(m) - mean) ** 2).sum()) / max(n - 1, 1)
        spend_stats = dict(spend_mean=mean, spend_std=float(math.sqrt(variance)),
                           spend_by_cluster={c: float(m[c]) for c in range(k) if counts[c]})
        revenue = float(mean * n)
    base = Baseline.from_stats(overall.to_dict(), {c: table.stats[c]["std"] for c in features},
                               config, **spend_stats)
    # each cluster's mean in the clustering space, in overall (population) standard deviations
    z_means = scores.z_sums / np.maximum(scores.counts, 1)[:, None]
    z_all = scores.z_sums.sum(0) / n
    z_std = np.sqrt(np.maximum(scores.z_squares.sum(0) / n - z_all**2, 0))
    z_space = (z_means - z_all) / np.where(z_std > 0, z_std, 1.0)
    segments = segments_from_stats(profiles, base, z_space, config)
    from .metrics import quality_band

    band, label = quality_band(sil.mean)
    predicted = model.transform(prepared.frame)
    try:
        spark_sil = float(ClusteringEvaluator(
            featuresCol="features", predictionCol=PREDICTION, metricName="silhouette",
            distanceMeasure="squaredEuclidean").evaluate(predicted))
    except Exception:  # noqa: BLE001 - e.g. one non-empty cluster: not defined, not shown
        spark_sil = None
    comparison = planted = None
    if COMPARE in table.frame.columns:
        values, counts = contingency(predicted, COMPARE, k)
        comparison = Comparison(column=config.data.compare_with, labels=values,
                                counts=counts.tolist(), ari=ari_from_table(counts))
    if PLANTED in table.frame.columns:
        planted = ari_from_table(contingency(predicted, PLANTED, k)[1])
    names = F.array(*[F.lit(s.name) for s in sorted(segments, key=lambda s: s.cluster)])
    id_name = config.data.id_column or "customer_id"
    assignments = predicted.select(
        F.col(ID).alias(id_name), F.col(PREDICTION).cast("int").alias("cluster"),
        F.element_at(names, F.col(PREDICTION) + 1).alias("segment"))
    return Final(
        scores=scores, sil=sil, labels_sample=labels_sample, profiles=profiles,
        segments=segments,
        quality=Quality(silhouette=sil.mean, band=band, label=label,
                        message=quality_message(sil.mean, label, k)),
        revenue=revenue,
        spark_silhouette=spark_sil, comparison=comparison, planted_ari=planted,
        assignments=SparkAssignments(assignments, n),
    )


