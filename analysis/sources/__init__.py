"""Where customer data comes from: files (CSV, Parquet), a database (sql/), the synthetic
generator, and for Spark a path only Spark reads; each implements `base.Source`, and every
source's rows pass the same data rules (`rules`).

`source_for(config)` is the one place a source is chosen, and where a source the configured
backend cannot read is refused, before any work.
"""

from __future__ import annotations

from ..config import Config
from ..errors import DataError
from .base import Dataset, NotebookNeeds, Source, SparkInput

__all__ = ["Dataset", "NotebookNeeds", "Source", "SparkInput", "load_dataset", "source_for",
           "shown_database_url"]


def source_for(config: Config) -> Source:
    """The configured source; a DataError when the configured backend cannot read it."""
    backend = config.clustering.backend
    if config.reads_spark_path:
        from .spark_path import SparkPathSource

        source, name = SparkPathSource(config), "spark.path"
    elif config.data.source == "sql":
        from .sql import SqlSource

        source, name = SqlSource(config), "data.source: sql"
    elif config.data.source == "file":
        from .files import FileSource

        source, name = FileSource(config), "data.source: file"
    else:
        from .synthetic import SyntheticSource

        source, name = SyntheticSource(config), "data.source: synthetic"
    if backend not in source.backends:
        raise DataError(f"{name} cannot be clustered with clustering.backend: {backend}: "
                        f"{source.refusal}")
    return source


def load_dataset(config: Config) -> Dataset:
    """The configured rows, read and validated on this machine."""
    return source_for(config).load()


def shown_database_url(url: str) -> str:
    """A database URL as messages show it: the password and secret-looking values hidden."""
    from .sql.url import redact

    return redact(url)
