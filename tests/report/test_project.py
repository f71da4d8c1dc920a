"""The generated Quarto project: every page, valid front matter, no leftover Jinja, every
figure and download it references exists, and every table parses as a table."""

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from kmeans_report.report.engines.pandoc_run import pandoc_path
from kmeans_report.report.pages import PAGES

PAGE_FILES = [p.source for p in PAGES]


def front_matter(text):
    assert text.startswith("---\n")
    return yaml.safe_load(text[4:text.index("\n---", 4)])


def test_every_page_exists_and_is_listed(built_site):
    _, project = built_site
    config = yaml.safe_load((project / "_quarto.yml").read_text())
    assert config["project"]["render"] == [*PAGE_FILES, "report.qmd"]
    hrefs = []
    for item in config["website"]["navbar"]["left"]:
        hrefs += [sub["href"] for sub in item["menu"]] if "menu" in item else [item["href"]]
    assert hrefs == PAGE_FILES[1:]  # the home page is the site title's link
    for name in [*PAGE_FILES, "report.qmd"]:
        assert (project / name).is_file(), name


@pytest.mark.parametrize("name", [*PAGE_FILES, "report.qmd"])
def test_front_matter_and_no_unrendered_template(built_site, name):
    _, project = built_site
    text = (project / name).read_text()
    meta = front_matter(text)
    assert meta["title"] and meta["author"] == [{"name": {
        "literal": "Brandon Deloatch", "given": "Brandon Deloatch", "family": ""}}]
    assert meta["date"] == datetime.date(2025, 10, 2)  # typed: Quarto formats it
    assert meta["format"] == "typst" if name == "report.qmd" else "html" in str(meta["format"])
    # Plotly's JSON (nested arrays) lives in raw HTML blocks; look everywhere else.
    markdown = re.sub(r"```\{=html\}.*?```", "", text, flags=re.S)
    assert not re.search(r"\[\[|\[%|\[#|\{\{|\{%", markdown), name


def test_footer_filled_from_config(built_site):
    _, project = built_site
    footer = yaml.safe_load((project / "_quarto.yml").read_text())["website"]["page-footer"]
    assert "{version}" not in footer["left"] and "1\\.3" in footer["left"]


def test_every_figure_file_exists(built_site):
    _, project = built_site
    report = (project / "report.qmd").read_text()
    svgs = re.findall(r'image\("([^"]+)"', report)
    assert len(svgs) == 11
    for svg in svgs:
        assert (project / svg).is_file(), svg
    shown = set()
    for name in PAGE_FILES:
        text = (project / name).read_text()
        assert "{=typst}" not in text  # pages carry only the interactive figure
        shown.update(re.findall(r'id="figure-([a-z-]+)"', text))
    assert {Path(s).stem for s in svgs} == shown


def test_every_download_link_exists(built_site):
    site, project = built_site
    for name in PAGE_FILES:
        for target in re.findall(r"\]\((downloads/[^)]+)\)", (project / name).read_text()):
            assert (project / target).is_file() or (site / target).is_file(), (name, target)


@pytest.mark.parametrize("name", PAGE_FILES)
def test_tables_parse_as_tables(built_site, name):
    """A pipe table glued to a paragraph silently becomes text; count real tables."""
    _, project = built_site
    text = (project / name).read_text()
    expected = len(re.findall(r"^\|[-:|]+\|$", text, flags=re.M))
    ast = json.loads(subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "json"], input=text, capture_output=True,
        text=True, check=True,
    ).stdout)
    found = json.dumps(ast["blocks"]).count('"t": "Table"')
    assert found == expected, f"{name}: {found} tables parsed, {expected} written"


def test_numbers_on_home_page_come_from_results(built_site):
    _, project = built_site
    text = (project / "index.qmd").read_text()
    for value in (r"1\,000", r"\$30\,898\,954", r"\$772\,474", r"930\%", r"0\.239"):
        assert value in text


def test_scholar_tags_only_on_the_home_page_with_the_report_metadata(built_site):
    _, project = built_site
    home = (project / "index.qmd").read_text()
    for tag in ('<meta name="citation_title" content="Tier 4: K-Means Clustering">',
                '<meta name="citation_author" content="Brandon Deloatch">',
                '<meta name="citation_publication_date" content="2025/10/02">',
                '<meta name="citation_pdf_url" content="downloads/report.pdf">'):
        assert tag in home
    assert "citation_title" not in (project / "data.qmd").read_text()
    # kmeans-report writes the tags itself, so Quarto must not add its own.
    assert "google-scholar" not in yaml.safe_load((project / "_quarto.yml").read_text())


def test_scholar_pdf_url_is_absolute_with_a_site_url():
    from kmeans_report.report.project import scholar_tags

    meta = {"title": "T", "author": "", "date": "2025-10-02"}
    tags = dict(scholar_tags(meta, "https://example.org/report/"))
    assert tags["citation_pdf_url"] == "https://example.org/report/downloads/report.pdf"
    assert "citation_author" not in tags


def test_the_footer_reads_version_and_license_from_the_citation_metadata(monkeypatch):
    """One source: the footer says what the Citation page says (CITATION.cff); without a
    version the report is a draft of its build date, and the tool is only credited."""
    from kmeans_report.analysis import __version__
    from kmeans_report.report.citation import citation_context
    from kmeans_report.report.escape import meta_unescape
    from kmeans_report.report.project import site_settings

    cff = {"cff-version": "1.2.0", "message": "m", "title": "T", "version": "2.0",
           "license": "CC-BY-4.0", "authors": [{"name": "A"}]}
    citation = citation_context(cff, [])
    footer = site_settings(citation).config["website"]["page-footer"]
    assert meta_unescape(footer["left"]) == "Version 2.0 · CC-BY-4.0 license"
    del cff["license"], cff["version"]
    footer = site_settings(citation_context(cff, [])).config["website"]["page-footer"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    footer = site_settings(citation_context(cff, [])).config["website"]["page-footer"]
    assert meta_unescape(footer["left"]) == "Draft, built 2023-11-14 · no license stated"
    assert meta_unescape(footer["right"]) == f"Built with kmeans-report {__version__}"
