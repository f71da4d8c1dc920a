"""Pandoc engine, website half: each page -> HTML fragment (pandoc) -> our layout (Jinja)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from kmeans_report.report.engines.pandoc_run import run_pandoc
from kmeans_report.report.engines.siteconfig import (
    INCLUDE_KEYS,
    PDF_HREF,
    NavItem,
    SiteConfig,
    format_options,
    front_matter,
    html_href,
)
from kmeans_report.report.resources import TEMPLATES_DIR

FILTERS = [TEMPLATES_DIR / "filters" / name for name in ("callouts.lua", "links.lua", "tables.lua")]
FRAGMENT_TEMPLATE = TEMPLATES_DIR / "layout" / "fragment.html"
_MARKERS = re.compile(r"^<!--kr:(toc|css|body)-->\n", re.M)


@dataclass
class Fragment:
    toc: str
    css: str
    body: str


def convert_page(project_dir: Path, page: str, html_opts: dict[str, Any]) -> Fragment:
    args = ["--from", "markdown", "--to", "html5", "--template", str(FRAGMENT_TEMPLATE)]
    for lua in FILTERS:
        args += ["--lua-filter", str(lua)]
    if html_opts.get("toc", False):
        args += ["--toc", f"--toc-depth={int(html_opts.get('toc-depth', 3))}"]
    if html_opts.get("link-external-newwindow"):
        args += ["--metadata", "link-external-newwindow=true"]
    args.append(page)
    out = run_pandoc(args, cwd=project_dir)
    parts = dict.fromkeys(("toc", "css", "body"), "")
    pieces = _MARKERS.split(out)
    for name, text in zip(pieces[1::2], pieces[2::2], strict=True):
        parts[name] = text.strip()
    return Fragment(**parts)


def inline_markdown(text: str) -> str:
    """Footer strings are markdown in Quarto; render them the same way, without the <p>."""
    html = run_pandoc(["--from", "markdown", "--to", "html5"], stdin=text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", html, flags=re.S)


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def long_date(value: Any) -> str:
    """A date as Quarto's HTML title block shows it by default ("October 2, 2025")."""
    if isinstance(value, dt.date):
        return f"{value:%B} {value.day}, {value.year}"
    return _text(value)


def author_names(value: Any) -> list[str]:
    """Quarto accepts a string, a list, or dicts with `name` (itself maybe {given, family})."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            name = item.get("name", "")
            if isinstance(name, dict):
                name = name.get("literal") or " ".join(
                    str(name[k]) for k in ("given", "family") if name.get(k)
                )
            item = name
        if _text(item):
            names.append(_text(item))
    return names


def includes(options: dict[str, Any], project_dir: Path) -> dict[str, list[str]]:
    """`include-in-header` / `include-before-body` / `include-after-body` of one html format
    options block, as HTML strings: `text:` items as written, files read from the project."""
    out: dict[str, list[str]] = {key: [] for key in INCLUDE_KEYS}
    for key in INCLUDE_KEYS:
        items = options.get(key) or []
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict) and "text" in item:
                out[key].append(str(item["text"]))
            elif isinstance(item, dict | str):
                name = item.get("file") if isinstance(item, dict) else item
                out[key].append((project_dir / str(name)).read_text(encoding="utf-8"))
    return out


def stylesheets(options: dict[str, Any]) -> list[str]:
    css = options.get("css") or []
    return [str(c) for c in (css if isinstance(css, list) else [css])]


def _nav(items: list[NavItem] | tuple[NavItem, ...], current: str) -> list[dict[str, Any]]:
    out = []
    for it in items:
        href = html_href(it.href) if it.href else None
        menu = _nav(it.menu, current)
        out.append({"text": it.text, "href": href, "icon": it.icon, "menu": menu,
                    "active": href == current or any(m["active"] for m in menu)})
    return out


def _footer(site: SiteConfig) -> dict[str, str]:
    out = {}
    for side in ("left", "center", "right"):
        value = site.footer.get(side)
        if isinstance(value, list):  # Quarto footer items: {text, href} or plain strings
            links = []
            for item in value:
                if isinstance(item, dict):
                    text = escape(item.get("text") or item.get("href"))
                    href = escape(html_href(str(item.get("href", "#"))))
                    links.append(f'<a href="{href}">{text}</a>')
                else:
                    links.append(inline_markdown(str(item)))
            out[side] = " · ".join(links)
        elif value:
            out[side] = inline_markdown(str(value))
    return out


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "layout"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _flat(items: list[NavItem]) -> list[NavItem]:
    return [leaf for it in items for leaf in (_flat(list(it.menu)) if it.menu else [it])]


class PageWriter:
    """Renders every page of one site; site-wide parts (navbar, footer) are built once."""

    def __init__(self, project_dir: Path, site: SiteConfig) -> None:
        self.project_dir = project_dir
        self.site = site
        self.template = _environment().get_template("page.html.j2")
        self.footer = _footer(site)
        right = list(site.nav_right)
        if not any(it.href and html_href(it.href) == PDF_HREF
                   for it in _flat(site.nav_left + right)):
            right.append(NavItem(text="Download PDF", href=PDF_HREF, icon="file-earmark-pdf"))
        self.nav_right = right
        self.site_includes = includes(site.html, project_dir)

    def render(self, page: str) -> tuple[str, Fragment]:
        meta = {**self.site.metadata, **front_matter(self.project_dir / page)}
        meta.setdefault("title", Path(page).stem)
        page_options = format_options(meta.get("format"), "html")
        page_includes = includes(page_options, self.project_dir)
        fragment = convert_page(self.project_dir, page, {**self.site.html, **page_options})
        current = html_href(page)
        html = self.template.render(
            site={
                "title": self.site.title,
                "nav_left": _nav(self.site.nav_left, current),
                "nav_right": _nav(self.nav_right, current),
                "footer": self.footer,
                "pdf_href": PDF_HREF,
                "css": stylesheets(self.site.html),
                "favicon": self.site.favicon,
            },
            page={
                "title": _text(meta.get("title")),
                "subtitle": _text(meta.get("subtitle")),
                "description": _text(meta.get("description")),
                "authors": author_names(meta.get("author")),
                "date": long_date(meta.get("date")),
                "toc": Markup(fragment.toc),
                "body": Markup(fragment.body),
                "highlight_css": bool(fragment.css),
                # Includes are raw HTML by definition (as in Quarto): the site's, then the page's.
                "includes": {key: Markup("\n".join(self.site_includes[key] + page_includes[key]))
                             for key in INCLUDE_KEYS},
            },
        )
        return html, fragment
