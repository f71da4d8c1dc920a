"""The customer table on Spark: reading it (a Spark path, the `data:` file, or the synthetic
table) and checking it, with the numbers the rest of the analysis needs (aggregates only).

Every problem the user can fix (a missing path, a missing column or one of the wrong type,
missing values, bad ids) is one paragraph naming the path or column, never a JVM stack
trace: a `SparkError`, or for a missing column the `DataError` a file gets. PySpark is
imported inside the functions, so importing this module costs nothing on the scikit-learn
path.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...config import Config, SparkOptions
from ...sources.files import check_header
from ...sources.rules import synthetic_dataset
from .session import SparkError, first_line

QUANTILE_ERROR = 1e-4  # relative rank error of Spark's approxQuantile (medians, clipping)
ID, COMPARE, PLANTED = "_id", "_compare", "_planted"  # internal column names


@dataclass
class SparkTable:
    """The customer table as Spark sees it, validated, with its summary numbers."""

    frame: object  # pyspark DataFrame: features (double), _id, [_compare], [_planted]
    source: str  # what the pages show: a file or folder name, or the URI as given
    format: str  # parquet | csv | synthetic
    n_input_rows: int
    n_rows: int
    sha256: str  # SHA-256 over the row count and an order-free hash of every row
    size_bytes: int | None
    input_partitions: int
    stats: dict[str, dict[str, float]]  # column -> min, max, mean, std, median
    notes: list[str] = field(default_factory=list)
    n_dropped: int = 0


def _spark_format(config: Config) -> tuple[str, str]:
    """(path, format) Spark reads: `spark.path` as given, or the file `data.path` names."""
    opts = config.spark
    path = opts.path if opts.path is not None else str(config.data.path)
    fmt = opts.format if opts.path is not None else config.data.format
    if fmt == "auto":
        fmt = "csv" if path.lower().rstrip("/").endswith(".csv") else "parquet"
    return path, fmt


def _shown(path: str, config: Config) -> str:
    """A path as the pages show it: a URI as given, a local path by its name only."""
    return path if config.spark.is_uri else Path(path).name


def local_files(path: str) -> list[Path]:
    """The local files a (local) Spark path stands for: a file, a folder's data files, a glob."""
    import glob

    found = []
    for match in sorted(glob.glob(path)) or [path]:
        p = Path(match)
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found += sorted(f for f in p.rglob("*")
                            if f.is_file() and not f.name.startswith(("_", ".")))
    return found


