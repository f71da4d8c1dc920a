"""The Quarto engine: its choice, version check and error reports (against a fake `quarto`),
and real renders with the Quarto CLI (skipped, saying why, where none is installed)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from kmeans_report.report.engines import get_engine
from kmeans_report.report.engines.quarto import QuartoEngine, stage_support_files
from kmeans_report.report.errors import RenderError
from tests.helpers import needs_quarto
from tests.report import engine_fixture as fx

REPO = Path(__file__).resolve().parents[2]

# Stands in for Quarto where only the engine's own logic is under test (version check, error
# reporting, engine choice); everything a render does is checked against the real Quarto.
FAKE_QUARTO = """\
#!{python}
import json, os, sys

args = sys.argv[1:]
with open(os.environ["FAKE_QUARTO_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "cwd": os.getcwd()}}) + "\\n")
if args == ["--version"]:
    print(os.environ.get("FAKE_QUARTO_VERSION", "1.6.40"))
    sys.exit(0)
print("ERROR: something broke in the render", file=sys.stderr)
sys.exit(1)
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


# A Quarto that is installed but does not start (its bundled runtime cannot run here).
BROKEN_QUARTO = """\
#!/bin/sh
echo 'ERROR: Deno could not start: bad CPU type in executable' >&2
echo 'Stack trace:' >&2
echo '    at main (file:///quarto/src/quarto.ts:1:1)' >&2
exit 1
"""


@pytest.fixture
def broken_quarto(tmp_path, monkeypatch) -> Path:
    bin_dir = tmp_path / "broken-bin"
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text(BROKEN_QUARTO)
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return exe


def test_auto_passes_a_quarto_that_does_not_start_by_with_a_note(broken_quarto):
    notes = []
    engine = get_engine("auto", note=notes.append)
    assert engine.name == "pandoc"
    assert notes == [f"note: rendering with pandoc, not the Quarto at {broken_quarto}, which "
                     "does not work: Deno could not start: bad CPU type in executable"]


def test_auto_passes_a_quarto_too_old_by(fake_quarto, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.4.550")
    notes = []
    assert get_engine("auto", note=notes.append).name == "pandoc"
    assert len(notes) == 1 and "quarto 1.4.550 is too old (need 1.5 or newer)" in notes[0]


def test_asking_for_a_quarto_that_does_not_start_fails_naming_why_and_the_fix(broken_quarto):
    with pytest.raises(RenderError) as raised:
        get_engine("quarto", note=pytest.fail)
    message = str(raised.value)
    assert f"the Quarto at {broken_quarto} does not work: Deno could not start" in message
    assert "--engine pandoc" in message and "Stack trace" not in message


def test_a_build_with_a_broken_quarto(broken_quarto, tmp_path, capsys):
    """Through the CLI: `auto` builds with pandoc and says why in one line; `quarto` stops
    before writing anything (exit 2)."""
    from kmeans_report.report.cli import main

    out = tmp_path / "site"
    assert main(["-q", "build", "--engine", "quarto", "--config", str(REPO / "report.yml"),
                 "--out", str(out), "--cache-dir", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err
    assert f"the Quarto at {broken_quarto} does not work" in err and not out.exists()
    assert main(["-q", "build", "--config", str(REPO / "report.yml"), "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    captured = capsys.readouterr()
    notes = [line for line in captured.err.splitlines() if line.startswith("note:")]
    assert notes == [f"note: rendering with pandoc, not the Quarto at {broken_quarto}, which "
                     "does not work: Deno could not start: bad CPU type in executable"]
    assert "with pandoc" in captured.out and (out / "downloads" / "report.pdf").is_file()


def test_support_files_quarto_yml_refers_to_are_staged(tmp_path):
    """Every file _quarto.yml points at exists in the project Quarto renders."""
    project = fx.write_project(tmp_path / "project")
    stage_support_files(project)
    config = yaml.safe_load((project / "_quarto.yml").read_text())
    html, typst = config["format"]["html"], config["format"]["typst"]
    referenced = [*html["theme"][1:], html["css"], *typst["template-partials"]]
    for include in ("include-in-header", "include-before-body", "include-after-body"):
        for item in html.get(include, []):
            referenced += [
                src for src in fx.SRC_ATTR.findall(item["text"]) if src.endswith(".js")
            ]
    missing = [ref for ref in referenced if not (project / ref).is_file()]
    # pagefind's files are written after the render; everything else must be there
    assert [m for m in missing if not m.startswith("pagefind/")] == []
    assert typst["papersize"] == "a4"


def test_typst_partials_are_valid_pandoc_template_partials():
    """Quarto includes typst-template.typ as a pandoc template partial: no stray `$`."""
    text = (REPO / "templates" / "typst" / "typst-template.typ").read_text()
    assert "$" not in text


def test_old_quarto_is_refused(fake_quarto, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.4.550")
    with pytest.raises(RenderError, match="too old"):
        QuartoEngine().version()


def test_quarto_failure_is_reported_with_its_output(fake_quarto, tmp_path):
    project = fx.write_project(tmp_path / "project")
    with pytest.raises(RenderError, match="something broke in the render"):
        QuartoEngine().render(project, tmp_path / "site")


def test_missing_quarto_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("kmeans_report.report.engines.quarto.sys.executable", str(tmp_path / "python"))
    with pytest.raises(RenderError, match="pip install 'quarto-cli>=1.5'"):
        QuartoEngine().version()


@needs_quarto
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
    assert "callout-note" in index
    assert "Other Formats" not in index  # format-links: false (the PDF is in the navbar)
    assert not (site / "index.pdf").exists()


@needs_quarto
def test_real_quarto_pdf_uses_the_project_typst_settings(tmp_path):
    """report.qmd is rendered as a document of the project: A4, contents, our partials."""
    project = fx.write_project(tmp_path / "project")
    result = QuartoEngine().render(project, tmp_path / "site")
    box = PdfReader(result.pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    pages = fx.pdf_text(result.pdf)
    assert "Contents" in pages[1]
    assert "1. Executive summary" in "\n".join(pages[2:])
