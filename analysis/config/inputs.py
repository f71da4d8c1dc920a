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
    encoding: str = "utf-8"

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
    seed: Seed = 42
    planted_segments: Annotated[int, Field(ge=2, le=12)] | None = None


class SqlOptions(Strict):
    """A database table or query (data.source: sql); see analysis.sql_source."""

    # SQLAlchemy 2 URL; ${VAR} is taken from the environment when connecting.
    url: Annotated[str, Field(min_length=1)]
    query: Annotated[str, Field(min_length=1)] | None = None
    table: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_source_no_secret(self) -> SqlOptions:
        from ..sql_url import literal_password

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
        from ..sql_url import duckdb_file

        return duckdb_file(self.url)


class DataConfig(Strict):
    source: Literal["synthetic", "file", "sql"] = "synthetic"
    path: Path | None = None
    format: Literal["auto", "csv", "parquet"] = "auto"
    id_column: str | None = None
    # A label column the segments are compared with (e.g. a sales channel); never a feature.
    compare_with: str | None = None
    missing: Literal["fail", "drop"] = "fail"
    csv: CsvOptions = CsvOptions()
    synthetic: SyntheticOptions = SyntheticOptions()
    sql: SqlOptions | None = None

    @model_validator(mode="after")
    def _path_matches_source(self) -> DataConfig:
        if self.source == "file" and self.path is None:
            raise ValueError("data.path is required when data.source is 'file'")
        if self.source == "sql" and self.sql is None:
            raise ValueError("data.sql (url and query or table) is required when data.source is 'sql'")
        return self


class SparkOptions(Strict):
    """Apache Spark for `clustering.backend: spark` (analysis.spark_backend)."""

    master: Annotated[str, Field(min_length=1)] = "local[*]"
    app_name: Annotated[str, Field(min_length=1)] = "kmeans-report"
    # Extra Spark settings, passed to the session as given (e.g. spark.driver.memory: 4g).
    conf: dict[str, str | int | float | bool] = {}
    # Any path Spark reads: a Parquet file, a folder of Parquet parts, a glob, hdfs://,
    # s3a://, ... (passed through untouched); None: the table `data:` names.
    path: Annotated[str, Field(min_length=1)] | None = None
    format: Literal["auto", "parquet", "csv"] = "auto"  # auto: csv when the path ends in .csv

    @property
    def is_uri(self) -> bool:
        return self.path is not None and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", self.path) is not None


class Feature(Strict):
    column: Annotated[str, Field(min_length=1)]
    label: str | None = None
    # Free text ("days", "orders/year"); a money unit ("€", or "k$" for a column counting
    # thousands of dollars, see analysis.money) shows the values as amounts.
    unit: str = ""
    # Applied before scaling, for clustering only (profiles stay in original units):
    # log1p for skewed non-negative amounts, asinh for skewed values of either sign.
    transform: Literal["none", "log1p", "asinh"] = "none"

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
    frequency: str | None = None
    recency: str | None = None
    transaction: str | None = None
    loyalty: str | None = None

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
