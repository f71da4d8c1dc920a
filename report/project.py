"""Write the generated Quarto project: pages, report.qmd, _quarto.yml, figures, downloads.

The project folder is what either render engine consumes (see report/engines). Nothing here
computes a result: numbers come from `report.context`, text from the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .context import FigureRef, SiteInfo, build_context
from .errors import RenderError
from .escape import meta_escape
from .pages import PAGES, PDF_SECTIONS, PDF_SOURCE
from .resources import QUARTO_CONFIG
from .templating import make_environment

PDF_HREF = "downloads/report.pdf"


@dataclass(frozen=True)
class SiteSettings:
    """The maintainer's _quarto.yml, checked against the page table, ready for the project."""

    config: dict[str, Any]  # written to the project as its _quarto.yml
    scholar: bool  # Google Scholar meta tags on the home page (`google-scholar: true`)
    site_url: str | None  # website.site-url: absolute links to the PDF when set


def _nav_hrefs(items: Any) -> list[str]:
    hrefs = []
    for item in items or []:
        if isinstance(item, str):
            hrefs.append(item)
        elif isinstance(item, dict) and "menu" in item:
            hrefs += _nav_hrefs(item["menu"])
        elif isinstance(item, dict) and item.get("href"):
            hrefs.append(str(item["href"]))
    return hrefs


def _check_pages(config: dict[str, Any], source: Path) -> None:
    expected = [p.source for p in PAGES]
    render = [str(p) for p in (config.get("project") or {}).get("render") or []]
    if sorted(render) != sorted([*expected, PDF_SOURCE]):
        raise RenderError(
            f"{source}: project.render must list exactly the report's pages and the PDF "
            f"({', '.join([*expected, PDF_SOURCE])}); it lists {', '.join(render) or 'none'}"
        )
    navbar = (config.get("website") or {}).get("navbar") or {}
    # The home page is linked by the site title (the navbar's brand) in both engines.
    linked = ["index.qmd", *_nav_hrefs(navbar.get("left")), *_nav_hrefs(navbar.get("right"))]
    missing = [p for p in expected if p not in linked]
    if missing:
        raise RenderError(
            f"{source}: website.navbar must link every page but the home page (in a menu or "
            f"not); missing: {', '.join(missing)}"
        )


def site_settings(citation: Mapping[str, Any], source: Path = QUARTO_CONFIG) -> SiteSettings:
    """The root _quarto.yml, checked, with the footer's {version} and {license} filled in
    from the citation metadata (CITATION.cff), the same source as the Citation page's.

    `google-scholar` is taken out of what Quarto sees: the home page writes its own Scholar
    tags (same for both engines; Quarto would copy markdown escapes into them).
    """
    try:
        config = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RenderError(f"{source}: the Quarto site configuration is missing") from None
    except yaml.YAMLError as exc:
        raise RenderError(f"{source}: malformed YAML: {exc}") from None
    if not isinstance(config, dict):
        raise RenderError(f"{source}: must be a YAML mapping")
    _check_pages(config, source)
    website = config.get("website") or {}
    footer = website.get("page-footer") or {}
    for side, text in list(footer.items()):
        if isinstance(text, str):
            footer[side] = (
                text.replace("{version}", meta_escape(citation["version"] or "unversioned"))
                .replace("{license}", meta_escape(citation["license"]))
            )
    scholar = bool(config.pop("google-scholar", False))
    return SiteSettings(config, scholar, website.get("site-url"))


def scholar_tags(meta: Mapping[str, Any], site_url: str | None) -> list[tuple[str, str]]:
    """Google Scholar (Highwire) tags for the report's landing page."""
    tags = [("citation_title", str(meta["title"]))]
    if meta.get("author"):
        tags.append(("citation_author", str(meta["author"])))
    tags.append(("citation_publication_date", str(meta["date"]).replace("-", "/")))
    base = (site_url or "").rstrip("/")
    tags.append(("citation_pdf_url", f"{base}/{PDF_HREF}" if base else PDF_HREF))
    return tags


def write_project(
    project_dir: Path,
    results,
    figures: dict[str, FigureRef],
    site: SiteInfo,
) -> list[Path]:
    """Render every page and report.qmd into project_dir (figures/downloads already there)."""
    env = make_environment()
    context = build_context(results, figures, site)
    # The PDF has a Changes section only when this build was compared with an earlier one.
    context["pdf_sections"] = tuple(slug for slug in PDF_SECTIONS
                                    if slug != "changes" or site.changes is not None)
    meta = context["meta"]
    settings = site_settings(site.citation)
    written = []
    for page in PAGES:
        values = {"slug": page.slug, "title": page.title, "description": page.description,
                  "subtitle": "", "scholar": []}
        if page.slug == "index":  # the home page carries the report's own title (Scholar)
            values.update(title=meta["title"], subtitle=page.title)
            if context["roi"] is None:
                values["description"] = ("Executive summary: customers, segments and how "
                                         "strong the segmentation is.")
            elif not context["roi"]["assumed"]:
                values["description"] = ("Executive summary: customers, segments, revenue and "
                                         "how strong the segmentation is.")
            if settings.scholar:
                values["scholar"] = scholar_tags(meta, settings.site_url)
        if page.slug == "roi" and not (context["roi"] or {}).get("assumed"):
            values["description"] = (
                "Revenue, and what better targeting would return for a range of assumptions; "
                "no ROI estimate." if context["roi"] else
                "No ROI estimate: no spend column is configured, so there is no revenue.")
        path = project_dir / page.source
        path.write_text(
            env.get_template("page.qmd.j2").render(page=values, target="html", **context),
            encoding="utf-8",
        )
        written.append(path)
    report = project_dir / PDF_SOURCE
    report.write_text(
        env.get_template("report.qmd.j2").render(target="pdf", site_url=settings.site_url,
                                                 **context), encoding="utf-8"
    )
    (project_dir / "_quarto.yml").write_text(
        yaml.safe_dump(settings.config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    check_no_shortcodes([*written, report])
    return [*written, report]


def check_no_shortcodes(paths: list[Path]) -> None:
    """Our templates use no Quarto shortcode and report.escape writes user text so that none
    can form: a `{{<` in a generated page is an escaping bug, and Quarto would act on it (an
    `env` shortcode prints a secret of the build machine). Fail the build instead."""
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if "{{<" in text:
            line = text.count("\n", 0, text.index("{{<")) + 1
            raise RenderError(
                f"{path.name}, line {line}: unescaped Quarto shortcode delimiter `{{{{<` in a "
                "generated page (an escaping bug in kmeans-report; please report it)"
            )
