"""`spark.path`: a table only Spark reads (a Parquet file, a folder of parts, a glob, or a URI
such as `s3a://` or `hdfs://`), for `clustering.backend: spark`."""

from __future__ import annotations

import glob
import hashlib
import os
from pathlib import Path

from ..config import Config
from ..errors import DataError
from .base import Dataset, NotebookNeeds, SparkInput
from .files import spark_format


def local_files(path: str) -> list[Path]:
    """The local files a (local) Spark path stands for: a file, a folder's data files, a glob."""
    found = []
    for match in sorted(glob.glob(path)) or [path]:
        p = Path(match)
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found += sorted(f for f in p.rglob("*")
                            if f.is_file() and not f.name.startswith(("_", ".")))
    return found


class SparkPathSource:
    """The customer table at `spark.path`, read where it is by Spark."""

    backends = frozenset({"spark"})
    refusal = "spark.path is read by Spark only; set clustering.backend: spark"

    def __init__(self, config: Config):
        self.config = config
        self.options = config.spark
        self.path = config.spark.path

    def load(self) -> Dataset:
        raise DataError(f"{self.path}: {self.refusal}")

    def fingerprint(self) -> str:
        """The names, sizes and modification times of a local path's files (reading them
        would cost as much as the analysis); a remote path is never taken from the cache."""
        if self.options.is_uri:
            return f"uncached:{os.urandom(8).hex()}"
        digest = hashlib.sha256()
        for f in local_files(self.path):
            stat = f.stat()
            digest.update(f"{f}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return "listing:" + digest.hexdigest()

    def description(self) -> str:
        return self.path if self.options.is_uri else Path(self.path).name

    def input_files(self) -> list[Path]:
        return [] if self.options.is_uri else local_files(self.path)

    def notebook_needs(self) -> NotebookNeeds:
        return NotebookNeeds(spark_path=self.description())  # read by Spark, where it is

    def row_count(self) -> int | None:
        return None  # Spark reads it where it is

    def spark_input(self) -> SparkInput:
        files = () if self.options.is_uri else tuple(local_files(self.path))
        return SparkInput(shown=self.description(), where=self.path, path=self.path,
                          format=spark_format(self.path, self.options.format),
                          local_files=files)
