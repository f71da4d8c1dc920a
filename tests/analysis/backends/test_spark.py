"""The Spark backend against the local path, on the same planted table read as a folder of
Parquet parts: same K, the same segments (ARI), the same Results schema, assignments written
by Spark, and the Methods / Provenance pages naming Spark. One shared local Spark session
(tests/conftest.py); small tables keep it quick."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score

from kmeans_report.analysis.config import load_config
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.analysis.results import Results
from kmeans_report.analysis.sources.generate import make_customers
from kmeans_report.report.analysis_step import write_analysis
from kmeans_report.report.cli import main
from kmeans_report.report.context import SiteInfo, build_context
from kmeans_report.report.templating import make_environment
from tests.helpers import hash_tree

ROWS, SEGMENTS = 12_000, 4
FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]
# Small samples and few refits keep the test quick; mode "on" takes the sampled path on both.
CLUSTERING = {
    "k_max": 6, "n_init": 3, "chosen_k": "auto",
    "large_data": {"mode": "on", "sweep_sample_size": 4_000},
    "silhouette": {"exact_max_rows": 1_500, "sample_size": 1_500},
    "stability": {"max_rows": 1_500, "n_reseeds": 2, "n_bootstrap": 2},
}


def write_config(folder: Path, backend: str, **extra) -> Path:
    body = {
        "data": {"source": "file", "path": "customers.parquet", "id_column": "customer_id"},
        "features": [{"column": c} for c in FEATURES],
        "roles": {"spending": "annual_spending", "frequency": "visit_frequency"},
        "clustering": {**CLUSTERING, "backend": backend},
        **extra,
    }
    path = folder / f"{backend}.yml"
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The same planted table twice: one Parquet file (local path), a folder of parts (Spark)."""
    folder = tmp_path_factory.mktemp("spark-data")
    for out, parts in ((folder / "customers.parquet", False), (folder / "parts", True)):
        make_customers(out, ROWS, planted_segments=SEGMENTS, chunk_rows=3_000, parts=parts)
    return folder


@pytest.fixture(scope="module")
def runs(planted, spark_session):
    """(local results, local assignments, Spark results, Spark output folder)."""
    local = run_analysis(load_config(write_config(planted, "sklearn")))
    config = load_config(write_config(planted, "spark", spark={"path": "parts/*.parquet"}))
    spark = run_analysis(config)
    out = planted / "spark-out"
    write_analysis(spark, out)
    return local.results, local.assignments, Results.load(out / "results.json"), out


def test_spark_finds_the_same_segments_as_the_local_path(runs):
    local, local_assign, spark, out = runs
    assert spark.run.backend == "spark" and local.run.backend == "sklearn"
    assert spark.selection.chosen_k == local.selection.chosen_k == SEGMENTS
    theirs = pd.read_parquet(out / "assignments.parquet")
    joined = local_assign.merge(theirs, on="customer_id", suffixes=("_local", "_spark"))
    assert len(joined) == ROWS
    assert adjusted_rand_score(joined.cluster_local, joined.cluster_spark) >= 0.99
    local_sizes = sorted(p.size for p in local.profiles)
    spark_sizes = sorted(p.size for p in spark.profiles)
    assert np.allclose(spark_sizes, local_sizes, rtol=0.01)
    # Spark's scaler divides by n - 1: inertia differs by (n - 1) / n, nothing more.
    assert spark.final_inertia == pytest.approx(local.final_inertia, rel=0.01)
    assert abs(spark.quality.silhouette - local.quality.silhouette) < 0.03
    assert spark.final.silhouette_se is not None and spark.final.silhouette_sample_size == 1_500
    assert spark.stability.planted_ari is None  # a file's planted column is not a true label
    assert spark.roi.total_revenue == pytest.approx(local.roi.total_revenue, rel=1e-9)


def test_assignments_are_a_parquet_folder_with_one_row_per_customer(runs):
    *_, spark, out = runs
    folder = out / "assignments.parquet"
    assert folder.is_dir() and len(list(folder.glob("part-*.parquet"))) >= 1
    assert not list(folder.glob(".*.crc"))
    table = pd.read_parquet(folder)
    assert list(table.columns) == ["customer_id", "cluster", "segment"]
    assert len(table) == ROWS and table.customer_id.is_unique
    assert set(table.customer_id) == set(range(1, ROWS + 1))
    names = {s.cluster: s.name for s in spark.segments}
    assert (table.segment == table.cluster.map(names)).all()
    assert table.groupby("cluster").size().to_dict() == {p.cluster: p.size for p in spark.profiles}