def listing_fingerprint(opts: SparkOptions) -> str:
    """The data's identity for the build cache without reading it: the names, sizes and
    modification times of a local path's files; a remote path is never taken from the cache."""
    if opts.is_uri:
        return f"uncached:{os.urandom(8).hex()}"
    digest = hashlib.sha256()
    for f in local_files(opts.path):
        stat = f.stat()
        digest.update(f"{f}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return "listing:" + digest.hexdigest()


def read_customers(spark, config: Config) -> SparkTable:
    """Read, check and summarise the customer table in Spark (aggregates only)."""
    import pyspark.sql.functions as F

    features = config.feature_columns
    if config.data.source == "synthetic" and not config.reads_spark_path:
        frame, source, fmt, size = _synthetic(spark, config)
        where = "synthetic data"
    else:
        path, fmt = _spark_format(config)
        source, where = _shown(path, config), path  # errors name the whole path
        raw = _read(spark, path, fmt, config, where)
        wanted = features + [c for c in (config.data.id_column, config.data.compare_with) if c]
        _check_columns(raw, wanted, features, where)
        columns = [F.col(f"`{c}`").cast("double").alias(c) for c in features]
        if config.data.id_column:
            columns.append(F.col(f"`{config.data.id_column}`").alias(ID))
        if config.data.compare_with:
            columns.append(F.coalesce(F.col(f"`{config.data.compare_with}`").cast("string"),
                                      F.lit("(missing)")).alias(COMPARE))
        frame = raw.select(*columns)
        size = sum(f.stat().st_size for f in local_files(path)) if not config.spark.is_uri else None
    return _checked(spark, frame, config, source, fmt, size, where)


def _synthetic(spark, config: Config):
    dataset = synthetic_dataset(config)
    table = dataset.frame.astype(np.float64)
    if dataset.true_labels is not None:
        table[PLANTED] = dataset.true_labels
    return spark.createDataFrame(table), "synthetic", "synthetic", None


def _read(spark, path: str, fmt: str, config: Config, where: str):
    from pyspark.errors import PySparkException

    try:
        reader = spark.read.format(fmt)
        if fmt == "csv":
            delimiter = config.data.csv.delimiter
            reader = reader.options(header="true", inferSchema="true",
                                    encoding=config.data.csv.encoding,
                                    sep="," if delimiter == "auto" else delimiter)
        return reader.load(path)
    except PySparkException as exc:
        message = first_line(exc)
        if "PATH_NOT_FOUND" in message or "does not exist" in message:
            raise SparkError(f"{where}: no such file, folder or glob (spark.path)") from None
        raise SparkError(f"{where}: Spark cannot read it as {fmt}: {message}") from None


def _check_columns(raw, wanted: list[str], features: list[str], where: str) -> None:
    """The wanted columns are there (named as a file's are, by data's own check), and the
    features are numbers."""
    from pyspark.sql.types import BooleanType, NumericType

    types = {f.name: f.dataType for f in raw.schema.fields}
    check_header(where, list(types), wanted)
    for column in features:
        kind = types[column]
        if not isinstance(kind, NumericType) or isinstance(kind, BooleanType):
            raise SparkError(f"{where}: column {column!r} has type {kind.simpleString()}, "
                             "not numbers; features must be numeric columns")


def _without_missing(frame, config: Config, where: str):
    """(frame, input rows, rows dropped, notes) under `data.missing`: rows with a missing or
    infinite feature fail the run, or are dropped with a note (the local path's wording)."""
    import pyspark.sql.functions as F

    features = config.feature_columns
    finite = {c: F.col(c).isNotNull() & ~F.isnan(c) & (F.abs(c) != float("inf"))
              for c in features}
    counts = frame.agg(F.count(F.lit(1)).alias("n"),
                       *[F.sum((~finite[c]).cast("long")).alias(c) for c in features]).first()
    n_input = int(counts["n"])
    if n_input == 0:
        raise SparkError(f"{where}: the table has no rows")
    bad = {c: int(counts[c] or 0) for c in features if counts[c]}
    if not bad:
        return frame, n_input, 0, []
    summary = ", ".join(f"{c}: {n}" for c, n in bad.items())
    ok = F.lit(True)
    for c in features:
        ok = ok & finite[c]
    n_bad = frame.filter(~ok).count()
    if config.data.missing == "fail":
        raise SparkError(f"{where}: {n_bad} row(s) have missing or infinite values "
                         f"({summary}); clean the data or set data.missing: drop")
    return (frame.filter(ok), n_input, n_bad,
            [f"{n_bad} row(s) dropped for missing or infinite values ({summary})"])


def _checked(spark, frame, config: Config, source, fmt, size, where) -> SparkTable:
    """Missing values, ids, row count, constant columns, transforms; the summary in one or
    two passes."""
    import pyspark.sql.functions as F

    features = config.feature_columns
    frame, n_input, n_dropped, notes = _without_missing(frame, config, where)
    if ID not in frame.columns:
        frame = with_row_numbers(frame)
    # One pass: the numbers of the Data page, the id checks and an order-free content hash.
    row_hash = F.xxhash64(*[F.col(c) for c in frame.columns]).cast("decimal(38,0)")
    aggregates = [F.count(F.lit(1)).alias("n"), F.sum(row_hash).alias("hash")]
    if config.data.id_column:
        aggregates += [F.count_distinct(ID).alias("ids"),
                       F.sum(F.col(ID).isNull().cast("long")).alias("null_ids")]
    for c in features:
        aggregates += [F.min(c).alias(f"min:{c}"), F.max(c).alias(f"max:{c}"),
                       F.mean(c).alias(f"mean:{c}"), F.stddev_samp(c).alias(f"std:{c}")]
    row = frame.agg(*aggregates).first()
    n = int(row["n"])
    if config.data.id_column:
        column = config.data.id_column
        if row["null_ids"]:
            raise SparkError(f"{where}: id column {column!r} is empty in {row['null_ids']} row(s)")
        if row["ids"] != n:
            raise SparkError(f"{where}: id column {column!r} has {n - row['ids']} duplicate id(s)")
    if n < config.clustering.k_max:
        raise SparkError(f"{where}: {n} usable row(s), fewer than the largest K "
                         f"(clustering.k_max = {config.clustering.k_max})")
    stats = {c: {k: float(row[f"{k}:{c}"] or 0.0) for k in ("min", "max", "mean", "std")}
             for c in features}
    constant = [c for c in features if stats[c]["min"] == stats[c]["max"]]
    if constant:
        raise SparkError(f"{where}: column(s) {', '.join(map(repr, constant))} have the same "
                         "value in every row and cannot separate customers; remove them from features")
    for feature in config.features:
        if feature.transform == "log1p" and stats[feature.column]["min"] <= -1:
            raise SparkError(f"{where}: column {feature.column!r} has values down to "
                             f"{stats[feature.column]['min']:g}; transform: log1p needs values "
                             "above -1 (use asinh for values of either sign)")
    medians = frame.approxQuantile(features, [0.5], QUANTILE_ERROR)
    for c, (median,) in zip(features, medians, strict=True):
        stats[c]["median"] = float(median)
    digest = hashlib.sha256(f"{','.join(frame.columns)}\n{n}\n{row['hash']}".encode()).hexdigest()
    return SparkTable(frame=frame, source=source, format=fmt, n_input_rows=n_input, n_rows=n,
                      sha256=digest, size_bytes=size,
                      input_partitions=frame.rdd.getNumPartitions(), stats=stats, notes=notes,
                      n_dropped=n_dropped)


def with_row_numbers(frame):
    """Row numbers 0..n-1 in the table's read order, as the local path numbers rows without
    an id column; computed in the JVM from per-partition counts (no single-partition window)."""
    import pyspark.sql.functions as F

    tagged = frame.withColumn("_part", F.spark_partition_id()).withColumn(
        "_mono", F.monotonically_increasing_id())
    sizes = dict(tagged.groupBy("_part").count().collect())
    offsets, total = {}, 0
    for part in sorted(sizes):
        offsets[part], total = total, total + sizes[part]
    offset = F.element_at(F.create_map(*[x for p, o in offsets.items()
                                          for x in (F.lit(p), F.lit(o))]), F.col("_part"))
    # monotonically_increasing_id is (partition << 33) + position within the partition
    position = F.col("_mono") - F.shiftleft(F.col("_part").cast("long"), 33)
    return tagged.withColumn(ID, offset + position).drop("_part", "_mono")
