"""The package installs anywhere: a wheel, installed into a fresh environment outside the
checkout, builds the default report and a report of a user's own table."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests import tables

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A venv holding only the wheel; its dependencies are borrowed from the test
    environment's site-packages through a .pth line, which adds the folder but not the
    editable install's own .pth hook, so `analysis` and `report` resolve to the wheel."""
    root = tmp_path_factory.mktemp("wheel")
    # built from a copy: setuptools writes build/ and *.egg-info/ beside the sources
    source = root / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__", ".hypothesis",
        "_site", "public", "test-artifacts"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(root / "dist"), str(source)], check=True, capture_output=True)
    wheel = next((root / "dist").glob("kmeans_report-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    return wheel, venv / "bin" / "python", root


def run(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(python), "-m", "kmeans_report.report.cli", "-q", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_wheel_carries_templates_site_config_and_the_example(installed):
    names = zipfile.ZipFile(installed[0]).namelist()
    for expected in ("kmeans_report/report/_data/_quarto.yml", "kmeans_report/report/_data/report.yml",
                     "kmeans_report/report/_data/notebook-changelog.md",
                     "kmeans_report/report/_data/templates/page.qmd.j2", "kmeans_report/report/_data/templates/typst/report.typ",
                     "kmeans_report/report/assets/figures.js"):
        assert expected in names


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    _, python, root = installed
    where = subprocess.run([str(python), "-c", "import kmeans_report.report as report, "
                            "kmeans_report.analysis as analysis; "
                            "print(report.__file__); print(analysis.__version__)"],
                           cwd=root, capture_output=True, text=True, check=True).stdout.split()
    assert not Path(where[0]).is_relative_to(REPO)
    assert where[1] != "0+unknown"


def test_a_wheel_install_builds_the_default_report_outside_the_checkout(installed):
    _, python, root = installed
    work = root / "default"
    work.mkdir()
    result = run(python, work, "build", "--engine", "pandoc", "--out", "site")
    assert result.returncode == 0, result.stderr
    site = work / "site"
    assert (site / "downloads" / "report.pdf").stat().st_size > 10_000
    assert "$772,474" in (site / "roi.html").read_text(encoding="utf-8")
    assert (site / "versions.html").is_file() and (site / "assets" / "figures.js").is_file()
    # the downloads carry the installed package, put back together file for file
    shipped = zipfile.ZipFile(site / "downloads" / installed[0].name)
    original = zipfile.ZipFile(installed[0])
    assert set(shipped.namelist()) == set(original.namelist())
    for name in original.namelist():
        if not name.endswith("RECORD"):
            assert shipped.read(name) == original.read(name), name


def test_a_wheel_install_builds_a_users_own_table(installed):
    _, python, root = installed
    work = root / "own"
    work.mkdir()
    tables.wholesale().to_csv(work / "wholesale.csv", index=False)
    assert run(python, work, "init", "wholesale.csv", "--out", "mine.yml").returncode == 0
    result = run(python, work, "build", "--config", "mine.yml", "--engine", "pandoc",
                 "--out", "site")
    assert result.returncode == 0, result.stderr
    assert "Delicatessen" in (work / "site" / "data.html").read_text(encoding="utf-8")


def test_installed_beside_modules_named_report_and_analysis_both_import(installed):
    """Other distributions own the top-level names `report` and `analysis`: ours live under
    kmeans_report, so a user's own `report` module and kmeans-report work side by side."""
    _, python, root = installed
    theirs = root / "theirs"
    (theirs / "analysis").mkdir(parents=True)
    (theirs / "report.py").write_text("WHOSE = 'theirs'\n")
    (theirs / "analysis" / "__init__.py").write_text("WHOSE = 'theirs'\n")
    code = ("import report, analysis, kmeans_report.report.cli, kmeans_report.analysis; "
            "print(report.WHOSE, analysis.WHOSE, kmeans_report.analysis.__version__)")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(python), "-c", code], cwd=theirs, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    mine, also_mine, version = done.stdout.split()
    assert (mine, also_mine) == ("theirs", "theirs") and version != "0+unknown"
    names = zipfile.ZipFile(installed[0]).namelist()
    assert not [n for n in names if n.split("/")[0] in ("report", "analysis")]
    assert run(python, theirs, "--version").returncode == 0
