"""What a backend supplies to the recipe (analysis.pipeline): the passes over all rows.

Everything that works on a bounded sample (the sweep's fits, the choice of K, silhouette,
stability, the algorithm comparison, chart points) is the recipe's, on the driver, with
scikit-learn, whatever the backend. A backend reads and checks the table, prepares and
scales it, summarises it for the Data page, hands the driver its rows (and the sweep's
samples), refines the chosen K from given centres on all rows, scores it there, and describes
the chosen model (profiles, segments, revenue, comparisons) and its assignments from all rows.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..results import Comparison
from ..run_records import DataSummary, SparkRun
from ..sources import Source


@dataclass
class Scored:
    """A set of centres scored on all rows (the definitions are scikit-learn's)."""

    inertia: float  # around the centres
    calinski_harabasz: float
    davies_bouldin: float
    smallest_share: float  # of the rows, in the smallest cluster (0 for an empty one)


@dataclass
class DriverRows:
    """The rows the driver holds: all of them on one machine, a uniform sample on Spark."""

    z: np.ndarray  # the clustering space
    features: pd.DataFrame  # the same rows in the features' own units
    all_rows: bool  # the whole table, in its order
    true_labels: np.ndarray | None = None  # planted segments of these rows, when known


@dataclass
class SweepRows:
    """The rows the sweep is fitted and scored on, on the driver, float64: every row of a
    table below the large-data threshold (fitted and scored on all of them), else the sweep
    sample and a held-out uniform sample of as many other rows that every K is scored on."""

    fit: np.ndarray
    fit_index: np.ndarray | None  # positions of `fit` in DriverRows when those are all rows
    scored: np.ndarray | None  # the held-out sample (None: scored on `fit`, all rows)


@dataclass
class Refit:
    """The chosen K refined on all rows from given centres."""

    centres: np.ndarray
    n_iter: int
    seconds: float
    handle: Any  # what the same backend's `final` needs of it (labels, an MLlib model)


@dataclass
class Chosen:
    """The chosen model described from all rows."""

    score: Scored
    profiles: list
    segments: list
    revenue: float | None  # the configured spend over all customers
    comparison: Comparison | None  # against data.compare_with
    planted_ari: float | None  # against planted segments, on all rows
    assignments: Any  # a DataFrame, or an object that writes them (write_into(folder))


class Backend(Protocol):
    name: str  # clustering.backend

    def session(self) -> AbstractContextManager[None]:
        """Where the passes run (a Spark session), and their failures as DataErrors."""

    def load(self, source: Source) -> Any:
        """The table, read and checked by the data rules (`n_rows`, `sha256` and the
        fields a `DataSummary` takes)."""

    def prepare(self, table) -> Any:
        """The clustering space: transforms, clipping and the scaler (`clipped` per column;
        `scaler` and `clip_bounds`, which the published model records: analysis.model)."""

    def summary(self, table, space) -> DataSummary:
        """The Data page: each feature's statistics and histogram."""

    def driver_rows(self, table, space) -> DriverRows: ...

    def sweep_rows(self, space, driver: DriverRows, large: bool) -> SweepRows: ...

    def refine(self, space, k: int, centres: np.ndarray) -> Refit: ...

    def driver_labels(self, space, driver: DriverRows, model, refit: Refit | None) -> np.ndarray:
        """The chosen model's cluster of each driver row (`model`: the sweep's scikit-learn
        fit of the chosen K; `refit`: its refinement on all rows, for large tables)."""

    def final(self, table, space, k: int, model, refit: Refit | None,
              per_cluster_silhouette: dict[int, float]) -> Chosen:
        """The chosen model from all rows; with a `refit`, its scores on all rows too (a set
        of centres scored: inertia, and the per-cluster sums behind CH and DB)."""

    def run_record(self, table, driver: DriverRows) -> SparkRun | None:
        """What Methods and Provenance say about where it ran (None: this machine); asked
        after `final`."""

    def matrix_dtype(self, space) -> str: ...
