"""The Data page's record: what was read and each feature's statistics and histogram.

Both backends fill it the same way; they differ only in how the statistics are computed
(numpy over the rows here, aggregates in Spark).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .config import Config
from .run_records import DataSummary, FeatureSummary, Histogram
from .segments import feature_unit

HISTOGRAM_BINS = 30
Stats = dict[str, float]  # min, max, mean, std (ddof=1), median


def column_stats(values: np.ndarray) -> tuple[Stats, tuple[list[float], list[int]]]:
    """The statistics and the histogram of one column's values."""
    counts, edges = np.histogram(values, bins=HISTOGRAM_BINS)
    stats = {"min": float(values.min()), "max": float(values.max()),
             "mean": float(values.mean()), "std": float(values.std(ddof=1)),
             "median": float(np.median(values))}
    return stats, (edges.tolist(), counts.tolist())


def summarise(config: Config, table: Any, stats: dict[str, Stats],
              histograms: dict[str, tuple[list[float], list[int]]],
              clipped: dict[str, int]) -> DataSummary:
    """`table`: what was read, a Dataset or the Spark backend's table (the same fields)."""
    roles = {c: role for role, cols in config.roles.columns().items() for c in cols}
    features = [
        FeatureSummary(
            column=f.column, label=f.display, unit=feature_unit(f, config),
            role=roles.get(f.column), **stats[f.column],
            histogram=Histogram(*histograms[f.column]),
            transform=f.transform, clipped=clipped[f.column],
        )
        for f in config.features
    ]
    clip = config.preprocessing.clip_quantiles
    return DataSummary(
        source=table.source, format=table.format, sha256=table.sha256,
        n_input_rows=table.n_input_rows, n_rows=table.n_rows, n_dropped=table.n_dropped,
        id_column=config.data.id_column, features=features,
        planted_segments=table.planted_segments,
        notes=list(table.notes), size_bytes=table.size_bytes,
        clip_quantiles=list(clip) if clip else None, sql=getattr(table, "sql", None),
    )
