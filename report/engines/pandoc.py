"""The pure-pip render engine: pandoc (pypandoc-binary) for pages, typst (PyPI) for the PDF.

Reads the same generated Quarto project Quarto would, and builds the same page set, links,
downloads and PDF, inside our own layout (templates/layout/page.html.j2).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kmeans_report.report.engines.base import (
    Progress,
    RenderResult,
    check_project_dir,
    prepare_site_dir,
    report_progress,
    write_new,
)
from kmeans_report.report.engines.html_pages import PageWriter
from kmeans_report.report.engines.pandoc_run import pandoc_version
from kmeans_report.report.engines.siteconfig import PDF_HREF, html_href, load_site_config
from kmeans_report.report.engines.sitefiles import (
    build_search_index,
    copy_resources,
    install_site_assets,
)
from kmeans_report.report.engines.typst_pdf import compile_pdf, report_to_typst, typst_version
from kmeans_report.report.errors import RenderError


class PandocEngine:
    name = "pandoc"

    def version(self) -> str:
        return f"pandoc {pandoc_version()} + typst {typst_version()}"

    def render(
        self, project_dir: Path, site_dir: Path, *, progress: Progress | None = None,
        figures: Callable[[], None] | None = None,
    ) -> RenderResult:
        project_dir, site_dir = Path(project_dir).resolve(), Path(site_dir).resolve()
        check_project_dir(project_dir)
        version = self.version()  # fails early, naming the fix, if pandoc or typst is missing
        site = load_site_config(project_dir)
        if site.pdf_source is None:
            raise RenderError("_quarto.yml renders no PDF document (one with `format: typst`)")
        prepare_site_dir(site_dir)

        writer = PageWriter(project_dir, site)
        pages, highlight_css, uses_plotly = [], "", False
        # Each page (and the PDF's typst source) is one pandoc process: run them side by side.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            typst_source = pool.submit(report_to_typst, project_dir, site.pdf_source, site.typst)
            rendered = [pool.submit(writer.render, page) for page in site.pages]
            for i, (page, job) in enumerate(zip(site.pages, rendered, strict=True), 1):
                report_progress(progress, f"page {i}/{len(site.pages)}: {page}")
                html, fragment = job.result()
                out = html_href(page)
                (site_dir / out).write_text(html, encoding="utf-8")
                pages.append(out)
                highlight_css = highlight_css or fragment.css
                uses_plotly = uses_plotly or "assets/figures.js" in html
            source = typst_source.result()
        # The pages only name the figures' files: what reads them comes after this wait.
        if figures is not None:
            figures()
        report_progress(progress, "copying resources")
        copy_resources(project_dir, site_dir, site.resources)
        install_site_assets(site_dir, with_plotly=uses_plotly)
        if highlight_css:
            (site_dir / "assets" / "highlight.css").write_text(highlight_css, encoding="utf-8")

        pdf = site_dir / PDF_HREF
        # pagefind (its own process, reading only the HTML) indexes while typst compiles.
        with ThreadPoolExecutor(max_workers=1) as pool:
            report_progress(progress, "PDF report (typst) and search index (pagefind)")
            index = pool.submit(build_search_index, site_dir)
            compile_pdf(source, project_dir, pdf)
            index.result()
        return RenderResult(engine=self.name, version=version, pages=pages, pdf=pdf)

    def render_pages(
        self, project_dir: Path, site_dir: Path, pages: list[str], *, pdf: bool,
        progress: Progress | None = None,
    ) -> None:
        project_dir, site_dir = Path(project_dir).resolve(), Path(site_dir).resolve()
        site = load_site_config(project_dir)
        writer = PageWriter(project_dir, site)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            # The PDF (typst source, then its compile) runs beside the pages and the index.
            report = pool.submit(self._pdf, project_dir, site, site_dir / PDF_HREF) if pdf else None
            rendered = [(page, pool.submit(writer.render, page)) for page in pages]
            uses_plotly = False
            for page, job in rendered:
                report_progress(progress, f"page {page}")
                html, _ = job.result()
                write_new(site_dir / html_href(page), html)
                uses_plotly = uses_plotly or "assets/figures.js" in html
            install_site_assets(site_dir, with_plotly=uses_plotly)
            if pages:
                report_progress(progress, "search index (pagefind)")
                build_search_index(site_dir)
            if report is not None:
                report_progress(progress, "PDF report (typst)")
                report.result()

    @staticmethod
    def _pdf(project_dir: Path, site, pdf: Path) -> None:
        source = report_to_typst(project_dir, site.pdf_source, site.typst)
        pdf.unlink(missing_ok=True)
        compile_pdf(source, project_dir, pdf)
