"""Reads the generated project's `_quarto.yml` and page front matter into plain values.

Only the keys the pandoc engine needs are interpreted; the Quarto engine hands the file to
Quarto unchanged. Anything else in `_quarto.yml` is ignored here, as Quarto would apply it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kmeans_report.report.errors import RenderError
from kmeans_report.report.escape import meta_unescape

PDF_HREF = "downloads/report.pdf"
# Keys of `_quarto.yml` that are project configuration, not document metadata.
_NON_METADATA_KEYS = {"project", "website", "format", "book", "manuscript", "profile"}
INCLUDE_KEYS = ("include-in-header", "include-before-body", "include-after-body")


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str | None = None  # as written in _quarto.yml (may end in .qmd); None for a menu
    icon: str | None = None
    menu: tuple[NavItem, ...] = ()  # a dropdown's items (one level, as Quarto draws it)


@dataclass(frozen=True)
class SiteConfig:
    title: str
    pages: list[str]  # HTML pages from project.render, in order
    pdf_source: str | None  # the render entry whose only format is typst (the PDF report)
    resources: list[str]
    nav_left: list[NavItem]
    nav_right: list[NavItem]
    footer: dict[str, Any]  # left/center/right -> str | list of items
    html: dict[str, Any]
    typst: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)  # site-wide document metadata
    site_url: str | None = None
    favicon: str | None = None  # website.favicon
    output_dir: str = "_site"  # where `quarto render` writes the website


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{path.name} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RenderError(f"{path.name} must be a YAML mapping")
    return data


def _plain(value: Any) -> Any:
    """Metadata strings are markdown (report.escape writes them); read them as plain text."""
    if isinstance(value, str):
        return meta_unescape(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "format" else _plain(v) for k, v in value.items()}
    return value


def front_matter(path: Path) -> dict[str, Any]:
    """The YAML block at the top of a .qmd page ({} when there is none), as plain text.
    `format` is left as written: it holds raw includes, not text."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        raise RenderError(f"{path.name}: front matter starts with --- but never ends")
    try:
        data = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{path.name}: front matter is not valid YAML: {exc}") from exc
    return _plain(data) if isinstance(data, dict) else {}


def format_options(fmt: Any, name: str) -> dict[str, Any]:
    """Options of one output format from a `format:` value (string, list or mapping)."""
    if isinstance(fmt, dict):
        opts = fmt.get(name)
        return dict(opts) if isinstance(opts, dict) else {}
    return {}


def _formats(fmt: Any) -> set[str] | None:
    """The formats a document's own `format:` names (None: the project's formats)."""
    if fmt is None:
        return None
    if isinstance(fmt, str):
        return {fmt}
    if isinstance(fmt, list):
        return {str(f) for f in fmt}
    if isinstance(fmt, dict):
        return {str(f) for f in fmt}
    return None


def _nav_items(items: Any, titles: dict[str, str]) -> list[NavItem]:
    out: list[NavItem] = []
    for item in items or []:
        if isinstance(item, str):  # shorthand: just a file; Quarto uses the page title
            out.append(NavItem(text=titles.get(item, item), href=item))
        elif isinstance(item, dict) and "menu" in item:
            menu = tuple(_nav_items(item["menu"], titles))
            out.append(NavItem(text=str(item.get("text") or "Menu"), menu=menu,
                               icon=item.get("icon")))
        elif isinstance(item, dict) and item.get("href"):
            href = str(item["href"])
            text = item.get("text") or titles.get(href, href)
            out.append(NavItem(text=str(text), href=href, icon=item.get("icon")))
    return out


def load_site_config(project_dir: Path) -> SiteConfig:
    cfg = read_yaml(project_dir / "_quarto.yml")
    project = cfg.get("project") or {}
    website = cfg.get("website") or {}
    render = [str(p) for p in project.get("render") or []]
    if not render:
        raise RenderError("_quarto.yml lists no pages under project.render")
    missing = [p for p in render if not (project_dir / p).is_file()]
    if missing:
        raise RenderError(f"pages listed in _quarto.yml are missing: {', '.join(missing)}")
    metas = {p: front_matter(project_dir / p) for p in render}
    pdfs = [p for p in render if _formats(metas[p].get("format")) == {"typst"}]
    pages = [p for p in render if p not in pdfs]
    titles = {p: str(metas[p].get("title", Path(p).stem)) for p in pages}
    navbar = website.get("navbar") or {}
    footer = website.get("page-footer") or {}
    if isinstance(footer, str):
        footer = {"center": footer}
    return SiteConfig(
        title=_plain(str(website.get("title") or cfg.get("title") or "Report")),
        pages=pages,
        pdf_source=pdfs[0] if pdfs else None,
        resources=[str(r) for r in project.get("resources") or []],
        nav_left=_nav_items(navbar.get("left"), titles),
        nav_right=_nav_items(navbar.get("right"), titles),
        footer=dict(footer),
        html=format_options(cfg.get("format"), "html"),
        typst=format_options(cfg.get("format"), "typst"),
        metadata={k: v for k, v in cfg.items() if k not in _NON_METADATA_KEYS},
        site_url=website.get("site-url"),
        favicon=website.get("favicon"),
        output_dir=str(project.get("output-dir") or "_site"),
    )


def html_href(href: str) -> str:
    """Quarto links pages by source name; the built site links the rendered .html file."""
    path, sep, anchor = href.partition("#")
    if "://" not in path and path.endswith(".qmd"):
        path = path[: -len(".qmd")] + ".html"
    return path + sep + anchor
