"""What went into an analysis and how it ran: the data summary, the run's parameters, the
Spark session and the provenance. Parts of `analysis.results.Results`, kept apart from the
findings (sweep, segments, ROI) so each module holds one kind of record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Histogram:
    edges: list[float]  # bin edges, in the feature's own units
    counts: list[int]
    # The scale the bins are of equal width on: the feature's clustering transform (none |
    # log1p | asinh), so a feature clustered on a log scale is drawn on it too.
    scale: str = "none"


@dataclass(frozen=True)
class FeatureSummary:
    column: str
    label: str
    unit: str
    role: str | None  # spending | frequency | transaction | loyalty | None
    min: float
    max: float
    mean: float
    std: float
    median: float
    histogram: Histogram
    transform: str = "none"  # none | log1p | asinh, applied before scaling
    clipped: int = 0  # values clipped to preprocessing.clip_quantiles


@dataclass(frozen=True)
class DataSummary:
    source: str  # "synthetic" or the file's name (never its folder)
    format: str  # synthetic | csv | parquet
    sha256: str
    n_input_rows: int
    n_rows: int
    n_dropped: int
    id_column: str | None
    features: list[FeatureSummary]
    planted_segments: int | None
    notes: list[str]
    size_bytes: int | None = None  # of the input file
    clip_quantiles: list[float] | None = None  # preprocessing.clip_quantiles, when used
    # data.source: sql: redacted URL, table or query, the SQL run and its SHA-256, rows
    # fetched, server version (see analysis.sources.sql.read.provenance)
    sql: dict[str, Any] | None = None


@dataclass(frozen=True)
class RunInfo:
    """How the analysis was run: the parameters actually used (for the Methods page)."""

    scaler: str
    init: str
    n_init: int
    max_iter: int
    random_state: int
    algorithm: str
    k_values: list[int]
    silhouette_exact_max_rows: int
    silhouette_sample_size: int
    minibatch_batch_size: int
    sweep_rows: int  # rows the sweep was fitted on
    seconds: dict[str, float]  # wall time per step
    # The large-data path (analysis.scale); defaults describe the notebook's path.
    large_data: bool = False  # sweep fitted on a uniform sample, chosen K refined on all rows
    sweep_sample_seed: int | None = None  # seed of the sweep sample (None: all rows)
    score_sample_seed: int | None = None  # seed of the held-out sample each K is scored on
    refine_rows: int | None = None  # rows the chosen K was refined on (None: not refined)
    refine_n_iter: int | None = None  # iterations of the refining run
    matrix_dtype: str = "float64"  # dtype of the scaled matrix K-Means ran on
    backend: str = "sklearn"  # clustering.backend that ran: sklearn | spark
    spark: SparkRun | None = None  # how Spark ran (backend spark only)


@dataclass(frozen=True)
class SparkRun:
    """Where and how the Spark backend ran, and what reached the driver (Methods page)."""

    version: str  # Apache Spark version of the session
    master: str  # the session's master URL (e.g. local[2], spark://host:7077, yarn)
    app_name: str
    default_parallelism: int
    input_partitions: int  # partitions of the customer table as read
    driver_sample_rows: int  # uniform sample collected to the driver (silhouette, stability, charts)
    driver_sample_seed: int
    final_n_iter: int  # MLlib iterations of the reported model
    training_cost: float  # the reported model's trainingCost (sum of squared distances)
    # Spark's ClusteringEvaluator silhouette: squared Euclidean distance, all rows; not the
    # Euclidean silhouette reported everywhere else.
    silhouette_squared_euclidean: float | None = None


@dataclass(frozen=True)
class Provenance:
    data_sha256: str
    config_sha256: str
    random_seeds: dict[str, int]
    python: str
    platform: str
    packages: dict[str, str]
    git_commit: str | None
    git_dirty: bool | None
    build_time: str  # ISO 8601, UTC; honours SOURCE_DATE_EPOCH
    tool_version: str
