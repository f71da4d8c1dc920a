"""Published analyses to assign against: the notebook's default data as a CSV, and an own-data
table with ids, log1p transforms, quantile clipping and a robust scaler."""

from __future__ import annotations

import pytest

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.analysis.sources import load_dataset
from kmeans_report.report.analysis_step import write_analysis
from tests.tables import planted_lognormal


@pytest.fixture(scope="session")
def own_data(tmp_path_factory):
    """An own-data analysis with ids, log1p transforms, quantile clipping and a robust
    scaler: every step of the model is exercised. Returns (data file, analysis folder)."""
    folder = tmp_path_factory.mktemp("own")
    frame, _ = planted_lognormal(n=600)
    frame.insert(0, "client", [f"C{i:05d}" for i in range(len(frame))])
    data = folder / "clients.csv"
    frame.to_csv(data, index=False)
    config = validate_config({
        "data": {"source": "file", "path": str(data), "id_column": "client"},
        "features": [{"column": c, "transform": "log1p"}
                     for c in ("online_spend", "store_spend", "app_spend")],
        "preprocessing": {"scaler": "robust", "clip_quantiles": [0.01, 0.99]},
        "clustering": {"chosen_k": 3, "k_max": 5,
                       "stability": {"n_reseeds": 1, "n_bootstrap": 1}},
    })
    out = write_analysis(run_analysis(config), folder / "analysis")
    return data, out


@pytest.fixture(scope="session")
def default_files(default_config, default_output, tmp_path_factory):
    """The notebook's default data as a CSV, and its published analysis."""
    folder = tmp_path_factory.mktemp("default")
    data = folder / "customers.csv"
    load_dataset(default_config).frame.to_csv(data, index=False)
    return data, write_analysis(default_output, folder / "analysis")
