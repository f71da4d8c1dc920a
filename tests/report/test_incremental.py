"""Which parts of a site a change renders again: the plan from two project manifests."""

from __future__ import annotations

from kmeans_report.report.engines.quarto import page_links
from kmeans_report.report.incremental import MAX_PAGES, RenderPlan, plan_render

NAVBAR = [{"text": "Data", "href": "data.qmd", "icon": None, "menu": []}]


def manifest(changed: dict[str, str] | None = None) -> dict:
    """A project's manifest (file -> digest), with `changed` files' digests replaced."""
    files = {"index.qmd": "a", "data.qmd": "b", "roi.qmd": "c", "methods.qmd": "d",
             "clusters.qmd": "e", "insights.qmd": "f", "report.qmd": "g", "_quarto.yml": "h",
             "figures/elbow.svg": "i", "downloads/results.json": "j"}
    return {"files": {**files, **(changed or {})}, "navbar": NAVBAR}


def previous(renderer: str = "r1") -> dict:
    return {"stamp": "s", "renderer": renderer, "project": manifest()}


def test_changed_pages_the_pdf_and_downloads_are_planned_alone():
    assert plan_render(previous(), "r1", manifest()) == RenderPlan((), False, ())
    assert plan_render(previous(), "r1", manifest({"roi.qmd": "c2"})) == RenderPlan(
        ("roi.qmd",), False, ())
    assert plan_render(previous(), "r1", manifest(
        {"roi.qmd": "c2", "report.qmd": "g2", "downloads/results.json": "j2"})) == RenderPlan(
        ("roi.qmd",), True, ("downloads/results.json",))


def test_what_reaches_every_page_means_a_full_render():
    assert plan_render({}, "r1", manifest()) is None  # no record of the earlier render
    assert plan_render(previous("r0"), "r1", manifest({"roi.qmd": "c2"})) is None  # new renderer
    assert plan_render(previous(), "r1", manifest({"_quarto.yml": "h2"})) is None
    assert plan_render(previous(), "r1", manifest({"figures/elbow.svg": "i2"})) is None
    renamed = {**manifest(), "navbar": [{**NAVBAR[0], "text": "The data"}]}
    assert plan_render(previous(), "r1", renamed) is None
    pages = {f"{name}.qmd": "new" for name in ("index", "data", "roi", "methods", "clusters")}
    assert len(pages) > MAX_PAGES and plan_render(previous(), "r1", manifest(pages)) is None
    gone = manifest()
    del gone["files"]["downloads/results.json"]  # a removed file: nothing to copy, start over
    assert plan_render(previous(), "r1", gone) is None


def test_quarto_links_to_pages_it_did_not_render_point_at_their_html():
    html = ('<a href="./data.qmd">Data</a> <a href="clusters.qmd#k">K</a> '
            '<a href="notes.qmd">n</a> <a href="https://example.org/a.qmd">x</a>')
    assert page_links(html, ["data.qmd", "clusters.qmd"]) == (
        '<a href="./data.html">Data</a> <a href="clusters.html#k">K</a> '
        '<a href="notes.qmd">n</a> <a href="https://example.org/a.qmd">x</a>')
