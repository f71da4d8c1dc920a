"""docs/configuration.md is the configuration model, written out: it names every key with its
type, default and what it does, and it fails here the moment the model and the page differ."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from kmeans_report.analysis.config import Config, load_config
from kmeans_report.analysis.config.fields import Strict
from kmeans_report.analysis.errors import ConfigError
from kmeans_report.analysis.init_config import plan_table, render_config
from kmeans_report.report.config_docs import GENERATOR, UndocumentedKeys, configuration_page

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "configuration.md"


def model_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every key path of a model, walked from its Python fields (not from the schema the
    generator reads), so the two ways of reading the model check each other."""
    import typing

    def models(annotation, listed=False):
        """(model, inside a list?) for each model an annotation holds."""
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [(annotation, listed)]
        inside = listed or typing.get_origin(annotation) is list
        return [found for arg in typing.get_args(annotation) for found in models(arg, inside)]

    keys = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        keys.append(key)
        for inner, listed in models(field.annotation):
            keys += model_keys(inner, f"{key}[]." if listed else f"{key}.")
    return keys


def test_the_page_is_what_the_generator_writes_from_the_model():
    page = PAGE.read_text(encoding="utf-8")
    assert page == configuration_page(), (
        "docs/configuration.md differs from the configuration model; regenerate it with "
        f"`{GENERATOR}`")


def test_every_key_of_the_model_has_a_row_with_a_description():
    page = PAGE.read_text(encoding="utf-8")
    keys = model_keys(Config)
    assert len(keys) > 80  # every section, nested sections and list entries included
    for key in keys:
        if "." not in key:
            assert f"## `{key}:`" in page
            continue
        row = next((line for line in page.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, f"{key} has no row"
        description = row.rstrip(" |").rsplit(" | ", 1)[-1]
        assert len(description) > 10, f"{key}: {row}"


def test_rows_state_the_model_types_bounds_and_defaults():
    page = PAGE.read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].strip("| `"): line for line in page.splitlines()
            if line.startswith("| `")}
    assert "| `data.missing` | `fail` or `drop` | `fail` |" in rows["data.missing"]
    assert "removes" not in rows["data.missing"] and "NaN" in rows["data.missing"]
    assert "integer ≥ 2 and ≤ 50 | `10`" in rows["clustering.k_max"]
    assert "integer or `auto` | `auto`" in rows["clustering.chosen_k"]
    assert "*required*" in rows["features[].column"]
    assert "*required*" in rows["data.sql.url"]
    # YAML's own spelling: on/off unquoted would read as booleans, | as a block scalar.
    assert "`'on'`" in rows["clustering.large_data.mode"]
    assert "`'\\|'`" in rows["data.csv.delimiter"]
    assert "computed" in rows["report.date"] and "SOURCE_DATE_EPOCH" in rows["report.date"]


def test_a_key_without_a_docstring_stops_the_generator():
    class Section(Strict):
        documented: int = 1
        """Says what it does."""
        silent: int = 2

    class Model(Strict):
        part: Section = Section()
        """A section."""

    with pytest.raises(UndocumentedKeys, match=r"part\.silent"):
        configuration_page(Model)


def test_the_generator_runs_as_the_page_says():
    proc = subprocess.run([sys.executable, "-m", "kmeans_report.report.config_docs"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == PAGE.read_text(encoding="utf-8")


def test_init_and_config_errors_point_to_the_page(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"customer_id": range(50), "spend": [float(i % 7) for i in range(50)]})
    text = render_config(plan_table(frame), "customers.csv", "Customers")
    header = [line for line in text.splitlines()[:8] if line.startswith("#")]
    assert any("docs/configuration.md" in line for line in header)
    missing = next(line for line in text.splitlines() if line.startswith("  missing:"))
    assert "NaN or infinite" in missing and "non-numeric" not in missing
    bad = tmp_path / "bad.yml"
    bad.write_text("clustering: {k_maxx: 4}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(bad)
    assert "did you mean 'k_max'" in str(caught.value)
    assert str(caught.value).endswith("Every key is described in docs/configuration.md.")
