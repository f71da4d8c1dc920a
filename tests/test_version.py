"""The version is written once (pyproject.toml) and read from the installed package's metadata."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kmeans_report import analysis
from kmeans_report.report.changelog import load_changelog

REPO = Path(__file__).resolve().parent.parent


def test_the_package_reports_the_version_written_in_pyproject():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert analysis.__version__ == declared


def test_the_changelog_has_an_entry_for_this_version():
    versions = [entry["version"] for entry in load_changelog(REPO / "CHANGELOG.md")]
    assert analysis.__version__ in versions
