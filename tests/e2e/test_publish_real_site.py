"""Publishing the real default site (each engine's) through the CLI: three releases, then the
switcher, banner and Version history in Chromium."""

import json
import re

import pytest

from kmeans_report.report.cli import main
from tests.helpers import hash_tree, serve

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def public(engine_site, site_builder, tmp_path_factory):
    site, _, engine = engine_site
    root = tmp_path_factory.mktemp("pub") / "public"
    cache = site_builder.cache  # the built sites' cache: analysis and figures are reused
    assert main(["-q", "publish", "--version", "1.0.0", "--from", str(site), "--site-root", str(root)]) == 0
    assert main(["-q", "publish", "--version", "1.1.0", "--from", str(site), "--site-root", str(root)]) == 0
    # The third release is built by `publish` itself, so its Version history lists the others.
    assert main(["-q", "publish", "--version", "1.2.0", "--site-root", str(root), "--engine", engine,
                 "--cache-dir", str(cache)]) == 0
    return root


def test_tree_versions_and_alias(public):
    versions = json.loads((public / "versions.json").read_text())
    assert [v["version"] for v in versions] == ["1.2.0", "1.1.0", "1.0.0"]
    assert versions[0]["aliases"] == ["latest"]
    for name in ("1.0.0", "1.1.0", "1.2.0", "latest"):
        assert (public / name / "index.html").is_file()
        assert (public / name / "downloads" / "report.pdf").is_file()
    assert "latest/" in (public / "index.html").read_text()
    assert hash_tree(public / "latest") == hash_tree(public / "1.2.0")


def test_version_history_of_a_publish_build_lists_earlier_releases(public):
    history = (public / "1.2.0" / "versions.html").read_text()
    for version in ("1.1.0", "1.0.0", "1.3"):
        assert f">{version}<" in history


def test_repeated_version_is_refused_and_nothing_changes(public, engine_site, capsys):
    site, _, _ = engine_site
    before = hash_tree(public)
    assert main(["publish", "--version", "1.1.0", "--from", str(site), "--site-root", str(public)]) == 2
    assert "already published" in capsys.readouterr().err
    assert hash_tree(public) == before


def test_versions_command_lists_them(public, capsys):
    assert main(["versions", "--site-root", str(public)]) == 0
    out = capsys.readouterr().out
    assert out.index("1.2.0") < out.index("1.1.0") < out.index("1.0.0")


def test_switcher_and_banner_on_the_real_site(page, public):
    with serve(public) as url:
        page.goto(url + "1.0.0/clusters.html")
        select = page.locator(".vs-switcher select")
        select.wait_for(timeout=10000)
        options = select.locator("option").all_text_contents()
        assert options[0].startswith("1.2.0") and "1.0.0" in options
        assert page.locator(".vs-banner").is_visible()
        select.select_option("1.1.0")
        page.wait_for_url(re.compile(r"/1\.1\.0/clusters\.html$"))
        page.goto(url + "latest/index.html")
        page.locator(".vs-switcher select").wait_for(timeout=10000)
        assert page.locator(".vs-banner").count() == 0
        assert page.watch.external_requests == []
        assert page.watch.page_errors == []


def test_the_navbar_fits_one_row_at_1280px_with_switcher_and_search(page, public):
    """At a laptop width every navbar control is inside the window and the page links share
    one row (Quarto's 13-item navbar used to wrap and cut off the search box)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    with serve(public) as url:
        page.goto(url + "1.0.0/index.html")
        page.locator(".vs-switcher select").wait_for(timeout=10000)
        page.locator("#search input").wait_for(timeout=10000)
        boxes = page.evaluate("""() => {
          const visible = e => e.getBoundingClientRect().width > 0;
          const nav = document.querySelector('header nav');
          const controls = [...nav.querySelectorAll('a, input, select, summary')].filter(visible);
          const links = [...nav.querySelectorAll(':scope a.nav-link, .nav-left > li > a, .nav-menu summary')]
            .filter(visible);
          return {right: Math.max(...controls.map(e => e.getBoundingClientRect().right)),
                  tops: [...new Set(links.map(e => Math.round(e.getBoundingClientRect().top)))],
                  scroll: document.documentElement.scrollWidth};
        }""")
    assert boxes["right"] <= 1280 and boxes["scroll"] <= 1280
    assert len(boxes["tops"]) == 1, boxes["tops"]
