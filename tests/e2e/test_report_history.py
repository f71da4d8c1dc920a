"""A user's report has its own version and history: `init` then `build` gives a draft with
no one else's history; `report.version` and `report.changelog` give the user's; `publish`
adds the published version and its title. kmeans-report's own version is only credited
("built with kmeans-report X"), and the notebook's releases belong to the notebook's example.
"""

from __future__ import annotations

import html
import re
import subprocess

import pytest
import yaml

from kmeans_report.analysis import __version__
from kmeans_report.report.changelog import load_changelog
from kmeans_report.report.cli import main
from tests import tables
from tests.e2e.test_own_data import pages_text as _markup_free

pytestmark = pytest.mark.e2e

REPO = tables.Path(__file__).resolve().parents[2]
# Every note of kmeans-report's and of the notebook's history: none is a user's.
FOREIGN_NOTES = [e["notes"] for path in ("CHANGELOG.md", "notebook-changelog.md")
                 for e in load_changelog(REPO / path)]
USER_NOTES = "## 0.2 — 2026-03-01\n\n- Spring data added; <b>regions</b> | split.\n\n" \
             "## 0.1 — 2026-01-15\n\n- First look at the wholesale table.\n"


def pages_text(site, *names: str) -> str:
    """The pages' text as a reader sees it (entities decoded)."""
    return html.unescape(_markup_free(site, *names))


def _build(config, out, cache) -> None:
    assert main(["-q", "build", "--config", str(config), "--engine", "pandoc", "--out", str(out),
                 "--cache-dir", str(cache)]) == 0


def _pdf_text(site) -> str:
    return subprocess.run(["pdftotext", str(site / "downloads" / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    """`init` then `build`, the config unchanged: a draft."""
    root = tmp_path_factory.mktemp("history")
    data = tables.write_table(tables.wholesale_eur(120), root / "data", "shop.csv")
    config = root / "data" / "report.yml"
    assert main(["-q", "init", str(data), "--out", str(config)]) == 0
    _build(config, root / "draft", root / "cache")
    return root, config


def test_a_drafts_history_and_citation_are_nobody_elses(drafted):
    root, _ = drafted
    site = root / "draft"
    text = pages_text(site, "versions", "citation", "index")
    assert "No release of this report is recorded yet" in text
    assert re.search(r"This copy is a draft, built \d{4}-\d{2}-\d{2}", text)
    for note in FOREIGN_NOTES:
        assert note not in text
    assert "Tier 4" not in text and __version__ not in text.replace(f"kmeans-report {__version__}", "")
    cff = yaml.safe_load((site / "downloads" / "CITATION.cff").read_text())
    assert "version" not in cff
    assert "version" not in (site / "downloads" / "citation.bib").read_text()
    footer = (site / "index.html").read_text()
    assert re.search(r"Draft, built \d{4}-\d{2}-\d{2}", footer)
    assert f"Built with kmeans-report {__version__}" in footer  # credited, not the version
    assert "Draft, built" in _pdf_text(site)
    assert f"kmeans-report {__version__}" in pages_text(site, "provenance")


def test_the_users_version_and_changelog_are_the_reports(drafted):
    root, config = drafted
    raw = yaml.safe_load(config.read_text())
    raw["report"].update(version="0.2", changelog="notes.md")
    (config.parent / "notes.md").write_text(USER_NOTES, encoding="utf-8")
    config.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
    site = root / "released"
    _build(config, site, root / "cache")
    text = pages_text(site, "versions")
    assert "Spring data added; <b>regions</b> | split." in text  # literal, markup inert
    assert "First look at the wholesale table." in text
    assert text.index("0.2") < text.index("0.1") and "This copy is version 0.2" in text
    for note in FOREIGN_NOTES:
        assert note not in text
    assert "v0.2" in pages_text(site, "citation")
    assert "version = {0.2}" in (site / "downloads" / "citation.bib").read_text()
    assert "Version 0.2" in (site / "index.html").read_text()
    assert "Version 0.2" in _pdf_text(site)

    # publish: the published version and its title join the history
    public = root / "public"
    assert main(["-q", "publish", "--config", str(config), "--version", "0.3", "--title",
                 "Summer refresh", "--site-root", str(public), "--engine", "pandoc",
                 "--cache-dir", str(root / "cache")]) == 0
    text = pages_text(public / "0.3", "versions")
    assert "Summer refresh" in text and "Spring data added" in text
    assert text.index("0.3") < text.index("0.2") and "This copy is version 0.3" in text
    assert "v0.3" in pages_text(public / "0.3", "citation")


def test_a_missing_changelog_is_an_error_naming_it(drafted, capsys):
    root, config = drafted
    raw = yaml.safe_load(config.read_text())
    raw["report"]["changelog"] = "missing-notes.md"
    broken = config.parent / "broken.yml"
    broken.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
    out = root / "never"
    assert main(["-q", "build", "--config", str(broken), "--engine", "pandoc", "--out", str(out),
                 "--cache-dir", str(root / "cache")]) == 2
    err = capsys.readouterr().err
    assert "missing-notes.md" in err and "report.changelog" in err and not out.exists()


def test_the_notebooks_example_keeps_its_own_history():
    from kmeans_report.analysis.config import load_config
    from kmeans_report.report.changelog import read_report_changelog

    config = load_config(REPO / "report.yml")
    versions = [e["version"] for e in read_report_changelog(config.report.changelog)]
    assert versions == ["1.3", "1.2", "1.0"] and config.report.version == "1.3"
    assert not {"1.3", "1.2", "1.0"} & {e["version"] for e in load_changelog(REPO / "CHANGELOG.md")}
