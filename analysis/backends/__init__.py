"""The passes over all rows, per backend (base.Backend): local/ (numpy and scikit-learn, one
machine) and spark/ (DataFrames and MLlib, where the data is). The recipe (analysis.pipeline)
runs everything that works on a bounded sample on the driver, whatever the backend.
`backend_for(config)` is the one place a backend is chosen."""

from __future__ import annotations

from ..config import Config
from ..progress import Progress
from .base import Backend


def backend_for(config: Config, progress: Progress) -> Backend:
    if config.clustering.backend == "spark":  # PySpark is imported only on this path
        from .spark.backend import SparkBackend

        return SparkBackend(config, progress)
    from .local.backend import LocalBackend

    return LocalBackend(config)
