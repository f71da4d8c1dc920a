"""Two releases of the same customers built as sites: the second, compared with the first,
has a Changes page (both engines) naming the planted numbers, a line on its home page, a
Changes section in its PDF, changes.json, and its matched segments under their earlier names
everywhere; publishing compares with the previous version by default; bad input exits 2."""

from __future__ import annotations

import json
import re
from html import unescape

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from kmeans_report.report.cli import main
from tests.helpers import ENGINES, engine_param
from tests.releases import (
    DEPARTED,
    MOVED,
    N_BEFORE,
    NEW_GROUP,
    NEW_IN_OLD_GROUPS,
    planted_tables,
    release_config,
)

pytestmark = pytest.mark.e2e


def text_of(path) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", path.read_text("utf-8"))))


@pytest.fixture(scope="module")
def configs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted-sites")
    first, second, _, _ = planted_tables(folder)
    paths = []
    for data, k, version in ((first, 3, "1.0"), (second, 4, "1.1")):
        paths.append(folder / f"report-{version}.yml")
        paths[-1].write_text(yaml.safe_dump(release_config(data, k, version)), encoding="utf-8")
    return folder, paths


@pytest.fixture(scope="module")
def published(configs):
    """Both releases published into one tree, the second compared by default."""
    folder, (first, second) = configs
    root, cache = folder / "public", folder / "cache"
    for config, version in ((first, "1.0"), (second, "1.1")):
        assert main(["-q", "publish", "--config", str(config), "--version", version,
                     "--site-root", str(root), "--engine", "pandoc",
                     "--cache-dir", str(cache)]) == 0
    return root


def test_the_published_release_names_the_planted_numbers(published):
    changes = json.loads((published / "1.1" / "downloads" / "changes.json").read_text())
    c = changes["customers"]
    assert (c["new"], c["departed"], c["moved"]) == (NEW_IN_OLD_GROUPS + NEW_GROUP, DEPARTED,
                                                     MOVED)
    assert changes["before"]["version"] == "1.0" and changes["now"]["version"] == "1.1"
    page = text_of(published / "1.1" / "changes.html")
    for number in (NEW_IN_OLD_GROUPS + NEW_GROUP, DEPARTED, MOVED, N_BEFORE - DEPARTED):
        assert f" {number:,} " in page, number
    assert "Compared with version 1.0" in text_of(published / "1.1" / "index.html")
    # matched segments keep their names: this release's tables and downloads use them
    before = pd.read_csv(published / "1.0" / "downloads" / "profiles.csv")
    now = pd.read_csv(published / "1.1" / "downloads" / "profiles.csv")
    kept = [s for s in changes["segments"] if s["status"] == "kept"]
    assert len(kept) == 3
    assert {s["now_name"] for s in kept} == set(before["segment"])
    assert set(before["segment"]) < set(now["segment"])
    assigned = pd.read_parquet(published / "1.1" / "downloads" / "assignments.parquet")
    assert set(assigned["segment"]) == set(now["segment"])
    insights = text_of(published / "1.1" / "insights.html")
    assert all(name in insights for name in before["segment"])
    # the first release was compared with nothing and says so; the versions page links the
    # published versions' Changes pages
    assert "not compared" in text_of(published / "1.0" / "changes.html")
    assert 'href="../1.0/changes.html"' in (published / "1.1" / "versions.html").read_text()
    pdf = "\n".join(p.extract_text() for p in PdfReader(published / "1.1" / "downloads" /
                                                        "report.pdf").pages)
    assert "Changes since the earlier release" in pdf
    first_pdf = "\n".join(p.extract_text() for p in PdfReader(published / "1.0" / "downloads" /
                                                              "report.pdf").pages)
    assert "Changes since the earlier release" not in first_pdf


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_build_compare_with_a_version_folder(configs, published, engine, tmp_path):
    _, (_, second) = configs
    site = tmp_path / "site"
    assert main(["-q", "build", "--config", str(second), "--out", str(site), "--engine", engine,
                 "--cache-dir", str(tmp_path / "cache"),
                 "--compare-with", str(published / "1.0")]) == 0
    page = text_of(site / "changes.html")
    assert f" {MOVED:,} " in page and "Where returning customers went" in page
    assert (site / "figures" / "transitions.svg").is_file()


def test_bad_compare_with_exits_2_and_writes_nothing(configs, published, tmp_path, capsys):
    _, (_, second) = configs
    site = tmp_path / "site"
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "results.json").write_bytes(
        (published / "1.0" / "downloads" / "results.json").read_bytes())
    for earlier, words in ((tmp_path / "nowhere", "not found"),
                           (tmp_path / "old", "no assignments.parquet or assignments.csv")):
        assert main(["-q", "build", "--config", str(second), "--out", str(site),
                     "--engine", "pandoc", "--cache-dir", str(tmp_path / "cache"),
                     "--compare-with", str(earlier)]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, err
        assert not site.exists()
