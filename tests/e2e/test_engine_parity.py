"""Quarto (the engine releases publish with) and pandoc (the pure-pip engine) build the same
site from the same project: pages, titles and headings, downloads, Scholar tags, PDF sections.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kmeans_report.report.pages import PAGES, pdf_pages
from tests.helpers import needs_quarto

pytestmark = [pytest.mark.e2e, pytest.mark.quarto, needs_quarto]


class _Outline(HTMLParser):
    """The <title>, the Scholar meta tags, and the h1–h3 headings inside <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.scholar: dict[str, str] = {}
        self.headings: list[str] = []
        self._in_main = 0
        self._heading: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or "").startswith("citation_"):
            self.scholar[attrs["name"]] = attrs.get("content") or ""
        elif tag == "title":
            self._in_title = True
        elif tag == "main":
            self._in_main += 1
        elif tag in ("h1", "h2", "h3") and self._in_main:
            self._heading = []

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "main":
            self._in_main -= 1
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._heading is not None:
            self._heading.append(data)


def outline(site: Path, page: str) -> _Outline:
    parser = _Outline()
    parser.feed((site / page).read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def sites(site_builder):
    return {engine: site_builder(engine)[0] for engine in ("pandoc", "quarto")}


def test_same_pages(sites):
    expected = sorted(p.href for p in PAGES)
    for site in sites.values():
        assert sorted(p.name for p in site.glob("*.html")) == expected


@pytest.mark.parametrize("page", [p.href for p in PAGES])
def test_same_titles_headings_and_scholar_tags(sites, page):
    pandoc, quarto = outline(sites["pandoc"], page), outline(sites["quarto"], page)
    assert " ".join(pandoc.title.split()) == " ".join(quarto.title.split())
    assert pandoc.headings == quarto.headings
    assert pandoc.scholar == quarto.scholar
    if page == "index.html":
        assert set(quarto.scholar) == {"citation_title", "citation_author",
                                       "citation_publication_date", "citation_pdf_url"}
        assert quarto.scholar["citation_title"] == "Tier 4: K-Means Clustering"
        assert quarto.scholar["citation_publication_date"] == "2025/10/02"


def test_same_downloads(sites):
    listing = {
        engine: sorted(p.relative_to(site).as_posix() for p in (site / "downloads").rglob("*"))
        for engine, site in sites.items()
    }
    assert listing["pandoc"] == listing["quarto"]


def test_same_pdf_sections(sites):
    from pypdf import PdfReader

    def sections(site: Path) -> list[str]:
        reader = PdfReader(site / "downloads" / "report.pdf")
        return [item.title for item in reader.outline if not isinstance(item, list)]

    pandoc, quarto = sections(sites["pandoc"]), sections(sites["quarto"])
    assert pandoc == quarto
    expected = [p.title for p in pdf_pages(compared=False)]
    assert [re.sub(r"^\d+\.?\s*", "", s) for s in pandoc if s != "Contents"] == expected
