"""Accessibility: axe-core finds no violation, of any impact, on any page of either engine's
site, at desktop and phone widths; and the layout holds on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from kmeans_report.report.pages import PAGES
from tests.helpers import serve, settle

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
needs_axe = pytest.mark.skipif(
    not AXE.is_file(), reason=f"axe-core is not installed ({AXE}; bash .ci/setup --tests installs it with npm)")


@pytest.fixture(scope="module")
def site_url(engine_site):
    site, _, _ = engine_site
    with serve(site) as url:
        yield url


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
      const result = await axe.run(document, {resultTypes: ['violations']});
      return result.violations.map(v => `${v.impact} ${v.id}: ${v.nodes.length} node(s), e.g. ${
        v.nodes[0].target.join(' ')}`);
    }""")
    return found


@needs_axe
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", [p.href for p in PAGES])
def test_no_axe_violation(page, site_url, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + name)
    settle(page)
    assert violations(page) == []


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # uploaded by CI


@pytest.mark.parametrize("name", [p.href for p in PAGES])
def test_no_page_scrolls_sideways_on_a_phone(page, site_url, engine_site, name):
    """Every page at 390 × 844; the full-page screenshot of each is kept for review."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url + name)
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for figure in page.locator(".kr-figure").all():
        box = figure.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    folder = ARTIFACTS / f"phone-{engine_site[2]}"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name.replace(".html", ".png")), full_page=True)
