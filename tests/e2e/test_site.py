"""The default site in real headless Chromium, served on 127.0.0.1, built by each engine."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from kmeans_report.report.pages import PAGES
from tests.helpers import serve, settle

pytestmark = pytest.mark.e2e

PAGE_URLS = [p.href for p in PAGES]
FIGURES_ON = {
    "data.html": 1, "model-selection.html": 3, "clusters.html": 4, "insights.html": 2, "roi.html": 1,
}


@pytest.fixture(scope="module")
def site_url(engine_site):
    site, _, _ = engine_site
    with serve(site) as url:
        yield url


@pytest.mark.parametrize("name", PAGE_URLS)
def test_page_loads_cleanly(page, site_url, name):
    response = page.goto(site_url + name)
    assert response.ok
    settle(page)
    assert page.watch.page_errors == []
    # versions.json only exists on a published tree; everything else must load.
    errors = [e for e in page.watch.console_errors if "versions.json" not in e]
    assert errors == [], errors
    assert page.watch.external_requests == []
    nav = page.locator("header nav a")
    assert nav.count() >= len(PAGE_URLS)
    assert page.get_by_role("link", name=re.compile("Download PDF")).count() >= 1


@pytest.mark.parametrize("name, count", sorted(FIGURES_ON.items()))
def test_charts_show_as_images_then_turn_interactive(page, site_url, name, count):
    """Each chart is first its static SVG (sized, with alt text); reaching for it draws the
    interactive plotly chart in its place, plotly.js loaded only then, from this site."""
    page.goto(site_url + name)
    settle(page)
    figures = page.locator(".kr-figure")
    assert figures.count() == count
    assert not [r for r in page.watch.requests if "plotly.min.js" in r]
    for i in range(count):
        image = figures.nth(i).locator("img.kr-static")
        assert int(image.get_attribute("width")) > 300 and int(image.get_attribute("height")) > 200
        assert len(image.get_attribute("alt")) > 20
    for i in range(count):
        figures.nth(i).locator(".kr-activate").click()
        figures.nth(i).locator(".js-plotly-plot .main-svg").first.wait_for(timeout=15000)
        box = figures.nth(i).locator(".js-plotly-plot").bounding_box()
        assert box["width"] > 300 and box["height"] > 200
        assert figures.nth(i).get_attribute("data-state") == "interactive"
    assert [r for r in page.watch.requests if "plotly.min.js" in r]
    assert page.watch.page_errors == [] and page.watch.external_requests == []


def test_charts_are_images_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        no_js = context.new_page()
        no_js.goto(site_url + "clusters.html")
        images = no_js.locator(".kr-figure img.kr-static")
        assert images.count() == FIGURES_ON["clusters.html"]
        for i in range(images.count()):
            images.nth(i).scroll_into_view_if_needed()
            assert no_js.evaluate("img => img.complete && img.naturalWidth > 0",
                                  images.nth(i).element_handle())
    finally:
        context.close()


def test_navbar_links_reach_every_page(page, site_url):
    page.goto(site_url + "index.html")
    # Resolved paths: Quarto links pages as ./page.html and its home as ./
    paths = page.locator("header nav a").evaluate_all(
        "els => els.map(e => new URL(e.href).pathname.replace(/\\/$/, '/index.html'))")
    for name in PAGE_URLS:
        assert "/" + name in paths, name


def test_search_finds_silhouette(page, site_url):
    page.goto(site_url + "index.html")
    box = page.locator("#search input")
    box.wait_for(timeout=10000)
    box.fill("silhouette")
    # pagefind shows results as it loads them: wait for several, not just the first
    page.wait_for_function(
        "document.querySelectorAll('.pagefind-ui__result-link').length >= 2", timeout=10000)
    assert page.locator(".pagefind-ui__result-link").count() >= 2
    assert page.watch.external_requests == []


def test_pdf_link_downloads_a_valid_pdf(page, site_url, tmp_path):
    from pypdf import PdfReader

    page.goto(site_url + "clusters.html")
    href = page.get_by_role("link", name=re.compile("Download PDF")).first.get_attribute("href")
    response = page.request.get(urljoin(site_url + "clusters.html", href))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    assert len(PdfReader(path).pages) >= 10


def test_every_page_stays_light(engine_site):
    site, _, _ = engine_site
    for name in PAGE_URLS:
        size = (site / name).stat().st_size
        assert size <= 150_000, f"{name} is {size:,} bytes"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def test_internal_links_and_anchors_resolve(engine_site):
    """Every relative link of every page reaches a file, and every #anchor an element id."""
    site, _, _ = engine_site
    parsed = {}
    for path in site.glob("*.html"):
        parsed[path.name] = _Links()
        parsed[path.name].feed(path.read_text(encoding="utf-8"))
    broken = []
    for name, links in parsed.items():
        for href in links.hrefs:
            if re.match(r"[a-z][a-z0-9+.-]*:", href, re.I):
                continue  # external, mailto, javascript: none of these is checked here
            path, _, anchor = href.partition("#")
            target = (site / name).parent / path if path else site / name
            target_name = target.resolve().relative_to(site.resolve()).as_posix() or "index.html"
            if target.is_dir():
                target, target_name = target / "index.html", "index.html"
            if not target.exists():
                broken.append(f"{name} -> {href}")
            elif anchor and target.suffix == ".html" and anchor not in parsed[target_name].ids:
                broken.append(f"{name} -> {href} (no such anchor)")
    assert broken == []
