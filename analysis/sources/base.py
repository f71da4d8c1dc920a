"""What every source gives the analysis and the report: the `Source` interface, the validated
rows it loads (`Dataset`), how Spark reads it (`SparkInput`) and what the Reproduce notebook
needs to read it again (`NotebookNeeds`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:  # annotations only: `build` asks a source its fingerprint without pandas
    import numpy as np
    import pandas as pd


@dataclass
class Dataset:
    """Validated customer features, ready to cluster."""

    frame: pd.DataFrame  # one column per configured feature, numeric, no NaN/inf
    ids: pd.Series | None  # customer ids, aligned with `frame`, or None
    source: str  # "synthetic" or the file name (never its folder: pages show this)
    format: str  # "synthetic", "csv", "parquet" or "sql"
    sha256: str  # of the input file bytes, or of the generated values or fetched rows
    n_input_rows: int
    n_dropped: int = 0
    dropped_reason: str = ""
    true_labels: np.ndarray | None = None  # planted segment of each row, when known
    compare_labels: pd.Series | None = None  # data.compare_with, aligned with `frame`
    size_bytes: int | None = None  # of the input file
    notes: list[str] = field(default_factory=list)
    sql: dict | None = None  # data.source: sql: redacted URL, query, its SHA-256, server, rows
    planted_segments: int | None = None  # segments the synthetic data was drawn around

    @property
    def n_rows(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class SparkInput:
    """What Spark reads: a path (any URI Spark understands) in a format, or rows made on the
    driver (the synthetic table, small by construction)."""

    shown: str  # as the pages show it: a URI as given, a local path by its name
    where: str  # as errors name it: the whole path
    path: str | None = None
    format: str = "parquet"  # parquet | csv | synthetic
    local_files: tuple[Path, ...] = ()  # the files a local path stands for (their size)
    dataset: Dataset | None = None  # rows made on the driver, instead of a path


@dataclass(frozen=True)
class NotebookNeeds:
    """What the Reproduce notebook needs to read the same data where a reader runs it."""

    files: tuple[Path, ...] = ()  # put beside the notebook: it reads them by their names
    file_sha256: str | None = None  # of the data file, stated so a reader can check it
    database: bool = False  # read through the configured database URL
    table: str | None = None  # the database table read (None: the configured query)
    database_file: str | None = None  # a DuckDB file's name, put beside the notebook
    environment: tuple[str, ...] = ()  # variables the database URL takes from the environment
    generated: bool = False  # the synthetic data, generated again from its seed
    spark_path: str | None = None  # read by Spark where it is (as the pages show it)


class Source(Protocol):
    """One kind of customer data (`data.source`, or `spark.path` for Spark)."""

    backends: ClassVar[frozenset[str]]  # clustering.backend values that can read it
    refusal: ClassVar[str]  # why another backend cannot, and what to do instead

    def load(self) -> Dataset:
        """The configured columns as validated rows on this machine."""

    def fingerprint(self) -> str:
        """The data's identity for the build cache (same data, same fingerprint)."""

    def description(self) -> str:
        """The data as the pages name it: a file's name, a redacted URL, `synthetic`."""

    def input_files(self) -> list[Path]:
        """Local files that hold the data (an output folder must never replace them)."""

    def notebook_needs(self) -> NotebookNeeds:
        """What the Reproduce notebook needs to read the data again."""

    def row_count(self) -> int | None:
        """The table's number of rows when it is known without reading the table (a Parquet
        file's metadata, the lines of a CSV file, the synthetic table's size); None when only
        reading it would tell."""

    def spark_input(self) -> SparkInput:
        """How Spark reads it (only asked when `backends` has spark)."""
