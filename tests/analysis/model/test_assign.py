"""`kmeans-report assign` and model.json: published rows get exactly their published labels,
bad input exits 2 with one paragraph and writes nothing."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest

from kmeans_report.analysis.model.document import SCHEMA_PATH, model_document
from kmeans_report.analysis.results import Results
from kmeans_report.report.cli import main


def test_model_json_is_valid_and_complete(default_results):
    document = model_document(default_results)
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [f["column"] for f in document["features"]] == [
        f["column"] for f in default_results.config["features"]]
    assert document["features"][0]["center"] == pytest.approx(30898.954, abs=1e-3)  # mean spend
    assert len(document["segments"]) == default_results.selection.chosen_k
    assert [s["name"] for s in document["segments"]] == [
        s.name for s in sorted(default_results.segments, key=lambda s: s.cluster)]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_assign_reproduces_the_default_assignments(default_files, tmp_path, suffix, capsys):
    data, analysis = default_files
    out = tmp_path / f"assigned{suffix}"
    assert main(["assign", "--model", str(analysis / "results.json"), str(data),
                 "--out", str(out)]) == 0
    assigned = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    published = pd.read_parquet(analysis / "assignments.parquet")
    assert assigned["cluster"].tolist() == published["cluster"].tolist()
    assert assigned["segment"].tolist() == published["segment"].tolist()
    assert "1,000 assignments" in capsys.readouterr().out


def test_assign_with_model_json_reproduces_own_data(own_data, tmp_path):
    data, analysis = own_data
    results = json.loads((analysis / "results.json").read_text())
    assert results["model"]["features"][0]["clip_low"] is not None  # clipping recorded
    model_json = tmp_path / "model.json"
    model_json.write_text(json.dumps(model_document(Results.load(analysis / "results.json"))))
    out = tmp_path / "assigned.parquet"
    assert main(["assign", "--model", str(model_json), str(data), "--out", str(out)]) == 0
    assigned = pd.read_parquet(out)
    published = pd.read_parquet(analysis / "assignments.parquet")
    assert assigned["client"].tolist() == published["client"].tolist()
    assert assigned["cluster"].tolist() == published["cluster"].tolist()
    assert assigned["segment"].tolist() == published["segment"].tolist()


def test_new_rows_outside_the_clipping_bounds_get_the_nearest_edge_segment(own_data, tmp_path):
    """Clipping uses the published bounds, not the new rows' own quantiles: a huge value is
    placed like the largest published one."""
    data, analysis = own_data
    frame = pd.read_csv(data).head(20)
    frame.loc[:, "online_spend"] = 1e12
    new = tmp_path / "new.csv"
    frame.to_csv(new, index=False)
    out = tmp_path / "new-assigned.csv"
    assert main(["assign", "--model", str(analysis), str(new), "--out", str(out)]) == 0
    edge = frame.copy()
    model = json.loads((analysis / "results.json").read_text())["model"]["features"][0]
    edge.loc[:, "online_spend"] = np.expm1(model["clip_high"]) * 10  # beyond the bound too
    edge.to_csv(new, index=False)
    again = tmp_path / "edge-assigned.csv"
    assert main(["assign", "--model", str(analysis), str(new), "--out", str(again)]) == 0
    assert pd.read_csv(out)["cluster"].tolist() == pd.read_csv(again)["cluster"].tolist()


def _fails(argv, capsys, *words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("kmeans-report: error:") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err
    return err


def test_bad_inputs_exit_2_and_write_nothing(default_files, tmp_path, capsys):
    data, analysis = default_files
    out = tmp_path / "out.csv"
    model = model_document(Results.load(analysis / "results.json"))

    future = tmp_path / "future.json"
    future.write_text(json.dumps({**model, "schema_version": "2.0"}))
    _fails(["assign", "--model", str(future), str(data), "--out", str(out)], capsys,
           "schema version 2.0", str(future))

    frame = pd.read_csv(data)
    missing = tmp_path / "missing.csv"
    frame.drop(columns=["loyalty_years"]).to_csv(missing, index=False)
    _fails(["assign", "--model", str(analysis), str(missing), "--out", str(out)], capsys,
           "'loyalty_years'", str(missing))

    text = frame.astype({"visit_frequency": object})
    text.loc[41, "visit_frequency"] = "often"
    words = tmp_path / "words.csv"
    text.to_csv(words, index=False)
    _fails(["assign", "--model", str(analysis), str(words), "--out", str(out)], capsys,
           "'visit_frequency'", "line 43", "often")

    _fails(["assign", "--model", str(analysis), str(data), "--out", str(tmp_path / "out.xlsx")],
           capsys, ".parquet or .csv")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.json", "missing.csv", "words.csv"]


def test_assign_reproduces_the_large_data_path(tmp_path):
    """The large-data path clusters float32 values and refines on all rows: the model says
    so (dtype) and assign still gives every row its published cluster."""
    from kmeans_report.analysis.config import validate_config
    from kmeans_report.analysis.pipeline import run_analysis
    from kmeans_report.report.analysis_step import write_analysis
    from tests.tables import planted_lognormal

    frame, _ = planted_lognormal(n=8000)
    frame.to_csv(tmp_path / "big.csv", index=False)
    config = validate_config({
        "data": {"source": "file", "path": str(tmp_path / "big.csv")},
        "features": [{"column": c, "transform": "log1p"}
                     for c in ("online_spend", "store_spend", "app_spend")],
        "preprocessing": {"clip_quantiles": [0.01, 0.99]},
        "clustering": {"chosen_k": 3, "k_max": 4,
                       "large_data": {"mode": "on", "sweep_sample_size": 2000},
                       "silhouette": {"exact_max_rows": 1000, "sample_size": 1000},
                       "stability": {"n_reseeds": 1, "n_bootstrap": 1, "max_rows": 1000}},
    })
    analysis = write_analysis(run_analysis(config), tmp_path / "analysis")
    assert Results.load(analysis / "results.json").model.dtype == "float32"
    out = tmp_path / "assigned.parquet"
    assert main(["assign", "--model", str(analysis), str(tmp_path / "big.csv"),
                 "--out", str(out)]) == 0
    published = pd.read_parquet(analysis / "assignments.parquet")
    assert pd.read_parquet(out)["cluster"].tolist() == published["cluster"].tolist()
