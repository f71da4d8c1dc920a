"""K-Means passes over all rows on Spark: the chosen model scored from per-cluster sums
computed in Spark (inertia, Calinski–Harabasz, Davies–Bouldin, contingency tables and their
ARI), and MLlib's refine of the chosen K from given centres. Only K × d numbers per pass reach
the driver; the sweep is fitted and scored on the driver (analysis.pipeline)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ...metrics import indices_from_aggregates

PREDICTION = "cluster"


@dataclass
class Scores:
    """A partition of all rows, scored from per-cluster sums computed in Spark."""

    counts: np.ndarray  # rows per cluster
    z_sums: np.ndarray  # k × d sums of the scaled features
    z_squares: np.ndarray  # k × d sums of their squares
    inertia: float  # around the model's centres
    ch: float
    db: float
    extra: dict  # per-cluster extra aggregates asked for (name -> array)


@dataclass
class Fitted:
    model: object  # pyspark.ml KMeansModel (predicts into the `cluster` column)
    seconds: float
    n_iter: int
    cost: float  # trainingCost: sum of squared distances to the centres, on the fitted rows


def _mllib_model(spark, centres: np.ndarray):
    """MLlib's (JVM) KMeansModel with the given centres."""
    jvm, gateway = spark._jvm, spark.sparkContext._gateway
    mllib = jvm.org.apache.spark.mllib
    initial = gateway.new_array(mllib.linalg.Vector, len(centres))
    for i, centre in enumerate(centres):
        values = gateway.new_array(jvm.double, len(centre))
        for j, v in enumerate(centre):
            values[j] = float(v)
        initial[i] = mllib.linalg.Vectors.dense(values)
    return mllib.clustering.KMeansModel(initial)


def _ml_model(spark, mllib_model):
    """A `pyspark.ml` KMeansModel around an MLlib one: reads `features`, predicts `cluster`.
    The DataFrame API cannot take given centres, so models are made through the JVM."""
    from pyspark.ml.clustering import KMeansModel

    model = KMeansModel(spark._jvm.org.apache.spark.ml.clustering.KMeansModel(
        "kmeans-report", mllib_model))
    model._transfer_params_from_java()
    return model.setFeaturesCol("features").setPredictionCol(PREDICTION)


def model_from_centres(spark, centres: np.ndarray):
    """A model that assigns every row to the nearest of the given centres."""
    return _ml_model(spark, _mllib_model(spark, centres))


def refine(spark, frame, k: int, centres: np.ndarray, opts) -> Fitted:
    """MLlib's KMeans on all rows, started from the sample's best centres (as the local
    large-data path refines), through `KMeans.setInitialModel` on the cached feature column."""
    jvm = spark._jvm
    start = time.perf_counter()
    rows = jvm.org.apache.spark.ml.util.DatasetUtils.columnToOldVector(frame._jdf, "features")
    fitted = (jvm.org.apache.spark.mllib.clustering.KMeans().setK(k)
              .setMaxIterations(opts.max_iter).setSeed(opts.random_state)
              .setInitialModel(_mllib_model(spark, centres)).run(rows))
    return Fitted(_ml_model(spark, fitted), time.perf_counter() - start,
                  int(fitted.numIter()), float(fitted.trainingCost()))


def centres_of(model) -> np.ndarray:
    return np.array([np.asarray(c, np.float64) for c in model.clusterCenters()])


