"""Whether a build executes the Reproduce notebook (`report.run_notebook`), what the sources
know of their size beforehand, and what the Reproduce page says when it was not executed."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
import yaml

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.sources import source_for
from kmeans_report.analysis.sources.files import file_row_count
from kmeans_report.report.reproduce import not_run_reason


def config_for(rows: int = 1000, **report):
    return validate_config({"data": {"source": "synthetic", "synthetic": {"n_customers": rows}},
                            "report": report})


def test_a_table_below_the_large_data_threshold_is_reproduced_at_build_time():
    config = config_for(1000)
    assert not_run_reason(config, source_for(config)) is None


def test_a_large_table_is_not_and_the_reason_names_its_size_and_the_setting():
    config = config_for(250_000)
    reason = not_run_reason(config, source_for(config))
    assert "250,000 customers" in reason
    assert "200,000" in reason and "report.run_notebook: always" in reason


def test_always_and_never_override_the_size():
    big = config_for(250_000, run_notebook="always")
    assert not_run_reason(big, source_for(big)) is None
    small = config_for(1000, run_notebook="never")
    assert "report.run_notebook: never" in not_run_reason(small, source_for(small))


def test_spark_never_executes_it_on_this_machine(tmp_path):
    data = tmp_path / "c.parquet"
    pd.DataFrame({"annual_spending": [1.0, 2.0], "visit_frequency": [1, 2],
                  "avg_transaction": [1.0, 2.0], "loyalty_years": [1.0, 2.0]}).to_parquet(data)
    config = validate_config({"data": {"source": "file", "path": str(data)},
                              "clustering": {"backend": "spark"}, "report": {"run_notebook": "always"}})
    assert "Apache Spark" in not_run_reason(config, source_for(config))


@pytest.mark.parametrize("text, rows", [
    ("a,b\n1,2\n3,4\n", 2),
    ("a,b\n1,2\n3,4", 2),  # no line break after the last row
    ("a,b\n", 0),
    ("", 0),
])
def test_csv_rows_are_counted_from_line_breaks(tmp_path, text, rows):
    path = tmp_path / "t.csv"
    path.write_text(text)
    assert file_row_count(path, "csv") == rows


def test_parquet_rows_come_from_its_metadata(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": range(1234)}).to_parquet(path)
    assert file_row_count(path, "parquet") == 1234
    assert file_row_count(tmp_path / "missing.parquet", "parquet") is None


def test_a_build_that_does_not_execute_the_notebook_says_so_and_ships_it_without_output(tmp_path):
    from kmeans_report.report.build import build_site

    config = {"data": {"source": "synthetic", "synthetic": {"n_customers": 400}},
              "clustering": {"k_min": 2, "k_max": 4},
              "report": {"title": "Small shop", "run_notebook": "never"}}
    (tmp_path / "report.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = build_site(tmp_path / "report.yml", tmp_path / "site", "pandoc",
                        cache_dir=tmp_path / "cache")
    page = (result.out_dir / "reproduce.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "was not executed while this site was built" in text
    assert "report.run_notebook: never" in text
    assert "It was executed while this site was built" not in text
    notebook = nbformat.read(result.out_dir / "downloads" / "reproduce.ipynb", as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.get("outputs") for cell in code)
    # the numbers its last cell checks are the published ones
    published = next(c for c in code if "published" in c.metadata.get("tags", []))
    assert f"'silhouette': {result.results.headline()['silhouette']}" in published.source
