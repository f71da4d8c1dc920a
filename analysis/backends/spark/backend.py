"""The Spark backend's passes over all rows (`clustering.backend: spark`), for the recipe in
analysis.pipeline: reading and checking the table in Spark, the clustering space, the Data
page's aggregates, bounded uniform samples for the driver (the silhouette's and the sweep's),
MLlib's refine of the chosen K from the sample's centres, the chosen model's scores and
aggregates from per-cluster sums, and the assignments, which Spark writes."""

from __future__ import annotations

import contextlib

import numpy as np

from ...config import Config
from ...errors import DataError
from ...progress import Progress
from ...run_records import DataSummary, SparkRun
from ...scale import SAMPLE_SEED_OFFSET, SCORE_SEED_OFFSET
from ...sources import Source
from ..base import Chosen, DriverRows, Refit, Scored, SweepRows
from .final import final_model
from .kmeans import Fitted, model_from_centres, nearest, refine
from .prepare import DRIVER_SAMPLE_SEED_OFFSET, Prepared, collect_sample, driver_sample, prepare
from .session import SparkError, first_line, start_session
from .summary import data_summary
from .table import SparkTable, read_customers


class SparkBackend:
    name = "spark"

    def __init__(self, config: Config, progress: Progress):
        self.config = config
        self.progress = progress
        self.spark = None

    @contextlib.contextmanager
    def session(self):
        # no master in the message: under spark-submit it is spark-submit's, known once started
        with self.progress.stage("spark", "Starting Spark"):
            self.spark = start_session(self.config.spark)
        try:
            yield
        except DataError:
            raise
        except Exception as exc:
            from pyspark.errors import PySparkException

            if isinstance(exc, PySparkException):  # a Spark failure on this data, not a bug
                raise SparkError(f"Spark failed: {first_line(exc)}") from None
            raise

    def load(self, source: Source) -> SparkTable:
        return read_customers(self.spark, self.config, source)

    def prepare(self, table: SparkTable) -> Prepared:
        return prepare(table, self.config)

    def summary(self, table: SparkTable, space: Prepared) -> DataSummary:
        return data_summary(table, self.config, space.clipped)

    def driver_rows(self, table: SparkTable, space: Prepared) -> DriverRows:
        sample = driver_sample(space.frame, table.n_rows, self.config)
        return DriverRows(sample.z, sample.features, len(sample.z) == table.n_rows)

    def sweep_rows(self, space: Prepared, driver: DriverRows, large: bool) -> SweepRows:
        opts = self.config.clustering
        n = space.n_rows
        if not large:  # every row to the driver (fewer than large_data.min_rows)
            rows = driver.z if driver.all_rows else collect_sample(
                space.frame, n, n, opts.random_state + SAMPLE_SEED_OFFSET, []).z
            return SweepRows(rows, None, None)
        # One uniform sample of twice the sweep sample's size, split at random in two
        # disjoint halves: the rows fitted on and the held-out rows every K is scored on.
        size = opts.large_data.sweep_sample_size
        both = collect_sample(space.frame, n, min(n, 2 * size),
                              opts.random_state + SAMPLE_SEED_OFFSET, []).z
        order = np.random.default_rng(opts.random_state + SCORE_SEED_OFFSET).permutation(len(both))
        half = min(size, len(both) // 2)
        return SweepRows(both[order[:half]], None, both[order[half:2 * half]])

    def refine(self, space: Prepared, k: int, centres: np.ndarray) -> Refit:
        fitted = refine(self.spark, space.frame, k, centres, self.config.clustering)
        return Refit(np.array([np.asarray(c, np.float64)
                               for c in fitted.model.clusterCenters()]),
                     fitted.n_iter, fitted.seconds, fitted)

    def driver_labels(self, space: Prepared, driver: DriverRows, model,
                      refit: Refit | None) -> np.ndarray:
        if refit is None:
            return model.predict(driver.z).astype(np.int32)
        return nearest(driver.z, refit.centres)

    def final(self, table: SparkTable, space: Prepared, k: int, model, refit: Refit | None,
              per_cluster_silhouette: dict[int, float]) -> Chosen:
        fitted = refit.handle if refit is not None else Fitted(
            model_from_centres(self.spark, model.cluster_centers_), 0.0, int(model.n_iter_),
            float(model.inertia_))
        final = final_model(self.config, table, space, fitted, k, per_cluster_silhouette)
        self.fitted, self.spark_silhouette = fitted, final.spark_silhouette
        s = final.scores
        score = Scored(s.inertia, s.ch, s.db, float(s.counts.min() / table.n_rows))
        return Chosen(score=score if refit is not None else None, profiles=final.profiles,
                      segments=final.segments, revenue=final.revenue,
                      comparison=final.comparison, planted_ari=final.planted_ari,
                      assignments=final.assignments)

    def run_record(self, table: SparkTable, driver: DriverRows) -> SparkRun:
        """What the Methods and Provenance pages say about Spark itself."""
        context = self.spark.sparkContext
        return SparkRun(
            version=self.spark.version,
            master=context.master,
            app_name=context.appName,
            default_parallelism=context.defaultParallelism,
            input_partitions=table.input_partitions,
            driver_sample_rows=len(driver.z),
            driver_sample_seed=self.config.clustering.random_state + DRIVER_SAMPLE_SEED_OFFSET,
            final_n_iter=self.fitted.n_iter,
            training_cost=self.fitted.cost,
            silhouette_squared_euclidean=self.spark_silhouette,
        )

    def matrix_dtype(self, space: Prepared) -> str:
        return "float64"