def nearest(Z: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Nearest centre of each driver-sample row (what MLlib's predict gives), as int32."""
    d = (Z**2).sum(1)[:, None] - 2 * Z @ centres.T + (centres**2).sum(1)[None, :]
    return d.argmin(axis=1).astype(np.int32)


def score(frame, model, k: int, extra: dict | None = None) -> Scores:
    """Two passes over all rows: per-cluster count, sums and sums of squares of the scaled
    features (plus any `extra` aggregates), then distances to the cluster means (for
    Davies–Bouldin). The definitions are scikit-learn's, as in analysis.scale."""
    import pyspark.sql.functions as F
    from pyspark.ml.functions import vector_to_array

    centres = centres_of(model)
    d = centres.shape[1]
    predicted = model.transform(frame).withColumn("_z", vector_to_array("features"))
    z = [F.col("_z")[j] for j in range(d)]
    extra = extra or {}
    aggregates = [F.count(F.lit(1)).alias("n")]
    aggregates += [F.sum(z[j]).alias(f"s{j}") for j in range(d)]
    aggregates += [F.sum(z[j] * z[j]).alias(f"q{j}") for j in range(d)]
    aggregates += [expr.alias(f"x:{name}") for name, expr in extra.items()]
    rows = predicted.groupBy(PREDICTION).agg(*aggregates).collect()
    counts = np.zeros(k)
    sums, squares = np.zeros((k, d)), np.zeros((k, d))
    extras = {name: np.full(k, np.nan) for name in extra}
    for row in rows:
        c = row[PREDICTION]
        counts[c] = row["n"]
        sums[c] = [row[f"s{j}"] for j in range(d)]
        squares[c] = [row[f"q{j}"] for j in range(d)]
        for name in extra:
            extras[name][c] = row[f"x:{name}"] if row[f"x:{name}"] is not None else np.nan
    present = counts > 0
    means = centres.copy()
    means[present] = sums[present] / counts[present, None]
    spread = np.zeros(k)
    if int(present.sum()) >= 2:  # Davies–Bouldin's distances: a second pass over all rows
        table = F.array(*[F.array(*[F.lit(float(v)) for v in means[c]]) for c in range(k)])
        own = F.element_at(table, F.col(PREDICTION) + 1)
        distance = F.sqrt(sum((z[j] - own[j]) * (z[j] - own[j]) for j in range(d)))
        for row in predicted.groupBy(PREDICTION).agg(F.sum(distance).alias("t")).collect():
            spread[row[PREDICTION]] = row["t"]
    return _scores(centres, counts, sums, squares, spread, extras)


def _scores(centres: np.ndarray, counts: np.ndarray, sums: np.ndarray, squares: np.ndarray,
            spread: np.ndarray, extra: dict) -> Scores:
    """Inertia around the centres, CH and DB from a partition's per-cluster sums."""
    present = counts > 0
    means = centres.copy()
    means[present] = sums[present] / counts[present, None]
    # sum |x - c|^2 = sum |x|^2 - 2 c.sum x + n |c|^2, per cluster, in float64
    inertia = float((squares.sum(1) - 2 * (centres * sums).sum(1)
                     + counts * (centres**2).sum(1)).sum())
    within = float((squares.sum(1) - counts * (means**2).sum(1)).sum())
    ch, db = indices_from_aggregates(counts, sums, means, within, spread)
    return Scores(counts, sums, squares, max(inertia, 0.0), ch, db, extra)


def contingency(predicted, column: str, k: int) -> tuple[list[str], np.ndarray]:
    """Counts of each value of `column` (most frequent first) in each cluster, from Spark."""
    rows = predicted.groupBy(column, PREDICTION).count().collect()
    totals: dict[str, int] = {}
    for row in rows:
        totals[str(row[column])] = totals.get(str(row[column]), 0) + row["count"]
    order = sorted(totals, key=lambda v: (-totals[v], v))
    table = np.zeros((len(order), k), dtype=np.int64)
    index = {v: i for i, v in enumerate(order)}
    for row in rows:
        table[index[str(row[column])], row[PREDICTION]] += row["count"]
    return order, table


def ari_from_table(table: np.ndarray) -> float:
    """Adjusted Rand index from a contingency table (the formula scikit-learn uses)."""
    table = np.asarray(table, dtype=np.float64)
    n = table.sum()

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    index = pairs(table)
    rows, cols = pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))
