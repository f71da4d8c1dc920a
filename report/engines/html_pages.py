"""Pandoc engine, website half: each page -> HTML fragment (pandoc) -> our layout (Jinja)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from report.engines.base import TEMPLATES_DIR
from report.engines.pandoc_run import run_pandoc
from report.engines.siteconfig import PDF_HREF, NavItem, SiteConfig, front_matter, html_href

FILTERS = [TEMPLATES_DIR / "filters" / "callouts.lua", TEMPLATES_DIR / "filters" / "links.lua"]
FRAGMENT_TEMPLATE = TEMPLATES_DIR / "layout" / "fragment.html"
_MARKERS = re.compile(r"^<!--kr:(toc|css|body)-->\n", re.M)
# plotly's to_html(full_html=False, include_plotlyjs=False) output always calls Plotly.newPlot.
_PLOTLY = re.compile(r"Plotly\.(newPlot|react)\(")


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


def scholar_date(value: str) -> str:
    """Google Scholar wants 2025/10/02 (or just the year); other dates pass through."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    return f"{m[1]}/{m[2]}/{m[3]}" if m else value


def scholar_tags(meta: dict[str, Any], site: SiteConfig) -> list[tuple[str, str]]:
    if not meta.get("google-scholar"):
        return []
    tags = [("citation_title", _text(meta.get("title")))]
    tags += [("citation_author", name) for name in author_names(meta.get("author"))]
    if _text(meta.get("date")):
        tags.append(("citation_publication_date", scholar_date(_text(meta.get("date")))))
    base = (site.site_url or "").rstrip("/")
    tags.append(("citation_pdf_url", f"{base}/{PDF_HREF}" if base else PDF_HREF))
    return [(k, v) for k, v in tags if v]


def _nav(items: list[NavItem], current: str) -> list[dict[str, Any]]:
    return [
        {"text": it.text, "href": html_href(it.href), "icon": it.icon,
         "active": html_href(it.href) == current}
        for it in items
    ]


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


class PageWriter:
    """Renders every page of one site; site-wide parts (navbar, footer) are built once."""

    def __init__(self, project_dir: Path, site: SiteConfig) -> None:
        self.project_dir = project_dir
        self.site = site
        self.template = _environment().get_template("page.html.j2")
        self.footer = _footer(site)
        right = list(site.nav_right)
        if not any(html_href(i.href) == PDF_HREF for i in site.nav_left + right):
            right.append(NavItem(text="Download PDF", href=PDF_HREF, icon="file-earmark-pdf"))
        self.nav_right = right

    def render(self, page: str) -> tuple[str, Fragment]:
        meta = {**self.site.metadata, **front_matter(self.project_dir / page)}
        meta.setdefault("title", Path(page).stem)
        fragment = convert_page(self.project_dir, page, self.site.html)
        current = html_href(page)
        html = self.template.render(
            site={
                "title": self.site.title,
                "nav_left": _nav(self.site.nav_left, current),
                "nav_right": _nav(self.nav_right, current),
                "footer": self.footer,
                "pdf_href": PDF_HREF,
            },
            page={
                "title": _text(meta.get("title")),
                "subtitle": _text(meta.get("subtitle")),
                "description": _text(meta.get("description")),
                "authors": author_names(meta.get("author")),
                "date": _text(meta.get("date")),
                "toc": Markup(fragment.toc),
                "body": Markup(fragment.body),
                "has_plotly": bool(_PLOTLY.search(fragment.body)),
                "highlight_css": bool(fragment.css),
                "scholar": scholar_tags(meta, self.site),
            },
        )
        return html, fragment
