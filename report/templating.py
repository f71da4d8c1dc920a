"""One Jinja environment for every page: strict, Quarto-safe delimiters, escape by default.

- Undefined variables are errors (a typo in a template fails the build, never prints "").
- Delimiters are `[[ x ]]`, `[% tag %]`, `[# comment #]`: Quarto's `{{< shortcode >}}` and
  pandoc attributes `{.class}` pass through templates untouched.
- Every value printed with `[[ ]]` is escaped for Quarto markdown unless it is `Markup`
  (trusted output of our own filters). Other places text lands have their own filters
  (`html`, `typst_str`, `typst_code`, `raw_block`), all from kmeans_report.report.escape; front matter is
  written by report.project with PyYAML.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import escape, formatting
from .resources import TEMPLATES_DIR


def md(value: object) -> Markup:
    """Escape for Quarto markdown (the default for every `[[ ]]`)."""
    return value if isinstance(value, Markup) else Markup(escape.md_escape(value))


def md_link(text: object, href: str) -> Markup:
    """A markdown link with escaped text; href must be a relative path we generated."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("/"):
        raise ValueError(f"md_link only takes relative paths, got {href!r}")
    return Markup(f"[{escape.md_escape(text)}]({href})")


def _trusted(function):
    """A filter whose output is final: mark it so the markdown escaping leaves it alone."""
    return lambda *args, **kwargs: Markup(function(*args, **kwargs))


def _finalize(value: object) -> object:
    if isinstance(value, Markup):
        return value
    if value is None:
        raise ValueError("a template printed None; the context must give a value")
    return md(value)


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_finalize,
    )
    env.filters.update(
        md=md,
        html=_trusted(escape.html_text),
        typst_str=_trusted(escape.typst_string),
        typst_code=_trusted(lambda value: escape.typst_string(value, keep_lines=True)),
        raw_block=_trusted(escape.raw_block),
        iso_date=_trusted(escape.iso_date),
        md_link=md_link,
        money=formatting.money,
        number=formatting.number,
        percent=formatting.percent,
        pct_value=formatting.pct_value,
        score=formatting.score,
        raw=Markup,  # for fragments we generated ourselves (figure HTML, tables)
    )
    return env
