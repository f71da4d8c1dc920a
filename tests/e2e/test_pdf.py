"""The PDF report of each engine: A4, title page, contents, numbered sections, every section
title and the notebook's key numbers."""

import json
import re
import shutil
import subprocess

import pytest

from kmeans_report.report.pages import pdf_pages

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pdf_text(engine_site):
    site, _, _ = engine_site
    pdf = site / "downloads" / "report.pdf"
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(pdf).pages)


def test_pdf_is_a4(engine_site):
    from pypdf import PdfReader

    site, _, _ = engine_site
    box = PdfReader(site / "downloads" / "report.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_every_section_title_numbered_after_the_contents(pdf_text):
    contents = pdf_text.index("Contents")
    for number, title in enumerate((p.title for p in pdf_pages(compared=False)), 1):
        assert re.search(rf"{number}\.\s+{re.escape(title)}", pdf_text[contents:]), title


@pytest.mark.parametrize("number", ["604", "$20,923", "$772,474", "930%", "$30,898,954", "0.239"])
def test_key_numbers(pdf_text, number):
    assert number in pdf_text


def test_title_page(pdf_text):
    head = pdf_text[:2000]
    for text in ("Tier 4: K-Means Clustering", "Brandon Deloatch", "Quipu Research Labs, LLC",
                 "2025-10-02"):
        assert text in head


@pytest.fixture(scope="module")
def pdf_path(engine_site):
    site, _, _ = engine_site
    return site / "downloads" / "report.pdf"


def test_every_sha256_appears_whole(pdf_text, engine_site):
    site, _, _ = engine_site
    results = json.loads((site / "downloads" / "results.json").read_text())
    for digest in (results["data"]["sha256"], results["provenance"]["config_sha256"]):
        assert digest in pdf_text


def test_no_two_words_overlap_on_a_line(pdf_path):
    """Table cells never run into each other: no word's box overlaps another's."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    overlaps = []
    for number, page in enumerate(html.split("<page ")[1:], 1):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<',
            page)]
        for i, (x0, y0, x1, y1, w) in enumerate(words):
            for a0, b0, a1, b1, v in words[i + 1:]:
                same_line = min(y1, b1) - max(y0, b0) > 0.5 * (y1 - y0)
                if same_line and min(x1, a1) - max(x0, a0) > 1.0:
                    overlaps.append(f"page {number}: {w!r} / {v!r}")
    assert overlaps == []


def test_links_jump_inside_the_pdf_or_to_a_web_address(pdf_path):
    from pypdf import PdfReader

    internal, bad = 0, []
    for page in PdfReader(pdf_path).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action else None
            if uri is None:
                internal += 1  # a destination inside this file
            elif not str(uri).startswith(("https://", "http://", "mailto:")):
                bad.append(str(uri))
    assert bad == [] and internal >= 5


def test_page_footers_count_every_page(pdf_path, pdf_text):
    from pypdf import PdfReader

    pages = len(PdfReader(pdf_path).pages)
    totals = {int(t) for t in re.findall(r"\b\d+ / (\d+)\b", pdf_text)}
    assert totals == {pages}


def test_pdf_has_no_site_only_instructions(pdf_text):
    assert "version menu" not in pdf_text
    assert "Interactive chart" not in pdf_text
