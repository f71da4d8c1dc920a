"""Reads the generated project's `_quarto.yml` and page front matter into plain values.

Only the keys the pandoc engine needs are interpreted; the Quarto engine hands the file to
Quarto unchanged. Anything else in `_quarto.yml` is ignored here, as Quarto would apply it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from report.errors import RenderError

PDF_HREF = "downloads/report.pdf"
# Keys of `_quarto.yml` that are project configuration, not document metadata.
_NON_METADATA_KEYS = {"project", "website", "format", "book", "manuscript", "profile"}


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str  # as written in _quarto.yml (may end in .qmd)
    icon: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    title: str
    pages: list[str]  # .qmd files from project.render, in order
    resources: list[str]
    nav_left: list[NavItem]
    nav_right: list[NavItem]
    footer: dict[str, Any]  # left/center/right -> str | list of items
    html: dict[str, Any]
    typst: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)  # site-wide document metadata
    site_url: str | None = None
    output_dir: str = "_site"  # where `quarto render` writes the website


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{path.name} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RenderError(f"{path.name} must be a YAML mapping")
    return data


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape(value: Any) -> Any:
    """Metadata strings are markdown (Quarto and pandoc parse them so): undo backslash
    escapes so the layout shows the text itself; the layout then escapes it for HTML."""
    if isinstance(value, str):
        return _MD_ESCAPE.sub(r"\1", value)
    if isinstance(value, list):
        return [_unescape(v) for v in value]
    if isinstance(value, dict):
        return {k: _unescape(v) for k, v in value.items()}
    return value


def front_matter(path: Path) -> dict[str, Any]:
    """The YAML block at the top of a .qmd page ({} when there is none), as plain text."""
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
    return _unescape(data) if isinstance(data, dict) else {}


def _format_options(fmt: Any, name: str) -> dict[str, Any]:
    if isinstance(fmt, dict):
        opts = fmt.get(name)
        return dict(opts) if isinstance(opts, dict) else {}
    return {}


def _nav_items(items: Any, titles: dict[str, str]) -> list[NavItem]:
    out: list[NavItem] = []
    for item in items or []:
        if isinstance(item, str):  # shorthand: just a file; Quarto uses the page title
            out.append(NavItem(text=titles.get(item, item), href=item))
        elif isinstance(item, dict) and "menu" in item:
            # Dropdown menus are flattened: the pandoc layout keeps one level of links.
            out.extend(_nav_items(item["menu"], titles))
        elif isinstance(item, dict) and item.get("href"):
            href = str(item["href"])
            text = item.get("text") or titles.get(href, href)
            out.append(NavItem(text=str(text), href=href, icon=item.get("icon")))
    return out


def load_site_config(project_dir: Path) -> SiteConfig:
    cfg = read_yaml(project_dir / "_quarto.yml")
    project = cfg.get("project") or {}
    website = cfg.get("website") or {}
    pages = [str(p) for p in project.get("render") or []]
    if not pages:
        raise RenderError("_quarto.yml lists no pages under project.render")
    missing = [p for p in pages if not (project_dir / p).is_file()]
    if missing:
        raise RenderError(f"pages listed in _quarto.yml are missing: {', '.join(missing)}")
    titles = {p: str(front_matter(project_dir / p).get("title", Path(p).stem)) for p in pages}
    navbar = website.get("navbar") or {}
    footer = website.get("page-footer") or {}
    if isinstance(footer, str):
        footer = {"center": footer}
    return SiteConfig(
        title=str(website.get("title") or cfg.get("title") or "Report"),
        pages=pages,
        resources=[str(r) for r in project.get("resources") or []],
        nav_left=_nav_items(navbar.get("left"), titles),
        nav_right=_nav_items(navbar.get("right"), titles),
        footer=dict(footer),
        html=_format_options(cfg.get("format"), "html"),
        typst=_format_options(cfg.get("format"), "typst"),
        metadata={k: v for k, v in cfg.items() if k not in _NON_METADATA_KEYS},
        site_url=website.get("site-url"),
        output_dir=str(project.get("output-dir") or "_site"),
    )


def html_href(href: str) -> str:
    """Quarto links pages by source name; the built site links the rendered .html file."""
    path, sep, anchor = href.partition("#")
    if "://" not in path and path.endswith(".qmd"):
        path = path[: -len(".qmd")] + ".html"
    return path + sep + anchor
