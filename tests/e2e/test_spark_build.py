"""`kmeans-report build` with `clustering.backend: spark` on planted data: the same segments as
the local path, a site whose Methods and Provenance name Spark, and the assignments as a
folder of Parquet parts; then the analysis on `local-cluster[2,1,1024]` (two executor JVMs in
their own processes), which shows nothing depends on state local to the driver."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from kmeans_report.analysis.config import load_config
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.analysis.results import Results
from kmeans_report.analysis.sources.generate import make_customers
from kmeans_report.report.cli import main
from tests.analysis.backends.test_spark import SEGMENTS, write_config

pytestmark = pytest.mark.e2e
ROWS = 8_000
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-build")
    make_customers(folder / "customers.parquet", ROWS, planted_segments=SEGMENTS, chunk_rows=2_000)
    make_customers(folder / "parts", ROWS, planted_segments=SEGMENTS, chunk_rows=2_000, parts=True)
    local = run_analysis(load_config(write_config(folder, "sklearn")))
    return folder, local


def page_text(path: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(text.replace("&amp;", "&").split())


def test_spark_build_matches_the_local_path(data, spark_session, capsys):
    folder, local = data
    config = write_config(folder, "spark", spark={"path": "parts"})
    site = folder / "site"
    code = main(["-q", "build", "--config", str(config), "--engine", "pandoc", "--out", str(site),
                 "--cache-dir", str(folder / "cache")])
    assert code == 0, capsys.readouterr().err
    results = Results.load(site / "downloads" / "results.json")
    assert results.run.backend == "spark"
    assert results.selection.chosen_k == local.results.selection.chosen_k == SEGMENTS
    parts = site / "downloads" / "assignments.parquet"
    assert parts.is_dir() and (parts / "_index.html").is_file()
    spark = pd.read_parquet(parts)
    assert len(spark) == ROWS and spark.customer_id.is_unique
    joined = local.assignments.merge(spark, on="customer_id", suffixes=("_l", "_s"))
    assert adjusted_rand_score(joined.cluster_l, joined.cluster_s) >= 0.99
    assert sorted(spark.groupby("cluster").size()) == sorted(p.size for p in results.profiles)
    version = results.run.spark.version
    methods = page_text(site / "methods.html")
    assert f"The analysis ran on Apache Spark {version}" in methods
    assert "MLlib), master local[2], application kmeans-report-tests" in methods
    assert "uniform random sample of 1,500 customers (seed 45)" in methods
    assert "own silhouette" in methods and "squared Euclidean distances" in methods
    provenance = page_text(site / "provenance.html")
    assert f"Spark version {version}" in provenance and "Spark master local[2]" in provenance
    downloads = page_text(site / "downloads.html")
    assert "folder of" in downloads and "Parquet part files written by Spark" in downloads
    assert "assignments.csv" not in (site / "downloads.html").read_text(encoding="utf-8")
    assert (site / "downloads" / "report.pdf").stat().st_size > 10_000


def test_local_cluster_gives_the_same_segments(data, spark_session, tmp_path):
    """Two executor JVMs: the driver holds no data the executors need. A fresh process,
    because one Python process holds one SparkContext (`spark_session` only makes the test
    skip where Spark cannot run)."""
    folder, local = data
    config = write_config(folder, "spark", spark={"path": "parts",
                                                  "master": "local-cluster[2,1,1024]"})
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "kmeans_report.report.cli", "-q", "analyze", "--config",
                           str(config), "--out", str(out)], cwd=REPO, capture_output=True,
                          text=True, timeout=900)
    if done.returncode != 0 and "local-cluster" in done.stderr:
        pytest.skip(f"this PySpark cannot run local-cluster here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    results = Results.load(out / "results.json")
    assert results.run.spark.master == "local-cluster[2,1,1024]"
    assert results.selection.chosen_k == local.results.selection.chosen_k
    spark = pd.read_parquet(out / "assignments.parquet")
    joined = local.assignments.merge(spark, on="customer_id", suffixes=("_l", "_s"))
    assert len(joined) == ROWS
    assert adjusted_rand_score(joined.cluster_l, joined.cluster_s) >= 0.99
