"""Write the generated Quarto project: pages, report.qmd, _quarto.yml, figures, downloads.

The project folder is what either render engine consumes (see report/engines). Nothing here
computes a result: numbers come from `report.context`, text from the templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from kmeans_report.analysis import __version__ as TOOL_VERSION

from .context import FigureRef, SiteInfo, build_context
from .errors import RenderError
from .escape import front_matter, html_text, iso_date, meta_escape
from .pages import PAGES, PDF_SOURCE, pdf_pages
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


def version_label(version: str | None, *, in_sentence: bool = False) -> str:
    """The report's version as its pages say it: `Version 1.2`, or a draft with its build
    date (a report without `report.version` is unpublished)."""
    from kmeans_report.analysis.config.meta import build_date

    if version:
        return f"{'v' if in_sentence else 'V'}ersion {version}"
    return f"{'a draft' if in_sentence else 'Draft'}, built {build_date().isoformat()}"


def site_settings(citation: Mapping[str, Any], source: Path = QUARTO_CONFIG, *,
                  site_name: str | None = None) -> SiteSettings:
    """The root _quarto.yml, checked, with the footer's {version} and {license} filled in
    from the citation metadata (CITATION.cff), the same source as the Citation page's,
    {tool_version} with kmeans-report's own (credited as the tool that built the report),
    and the site's title {site_name} with the report's (`site_name`, else the citation's
    title): the site is named after the report, never after the tool.

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
    license_text = (f"{citation['license']} license" if citation.get("license_stated")
                    else "no license stated")
    values = {"{version}": version_label(citation.get("version")), "{license}": license_text,
              "{tool_version}": TOOL_VERSION}
    for side, text in list(footer.items()):
        if isinstance(text, str):
            for placeholder, value in values.items():
                text = text.replace(placeholder, meta_escape(value))
            footer[side] = text
    if isinstance(website.get("title"), str):
        website["title"] = website["title"].replace(
            "{site_name}", meta_escape(site_name or citation["title"]))
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


def _byline(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Author and date, shared by the pages and the PDF. The author is written with
    given/family set, so Quarto shows the name as written instead of parsing it as a BibTeX
    name (which fails on unbalanced braces). The date is typed: Quarto formats it."""
    fields: dict[str, Any] = {}
    if meta.get("author"):
        author = meta_escape(meta["author"])
        fields["author"] = [{"name": {"literal": author, "given": author, "family": ""}}]
    fields["date"] = dt.date.fromisoformat(iso_date(meta["date"]))
    return fields


def page_front_matter(page: Mapping[str, Any], meta: Mapping[str, Any], charts: bool) -> str:
    """A site page's front matter: its title, byline and the HTML its head needs (the
    Scholar tags of the home page, the charts' script)."""
    fields: dict[str, Any] = {"title": meta_escape(page["title"])}
    if page["subtitle"]:
        fields["subtitle"] = meta_escape(page["subtitle"])
    fields["description"] = meta_escape(page["description"])
    fields.update(_byline(meta))
    # Quarto labels the date "Published": a draft (no report.version) is not published
    fields["published-title"] = "Date" if meta.get("version") else "Draft"
    head = [f'<meta name="{html_text(name)}" content="{html_text(content)}">'
            for name, content in page["scholar"]]
    if charts:
        head.append('<script src="assets/figures.js" defer></script>')
    fields["format"] = ({"html": {"include-in-header": [{"text": "\n".join(head) + "\n"}]}}
                        if head else "html")
    return front_matter(fields)


def pdf_front_matter(meta: Mapping[str, Any], release_label: str, site_url: str | None) -> str:
    """report.qmd's front matter: the PDF's cover (title, byline, affiliation, version)."""
    fields: dict[str, Any] = {"title": meta_escape(meta["title"])}
    if meta.get("subtitle"):
        fields["subtitle"] = meta_escape(meta["subtitle"])
    fields.update(_byline(meta))
    if meta.get("affiliation"):
        fields["affiliation"] = meta_escape(meta["affiliation"])
    fields["version"] = meta_escape(release_label)
    if site_url:
        fields["kr-site-url"] = meta_escape(site_url)
    fields["format"] = "typst"
    return front_matter(fields)


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
    context["pdf_sections"] = tuple(p.slug for p in pdf_pages(site.changes is not None))
    meta = context["meta"]
    context["release"] = {"label": version_label(meta.get("version")),
                          "in_sentence": version_label(meta.get("version"), in_sentence=True)}
    settings = site_settings(site.citation, site_name=meta.get("site_name") or meta["title"])
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
        body = env.get_template(f"sections/{page.slug}.md.j2").render(
            page=values, target="html", **context)
        head = page_front_matter(values, meta, charts='class="kr-figure"' in body)
        path = project_dir / page.source
        path.write_text(
            env.get_template("page.qmd.j2").render(front_matter=Markup(head), body=Markup(body)),
            encoding="utf-8",
        )
        written.append(path)
    report = project_dir / PDF_SOURCE
    head = pdf_front_matter(meta, context["release"]["label"], settings.site_url)
    report.write_text(
        env.get_template("report.qmd.j2").render(target="pdf", front_matter=Markup(head),
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
