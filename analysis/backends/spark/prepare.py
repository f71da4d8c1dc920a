"""The clustering space on Spark: each feature's transform, optional quantile clipping and the
MLlib scaler matching `preprocessing.scaler` (as analysis.preprocess does locally), and the
bounded uniform sample of it that the driver computes silhouettes and refits on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...config import Config
from .table import QUANTILE_ERROR, SparkTable

DRIVER_SAMPLE_SEED_OFFSET = 3  # the driver sample's seed is random_state + 3


@dataclass
class Unscaler:
    """A fitted MLlib scaler's inverse, shaped like scikit-learn's `inverse_transform`, so
    `preprocess.centres_in_original_units` takes centres back the same way on both paths."""

    scale: np.ndarray | None  # None: scaler `none`, the space is not scaled
    shift: np.ndarray | None

    def inverse_transform(self, centres) -> np.ndarray:
        centres = np.asarray(centres, np.float64)
        return centres if self.scale is None else centres * self.scale + self.shift


@dataclass
class Prepared:
    frame: object  # cached: the table's columns and `features` (the scaled vector)
    scaler: Unscaler  # scaled centres -> the transformed (clipped) feature space
    clipped: dict[str, int]  # values clipped per column (0 without clipping)
    n_rows: int
    # (low, high) per feature in the transformed space; None without clipping (the published
    # model clips new rows to them: analysis.model)
    clip_bounds: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class DriverSample:
    z: np.ndarray  # rows × features in the clustering space, float64
    features: pd.DataFrame  # the same rows in the features' own units


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
    bounds, clip_bounds = config.preprocessing.clip_quantiles, None
    if bounds is not None:
        limits = frame.approxQuantile(space, list(bounds), QUANTILE_ERROR)
        clip_bounds = tuple(np.array(side, np.float64) for side in zip(*limits, strict=True))
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
    if name == "none":
        scaled, unscaler = assembled.withColumnRenamed("_space", "features"), Unscaler(None, None)
    else:
        scaler = {
            "standard": StandardScaler(withMean=True, withStd=True),
            "minmax": MinMaxScaler(),
            "robust": RobustScaler(withCentering=True, withScaling=True),
        }[name].setInputCol("_space").setOutputCol("features")
        model = scaler.fit(assembled)
        scaled, unscaler = model.transform(assembled), _unscaler(name, model)
    cached = scaled.select(*table.frame.columns, "features").persist(StorageLevel.MEMORY_AND_DISK)
    return Prepared(cached, unscaler, clipped, table.n_rows, clip_bounds)


def _unscaler(name: str, model) -> Unscaler:
    """The inverse of a fitted MLlib scaler, from its own statistics."""
    if name == "standard":
        return Unscaler(np.array(model.std.toArray()), np.array(model.mean.toArray()))
    if name == "minmax":  # MLlib maps [min, max] to [0, 1]
        low, high = np.array(model.originalMin.toArray()), np.array(model.originalMax.toArray())
        return Unscaler(high - low, low)
    # robust: (x - median) / interquartile range
    return Unscaler(np.array(model.range.toArray()), np.array(model.median.toArray()))


def driver_sample(frame, n: int, config: Config) -> DriverSample:
    """A uniform sample of at most max(silhouette.sample_size, stability.max_rows) rows (all
    rows when the table is no larger than silhouette.exact_max_rows), on the driver."""
    opts = config.clustering
    size = n if n <= opts.silhouette.exact_max_rows else min(
        n, max(opts.silhouette.sample_size, opts.stability.max_rows))
    return collect_sample(frame, n, size, opts.random_state + DRIVER_SAMPLE_SEED_OFFSET,
                          config.feature_columns)


def collect_sample(frame, n: int, size: int, seed: int, features: list[str]) -> DriverSample:
    """A uniform sample of `size` of the `n` rows (all of them when size >= n) on the driver:
    the clustering space, and the `features` in their own units."""
    from pyspark.ml.functions import vector_to_array

    columns = [vector_to_array("features").alias("_z"), *features]
    if size < n:  # Bernoulli sample with a margin, trimmed to `size` on the driver
        fraction = min(1.0, size / n * 1.05 + 10 / n + 5 * math.sqrt(size) / n)
        frame = frame.sample(False, fraction, seed)
    rows = frame.select(*columns).toPandas()
    if len(rows) > size:
        keep = np.sort(np.random.default_rng(seed).choice(len(rows), size=size, replace=False))
        rows = rows.iloc[keep].reset_index(drop=True)
    z = np.ascontiguousarray(np.stack(rows.pop("_z").to_numpy()).astype(np.float64))
    return DriverSample(z, rows.astype(np.float64))
