"""The Downloads page offers model.json and model.onnx, or says why it does not."""

from __future__ import annotations

import dataclasses
import json

from kmeans_report.analysis.model.document import portable_model
from kmeans_report.report.downloads import download_list, write_model_files


def test_model_files_are_written_and_listed(default_results, tmp_path):
    assert write_model_files(default_results, tmp_path) == {}
    model = portable_model(tmp_path / "model.json")  # schema-checked on reading
    assert model.names == [s.name for s in sorted(default_results.segments,
                                                   key=lambda s: s.cluster)]
    assert (tmp_path / "model.onnx").stat().st_size > 0
    rows = {r["label"]: r for r in download_list(tmp_path)}
    assert rows["Model (JSON)"]["file"] == "model.json"
    assert rows["Model (ONNX)"]["file"] == "model.onnx"


def test_without_a_recorded_model_the_page_says_why(default_results, tmp_path):
    missing = write_model_files(dataclasses.replace(default_results, model=None), tmp_path)
    assert not (tmp_path / "model.json").exists() and not (tmp_path / "model.onnx").exists()
    rows = {r["label"]: r for r in download_list(tmp_path, missing=missing)}
    for label in ("Model (JSON)", "Model (ONNX)"):
        assert rows[label]["file"] == ""
        assert rows[label]["description"].startswith("Not offered: ")
        assert "record no model" in rows[label]["description"]


def test_model_json_holds_no_numbers_the_results_lack(default_results, tmp_path):
    write_model_files(default_results, tmp_path)
    document = json.loads((tmp_path / "model.json").read_text())
    assert [s["centre"] for s in document["segments"]] == default_results.model.centres
