"""The PDF report of each engine: A4, title page, contents, numbered sections, every section
title and the notebook's key numbers."""

import re
import shutil
import subprocess

import pytest

from report.pages import PAGES

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
    for number, title in enumerate((p.title for p in PAGES if p.in_pdf), 1):
        assert re.search(rf"{number}\.\s+{re.escape(title)}", pdf_text[contents:]), title


@pytest.mark.parametrize("number", ["604", "$20,923", "$772,474", "930%", "$30,898,954", "0.239"])
def test_key_numbers(pdf_text, number):
    assert number in pdf_text


def test_title_page(pdf_text):
    head = pdf_text[:2000]
    for text in ("Tier 4: K-Means Clustering", "Brandon Deloatch", "Quipu Research Labs, LLC",
                 "2025-10-02"):
        assert text in head
