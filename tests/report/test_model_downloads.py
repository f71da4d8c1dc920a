"""The Downloads page offers model.json and model.onnx, or says why it does not."""

from __future__ import annotations

import dataclasses
import json

import pytest

from kmeans_report.analysis.model.document import portable_model
from kmeans_report.report import downloads
from kmeans_report.report.downloads import download_list, write_model_files


@pytest.fixture
def analysis(tmp_path):
    """The analysis' cache folder, where model.onnx is kept."""
    folder = tmp_path / "analysis"
    folder.mkdir()
    return folder


def site_downloads(tmp_path, name="downloads"):
    folder = tmp_path / name
    folder.mkdir()
    return folder


def test_model_files_are_written_and_listed(default_results, tmp_path, analysis):
    out = site_downloads(tmp_path)
    assert write_model_files(default_results, out, analysis) == {}
    model = portable_model(out / "model.json")  # schema-checked on reading
    assert model.names == [s.name for s in sorted(default_results.segments,
                                                   key=lambda s: s.cluster)]
    assert (out / "model.onnx").stat().st_size > 0
    rows = {r["label"]: r for r in download_list(out)}
    assert rows["Model (JSON)"]["file"] == "model.json"
    assert rows["Model (ONNX)"]["file"] == "model.onnx"


def test_without_a_recorded_model_the_page_says_why(default_results, tmp_path, analysis):
    out = site_downloads(tmp_path)
    missing = write_model_files(dataclasses.replace(default_results, model=None), out,
                                analysis)
    assert not (out / "model.json").exists() and not (out / "model.onnx").exists()
    rows = {r["label"]: r for r in download_list(out, missing=missing)}
    for label in ("Model (JSON)", "Model (ONNX)"):
        assert rows[label]["file"] == ""
        assert rows[label]["description"].startswith("Not offered: ")
        assert "record no model" in rows[label]["description"]


def test_model_json_holds_no_numbers_the_results_lack(default_results, tmp_path, analysis):
    out = site_downloads(tmp_path)
    write_model_files(default_results, out, analysis)
    document = json.loads((out / "model.json").read_text())
    assert [s["centre"] for s in document["segments"]] == default_results.model.centres


def test_model_onnx_is_converted_once_per_analysis(default_results, tmp_path, analysis,
                                                   monkeypatch):
    first = site_downloads(tmp_path, "first")
    write_model_files(default_results, first, analysis)
    made = (first / "model.onnx").read_bytes()

    def no_conversion(*args):
        raise AssertionError("converted again")

    monkeypatch.setattr(downloads, "_convert", no_conversion)
    renamed = dataclasses.replace(default_results, metadata={"title": "Another title"})
    second = site_downloads(tmp_path, "second")
    assert write_model_files(renamed, second, analysis) == {}
    assert (second / "model.onnx").read_bytes() == made
    # model.json is the build's own: it names the report
    assert json.loads((second / "model.json").read_text())["report"]["title"] == "Another title"


def test_why_model_onnx_is_missing_is_kept_and_a_new_converter_tries_again(
        default_results, tmp_path, analysis, monkeypatch):
    monkeypatch.setattr(downloads, "_convert", lambda *args: "the converter failed")
    first = site_downloads(tmp_path, "first")
    assert write_model_files(default_results, first, analysis) == {
        "model.onnx": "the converter failed"}
    assert not (first / "model.onnx").exists()
    monkeypatch.setattr(downloads, "_convert", lambda *args: "converted again")
    assert write_model_files(default_results, site_downloads(tmp_path, "second"),
                             analysis)["model.onnx"] == "the converter failed"

    versions = downloads.metadata.version
    monkeypatch.setattr(downloads.metadata, "version",
                        lambda name: "0.0" if name == "skl2onnx" else versions(name))
    assert write_model_files(default_results, site_downloads(tmp_path, "third"),
                             analysis)["model.onnx"] == "converted again"