def _shape(value):
    """The schema of a JSON value: keys and types, list items by their first element."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


def test_results_json_has_the_local_paths_schema(runs):
    local, _, spark, out = runs
    local_shape, spark_shape = _shape(local.to_dict()), _shape(spark.to_dict())
    spark_run = spark_shape["run"].pop("spark")
    for shape in (local_shape, spark_shape):
        shape["run"].pop("seconds")  # wall time per step: the steps differ by backend
    local_shape["run"].pop("spark")
    assert spark_shape["run"] == local_shape["run"]
    for key in local_shape:
        if key not in ("run", "config", "provenance"):
            assert spark_shape[key] == local_shape[key], key
    assert set(spark_run) == {f.name for f in dataclasses.fields(type(spark.run.spark))}
    assert spark.run.spark.master == "local[2]" and spark.run.spark.driver_sample_rows == 1_500
    assert spark.provenance.packages["pyspark"] == spark.run.spark.version.split("-")[0]
    # Spark's own silhouette is recorded under its own name, and it is not the reported one.
    assert spark.run.spark.silhouette_squared_euclidean > spark.quality.silhouette
    assert Results.load(out / "results.json").to_dict() == spark.to_dict()


def render(results, name: str) -> str:
    site = SiteInfo(engine="pandoc", engine_version="test", citation={}, releases=[], downloads=[])
    context = build_context(results, {}, site)
    text = make_environment().get_template(f"sections/{name}.md.j2").render(target="html", **context)
    return " ".join(text.replace("\\", "").split())


def test_methods_and_provenance_name_spark(runs):
    local, _, spark, _ = runs
    version = spark.run.spark.version
    methods = render(spark, "methods")
    assert f"Apache Spark {version}" in methods and "master local[2]" in methods
    assert "uniform random sample of **1,500 customers** (seed 45)" in methods
    assert "on the same 1,500 customers (the driver sample" in methods
    assert "*squared* Euclidean" in methods and "folder of Parquet parts" in methods
    provenance = render(spark, "provenance")
    assert f"| Spark version | {version} |" in provenance
    assert "| Spark master | local[2] |" in provenance
    assert "Apache Spark MLlib" in provenance
    assert "Spark" not in render(local, "methods") and "Spark" not in render(local, "provenance")


def test_bad_spark_input_is_one_paragraph(planted, spark_session, capsys):
    """A missing path and a text column, through the CLI: exit 2, the path or column named."""
    frame = pd.read_parquet(planted / "customers.parquet")
    frame["loyalty_years"] = frame["loyalty_years"].map("{:.1f} years".format)
    frame.to_parquet(planted / "texty.parquet")
    cases = {"nowhere/*.parquet": "nowhere/*.parquet: no such file, folder or glob (spark.path)",
             "texty.parquet": "texty.parquet: column 'loyalty_years' has type string, not numbers"}
    for path, expected in cases.items():
        config = write_config(planted, "spark", spark={"path": path})
        before = hash_tree(planted)
        code = main(["-q", "analyze", "--config", str(config), "--out", str(planted / "bad")])
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.startswith("kmeans-report: error: ") and expected in err
        assert "Traceback" not in err and "\tat " not in err and len(err.strip().splitlines()) == 1
        assert hash_tree(planted) == before


def test_unreachable_master_fails_fast_without_a_stack_trace(tmp_path):
    """A fresh process (no active session): the master is checked before any JVM starts."""
    pytest.importorskip("pyspark", reason="PySpark is not installed: pip install 'kmeans-report[spark]'")
    config = write_config(tmp_path, "spark", spark={"master": "spark://127.0.0.1:9",
                                                   "path": "parts"})
    done = subprocess.run([sys.executable, "-m", "kmeans_report.report.cli", "-q", "analyze", "--config",
                           str(config), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("kmeans-report: error: spark.master 'spark://127.0.0.1:9': "
                                  "cannot reach 127.0.0.1:9")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_spark_submit_keeps_its_master_unless_the_config_names_another():
    """The session's master: the config's outside spark-submit (default local[*]); under
    spark-submit, spark-submit's (None: the builder leaves it alone), and a different one
    written in the config is refused, naming both."""
    from kmeans_report.analysis.backends.spark.session import SparkError, session_master
    from kmeans_report.analysis.config import validate_config

    def spark_options(**spark):
        return validate_config({"clustering": {"backend": "spark"}, "spark": spark}).spark

    assert session_master(spark_options(), None) == "local[*]"
    assert session_master(spark_options(master="yarn"), None) == "yarn"
    assert session_master(spark_options(), "yarn") is None
    assert session_master(spark_options(app_name="x"), "spark://head:7077") is None
    assert session_master(spark_options(master="yarn"), "yarn") is None
    with pytest.raises(SparkError, match=r"spark.master 'local\[\*\]' differs from the master "
                                         r"spark-submit gave \('yarn'\)"):
        session_master(spark_options(master="local[*]"), "yarn")


def test_outside_spark_submit_no_master_is_read_and_no_jvm_started(monkeypatch):
    pytest.importorskip("pyspark", reason="PySpark is not installed: pip install 'kmeans-report[spark]'")
    from pyspark import SparkContext

    from kmeans_report.analysis.backends.spark.session import submitted_master

    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setattr(SparkContext, "_ensure_initialized", pytest.fail)
    assert submitted_master() is None


def test_spark_settings_are_validated_up_front(tmp_path):
    from kmeans_report.analysis.config import validate_config
    from kmeans_report.analysis.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        validate_config({"clustering": {"backend": "spark"}, "spark": {"master": "", "mastr": "x"}})
    text = str(caught.value)
    assert "spark.mastr: unknown key; did you mean 'master'?" in text
    assert "spark.master: String should have at least 1 character" in text
    with pytest.raises(ConfigError, match="minibatch is not available with clustering.backend: spark"):
        validate_config({"clustering": {"backend": "spark", "algorithm": "minibatch"}})
    config = validate_config({"clustering": {"backend": "spark"},
                              "spark": {"path": "s3a://bucket/customers/*.parquet"},
                              "features": [{"column": "spend"}]})
    assert config.public_dict()["spark"]["path"] == "s3a://bucket/customers/*.parquet"


def test_the_spark_model_assigns_the_published_rows_as_spark_did(runs, planted):
    """results.json records the Spark model (MLlib scaler, approximate clipping bounds, MLlib
    centres): assign gives every customer the cluster Spark gave it."""
    from kmeans_report.analysis.model.apply import assign_dataset
    from kmeans_report.analysis.model.document import portable_model

    _, _, spark, out = runs
    assert spark.model is not None and spark.model.scaler == spark.run.scaler
    assigned = assign_dataset(portable_model(out), planted / "customers.parquet")
    theirs = pd.read_parquet(out / "assignments.parquet")
    joined = assigned.merge(theirs, on="customer_id", suffixes=("_assign", "_spark"))
    assert len(joined) == ROWS
    assert (joined.cluster_assign == joined.cluster_spark).all()


def test_spark_bins_a_log_scale_feature_as_the_local_path_does(spark_session):
    """A feature clustered on log1p or asinh is binned on that scale by both backends."""
    from kmeans_report.analysis.backends.spark.summary import histograms
    from kmeans_report.analysis.data_summary import column_stats

    rng = np.random.default_rng(3)
    values = np.round(np.exp(rng.normal(6, 1.2, 2_000)), 2)
    frame = pd.DataFrame({"log": values, "asinh": values - 300, "plain": values})
    transforms = {"log": "log1p", "asinh": "asinh", "plain": "none"}
    local = {c: column_stats(frame[c].to_numpy(), t) for c, t in transforms.items()}
    spark = histograms(spark_session.createDataFrame(frame),
                       {c: stats for c, (stats, _) in local.items()}, transforms)
    for column, (_, (edges, counts)) in local.items():
        assert np.allclose(spark[column][0], edges)
        # a value on a bin edge may fall either side of it in floating point
        assert np.abs(np.subtract(spark[column][1], counts)).max() <= 1, column
        assert sum(spark[column][1]) == len(values)
