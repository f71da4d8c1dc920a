"""The Data page's record: what was read and each feature's statistics and histogram.

Both backends fill it the same way; they differ only in how the statistics are computed
(numpy over the rows here, aggregates in Spark).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .config import Config
from .preprocess import INVERSE_TRANSFORMS, TRANSFORMS
from .run_records import DataSummary, FeatureSummary, Histogram
from .segments import feature_unit

HISTOGRAM_BINS = 30
Stats = dict[str, float]  # min, max, mean, std (ddof=1), median


def column_stats(values: np.ndarray, transform: str = "none"
                 ) -> tuple[Stats, tuple[list[float], list[int]]]:
    """The statistics and the histogram of one column's values; the bins are of equal width
    on the feature's clustering scale (`transform`), their edges in its own units."""
    function = TRANSFORMS[transform]
    binned = values if function is None else function(values)
    counts, edges = np.histogram(binned, bins=HISTOGRAM_BINS)
    stats = {"min": float(values.min()), "max": float(values.max()),
             "mean": float(values.mean()), "std": float(values.std(ddof=1)),
             "median": float(np.median(values))}
    return stats, (original_edges(edges, transform).tolist(), counts.tolist())


def original_edges(edges: np.ndarray, transform: str) -> np.ndarray:
    """Bin edges on a transformed scale, back in the feature's units."""
    return edges if transform == "none" else INVERSE_TRANSFORMS[transform](edges)


def summarise(config: Config, table: Any, stats: dict[str, Stats],
              histograms: dict[str, tuple[list[float], list[int]]],
              clipped: dict[str, int]) -> DataSummary:
    """`table`: what was read, a Dataset or the Spark backend's table (the same fields)."""
    roles = {c: role for role, cols in config.roles.columns().items() for c in cols}
    features = [
        FeatureSummary(
            column=f.column, label=f.display, unit=feature_unit(f, config),
            role=roles.get(f.column), **stats[f.column],
            histogram=Histogram(*histograms[f.column], scale=f.transform),
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
