"""The Data page's numbers on Spark: each feature's summary and histogram, from the checked
table's aggregates (the local path computes the same from its frame in
`backends.local.backend`); both fill the record through `data_summary.summarise`)."""

from __future__ import annotations

import numpy as np

from ...config import Config
from ...data_summary import HISTOGRAM_BINS, summarise
from ...run_records import DataSummary
from .table import SparkTable


def data_summary(table: SparkTable, config: Config, clipped: dict[str, int]) -> DataSummary:
    hist = histograms(table.frame, table.stats, config.feature_columns)
    return summarise(config, table, table.stats, hist, clipped)


def histograms(frame, stats: dict[str, dict[str, float]], features: list[str]):
    """np.histogram's equal-width bins over each column's range, counted in Spark."""
    import pyspark.sql.functions as F

    out = {}
    bins = []
    for c in features:
        lo, hi = stats[c]["min"], stats[c]["max"]
        width = (hi - lo) / HISTOGRAM_BINS
        bins.append(F.least(F.floor((F.col(c) - lo) / width), F.lit(HISTOGRAM_BINS - 1))
                    .cast("int").alias(c))
    binned = frame.select(*bins)
    stacked = binned.select(F.explode(F.array(*[
        F.struct(F.lit(i).alias("f"), F.col(c).alias("b")) for i, c in enumerate(features)
    ])).alias("x")).groupBy("x.f", "x.b").count().collect()
    counts = np.zeros((len(features), HISTOGRAM_BINS), dtype=np.int64)
    for f, b, count in stacked:
        counts[f, b] = count
    for i, c in enumerate(features):
        edges = np.linspace(stats[c]["min"], stats[c]["max"], HISTOGRAM_BINS + 1)
        out[c] = (edges.tolist(), counts[i].tolist())
    return out
