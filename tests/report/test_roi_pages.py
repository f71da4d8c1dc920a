"""The home and ROI pages state an ROI only on the report author's own assumptions: without
them they show the revenue and what better targeting would return, never an estimate built
on someone else's numbers."""

from __future__ import annotations

import dataclasses

import pytest

from kmeans_report.analysis.config import RoiConfig
from kmeans_report.analysis.figures import FIGURE_NAMES
from kmeans_report.analysis.roi import roi_model
from kmeans_report.report.context import FigureRef, build_context
from kmeans_report.report.templating import make_environment


def _pages(results) -> dict[str, str]:
    figures = {name: FigureRef(name, name, "caption", "alt", f"{name}.json", f"{name}.svg", 10, 10)
               for name in FIGURE_NAMES}
    context = build_context(results, figures, site=None)
    env = make_environment()
    # the page markdown, with the escaping of user-facing text (\$, \,) taken off
    return {slug: env.get_template(f"sections/{slug}.md.j2").render(target="html", **context)
            .replace("\\", "") for slug in ("index", "roi")}


def _with_roi(results, **assumptions):
    roi = roi_model(results.roi.total_revenue, RoiConfig(currency="$", **assumptions))
    return dataclasses.replace(results, roi=roi)


def test_the_notebooks_example_keeps_its_headline(default_results):
    pages = _pages(default_results)
    assert "$772,474" in pages["index"] and "930%" in pages["index"]
    assert "Estimated annual ROI" in pages["index"]


def test_no_headline_roi_without_the_users_assumptions(default_results):
    pages = _pages(_with_roi(default_results))
    for notebook_number in ("$772,474", "930%", "$75,000"):
        assert notebook_number not in pages["index"], notebook_number
    for slug, text in pages.items():  # (the ROI page's what-if grid may hold any amount)
        assert "930%" not in text and "$75,000" not in text, slug
        assert "Net ROI" not in text and "estimated annual ROI" not in text.lower()
    assert "$30,898,954" in pages["index"]  # the revenue is the data's
    assert "There is no ROI estimate" in pages["index"]
    assert "No ROI estimate" in pages["roi"]
    # what better targeting would return a year: revenue × 10 % × 20 %
    assert "$617,979" in pages["roi"]


def test_with_the_cost_alone_the_roi_page_gives_break_even(default_results):
    pages = _pages(_with_roi(default_results, implementation_cost=50_000))
    assert "## Break-even" in pages["roi"] and "$50,000" in pages["roi"]
    assert "Estimated annual ROI" not in pages["index"]
    # 50,000 / (30,898,954 × 2 %) = 8.1 %
    assert "| 2% | 8.1% |" in pages["roi"]


@pytest.mark.parametrize("given", [{"targeting_efficiency": 0.3}, {"impact_share": 0.1}])
def test_a_single_assumption_is_shown_as_given(default_results, given):
    pages = _pages(_with_roi(default_results, **given))
    assert "## Assumptions" in pages["roi"] and "No ROI estimate" in pages["roi"]
    assert "Net ROI" not in pages["index"]
