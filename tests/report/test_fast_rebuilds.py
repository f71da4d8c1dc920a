"""The maintainer's loop: a build with nothing to do decides so without loading the analysis
stack, and a change to a template or to the report's wording re-renders only the pages it
touches, leaving the others' files exactly as they were.

Each test works on a copy of the checkout (its templates are edited), built once per module
with the pandoc engine; builds run as `python -m report.cli` in that copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from report.resources import CHECKOUT

HEAVY = ("sklearn", "scipy", "plotly", "pandas")


def copy_checkout(target: Path) -> Path:
    for name in ("analysis", "report", "templates"):
        shutil.copytree(CHECKOUT / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__", "_data"))
    for name in ("_quarto.yml", "CITATION.cff", "CHANGELOG.md", "report.yml"):
        shutil.copyfile(CHECKOUT / name, target / name)
    return target


def build(repo: Path, *options: str, python_flags: tuple[str, ...] = ()):
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "report.cli", "build", "--engine", "pandoc",
         "--out", "_site", "--cache-dir", ".cache", *options],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A checkout copy with its default site built once."""
    repo = copy_checkout(tmp_path_factory.mktemp("checkout"))
    build(repo, "-q")
    return repo


def imported_modules(importtime_log: str) -> set[str]:
    """Top-level package names from `python -X importtime` output."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_a_build_with_nothing_changed_imports_no_analysis_or_figure_stack(repo):
    run = build(repo, python_flags=("-X", "importtime"))
    assert "up to date" in run.stdout
    loaded = imported_modules(run.stderr)
    assert "analysis" in loaded and "pydantic" in loaded  # the log is read right
    assert not loaded & set(HEAVY), f"imported {sorted(loaded & set(HEAVY))}"
