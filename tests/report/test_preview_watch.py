"""What `preview` watches: the config and the local files its source reads, whatever the
source (the source says which: a data file, a DuckDB file, Spark's local parts, none for the
synthetic data), besides the citation, changelog, _quarto.yml and templates/."""

from __future__ import annotations

from kmeans_report.report.preview import watched_files
from kmeans_report.report.resources import QUARTO_CONFIG, TEMPLATES_DIR


def test_synthetic_data_adds_no_data_file(write_config):
    config = write_config()
    files, trees = watched_files(config)
    beside = {config.parent / name for name in ("CITATION.cff", "notebook-changelog.md")}
    assert files == {config.absolute(), QUARTO_CONFIG.absolute(), *beside}
    assert trees == {TEMPLATES_DIR.absolute()}


def test_a_data_file_is_watched(write_config, tmp_path):
    config = write_config({"data": {"source": "file", "path": "customers.csv"}})
    assert (tmp_path / "customers.csv").resolve() in watched_files(config)[0]


def test_a_duckdb_file_is_watched(write_config, tmp_path):
    config = write_config({"data": {"source": "sql",
                                    "sql": {"url": "duckdb:///crm.duckdb", "table": "customers"}}})
    assert (tmp_path / "crm.duckdb").resolve() in watched_files(config)[0]


def test_sparks_local_parts_are_watched(write_config, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    for name in ("part-0.parquet", "part-1.parquet", "_SUCCESS"):
        (parts / name).write_bytes(b"x")
    config = write_config({"clustering": {"backend": "spark"}, "spark": {"path": "parts"}})
    files = watched_files(config)[0]
    assert {parts / "part-0.parquet", parts / "part-1.parquet"} <= files
    assert parts / "_SUCCESS" not in files
