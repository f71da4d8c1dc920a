"""The Data page's numbers on Spark: each feature's summary and histogram, from the checked
table's aggregates (the local path computes the same from its frame in
`backends.local.backend`); both fill the record through `data_summary.summarise`)."""

from __future__ import annotations

import numpy as np

from ...config import Config
from ...data_summary import HISTOGRAM_BINS, original_edges, summarise
from ...preprocess import TRANSFORMS
from ...run_records import DataSummary
from .table import SparkTable


def data_summary(table: SparkTable, config: Config, clipped: dict[str, int]) -> DataSummary:
    transforms = {f.column: f.transform for f in config.features}
    hist = histograms(table.frame, table.stats, transforms)
    return summarise(config, table, table.stats, hist, clipped)


def histograms(frame, stats: dict[str, dict[str, float]], transforms: dict[str, str]):
    """np.histogram's equal-width bins over each column's range, counted in Spark; on a
    transformed column's clustering scale (log1p, asinh), as the local path bins them."""
    import pyspark.sql.functions as F

    spark_transforms = {"none": lambda c: c, "log1p": F.log1p, "asinh": F.asinh}
    features = list(transforms)
    out = {}
    bins = []
    ranges = {}
    for c in features:
        to_scale = TRANSFORMS[transforms[c]] or (lambda v: v)
        lo, hi = (float(to_scale(stats[c][k])) for k in ("min", "max"))
        ranges[c] = lo, hi
        width = (hi - lo) / HISTOGRAM_BINS
        column = spark_transforms[transforms[c]](F.col(c))
        bins.append(F.least(F.floor((column - lo) / width), F.lit(HISTOGRAM_BINS - 1))
                    .cast("int").alias(c))
    binned = frame.select(*bins)
    stacked = binned.select(F.explode(F.array(*[
        F.struct(F.lit(i).alias("f"), F.col(c).alias("b")) for i, c in enumerate(features)
    ])).alias("x")).groupBy("x.f", "x.b").count().collect()
    counts = np.zeros((len(features), HISTOGRAM_BINS), dtype=np.int64)
    for f, b, count in stacked:
        counts[f, b] = count
    for i, c in enumerate(features):
        edges = np.linspace(*ranges[c], HISTOGRAM_BINS + 1)
        out[c] = (original_edges(edges, transforms[c]).tolist(), counts[i].tolist())
    return out
