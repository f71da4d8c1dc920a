"""The maintainer's loop: a build with nothing to do decides so without loading the analysis
stack, and a change to a template or to the report's wording re-renders only the pages it
touches, leaving the others' files exactly as they were.

Each test works on a copy of the checkout (its templates are edited), built once per engine;
builds run as `python -m kmeans_report.report.cli` in that copy."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import ENGINES, checkout_env, copy_checkout, engine_param

# The analysis, comparison, figure and ONNX stacks: a build whose analysis and figures are
# cached needs none of them (model.onnx is kept with the analysis).
HEAVY = ("sklearn", "scipy", "plotly", "pandas", "onnx", "skl2onnx", "onnxruntime")


@dataclass(frozen=True)
class Checkout:
    root: Path
    engine: str

    def __truediv__(self, name: str) -> Path:
        return self.root / name


def build(repo: Checkout, *options: str, out: str = "_site",
          python_flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    # A fixed build time: provenance then changes only when the inputs do.
    env = checkout_env(repo.root, SOURCE_DATE_EPOCH="1764547200")
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "kmeans_report.report.cli", "build", "--engine", repo.engine,
         "--out", out, "--cache-dir", ".cache", *options],
        cwd=repo.root, env=env, capture_output=True, text=True, timeout=900, check=True)


@pytest.fixture(scope="module", params=[engine_param(name) for name in ENGINES])
def repo(request, tmp_path_factory):
    """A checkout copy with its default site built once, per engine."""
    repo = Checkout(copy_checkout(tmp_path_factory.mktemp(f"checkout-{request.param}")),
                    request.param)
    build(repo, "-q")
    return repo


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and "pagefind" not in p.parts}


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def imported_modules(importtime_log: str) -> set[str]:
    """Top-level package names from `python -X importtime` output."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def assert_no_heavy_imports(run: subprocess.CompletedProcess) -> None:
    loaded = imported_modules(run.stderr)
    assert "kmeans_report" in loaded and "pydantic" in loaded  # the log is read right
    assert not loaded & set(HEAVY), f"imported {sorted(loaded & set(HEAVY))}"


def test_a_build_with_nothing_changed_imports_no_analysis_or_figure_stack(repo):
    run = build(repo, python_flags=("-X", "importtime"))
    assert "up to date" in run.stdout
    assert_no_heavy_imports(run)


def test_a_template_change_renders_its_page_and_the_pdf_only(repo):
    site = repo / "_site"
    before = site_files(site)
    template = repo / "templates" / "sections" / "roi.md.j2"
    template.write_text(template.read_text(encoding="utf-8")
                        + "\nA sentence only the ROI section has.\n", encoding="utf-8")
    run = build(repo, python_flags=("-X", "importtime"))
    assert f"Rendering what changed ({repo.engine}): roi.qmd, the PDF" in run.stderr
    assert_no_heavy_imports(run)  # nor the ONNX converter: model.onnx is the cached one
    after = site_files(site)
    assert changed_files(before, after) - {".kmeans-report-build.json"} == {
        "roi.html", "downloads/report.pdf"}
    assert "A sentence only the ROI section has." in after["roi.html"].decode()
    assert "A sentence only the ROI section has." in pdf_text(site / "downloads" / "report.pdf")
    assert (site / "pagefind" / "pagefind.js").is_file()

    # What the page-by-page render wrote is what a full render writes.
    full = build(repo, "--rebuild", out="_full")
    assert "Rendering the site and PDF" in full.stderr
    full_files = site_files(repo / "_full")
    assert after["roi.html"] == full_files["roi.html"]
    assert after.keys() == full_files.keys()


def test_a_wording_change_in_the_config_rerenders_pages_not_the_analysis(repo):
    site = repo / "_site"
    before = site_files(site)
    config = repo / "report.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('subtitle: "Customer segmentation report"',
                                   'subtitle: "Segments for the spring campaign"'),
                      encoding="utf-8")
    run = build(repo, python_flags=("-X", "importtime"))
    assert_no_heavy_imports(run)
    assert "Analysis unchanged" in run.stderr and "Figures unchanged" in run.stderr
    assert "Rendering what changed" in run.stderr
    assert "Segments for the spring campaign" in pdf_text(site / "downloads" / "report.pdf")
    changed = changed_files(before, site_files(site))
    assert "downloads/report.pdf" in changed
    assert not changed & {"index.html", "data.html", "methods.html", "clusters.html"}


def test_a_new_title_reuses_the_executed_notebook_with_the_new_title(repo):
    config = repo / "report.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('title: "Tier 4: K-Means Clustering"',
                                   'title: "Spring segments"'), encoding="utf-8")
    run = build(repo)
    assert "Reproduce notebook unchanged" in run.stderr
    notebook = (repo / "_site" / "downloads" / "reproduce.ipynb").read_text(encoding="utf-8")
    assert "# Reproduce: Spring segments" in notebook
    assert "'title': 'Spring segments'" in notebook
    assert "Tier 4: K-Means Clustering" not in notebook
