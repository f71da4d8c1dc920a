"""Each cache key covers exactly what its output depends on: a change to the data, the
settings, the code of one part, the templates or the engine invalidates what it should and
nothing else (a chart's colour never re-runs K-Means)."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.sources.files import FileSource
from kmeans_report.report import cache
from kmeans_report.report.resources import ANALYSIS_DIR, PACKAGE_DIR, ROOT


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """Copies of the code and templates the keys read, to be edited by a test."""
    copies = {}
    for name, source in (("analysis", ANALYSIS_DIR), ("report", PACKAGE_DIR)):
        copies[name] = tmp_path / name
        shutil.copytree(source, copies[name], ignore=shutil.ignore_patterns("__pycache__", "_data"))
    copies["root"] = tmp_path / "root"
    shutil.copytree(ROOT / "templates", copies["root"] / "templates")
    for name in ("_quarto.yml", "CITATION.cff"):
        shutil.copyfile(ROOT / name, copies["root"] / name)
    monkeypatch.setattr(cache, "ANALYSIS_DIR", copies["analysis"])
    monkeypatch.setattr(cache, "PACKAGE_DIR", copies["report"])
    monkeypatch.setattr(cache, "ROOT", copies["root"])
    return copies


def keys(config=None, data_id="data-1", engine="pandoc"):
    config = config or validate_config({})
    analysis = cache.analysis_key(config, data_id)
    return {
        "analysis": analysis,
        "figures": cache.figure_set_key(analysis),
        "notebook": cache.notebook_key(analysis),
        "build": cache.build_stamp(config, data_id, engine, {}),
    }


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def append(path, text="\n# changed\n"):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_same_inputs_give_the_same_keys(sources):
    assert keys() == keys()


def test_new_data_invalidates_everything(sources):
    assert changed(keys(), keys(data_id="data-2")) == {"analysis", "figures", "notebook", "build"}


def test_an_analysis_setting_invalidates_everything_a_report_setting_only_the_build(sources):
    base = keys()
    k = keys(validate_config({"clustering": {"chosen_k": 4}}))
    assert changed(base, k) == {"analysis", "figures", "notebook", "build"}
    title = keys(validate_config({"report": {"title": "Another title"}}))
    assert changed(base, title) == {"build"}


def test_analysis_code_reruns_the_analysis_but_figure_code_only_redraws(sources):
    base = keys()
    append(sources["analysis"] / "figures" / "style.py")
    assert changed(base, keys()) == {"figures", "build"}
    base = keys()
    append(sources["report"] / "svg_session.py")  # how the SVGs are drawn
    assert changed(base, keys()) == {"figures", "build"}
    for module in ("metrics.py", "config/method.py", "backends/spark/final.py"):  # sub-packages too
        base = keys()
        append(sources["analysis"] / module)
        assert changed(base, keys()) == {"analysis", "figures", "notebook", "build"}, module


def test_notebook_code_or_template_reruns_only_the_notebook(sources):
    base = keys()
    append(sources["report"] / "notebook.py")
    assert changed(base, keys()) == {"notebook", "build"}
    base = keys()
    append(sources["root"] / "templates" / "notebook" / "reproduce.ipynb", " ")
    assert changed(base, keys()) == {"notebook", "build"}


def test_templates_site_config_and_engine_change_only_the_build(sources):
    base = keys()
    append(sources["root"] / "templates" / "page.qmd.j2", "\n")
    assert changed(base, keys()) == {"build"}
    base = keys()
    append(sources["root"] / "_quarto.yml")
    assert changed(base, keys()) == {"build"}
    assert changed(keys(), keys(engine="quarto")) == {"build"}


def test_file_system_helpers_never_rerun_the_analysis(sources):
    """The folder swap and copy helpers live outside analysis/: editing them rebuilds the
    site, and K-Means, the figures and the notebook stay cached."""
    for module in ("files.py", "paths.py", "publish/transaction.py"):
        base = keys()
        append(sources["report"] / module)
        assert changed(base, keys()) == {"build"}, module


def test_a_data_file_is_known_by_a_fast_hash_of_its_bytes(tmp_path):
    """The cache reads the file's bytes (XXH3) on every build; any changed byte is new data,
    a copy under another name is the same data. Provenance keeps the file's SHA-256."""
    path = tmp_path / "customers.csv"
    path.write_bytes(b"id,spend\n1,10\n2,20\n")
    config = validate_config({"data": {"source": "file", "path": str(path)},
                              "features": [{"column": "spend"}]})
    first = FileSource(config).fingerprint()
    assert first.startswith("xxh3-128:") and FileSource(config).fingerprint() == first
    path.write_bytes(b"id,spend\n1,10\n2,21\n")
    assert FileSource(config).fingerprint() != first
    copy = tmp_path / "copy.csv"
    shutil.copyfile(path, copy)
    moved = validate_config({"data": {"source": "file", "path": str(copy)},
                             "features": [{"column": "spend"}]})
    assert FileSource(moved).fingerprint() == FileSource(config).fingerprint()
    assert FileSource(config).sha256() == hashlib.sha256(path.read_bytes()).hexdigest()
