"""The PDF report: A4, every section title, and the notebook's key numbers."""

import shutil
import subprocess

import pytest

from report.context import PAGES
from report.project import PDF_SECTIONS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pdf_text(built_site):
    site, _ = built_site
    pdf = site / "downloads" / "report.pdf"
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(pdf).pages)


def test_pdf_is_a4(built_site):
    from pypdf import PdfReader

    site, _ = built_site
    box = PdfReader(site / "downloads" / "report.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_every_section_title(pdf_text):
    titles = [title for slug, _, title in PAGES if slug in PDF_SECTIONS]
    for title in titles:
        assert title in pdf_text, title


@pytest.mark.parametrize("number", ["604", "$20,923", "$772,474", "930%", "$30,898,954", "0.239"])
def test_key_numbers(pdf_text, number):
    assert number in pdf_text


def test_title_page(pdf_text):
    head = pdf_text[:2000]
    for text in ("Tier 4: K-Means Clustering", "Brandon Deloatch", "Quipu Research Labs, LLC", "2025-10-02"):
        assert text in head
