"""The Quarto engine: the commands it issues (against a fake `quarto`), and a real render when
Quarto is installed."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from report.engines import get_engine
from report.engines.quarto import QuartoEngine, stage_support_files
from report.errors import RenderError
from tests.report import engine_fixture as fx

REPO = Path(__file__).resolve().parents[2]

# Mimics what Quarto does with our project: the website goes to _site (resources copied),
# and report.qmd, which is not in project.render, is written next to its source.
FAKE_QUARTO = """\
#!{python}
import json, os, shutil, sys
from pathlib import Path
import yaml

args = sys.argv[1:]
with open(os.environ["FAKE_QUARTO_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "cwd": os.getcwd()}}) + "\\n")
if args == ["--version"]:
    print(os.environ.get("FAKE_QUARTO_VERSION", "1.6.40"))
    sys.exit(0)
if os.environ.get("FAKE_QUARTO_FAIL"):
    print("ERROR: something broke in the render", file=sys.stderr)
    sys.exit(1)
config = yaml.safe_load(Path("_quarto.yml").read_text())
site = Path(config["project"].get("output-dir", "_site"))
if args == ["render", "--to", "html"]:
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir()
    pages = config["project"]["render"]
    nav = "".join(f'<a href="{{p[:-4]}}.html">{{p}}</a>' for p in pages)
    for page in pages:
        (site / (page[:-4] + ".html")).write_text(
            f'<html><body>{{nav}}<a href="downloads/report.pdf">PDF</a>'
            f'<main>{{page}}</main></body></html>')
    for res in config["project"].get("resources", []):
        if Path(res).is_dir():
            shutil.copytree(res, site / res, dirs_exist_ok=True)
    (site / "site_libs").mkdir()
elif args == ["render", "report.qmd", "--to", "typst"]:
    target = site if os.environ.get("FAKE_QUARTO_PDF_IN_SITE") else Path(".")
    (target / "report.pdf").write_bytes(b"%PDF-1.7 fake")
else:
    sys.exit(f"fake quarto: unexpected arguments {{args}}")
"""


@pytest.fixture
def fake_quarto(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text(FAKE_QUARTO.format(python=sys.executable))
    exe.chmod(0o755)
    log = tmp_path / "quarto-calls.jsonl"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))

    def calls() -> list[dict]:
        return [json.loads(line) for line in log.read_text().splitlines()]

    return calls


def test_auto_picks_quarto_when_it_is_on_path(fake_quarto):
    engine = get_engine("auto")
    assert engine.name == "quarto"
    assert engine.version() == "1.6.40"
    assert fake_quarto() == [{"args": ["--version"], "cwd": os.getcwd()}]


def test_render_issues_the_quarto_commands_and_assembles_the_site(fake_quarto, tmp_path):
    project = fx.write_project(tmp_path / "project")
    site = tmp_path / "site"
    steps: list[str] = []
    result = QuartoEngine().render(project, site, progress=steps.append)

    renders = [c for c in fake_quarto() if c["args"] != ["--version"]]
    assert renders == [
        {"args": ["render", "--to", "html"], "cwd": str(project.resolve())},
        {"args": ["render", "report.qmd", "--to", "typst"], "cwd": str(project.resolve())},
    ]
    assert result.engine == "quarto" and result.version == "1.6.40"
    assert result.pages == fx.listed_pages(project)
    assert all((site / p).is_file() for p in result.pages)
    assert result.pdf == site.resolve() / "downloads" / "report.pdf"
    assert result.pdf.read_bytes().startswith(b"%PDF")
    assert not (project / "report.pdf").exists() and not (project / "_site").exists()
    assert (site / "downloads" / "segments.csv").is_file()
    assert (site / "site_libs").is_dir()
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert fx.broken_links(site) == []
    assert steps[-1].startswith("search index")


def test_pdf_written_into_the_output_dir_is_found_too(fake_quarto, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_PDF_IN_SITE", "1")
    project = fx.write_project(tmp_path / "project")
    result = QuartoEngine().render(project, tmp_path / "site")
    assert result.pdf.is_file()
    assert not (tmp_path / "site" / "report.pdf").exists()


def test_support_files_quarto_yml_refers_to_are_staged(tmp_path):
    """Every file _quarto.yml points at exists in the project Quarto renders."""
    project = fx.write_project(tmp_path / "project")
    stage_support_files(project)
    config = yaml.safe_load((project / "_quarto.yml").read_text())
    html, typst = config["format"]["html"], config["format"]["typst"]
    referenced = [*html["theme"][1:], html["css"], *typst["template-partials"]]
    for include in ("include-in-header", "include-before-body", "include-after-body"):
        for item in html[include]:
            referenced += [
                src for src in fx.SRC_ATTR.findall(item["text"]) if src.endswith(".js")
            ]
    missing = [ref for ref in referenced if not (project / ref).is_file()]
    # version-switcher.js comes from the publishing side; everything else must be there
    assert [m for m in missing if not m.endswith("version-switcher.js")] == []
    assert config["google-scholar"] is True
    assert typst["papersize"] == "a4"


def test_typst_partials_are_valid_pandoc_template_partials():
    """Quarto includes typst-template.typ as a pandoc template partial: no stray `$`."""
    text = (REPO / "templates" / "typst" / "typst-template.typ").read_text()
    assert "$" not in text


def test_old_quarto_is_refused(fake_quarto, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.4.550")
    with pytest.raises(RenderError, match="too old"):
        QuartoEngine().version()


def test_quarto_failure_is_reported_with_its_output(fake_quarto, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_FAIL", "1")
    project = fx.write_project(tmp_path / "project")
    with pytest.raises(RenderError, match="something broke in the render"):
        QuartoEngine().render(project, tmp_path / "site")


def test_missing_quarto_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match="pip install 'quarto-cli>=1.5'"):
        QuartoEngine().version()


@pytest.mark.quarto
@pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="the quarto CLI is not on PATH (pip install 'kmeans-report[quarto]' to run this)",
)
def test_real_quarto_render_meets_the_engine_contract(tmp_path):
    project = fx.write_project(tmp_path / "project")
    site = tmp_path / "site"
    result = QuartoEngine().render(project, site)
    fx.check_site(project, site, result)
    pages = fx.pdf_text(result.pdf)
    assert "Brandon Deloatch" in pages[0] and "Quipu Research Labs, LLC" in pages[0]
    body = "\n".join(pages[1:])
    for heading in ("Executive summary", "Data", "Model selection", "Segment profiles"):
        assert heading in body
    index = (site / "index.html").read_text()
    assert '<meta name="citation_title"' in index
    assert "callout-note" in index
