"""The Quarto render engine: one `quarto render` for the website and the typst PDF.

Quarto is the renderer the project is written for, and the one releases publish with; it
reads _quarto.yml itself. This module only stages the support files _quarto.yml refers to,
runs `quarto render` once, and moves the output into the caller's site folder in the layout
the pandoc engine produces.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from kmeans_report.report.engines.base import (
    Progress,
    RenderResult,
    check_project_dir,
    prepare_site_dir,
    report_progress,
)
from kmeans_report.report.engines.siteconfig import PDF_HREF, html_href, load_site_config, read_yaml
from kmeans_report.report.engines.sitefiles import build_search_index, plotly_js_path
from kmeans_report.report.errors import RenderError
from kmeans_report.report.files import copy_tree
from kmeans_report.report.resources import ASSETS_DIR, TEMPLATES_DIR

MIN_QUARTO = (1, 5)
QUARTO_FIX = (
    "python3 -m pip install 'quarto-cli>=1.5' (or install Quarto from quarto.org), "
    "or render with the pandoc engine"
)
# Template folders _quarto.yml points at (typst template-partials and filters, the offline
# theme layer).
SUPPORT_DIRS = ("typst", "quarto", "filters")


def find_quarto() -> str | None:
    """The quarto executable: on PATH, else in this Python environment's own bin folder
    (where `pip install quarto-cli` puts it, and where .ci/setup links the offline kit)."""
    found = shutil.which("quarto")
    if found:
        return found
    beside = Path(sys.executable).parent / "quarto"
    return str(beside) if os.access(beside, os.X_OK) else None


def _copy_missing(src: Path, dst: Path) -> None:
    """Copy src (file or tree) to dst without overwriting what the project already has."""
    if src.is_dir():
        for child in sorted(src.rglob("*")):
            if child.is_file():
                _copy_missing(child, dst / child.relative_to(src))
    elif not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def stage_support_files(project_dir: Path) -> None:
    """Put what _quarto.yml and the pages reference into the project, so Quarto finds it
    there: our site assets (components.css, search.js, version-switcher.js ...),
    plotly.min.js, and the typst partials and theme layer under templates/."""
    _copy_missing(ASSETS_DIR, project_dir / "assets")
    _copy_missing(plotly_js_path(), project_dir / "assets" / "plotly.min.js")
    for name in SUPPORT_DIRS:
        _copy_missing(TEMPLATES_DIR / name, project_dir / "templates" / name)


class QuartoEngine:
    name = "quarto"

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable
        self._version: str | None = None  # asked by the engine choice, the build and render

    def _quarto(self) -> str:
        exe = self.executable or find_quarto()
        if not exe:
            raise RenderError(f"quarto was not found (on PATH or beside Python); fix: {QUARTO_FIX}")
        return exe

    def _run(self, args: list[str], cwd: Path) -> str:
        cmd = [self._quarto(), *args]
        env = {**os.environ, "QUARTO_LOG_LEVEL": os.environ.get("QUARTO_LOG_LEVEL", "WARNING")}
        try:
            out = subprocess.run(
                cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600, check=False
            )
        except OSError as exc:
            raise RenderError(f"could not run quarto ({exc}); fix: {QUARTO_FIX}") from exc
        if out.returncode != 0:
            detail = (out.stderr or out.stdout).strip()[-3000:]
            raise RenderError(f"`quarto {' '.join(args)}` failed:\n{detail}")
        return out.stdout

    def version(self) -> str:
        if self._version is None:
            text = self._run(["--version"], cwd=Path.cwd()).strip()
            m = re.match(r"(\d+)\.(\d+)", text)
            if not m:
                raise RenderError(f"could not read the quarto version from {text!r}")
            if (int(m[1]), int(m[2])) < MIN_QUARTO:
                raise RenderError(f"quarto {text} is too old (need 1.5 or newer); fix: {QUARTO_FIX}")
            self._version = text
        return self._version

    def render(
        self, project_dir: Path, site_dir: Path, *, progress: Progress | None = None,
        figures: Callable[[], None] | None = None,
    ) -> RenderResult:
        project_dir, site_dir = Path(project_dir).resolve(), Path(site_dir).resolve()
        if figures is not None:  # one `quarto render` reads the figures with everything else
            figures()
        check_project_dir(project_dir)
        version = self.version()
        site = load_site_config(project_dir)
        output_dir = project_dir / site.output_dir
        prepare_site_dir(site_dir)
        stage_support_files(project_dir)
        if site.pdf_source is None:
            raise RenderError("_quarto.yml renders no PDF document (one with `format: typst`)")

        # One render: the pages declare `format: html`, report.qmd `format: typst`, so each
        # gets its own format with the project's options (A4, contents, our typst partials).
        report_progress(progress, "website and PDF report (quarto render)")
        self._run(["render"], cwd=project_dir)
        pdf_src = output_dir / (Path(site.pdf_source).stem + ".pdf")
        if not pdf_src.is_file():
            raise RenderError(f"quarto finished but wrote no {pdf_src.name}")
        if not output_dir.is_dir():
            raise RenderError(f"quarto finished but wrote no website into {output_dir}")

        report_progress(progress, "moving the output into the site folder")
        for child in sorted(output_dir.iterdir()):
            if child != pdf_src:
                shutil.move(str(child), str(site_dir / child.name))
        pdf = site_dir / PDF_HREF
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(pdf_src), str(pdf))
        shutil.rmtree(output_dir, ignore_errors=True)
        # The site's search is pagefind's (both engines); Quarto writes its own index anyway.
        (site_dir / "search.json").unlink(missing_ok=True)

        pages = [html_href(p) for p in site.pages]
        missing = [p for p in pages if not (site_dir / p).is_file()]
        if missing:
            raise RenderError(f"quarto did not produce these pages: {', '.join(missing)}")

        report_progress(progress, "search index (pagefind)")
        build_search_index(site_dir)
        return RenderResult(engine=self.name, version=version, pages=pages, pdf=pdf)

    def render_pages(
        self, project_dir: Path, site_dir: Path, pages: list[str], *, pdf: bool,
        progress: Progress | None = None,
    ) -> None:
        project_dir, site_dir = Path(project_dir).resolve(), Path(site_dir).resolve()
        site = load_site_config(project_dir)
        stage_support_files(project_dir)
        # Each `quarto render` starts Quarto (seconds of CPU), so the pages take one run and
        # the PDF another, side by side on two cores; the search index is built once the
        # pages are in, while the PDF may still be rendering.
        pdf_targets = [site.pdf_source] if pdf and site.pdf_source else []
        with ThreadPoolExecutor(2) as pool:
            runs = {}
            for name, targets in (("pages", pages), ("pdf", pdf_targets)):
                if targets:
                    report_progress(progress, f"quarto render {', '.join(targets)}")
                    runs[name] = pool.submit(self._render_subset, project_dir, site, targets,
                                             site_dir)
            if "pages" in runs:
                runs["pages"].result()
                report_progress(progress, "search index (pagefind)")
                build_search_index(site_dir)
                (site_dir / "search.json").unlink(missing_ok=True)
            if "pdf" in runs:
                runs["pdf"].result()

    def _render_subset(self, project_dir: Path, site, targets: list[str], site_dir: Path) -> None:
        """One `quarto render` of the project with only `targets` in project.render, in a
        hard-linked copy of the project (its _quarto.yml rewritten), their output moved over
        site_dir. Quarto then resolves links only to the files it renders: links to the
        other pages keep their .qmd name, fixed here."""
        with tempfile.TemporaryDirectory(prefix="kmeans-report-quarto-") as scratch:
            folder = Path(scratch)
            for child in project_dir.iterdir():
                if child.name not in (site.output_dir, ".quarto", "_quarto.yml"):
                    copy_tree(child, folder / child.name)
            config = read_yaml(project_dir / "_quarto.yml")
            config.setdefault("project", {})["render"] = targets
            (folder / "_quarto.yml").write_text(
                yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
            self._run(["render"], cwd=folder)
            output = folder / site.output_dir
            for target in targets:
                if target == site.pdf_source:
                    made, dest = output / (Path(target).stem + ".pdf"), site_dir / PDF_HREF
                else:
                    made, dest = output / html_href(target), site_dir / html_href(target)
                if not made.is_file():
                    raise RenderError(f"quarto finished but wrote no {made.name}")
                if target != site.pdf_source:
                    made.write_text(page_links(made.read_text(encoding="utf-8"),
                                               site.pages), encoding="utf-8")
                shutil.move(str(made), str(dest))  # a rename: replaces a hard link, not into it


_QMD_HREF = re.compile(r'href="(\./)?([^"/#:]+)\.qmd(#[^"]*)?"')


def page_links(html: str, pages: list[str]) -> str:
    """Links to the project's pages as a full render writes them (`./data.html`)."""
    def fix(match: re.Match) -> str:
        if f"{match[2]}.qmd" not in pages:
            return match[0]
        return f'href="{match[1] or ""}{match[2]}.html{match[3] or ""}"'

    return _QMD_HREF.sub(fix, html)
