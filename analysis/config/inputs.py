"""The customer table: where it is read from (`data:`, `spark:`) and what its columns are
(`features:`, `roles:`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .fields import RowCount, Seed, Strict

SYNTHETIC_COLUMNS = ("annual_spending", "visit_frequency", "avg_transaction", "loyalty_years")


class CsvOptions(Strict):
    delimiter: Literal["auto", ",", ";", "\t", "|"] = "auto"
    """The character between fields (a tab is written "\\t"); `auto`: whichever of these the
    header line holds most often."""
    encoding: str = "utf-8"
    """The text encoding of the file, any name Python knows (utf-8, latin-1, cp1252, ...). A
    UTF-8 byte-order mark is skipped."""

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise ValueError(f"unknown text encoding {value!r}") from exc
        return value


class SyntheticOptions(Strict):
    n_customers: RowCount = 1000
    """How many customers the synthetic data set holds."""
    seed: Seed = 42
    """Random seed of the generator (42 with 1,000 customers reproduces the notebook's data)."""
    planted_segments: Annotated[int, Field(ge=2, le=12)] | None = None
    """Draw the customers around this many real segments (their true labels are kept, so the
    report can show how well K-Means recovers them); null: the notebook's distributions."""


class SqlOptions(Strict):
    """A database table or query (data.source: sql); see analysis.sources.sql.read."""

    url: Annotated[str, Field(min_length=1)]
    """SQLAlchemy 2 URL of the database, e.g. `duckdb:///customers.duckdb` (a relative path is
    relative to the config file) or `postgresql+psycopg://user:${PGPASSWORD}@host/db`.
    `${VAR}` is read from the environment when connecting; a password written into the URL
    is refused."""
    query: Annotated[str, Field(min_length=1)] | None = None
    """A SELECT whose rows are the customers (give it an ORDER BY for a stable order). Exactly
    one of `query` and `table`."""
    table: Annotated[str, Field(min_length=1)] | None = None
    """A table (or view) whose rows are the customers, read ordered by `data.id_column` when
    there is one. Exactly one of `query` and `table`."""

    @model_validator(mode="after")
    def _one_source_no_secret(self) -> SqlOptions:
        from ..sources.sql.url import literal_password

        if (self.query is None) == (self.table is None):
            raise ValueError("data.sql needs exactly one of query or table")
        if literal_password(self.url):
            raise ValueError(
                "data.sql.url holds a password; write it as ${VARIABLE} (e.g. "
                "postgresql+psycopg://user:${PGPASSWORD}@host/db) and set it in the "
                "environment, so it is never published with the report"
            )
        return self

    @property
    def duckdb_file(self) -> str | None:
        """The database file of a `duckdb:///path` URL, as written (None for other URLs)."""
        from ..sources.sql.url import duckdb_file

        return duckdb_file(self.url)


class DataConfig(Strict):
    source: Literal["synthetic", "file", "sql"] = "synthetic"
    """Where the customer table comes from: `synthetic` (the notebook's generated customers),
    `file` (the CSV or Parquet file `data.path` names) or `sql` (a database, `data.sql`)."""
    path: Path | None = None
    """The CSV or Parquet file of `source: file`, relative to the config file."""
    format: Literal["auto", "csv", "parquet"] = "auto"
    """The file's format; `auto`: from its extension (.csv, .tsv, .txt; .parquet, .pq)."""
    id_column: str | None = None
    """A column identifying each customer: every value present and unique. It is carried into
    the assignments; without it customers are numbered by row."""
    compare_with: str | None = None
    """A label column the segments are compared with (e.g. a sales channel); never a
    feature."""
    missing: Literal["fail", "drop"] = "fail"
    """Rows whose feature values are empty, NaN, infinite or too large: `fail` names them and
    stops; `drop` leaves them out and the Data page counts them. Text in a numeric column is
    an error either way."""
    csv: CsvOptions = CsvOptions()
    """How a CSV file is read."""
    synthetic: SyntheticOptions = SyntheticOptions()
    """The generated data of `source: synthetic`."""
    sql: SqlOptions | None = None
    """The database table or query of `source: sql` (needs `pip install -e '.[sql]'`)."""

    @model_validator(mode="after")
    def _path_matches_source(self) -> DataConfig:
        if self.source == "file" and self.path is None:
            raise ValueError("data.path is required when data.source is 'file'")
        if self.source == "sql" and self.sql is None:
            raise ValueError("data.sql (url and query or table) is required when data.source is 'sql'")
        return self


class SparkOptions(Strict):
    """Apache Spark for `clustering.backend: spark` (analysis.backends.spark)."""

    master: Annotated[str, Field(min_length=1)] = "local[*]"
    """The Spark master: `local[*]`, `local[N]`, `spark://HOST:PORT`, `yarn` or
    `k8s://https://HOST:PORT`. A standalone or Kubernetes master is checked for an answer
    first. An active session (a notebook's) is used as it is; under spark-submit its master
    is kept (set this only to the same value)."""
    app_name: Annotated[str, Field(min_length=1)] = "kmeans-report"
    """The Spark application's name."""
    conf: dict[str, str | int | float | bool] = {}
    """Extra Spark settings, passed to the session as given (e.g. `spark.driver.memory: 4g`)."""
    path: Annotated[str, Field(min_length=1)] | None = None
    """Any path Spark reads: a Parquet file, a folder of Parquet parts, a glob, `hdfs://`,
    `s3a://`, ... (passed to Spark untouched; a relative local path is relative to the config
    file); null: the table `data:` names."""
    format: Literal["auto", "parquet", "csv"] = "auto"
    """The format of `spark.path`; `auto`: csv when the path ends in .csv, else Parquet."""

    @property
    def is_uri(self) -> bool:
        return self.path is not None and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", self.path) is not None


class Feature(Strict):
    column: Annotated[str, Field(min_length=1)]
    """The column of the customer table (numbers only)."""
    label: str | None = None
    """The name shown in the report; null: the column name."""
    unit: str = ""
    """The unit values are shown with: free text (`days`, `orders/year`), or a money unit
    (`€`, or `k$` for a column counting thousands of dollars) that shows the values as
    amounts. Spending columns are shown in `roi.currency` whatever this says."""
    transform: Literal["none", "log1p", "asinh"] = "none"
    """Applied before scaling, for clustering only (profiles stay in original units):
    `log1p` for skewed non-negative amounts, `asinh` for skewed values of either sign."""

    @property
    def display(self) -> str:
        return self.label or self.column


SINGLE_ROLES = ("frequency", "recency", "transaction", "loyalty")


class Roles(Strict):
    """Which feature plays which business role in insights and ROI; every role is optional.

    `spending` is one column or a list of spend columns (spend = their per-customer sum,
    revenue = the sum over customers); without it the report has no revenue and no ROI.
    `recency` is the time since the last purchase: lower is more recent (a high value
    means a lapsed customer, not a strong one).
    """

    spending: str | Annotated[list[str], Field(min_length=1)] | None = None
    """The spend column, or a list of them (spend is their sum per customer, revenue their
    total). Without it the report has no revenue and no ROI figures."""
    frequency: str | None = None
    """The visit or purchase frequency column (insights; the notebook's segment rules)."""
    recency: str | None = None
    """The time since the customer's last purchase (e.g. days); lower is more recent.
    Segment names and actions read it that way round (recent, lapsed, win-back)."""
    transaction: str | None = None
    """The average transaction size column (insights)."""
    loyalty: str | None = None
    """The customer tenure column, e.g. years as a customer (insights)."""

    @property
    def spending_columns(self) -> list[str]:
        if self.spending is None:
            return []
        return [self.spending] if isinstance(self.spending, str) else list(self.spending)

    def columns(self) -> dict[str, list[str]]:
        """Role -> the feature columns it names (spending may name several)."""
        out = {"spending": self.spending_columns}
        for role in SINGLE_ROLES:
            value = getattr(self, role)
            out[role] = [value] if value is not None else []
        return {role: cols for role, cols in out.items() if cols}
