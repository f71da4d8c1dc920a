"""The chosen K's model on Spark: its scores, profiles and segments from per-cluster
aggregates, the quality reading, the comparisons with the table's label columns, and the
assignments, which Spark itself writes.

Profiles and segments are built by the same functions as on the local path
(`profiles_from_stats`, `Baseline.from_stats`, `segments_from_stats`); only the aggregates
they are given are computed here, in Spark.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...config import Config
from ...preprocess import centres_in_original_units
from ...results import Comparison
from ...segments import Baseline, profiles_from_stats, segments_from_stats
from .kmeans import (
    PREDICTION,
    Fitted,
    Scores,
    ari_from_table,
    centres_of,
    contingency,
    score,
)
from .prepare import Prepared
from .session import SparkError, first_line
from .table import COMPARE, ID, PLANTED, SparkTable


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
class Final:
    scores: Scores
    profiles: list
    segments: list
    revenue: float | None
    spark_silhouette: float | None
    comparison: Comparison | None
    planted_ari: float | None
    assignments: SparkAssignments


def final_model(config: Config, table: SparkTable, prepared: Prepared, fitted: Fitted, k: int,
                per_cluster: dict[int, float]) -> Final:
    """Everything the pages say about the chosen K's model from all rows; `per_cluster`: each
    cluster's mean silhouette (from the driver sample)."""
    model, n = fitted.model, table.n_rows
    scores = score(prepared.frame, model, k, _cluster_aggregates(config))
    profiles = _profiles(config, table, prepared, model, scores, per_cluster)
    spend = _spend_stats(scores, n, k) if config.roles.spending_columns else {}
    stats = table.stats
    base = Baseline.from_stats({c: stats[c]["mean"] for c in config.feature_columns},
                               {c: stats[c]["std"] for c in config.feature_columns},
                               config, **spend)
    segments = segments_from_stats(profiles, base, _z_space(scores, n), config)
    predicted = model.transform(prepared.frame)
    comparison = planted = None
    if COMPARE in table.frame.columns:
        values, counts = contingency(predicted, COMPARE, k)
        comparison = Comparison(column=config.data.compare_with, labels=values,
                                counts=counts.tolist(), ari=ari_from_table(counts))
    if PLANTED in table.frame.columns:
        planted = ari_from_table(contingency(predicted, PLANTED, k)[1])
    return Final(
        scores=scores, profiles=profiles, segments=segments,
        revenue=float(spend["spend_mean"] * n) if spend else None,
        spark_silhouette=_spark_silhouette(predicted), comparison=comparison,
        planted_ari=planted, assignments=_assignments(predicted, segments, config, n),
    )


def _cluster_aggregates(config: Config) -> dict:
    """Per-cluster mean and standard deviation of each feature, and of the spend (the sum of
    the spend columns) when there is one, for `score` to compute in its pass."""
    import pyspark.sql.functions as F

    extra = {}
    for c in config.feature_columns:
        extra[f"mean:{c}"] = F.mean(c)
        extra[f"std:{c}"] = F.stddev_samp(c)
    if config.roles.spending_columns:
        spend = sum(F.col(c) for c in config.roles.spending_columns)
        extra["spend_mean"], extra["spend_std"] = F.mean(spend), F.stddev_samp(spend)
    return extra


def _profiles(config: Config, table: SparkTable, prepared: Prepared, model, scores: Scores,
              per_cluster: dict[int, float]) -> list:
    features = config.feature_columns
    sizes = pd.Series(scores.counts.astype(np.int64))
    means = pd.DataFrame({c: scores.extra[f"mean:{c}"] for c in features})
    stds = pd.DataFrame({c: scores.extra[f"std:{c}"] for c in features})
    overall = pd.Series({c: table.stats[c]["mean"] for c in features})
    centres = centres_in_original_units(prepared, centres_of(model), config)
    return profiles_from_stats(means, stds, sizes, overall, table.n_rows, centres, per_cluster,
                               config.roles.spending_columns)


def _spend_stats(scores: Scores, n: int, k: int) -> dict:
    """Per-customer spend over all rows (mean, sample standard deviation pooled from the
    clusters' own) and each cluster's mean: what `Baseline.of` takes from the spend column."""
    m, s = scores.extra["spend_mean"], np.nan_to_num(scores.extra["spend_std"])
    counts = scores.counts
    mean = float((counts * np.nan_to_num(m)).sum() / n)
    variance = ((np.maximum(counts - 1, 0) * s**2).sum()
                + (counts * (np.nan_to_num(m) - mean) ** 2).sum()) / max(n - 1, 1)
    return dict(spend_mean=mean, spend_std=float(math.sqrt(variance)),
                spend_by_cluster={c: float(m[c]) for c in range(k) if counts[c]})


def _z_space(scores: Scores, n: int) -> np.ndarray:
    """Each cluster's mean in the clustering space, in overall (population) standard
    deviations: `segments.cluster_z` from the per-cluster sums."""
    z_means = scores.z_sums / np.maximum(scores.counts, 1)[:, None]
    z_all = scores.z_sums.sum(0) / n
    z_std = np.sqrt(np.maximum(scores.z_squares.sum(0) / n - z_all**2, 0))
    return (z_means - z_all) / np.where(z_std > 0, z_std, 1.0)


def _spark_silhouette(predicted) -> float | None:
    """MLlib's own silhouette (squared Euclidean), recorded beside the reported one."""
    from pyspark.ml.evaluation import ClusteringEvaluator

    try:
        return float(ClusteringEvaluator(
            featuresCol="features", predictionCol=PREDICTION, metricName="silhouette",
            distanceMeasure="squaredEuclidean").evaluate(predicted))
    except Exception:  # noqa: BLE001 - e.g. one non-empty cluster: not defined, not shown
        return None


def _assignments(predicted, segments: list, config: Config, n: int) -> SparkAssignments:
    """Id (the user's column name, or row numbers as `customer_id`), cluster and segment."""
    import pyspark.sql.functions as F

    names = F.array(*[F.lit(s.name) for s in sorted(segments, key=lambda s: s.cluster)])
    id_name = config.data.id_column or "customer_id"
    frame = predicted.select(
        F.col(ID).alias(id_name), F.col(PREDICTION).cast("int").alias("cluster"),
        F.element_at(names, F.col(PREDICTION) + 1).alias("segment"))
    return SparkAssignments(frame, n)
