"""A database as a customer table (`data.source: sql`): its URL (url), connecting and the
driver's errors (connect), reading the configured rows (read), writing a table (write)."""

from __future__ import annotations

from pathlib import Path

from ...config import Config
from ..base import Dataset, NotebookNeeds, SparkInput
from .url import VARIABLE, duckdb_file, expand, public_url


class SqlSource:
    """`data.source: sql`: the configured table or query, fetched once per build (a database
    has no file to hash: its identity is the SHA-256 of the rows)."""

    backends = frozenset({"sklearn"})
    refusal = ("Spark reads files where they are, not rows through this machine's database "
               "connection; export the table (for example to Parquet) and set spark.path to "
               "it, or use clustering.backend: sklearn")

    def __init__(self, config: Config):
        self.config = config
        self.options = config.data.sql
        self._dataset: Dataset | None = None

    def load(self) -> Dataset:
        if self._dataset is None:
            from .read import sql_dataset

            self._dataset = sql_dataset(self.config)
        return self._dataset

    def fingerprint(self) -> str:
        return "sql:" + self.load().sha256

    def description(self) -> str:
        return public_url(self.options.url)

    def input_files(self) -> list[Path]:
        database = duckdb_file(self.options.url)
        return [Path(database)] if database else []

    def notebook_needs(self) -> NotebookNeeds:
        url = self.options.url
        database = duckdb_file(url)
        files = (Path(expand(url).database),) if database else ()
        return NotebookNeeds(files=files, database=True, table=self.options.table,
                             database_file=Path(database).name if database else None,
                             environment=tuple(sorted(set(VARIABLE.findall(url)))))

    def row_count(self) -> int | None:
        return None  # only a query would tell, and it may cost as much as the read

    def spark_input(self) -> SparkInput:
        raise NotImplementedError(self.refusal)  # refused by `source_for` before any work
