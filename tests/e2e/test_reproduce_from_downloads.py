"""A reader re-runs a published report from its downloads alone: a fresh virtual environment
with only public packages (a Jupyter kernel), the downloaded notebook and the wheel beside it.
The notebook installs the wheel and its checks match the published numbers."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
RUN_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read("reproduce.ipynb", as_version=4)
NotebookClient(notebook, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": "."}}).execute()
nbformat.write(notebook, "executed.ipynb")
"""


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("published")
    done = subprocess.run([sys.executable, "-m", "kmeans_report.report.cli", "-q", "build", "--engine", "pandoc",
                           "--out", str(root / "site"), "--cache-dir", str(root / "cache")],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return root / "site" / "downloads"


def test_the_downloads_carry_the_wheel_that_built_the_report(published):
    wheels = list(published.glob("kmeans_report-*-py3-none-any.whl"))
    assert len(wheels) == 1
    wheel = wheels[0]
    names = zipfile.ZipFile(wheel).namelist()
    assert "kmeans_report/report/cli.py" in names and "kmeans_report/analysis/pipeline.py" in names
    sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
    page = (published.parent / "downloads.html").read_text(encoding="utf-8")
    assert wheel.name in page and sha in page


def test_the_notebook_reruns_the_report_in_a_fresh_environment_from_the_downloads(published,
                                                                                  tmp_path):
    reader = tmp_path / "reader"
    shutil.copytree(published, reader)  # only what a reader downloads
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # public packages only: a kernel to run the notebook; kmeans-report comes from the wheel
    subprocess.run([str(python), "-m", "pip", "install", "-q", "nbclient", "ipykernel"],
                   check=True, capture_output=True, env=_clean_env(), timeout=900)
    done = subprocess.run([str(python), "-c", RUN_NOTEBOOK], cwd=reader, env=_clean_env(),
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    import nbformat

    executed = nbformat.read(reader / "executed.ipynb", as_version=4)
    outputs = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    assert "Installed kmeans_report-" in outputs
    assert "All headline numbers match the published report." in outputs
    where = subprocess.run([str(python), "-c", "import kmeans_report.report as r; print(r.__file__)"],
                           cwd=tmp_path, env=_clean_env(), capture_output=True, text=True,
                           check=True).stdout.strip()
    assert Path(where).is_relative_to(venv)  # the wheel's code, not the checkout's
