"""Results -> formatted facts of how the analysis ran: parameters, algorithms, silhouette
sampling, the large-data path, the backend and provenance (Methods and Provenance pages)."""

from __future__ import annotations

from typing import Any

from kmeans_report.analysis.results import Results

from .formatting import number, score

ALGORITHM_NAMES = {"lloyd": "Lloyd (KMeans)", "minibatch": "Mini-Batch K-Means"}


def run_facts(r: Results) -> dict[str, Any]:
    """The parameters the analysis actually used."""
    return {
        "scaler": r.run.scaler,
        "init": r.run.init,
        "n_init": str(r.run.n_init),
        "max_iter": str(r.run.max_iter),
        "random_state": str(r.run.random_state),
        "algorithm": r.run.algorithm,
        "batch_size": number(r.run.minibatch_batch_size),
        "exact_max_rows": number(r.run.silhouette_exact_max_rows),
        "sample_size": number(r.run.silhouette_sample_size),
        "sweep_rows": number(r.run.sweep_rows),
        "seconds_total": number(sum(r.run.seconds.values()), 2) if r.run.seconds else None,
    }


def algorithm_rows(r: Results) -> list[dict[str, Any]]:
    """The algorithms compared at the chosen K, and which one the report uses."""
    return [
        {
            "name": ALGORITHM_NAMES[a.algorithm],
            "seconds": number(a.fit_seconds, 3),
            "inertia": number(a.inertia, 1),
            "ari": score(a.ari_vs_final),
            "used": a.algorithm == r.run.algorithm,
        }
        for a in r.algorithms
    ]


def silhouette_sampling(r: Results) -> dict[str, Any]:
    """Whether the reported silhouette was measured on a sample, and its standard error."""
    if r.final.silhouette_sample_size is None:
        return {"sampled": False}
    return {"sampled": True, "size": number(r.final.silhouette_sample_size),
            "se": score(r.final.silhouette_se, 4)}


def provenance_facts(r: Results) -> dict[str, Any]:
    """What the report was built from and with."""
    return {
        "build_time": r.provenance.build_time,
        "data_sha256": r.provenance.data_sha256,
        "config_sha256": r.provenance.config_sha256,
        "seeds": r.provenance.random_seeds,
        "python": r.provenance.python,
        "platform": r.provenance.platform,
        "packages": r.provenance.packages,
        "git_commit": r.provenance.git_commit or "not a git checkout",
        "git_dirty": {True: "yes (uncommitted changes)", False: "no", None: "unknown"}[
            r.provenance.git_dirty
        ],
        "tool_version": r.provenance.tool_version,
    }


def backend(r: Results) -> dict[str, Any]:
    """Which backend ran, and on Spark where and what reached the driver (Methods, Provenance)."""
    spark = r.run.spark
    if r.run.backend != "spark" or spark is None:
        return {"spark": False, "name": "scikit-learn (this machine)",
                "comparison_rows": number(r.run.sweep_rows)}
    return {
        "spark": True,
        "name": f"Apache Spark {spark.version} (MLlib), master {spark.master}",
        "version": spark.version,
        "master": spark.master,
        "app_name": spark.app_name,
        "parallelism": str(spark.default_parallelism),
        "partitions": number(spark.input_partitions),
        "driver_rows": number(spark.driver_sample_rows),
        "driver_seed": str(spark.driver_sample_seed),
        "all_rows": spark.driver_sample_rows >= r.data.n_rows,
        "n_iter": str(spark.final_n_iter),
        "training_cost": number(spark.training_cost, 1),
        "squared_silhouette": score(spark.silhouette_squared_euclidean)
        if spark.silhouette_squared_euclidean is not None else None,
        "comparison_rows": number(spark.driver_sample_rows),
    }


def large_data(r: Results) -> dict[str, Any]:
    """What the large-data path sampled, for the Methods page (sampled: False otherwise)."""
    run = r.run
    if not run.large_data:
        return {"sampled": False}
    return {
        "sampled": True,
        "sweep_rows": number(run.sweep_rows),
        "seed": str(run.sweep_sample_seed),
        "refine_rows": number(run.refine_rows),
        "refine_n_iter": str(run.refine_n_iter),
        # the Ks scored on a held-out sample (else every K was scored on all rows)
        "scored_on_sample": any(row.score_sample_size is not None for row in r.sweep),
        "score_seed": str(run.score_sample_seed),
        "dtype": run.matrix_dtype,
        "min_rows": number(r.config["clustering"]["large_data"]["min_rows"]),
        "mode": r.config["clustering"]["large_data"]["mode"],
    }
