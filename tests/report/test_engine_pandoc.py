"""The pure-pip engine renders the generated project into a site and an A4 PDF."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from kmeans_report.report.engines import RenderResult, get_engine, pandoc_run, typst_pdf
from kmeans_report.report.engines.html_pages import PageWriter
from kmeans_report.report.engines.pandoc import PandocEngine
from kmeans_report.report.engines.siteconfig import load_site_config
from kmeans_report.report.errors import RenderError, ReportError
from tests.report import engine_fixture as fx


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, RenderResult]:
    root = tmp_path_factory.mktemp("pandoc-engine")
    project = fx.write_project(root / "project")
    site = root / "site"
    steps: list[str] = []
    result = PandocEngine().render(project, site, progress=steps.append,
                                   figures=lambda: steps.append("figures in"))
    # the pages' HTML first (it only names the figures' files), then the wait for the
    # figures, then what reads them
    assert steps[0].startswith("page 1/")
    assert steps.index("figures in") > max(i for i, s in enumerate(steps) if s.startswith("page"))
    assert steps.index("figures in") < steps.index("copying resources")
    assert steps[-1].endswith("search index (pagefind)")
    return project, site, result


def html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_site_meets_the_engine_contract(built):
    project, site, result = built
    fx.check_site(project, site, result)
    assert result.engine == "pandoc"
    assert re.fullmatch(r"pandoc 3\.\d+(\.\d+)* \+ typst \S+", result.version)


def test_navbar_lists_every_page_marks_the_current_one_and_offers_the_pdf(built):
    project, site, result = built
    for page in result.pages:
        text = html(site, page)
        header = text.split('<header class="site-header"', 1)[1].split("</header>", 1)[0]
        links = re.findall(r'href="([^"]+)"', header)
        # the site title links home; the navbar (menus included) every other page, in order
        assert links[0] == "index.html"
        assert [h for h in links[1:] if h.endswith(".html")] == result.pages[1:]
        active = re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', header)
        assert active == ([] if page == "index.html" else [page])
        assert 'href="downloads/report.pdf"' in text and "Download PDF" in text
        assert '<div id="version-switcher"></div>' in text
        assert '<summary class="active">About</summary>' in header or page not in (
            "reproduce.html", "citation.html", "provenance.html", "versions.html",
            "downloads.html")
        assert '<script src="assets/version-switcher.js" defer></script>' in text
        assert "Version 1.3.0 · MIT license" in text  # page-footer, placeholders filled
        assert "<title>" in text and "Fixture site" in text


def test_page_links_to_qmd_files_point_at_html(built):
    _, site, _ = built
    text = html(site, "index.html")
    assert 'href="methods.html"' in text and 'href="clusters.html#segment-profiles"' in text
    assert ".qmd" not in text


def test_table_of_contents_comes_from_the_headings(built):
    _, site, _ = built
    text = html(site, "data.html")
    toc = text.split('<aside class="toc"', 1)[1].split("</aside>", 1)[0]
    assert 'href="#features"' in toc and 'href="#quality"' in toc


def test_callouts_render_with_their_kind_and_title(built):
    _, site, _ = built
    index, data = html(site, "index.html"), html(site, "data.html")
    assert re.search(r'class="callout callout-note".*?How to read this report', index, re.S)
    assert re.search(r'class="callout callout-warning".*?>\s*Warning\s*<', index, re.S)
    for kind, title in [("tip", "Tip"), ("important", "Important"), ("caution", "Caution")]:
        found = re.search(rf'class="callout callout-{kind}".*?>\s*{title}\s*<', data, re.S)
        assert found, kind
    assert "callout-title" in index and "callout-body" in index


def test_tables_and_segment_cards_reach_the_page(built):
    _, site, _ = built
    assert "<table>" in html(site, "data.html")
    # pandoc writes a div that starts with a heading as <section>; the class is what counts
    assert html(site, "index.html").count('class="segment-card"') == 2


def test_chart_script_only_on_pages_with_figures_and_plotly_js_is_local(built):
    _, site, _ = built
    assert (site / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    assert "plotly.min.js" not in html(site, "index.html")  # loaded on demand only
    tag = '<script src="assets/figures.js" defer></script>'
    assert tag in html(site, "index.html")
    assert tag not in html(site, "data.html")


def test_includes_of_quarto_yml_and_of_the_page_reach_every_page(built):
    """Scholar tags and plotly.js come as page includes, search and switcher as site ones:
    the pandoc engine places them as Quarto does (head, before body, after body)."""
    _, site, _ = built
    for name in ("index.html", "data.html"):
        text = html(site, name)
        head, body = text.split("</head>")
        assert '<script src="assets/search.js" defer></script>' in head
        assert '<script src="pagefind/pagefind-ui.js" defer></script>' in head
        assert body.rstrip().endswith(
            '<script src="assets/version-switcher.js" defer></script>\n\n</body>\n</html>')
    assert "assets/figures.js" in html(site, "index.html").split("</head>")[0]


def test_dates_read_as_quarto_shows_them(built):
    _, site, _ = built
    assert "October 2, 2025" in html(site, "index.html")


def test_our_assets_and_the_local_search_ui_are_in_the_site(built):
    _, site, result = built
    for name in ("site.css", "components.css", "site.js"):
        assert (site / "assets" / name).is_file(), name
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    # every page of the site is indexed (13 with the Changes page)
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(result.pages) == 13
    assert 'data-pagefind-body' in html(site, "index.html")


def test_pdf_is_a4_with_title_page_contents_and_numbered_sections(built):
    _, _, result = built
    reader = PdfReader(result.pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    pages = fx.pdf_text(result.pdf)
    title_page = pages[0]
    for value in ("Tier 4: K-Means Clustering", "Customer segmentation report",
                  "Brandon Deloatch", "Quipu Research Labs, LLC", "1.3", "2025-10-02"):
        assert value in title_page, value
    assert "Contents" in pages[1]
    body = "\n".join(pages[1:])
    for heading in ("1. Executive summary", "2. Data", "3. Model selection", "4. Clusters",
                    "4.1. Segment profiles"):
        assert heading in body, heading
    assert "Reading guide" in body  # the callout title
    assert "Annual Spending" in body  # the table
    assert reader.metadata.title == "Tier 4: K-Means Clustering"


def test_site_dir_must_be_empty(tmp_path):
    project = fx.write_project(tmp_path / "project")
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old")
    with pytest.raises(RenderError, match="not empty"):
        PandocEngine().render(project, site)
    assert [p.name for p in site.iterdir()] == ["old.html"]


def test_a_missing_listed_page_is_reported(tmp_path):
    project = fx.write_project(tmp_path / "project")
    (project / "roi.qmd").unlink()
    with pytest.raises(RenderError, match="roi.qmd"):
        PandocEngine().render(project, tmp_path / "site")


def test_typst_package_imports_are_refused(tmp_path):
    project = fx.write_project(tmp_path / "project")
    report = project / "report.qmd"
    report.write_text(
        report.read_text() + '\n```{=typst}\n#import "@preview/cetz:0.3.0": canvas\n```\n'
    )
    with pytest.raises(RenderError, match="typst package"):
        PandocEngine().render(project, tmp_path / "site")


def test_missing_pandoc_names_the_fix(monkeypatch):
    pandoc_run.pandoc_path.cache_clear()
    pandoc_run.pandoc_version.cache_clear()
    monkeypatch.setitem(sys.modules, "pypandoc", None)
    try:
        with pytest.raises(RenderError, match="pip install pypandoc-binary"):
            PandocEngine().version()
    finally:
        pandoc_run.pandoc_path.cache_clear()
        pandoc_run.pandoc_version.cache_clear()


def test_missing_typst_names_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "typst", None)
    with pytest.raises(RenderError, match="pip install typst"):
        typst_pdf.typst_version()


def test_get_engine(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto here, nor beside Python
    monkeypatch.setattr("kmeans_report.report.engines.quarto.sys.executable", str(tmp_path / "python"))
    assert get_engine("auto").name == "pandoc"
    assert get_engine("pandoc").name == "pandoc"
    with pytest.raises(RenderError, match="unknown render engine"):
        get_engine("latex")
    assert issubclass(RenderError, ReportError) and issubclass(ReportError, Exception)


def test_page_options_follow_quarto_yml(tmp_path):
    """toc: false drops the contents sidebar."""
    project = fx.write_project(tmp_path / "project")
    config = (project / "_quarto.yml").read_text()
    config = config.replace("    toc: true\n    toc-depth: 3\n", "    toc: false\n", 1)
    config = config.replace("website:\n", "website:\n  site-url: https://example.org/report\n", 1)
    (project / "_quarto.yml").write_text(config)
    writer = PageWriter(project, load_site_config(project))
    page, _ = writer.render("index.qmd")
    assert '<aside class="toc"' not in page and 'class="page-wrap no-toc"' in page
