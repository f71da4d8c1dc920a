"""The version switcher in a real browser, on a tiny site published as three versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kmeans_report.report.publish import publish_site
from tests.helpers import serve

pytestmark = pytest.mark.e2e

ASSETS = Path(__file__).resolve().parents[2] / "report" / "assets"
RELEASES = ("1.0.0", "1.1.0", "2.0.0")


def page_html(name: str, version: str, slot: bool) -> str:
    # index.html has an explicit #version-switcher slot; other pages rely on the navbar.
    slot_html = '<div id="version-switcher"></div>' if slot else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{name} {version}</title></head>
<body>
<header><nav class="navbar"><a href="index.html">Home</a> <a href="data.html">Data</a></nav>
{slot_html}</header>
<main><h1 id="heading">{name} {version}</h1></main>
<script src="assets/version-switcher.js" defer></script>
</body></html>
"""


def build_site(path: Path, version: str, pages=("index", "data")) -> Path:
    """What a build would write: flat pages that include the switcher, plus its assets."""
    (path / "assets").mkdir(parents=True)
    for name in pages:
        (path / f"{name}.html").write_text(page_html(name, version, name == "index"), "utf-8")
    for asset in ("version-switcher.js", "version-switcher.css"):
        shutil.copy(ASSETS / asset, path / "assets" / asset)
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """<root> with 1.0.0 (which alone has legacy.html), 1.1.0 and 2.0.0 (latest), served."""
    base = tmp_path_factory.mktemp("switcher")
    public = base / "public"
    for version in RELEASES:
        pages = ("index", "data", "legacy") if version == "1.0.0" else ("index", "data")
        publish_site(build_site(base / f"build-{version}", version, pages), public, version)
    with serve(public) as url:
        yield url


def wait_for_switcher(page, expected: str) -> None:
    page.wait_for_function(
        "s => document.documentElement.getAttribute('data-version-switcher') === s", arg=expected
    )


def assert_clean(page) -> None:
    assert page.watch.console_errors == []
    assert page.watch.page_errors == []
    assert page.watch.external_requests == []


def test_old_version_lists_newer_releases_and_shows_the_banner(page, published):
    page.goto(published + "1.0.0/data.html")
    wait_for_switcher(page, "old")

    select = page.locator("header nav .vs-switcher select")
    assert select.locator("option").all_text_contents() == ["2.0.0 (latest)", "1.1.0", "1.0.0"]
    assert select.input_value() == "1.0.0"

    banner = page.locator("main > .vs-banner:first-child")
    assert banner.is_visible()
    assert "version 1.0.0" in banner.inner_text()
    assert banner.locator("a").get_attribute("href") == published + "latest/data.html"
    assert page.locator('link[rel="canonical"]').get_attribute("href") == (
        published + "latest/data.html"
    )
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    # The stylesheet came from the same version folder and applied.
    assert page.locator(".vs-label").evaluate("e => getComputedStyle(e).position") == "absolute"
    assert_clean(page)


def test_switching_keeps_the_reader_on_the_same_page(page, published):
    page.goto(published + "1.0.0/data.html")
    wait_for_switcher(page, "old")
    page.locator(".vs-switcher select").select_option("1.1.0")
    page.wait_for_url(published + "1.1.0/data.html")
    assert page.locator("#heading").inner_text() == "data 1.1.0"
    wait_for_switcher(page, "old")

    page.locator(".vs-switcher select").select_option("2.0.0")
    page.wait_for_url(published + "2.0.0/data.html")
    wait_for_switcher(page, "current")
    assert page.locator(".vs-banner").count() == 0
    assert page.locator('meta[name="robots"]').count() == 0
    assert_clean(page)


def test_the_banner_link_leads_to_the_latest_same_page(page, published):
    page.goto(published + "1.1.0/data.html")
    wait_for_switcher(page, "old")
    page.locator(".vs-banner a").click()
    page.wait_for_url(published + "latest/data.html")
    assert page.locator("#heading").inner_text() == "data 2.0.0"
    assert_clean(page)


def test_latest_alias_and_root_redirect_serve_the_newest_without_banner(page, published):
    page.goto(published)
    page.wait_for_url(published + "latest/")
    assert page.locator("#heading").inner_text() == "index 2.0.0"
    wait_for_switcher(page, "current")
    # index.html has a #version-switcher slot: the switcher goes there, not into the navbar.
    assert page.locator("#version-switcher .vs-switcher select").input_value() == "2.0.0"
    assert page.locator("nav .vs-switcher").count() == 0
    assert page.locator(".vs-banner").count() == 0

    page.goto(published + "latest/data.html")
    wait_for_switcher(page, "current")
    assert page.locator("#heading").inner_text() == "data 2.0.0"
    assert page.locator(".vs-banner").count() == 0
    assert page.locator('link[rel="canonical"]').count() == 0
    assert_clean(page)


def test_switching_to_a_version_without_the_page_goes_to_its_front_page(page, published):
    page.goto(published + "1.0.0/legacy.html")
    wait_for_switcher(page, "old")
    page.locator(".vs-switcher select").select_option("2.0.0")
    page.wait_for_url(published + "2.0.0/")
    assert page.locator("#heading").inner_text() == "index 2.0.0"
    # The only error allowed is the browser's own log line for the probe that found no page.
    assert len(page.watch.console_errors) <= 1
    assert all("404" in message for message in page.watch.console_errors)
    assert page.watch.page_errors == [] and page.watch.external_requests == []


def test_an_unpublished_site_shows_nothing_and_logs_nothing(page, tmp_path):
    site = build_site(tmp_path / "_site", "dev")
    with serve(site) as url:  # the built site at the server root
        page.goto(url + "data.html")
        wait_for_switcher(page, "none")
    with serve(tmp_path) as url:  # the build folder under a sub-path: no versions.json there
        page.goto(url + "_site/data.html")
        wait_for_switcher(page, "none")
    assert page.locator(".vs-switcher, .vs-banner").count() == 0
    assert_clean(page)


def test_a_version_missing_from_versions_json_shows_nothing(page, tmp_path):
    public = tmp_path / "public"
    publish_site(build_site(tmp_path / "b1", "1.0.0"), public, "1.0.0")
    shutil.copytree(public / "1.0.0", public / "0.9.0")  # a folder copied by hand
    with serve(public) as url:
        page.goto(url + "0.9.0/data.html")
        wait_for_switcher(page, "none")
    assert page.locator(".vs-switcher").count() == 0
    assert_clean(page)
