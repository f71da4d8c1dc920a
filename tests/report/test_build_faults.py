"""A build or publish that fails at any stage leaves the previous site and the published tree
exactly as they were; a missing tool is one clear paragraph with the command that fixes it.

Each test starts from a copy of the session's real default site (conftest `built_site`),
published once into a tree beside it, and injects a failure into one stage of a rebuild:
analysis, figure export, page writing, page rendering, PDF, publish. Publishing faults at
every single file operation are covered in test_publish.py; here the whole CLI path is used.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from kmeans_report.report.cli import main
from tests.helpers import hash_tree

REPO = Path(__file__).resolve().parents[2]


class InjectedFault(RuntimeError):
    """A failure no code path expects (a bug, a full disk, a crash in a dependency)."""


def boom(*args, **kwargs):
    raise InjectedFault("injected fault")


class Previous:
    """An earlier successful build (site + caches) and a published tree, in a temp folder."""

    def __init__(self, root: Path, built_site, cache: Path) -> None:
        from kmeans_report.report.publish import publish_site

        site, _ = built_site
        self.root = root
        self.site = root / "_site"
        shutil.copytree(site, self.site, symlinks=True)
        self.cache = root / "cache"
        shutil.copytree(cache, self.cache, symlinks=True)
        self.public = root / "public"
        publish_site(self.site, self.public, "1.0.0", date="2025-10-02")
        self.before = self.snapshot()

    def snapshot(self) -> tuple[dict, dict]:
        return hash_tree(self.site), hash_tree(self.public)

    def drop_cache(self, *names: str) -> None:
        for name in names:
            shutil.rmtree(self.cache / name, ignore_errors=True)

    def build(self, *extra: str) -> int:
        return main(["-q", "build", "--config", str(REPO / "report.yml"), "--engine", "pandoc",
                     "--out", str(self.site), "--cache-dir", str(self.cache), "--rebuild", *extra])

    def publish(self, *extra: str) -> int:
        return main(["-q", "publish", "--config", str(REPO / "report.yml"), "--engine", "pandoc",
                     "--site-root", str(self.public), "--cache-dir", str(self.cache),
                     "--version", "2.0.0", *extra])

    def unchanged(self) -> bool:
        leftovers = [p.name for p in self.root.iterdir() if ".staging-" in p.name or ".old-" in p.name]
        assert leftovers == [], leftovers
        return self.snapshot() == self.before


@pytest.fixture
def previous(tmp_path, built_site, site_builder):
    return Previous(tmp_path, built_site, site_builder.cache)


def test_analysis_fault(previous, monkeypatch):
    import kmeans_report.analysis.pipeline  # noqa: F401 (loads the module named below)
    from kmeans_report import analysis

    previous.drop_cache("analysis", "figure-sets", "notebooks")
    monkeypatch.setattr(analysis.pipeline, "run_analysis", boom)
    with pytest.raises(InjectedFault):
        previous.build()
    assert previous.unchanged()
    assert not list((previous.cache / "analysis").glob("*/results.json"))


def test_analysis_output_fault_keeps_the_previous_results(tmp_path, monkeypatch):
    """`analyze`: a crash while writing the tables leaves the earlier results folder."""
    import pandas as pd

    out = tmp_path / "results"
    config = tmp_path / "small.yml"
    config.write_text("data: {synthetic: {n_customers: 200}}\n"
                      "clustering: {k_max: 4, stability: {n_reseeds: 1, n_bootstrap: 1}}\n")
    config = str(config)
    assert main(["-q", "analyze", "--config", config, "--out", str(out)]) == 0
    before = hash_tree(out)
    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)  # profiles.csv, the last table written
    with pytest.raises(InjectedFault):
        main(["-q", "analyze", "--config", config, "--out", str(out)])
    assert hash_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "small.yml"]


def test_figure_export_fault(previous, monkeypatch):
    import kmeans_report.report.figure_export  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    previous.drop_cache("figure-sets")
    monkeypatch.setattr(report.figure_export, "start_figures", boom)
    with pytest.raises(InjectedFault):
        previous.build()
    assert previous.unchanged()
    # the half-written figure set is not kept as if it were complete
    assert not list((previous.cache / "figure-sets").glob("*/figures.json"))


def test_page_writing_fault(previous, monkeypatch):
    import kmeans_report.report.project  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    monkeypatch.setattr(report.project, "write_project", boom)
    with pytest.raises(InjectedFault):
        previous.build()
    assert previous.unchanged()


def test_rendering_fault_half_way_through_the_pages(previous, monkeypatch):
    from kmeans_report.report.engines import html_pages

    real = html_pages.PageWriter.render

    def render(self, page):
        if page == "clusters.qmd":
            raise InjectedFault("injected fault")
        return real(self, page)

    monkeypatch.setattr(html_pages.PageWriter, "render", render)
    with pytest.raises(InjectedFault):
        previous.build()
    assert previous.unchanged()


def test_pdf_fault_is_a_clear_error_and_changes_nothing(previous, monkeypatch, capsys):
    import typst

    def broken(*args, **kwargs):
        raise typst.TypstError("injected: unknown font")

    monkeypatch.setattr(typst, "compile", broken)
    assert previous.build() == 2
    err = capsys.readouterr().err
    assert "typst could not compile the PDF report" in err and "Traceback" not in err
    assert previous.unchanged()


def test_search_index_fault(previous, monkeypatch):
    import kmeans_report.report.engines.pandoc  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    monkeypatch.setattr(report.engines.pandoc, "build_search_index", boom)
    with pytest.raises(InjectedFault):
        previous.build()
    assert previous.unchanged()


def test_publish_fault_after_a_good_build(previous, monkeypatch, capsys):
    import kmeans_report.report.publish.transaction  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    def fail_swap(self, staged, target):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(report.publish.transaction.Transaction, "swap_dir", fail_swap)
    assert previous.publish() == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "rolled back" in err
    assert previous.unchanged()


def test_build_fault_during_publish(previous, monkeypatch):
    import kmeans_report.report.engines.pandoc  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    monkeypatch.setattr(report.engines.pandoc, "compile_pdf", boom)
    with pytest.raises(InjectedFault):
        previous.publish()
    assert previous.unchanged()


def test_interrupt_keeps_everything_and_exits_130(previous, monkeypatch, capsys):
    import kmeans_report.report.project  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.project, "write_project", interrupt)
    assert previous.build() == 130
    assert "earlier output left as it was" in capsys.readouterr().err
    assert previous.unchanged()


# -- missing tools ----------------------------------------------------------------------------


def one_paragraph(err: str) -> str:
    assert err.startswith("kmeans-report: error: ") and "Traceback" not in err
    assert "\n\n" not in err.strip()
    return err


def test_missing_chromium(previous, monkeypatch, capsys):
    import kmeans_report.report.figure_export  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    previous.drop_cache("analysis", "figure-sets", "figures", "notebooks")
    monkeypatch.setattr(report.figure_export.shutil, "which", lambda name: None)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert previous.build() == 2
    err = one_paragraph(capsys.readouterr().err)
    assert "Chromium" in err and "apt-get install chromium" in err
    assert previous.unchanged()


def test_missing_pandoc(previous, monkeypatch, capsys):
    from kmeans_report.report.engines import pandoc_run

    pandoc_run.pandoc_path.cache_clear()
    pandoc_run.pandoc_version.cache_clear()
    monkeypatch.setitem(sys.modules, "pypandoc", None)
    try:
        assert previous.build() == 2
    finally:
        pandoc_run.pandoc_path.cache_clear()
        pandoc_run.pandoc_version.cache_clear()
    err = one_paragraph(capsys.readouterr().err)
    assert "python3 -m pip install pypandoc-binary" in err
    assert previous.unchanged()


def test_missing_typst(previous, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "typst", None)
    assert previous.build() == 2
    assert "python3 -m pip install typst" in one_paragraph(capsys.readouterr().err)
    assert previous.unchanged()


def test_missing_quarto(previous, monkeypatch, capsys):
    import kmeans_report.report.engines.quarto  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    monkeypatch.setattr(report.engines.quarto, "find_quarto", lambda: None)
    code = main(["-q", "build", "--config", str(REPO / "report.yml"), "--engine", "quarto",
                 "--out", str(previous.site), "--cache-dir", str(previous.cache)])
    assert code == 2
    err = one_paragraph(capsys.readouterr().err)
    assert "quarto was not found" in err and "pip install 'quarto-cli>=1.5'" in err
    assert previous.unchanged()
