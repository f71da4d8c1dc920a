"""The local backend's passes (`clustering.backend: sklearn`): every pass over all rows with
numpy and scikit-learn on this machine, which holds the whole table (so the driver's rows are
all rows, and the notebook's path stays exact)."""

from __future__ import annotations

import contextlib
import time

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from ... import scale
from ...assembly import compare
from ...cluster import smallest_share
from ...config import Config
from ...data_summary import column_stats, summarise
from ...preprocess import Prepared, centres_in_original_units, prepare
from ...run_records import DataSummary
from ...segments import build_segments, cluster_profiles
from ...sources import Dataset, Source
from ..base import Chosen, DriverRows, Refit, Scored, SweepRows


class LocalBackend:
    name = "sklearn"

    def __init__(self, config: Config):
        self.config = config
        self.labels: np.ndarray | None = None  # the chosen model's cluster of every row
        self.predict_seconds = 0.0

    def session(self):
        return contextlib.nullcontext()

    def load(self, source: Source) -> Dataset:
        return source.load()

    def prepare(self, table: Dataset) -> Prepared:
        # float32 halves memory and time on the large path; the notebook's path stays float64.
        large = self.config.clustering.use_large_path(table.n_rows)
        return prepare(table.frame, self.config, np.float32 if large else np.float64)

    def summary(self, table: Dataset, space: Prepared) -> DataSummary:
        columns = {f.column: column_stats(table.frame[f.column].to_numpy(), f.transform)
                   for f in self.config.features}
        return summarise(self.config, table, {c: s for c, (s, _) in columns.items()},
                         {c: h for c, (_, h) in columns.items()}, space.clipped)

    def driver_rows(self, table: Dataset, space: Prepared) -> DriverRows:
        return DriverRows(space.matrix, table.frame, True, table.true_labels)

    def sweep_rows(self, space: Prepared, driver: DriverRows, large: bool) -> SweepRows:
        X = space.matrix
        if not large:
            return SweepRows(X, None, None)
        opts = self.config.clustering
        index = scale.sweep_sample_index(len(X), opts.large_data.sweep_sample_size,
                                         opts.random_state)
        held_out = scale.score_sample_index(len(X), index, len(index), opts.random_state)
        # float64: the samples are small, and scikit-learn's k-means++ runs faster on float64
        # than on float32, which it converts block by block for every distance it computes.
        return SweepRows(X[index].astype(np.float64), index, X[held_out].astype(np.float64))

    def refine(self, space: Prepared, k: int, centres: np.ndarray) -> Refit:
        refined = scale.refine(space.matrix, k, centres, self.config.clustering)
        return Refit(refined.model.cluster_centers_, int(refined.model.n_iter_),
                     refined.seconds, refined)

    def driver_labels(self, space: Prepared, driver: DriverRows, model,
                      refit: Refit | None) -> np.ndarray:
        start = time.perf_counter()
        self.labels = (refit.handle.labels if refit is not None
                       else model.predict(space.matrix).astype(np.int32))
        self.predict_seconds = time.perf_counter() - start
        return self.labels

    def final(self, table: Dataset, space: Prepared, k: int, model, refit: Refit | None,
              per_cluster_silhouette: dict[int, float]) -> Chosen:
        config, X, labels = self.config, space.matrix, self.labels
        chosen = refit.handle.model if refit is not None else model
        centres = centres_in_original_units(space, chosen.cluster_centers_, config)
        spend_columns = config.roles.spending_columns
        spend = table.frame[spend_columns].sum(axis=1) if spend_columns else None
        profiles = cluster_profiles(table.frame, labels, centres, per_cluster_silhouette,
                                    spend_columns)
        segments = build_segments(profiles, table.frame, X, labels, config, spend)
        if refit is not None:
            inertia, ch, db = scale.score_partition(X, labels, chosen.cluster_centers_)
            score = Scored(inertia, ch, db, smallest_share(labels, k))
        else:
            score = None  # the sweep's row for this K describes it
        return Chosen(
            score=score, profiles=profiles, segments=segments,
            revenue=float(spend.sum()) if spend is not None else None,
            comparison=compare(table, labels, k),
            planted_ari=(float(adjusted_rand_score(table.true_labels, labels))
                         if table.true_labels is not None else None),
            assignments=_assignments(table, labels, segments, config))

    def run_record(self, table: Dataset, driver: DriverRows) -> None:
        return None

    def matrix_dtype(self, space: Prepared) -> str:
        return str(space.matrix.dtype)


def _assignments(table: Dataset, labels: np.ndarray, segments: list,
                 config: Config) -> pd.DataFrame:
    """Id (the user's column name, or row numbers as `customer_id`), cluster and segment."""
    ids = table.ids if table.ids is not None else pd.RangeIndex(len(labels)).to_series()
    return pd.DataFrame({
        (config.data.id_column or "customer_id"): ids.to_numpy(),
        "cluster": labels,
        # categorical: one small dictionary instead of a string object per customer
        "segment": pd.Categorical.from_codes(
            labels, [s.name for s in sorted(segments, key=lambda s: s.cluster)]),
    })
