"""The Data page's numbers on Spark: each feature's summary and histogram, from the checked
table's aggregates (the local path computes the same from its frame in
`pipeline.summarise_data`)."""

from __future__ import annotations

import numpy as np

from .config import Config
from .pipeline import HISTOGRAM_BINS
from .run_records import DataSummary, FeatureSummary, Histogram
from .segments import feature_unit
from .spark_data import SparkTable


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
