"""Results serialise to JSON and back, with provenance and bounded size."""

import dataclasses
import json

import pytest

from kmeans_report.analysis.results import SCHEMA_VERSION, Results
from kmeans_report.report.analysis_step import write_analysis


def test_json_round_trip(default_results):
    text = default_results.to_json()
    again = Results.from_dict(json.loads(text))
    assert again == default_results
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION


def test_results_are_frozen_and_variants_are_new_records(default_results):
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_results.selection.chosen_k = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_results.run.seconds = {}
    quiet = default_results.without_timings()
    assert quiet.run.seconds == {} and all(r.fit_seconds is None for r in quiet.sweep)
    assert default_results.run.seconds and all(r.fit_seconds is not None
                                               for r in default_results.sweep)


def test_unknown_schema_version_is_refused(default_results):
    data = default_results.to_dict()
    data["schema_version"] = "0.1"
    with pytest.raises(ValueError, match="schema version"):
        Results.from_dict(data)


def test_provenance(default_results, default_config):
    p = default_results.provenance
    assert len(p.data_sha256) == 64 and p.config_sha256 == default_config.fingerprint()
    assert p.random_seeds == {"clustering.random_state": 42, "data.synthetic.seed": 42}
    assert {"numpy", "scikit-learn", "pandas"} <= set(p.packages)
    assert p.python.count(".") == 2
    assert p.build_time.endswith("Z")


def test_build_time_honours_source_date_epoch(monkeypatch):
    from kmeans_report.analysis.provenance import build_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time() == "2023-11-14T22:13:20Z"


def test_outputs_written_all_at_once(default_output, tmp_path):
    out = tmp_path / "out"
    write_analysis(default_output, out)
    assert sorted(p.name for p in out.iterdir()) == [
        ".kmeans-report-output",
        "assignments.csv",
        "assignments.parquet",
        "profiles.csv",
        "results.json",
    ]
    import pandas as pd

    csv = pd.read_csv(out / "assignments.csv")
    assert len(csv) == 1000 and list(csv.columns) == ["customer_id", "cluster", "segment"]
    assert csv["cluster"].value_counts().sort_index().tolist() == [604, 176, 220]
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "assignments.parquet"), csv, check_dtype=False
    )
    profiles = pd.read_csv(out / "profiles.csv")
    assert profiles["size"].tolist() == [604, 176, 220]
    assert round(profiles.loc[0, "annual_spending_mean"]) == 20923
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_failed_write_keeps_previous_output(default_output, tmp_path, monkeypatch):
    import kmeans_report.analysis.outputs as outputs

    out = tmp_path / "out"
    write_analysis(default_output, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(outputs, "write_assignments", broken)
    with pytest.raises(OSError, match="disk full"):
        write_analysis(default_output, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_results_stay_small(default_results):
    assert len(default_results.to_json()) < 400_000
