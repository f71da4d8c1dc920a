"""The customer table on Spark: reading what the source says Spark reads (a Spark path, the
`data:` file, or the synthetic rows) and checking it by the data rules every source passes
(analysis.sources.rules), with the numbers the rest of the analysis needs (aggregates only).

Every problem the user can fix (a missing path, a missing column or one of the wrong type,
missing values, bad ids) is one paragraph naming the path or column, never a JVM stack
trace: a `SparkError`, or the `DataError` a file gets for the same problem. PySpark is
imported inside the functions, so importing this module costs nothing on the scikit-learn
path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from ...config import Config
from ...sources import Source, SparkInput
from ...sources.files import check_header
from ...sources.rules import check_ids, check_table, missing_values
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
    planted_segments: int | None = None


def read_customers(spark, config: Config, source: Source) -> SparkTable:
    """Read, check and summarise the customer table in Spark (aggregates only)."""
    import pyspark.sql.functions as F

    features = config.feature_columns
    given = source.spark_input()
    if given.dataset is not None:  # rows made on the driver (the synthetic table)
        table = given.dataset.frame.astype(np.float64)
        if given.dataset.true_labels is not None:
            table[PLANTED] = given.dataset.true_labels
        frame, size = spark.createDataFrame(table), None
    else:
        raw = _read(spark, given.path, given.format, config, given.where)
        wanted = features + [c for c in (config.data.id_column, config.data.compare_with) if c]
        _check_columns(raw, wanted, features, given.where)
        columns = [F.col(f"`{c}`").cast("double").alias(c) for c in features]
        if config.data.id_column:
            columns.append(F.col(f"`{config.data.id_column}`").alias(ID))
        if config.data.compare_with:
            columns.append(F.coalesce(F.col(f"`{config.data.compare_with}`").cast("string"),
                                      F.lit("(missing)")).alias(COMPARE))
        frame = raw.select(*columns)
        size = sum(f.stat().st_size for f in given.local_files) if given.local_files else None
    planted = given.dataset.planted_segments if given.dataset is not None else None
    return _checked(frame, config, given, size, planted)


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
    """(frame, input rows, rows dropped, notes) under `data.missing` (the data rules')."""
    import pyspark.sql.functions as F

    features = config.feature_columns
    finite = {c: F.col(c).isNotNull() & ~F.isnan(c) & (F.abs(c) != float("inf"))
              for c in features}
    ok = F.lit(True)
    for c in features:
        ok = ok & finite[c]
    counts = frame.agg(F.count(F.lit(1)).alias("n"), F.sum((~ok).cast("long")).alias("bad"),
                       *[F.sum((~finite[c]).cast("long")).alias(c) for c in features]).first()
    n_input, n_bad = int(counts["n"]), int(counts["bad"] or 0)
    if n_input == 0:
        raise SparkError(f"{where}: the table has no rows")
    note = missing_values(where, {c: int(counts[c] or 0) for c in features}, n_bad,
                          config.data.missing)
    if not n_bad:
        return frame, n_input, 0, []
    return frame.filter(ok), n_input, n_bad, [note]


def _checked(frame, config: Config, given: SparkInput, size: int | None,
             planted_segments: int | None) -> SparkTable:
    """Missing values, ids, row count, constant columns, transforms; the summary in one or
    two passes."""
    import pyspark.sql.functions as F

    features, where = config.feature_columns, given.where
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
        check_ids(where, config.data.id_column, int(row["null_ids"] or 0), n - int(row["ids"]))
    stats = {c: {k: float(row[f"{k}:{c}"] or 0.0) for k in ("min", "max", "mean", "std")}
             for c in features}
    check_table(where, n, {c: stats[c]["min"] for c in features},
                {c: stats[c]["max"] for c in features}, config)
    medians = frame.approxQuantile(features, [0.5], QUANTILE_ERROR)
    for c, (median,) in zip(features, medians, strict=True):
        stats[c]["median"] = float(median)
    digest = hashlib.sha256(f"{','.join(frame.columns)}\n{n}\n{row['hash']}".encode()).hexdigest()
    return SparkTable(frame=frame, source=given.shown, format=given.format,
                      n_input_rows=n_input, n_rows=n, sha256=digest, size_bytes=size,
                      input_partitions=frame.rdd.getNumPartitions(), stats=stats, notes=notes,
                      n_dropped=n_dropped, planted_segments=planted_segments)


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
