"""One Jinja environment for every page: strict, Quarto-safe delimiters, escape by default.

- Undefined variables are errors (a typo in a template fails the build, never prints "").
- Delimiters are `[[ x ]]`, `[% tag %]`, `[# comment #]`: Quarto's `{{< shortcode >}}` and
  pandoc attributes `{.class}` pass through templates untouched.
- Every value printed with `[[ ]]` is escaped for Quarto markdown unless it is `Markup`
  (trusted output of our own filters). Raw HTML, raw typst and YAML need their own escaping,
  so they have their own filters: `html`, `typst_str`, `yaml_text`.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import formatting

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# Pandoc lets any ASCII punctuation be backslash-escaped; escaping all of it is simplest and
# safe: no emphasis, link, raw HTML, math ($), shortcode ({{<) or table pipe can be formed.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$@~^=&:;\"'%/,?])")


def md_escape(value: object) -> str:
    text = " ".join(str(value).split())  # no newlines: a value never starts a new block
    return _MD_SPECIAL.sub(r"\\\1", text)


def md(value: object) -> Markup:
    """Escape for Quarto markdown (the default for every `[[ ]]`)."""
    return value if isinstance(value, Markup) else Markup(md_escape(value))


def html_text(value: object) -> Markup:
    """Escape for a raw HTML block (attribute-safe)."""
    return Markup(html.escape(str(value), quote=True))


def typst_str(value: object) -> Markup:
    """A typst string literal: typst shows it verbatim, no markup or code is interpreted."""
    text = " ".join(str(value).split()).replace("\\", "\\\\").replace('"', '\\"')
    return Markup(f'"{text}"')


def yaml_text(value: object) -> Markup:
    """A YAML double-quoted scalar holding markdown-escaped text (Quarto parses metadata as
    markdown, so a title must be escaped for markdown first, then quoted for YAML)."""
    return Markup(json.dumps(md_escape(value), ensure_ascii=False))


def code_block(text: object, language: str = "") -> Markup:
    """A fenced code block that no content can close early (fence longer than any run)."""
    body = str(text).rstrip("\n")
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{language}\n{body}\n{fence}")


def md_link(text: object, href: str) -> Markup:
    """A markdown link with escaped text; href must be a relative path we generated."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("/"):
        raise ValueError(f"md_link only takes relative paths, got {href!r}")
    return Markup(f"[{md_escape(text)}]({href})")


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
        html=html_text,
        typst_str=typst_str,
        yaml_text=yaml_text,
        money=formatting.money,
        number=formatting.number,
        percent=formatting.percent,
        pct_value=formatting.pct_value,
        score=formatting.score,
        code_block=code_block,
        md_link=md_link,
        raw=Markup,  # for fragments we generated ourselves (figure HTML, tables)
    )
    return env


def render(env: jinja2.Environment, name: str, **context: object) -> str:
    return env.get_template(name).render(**context)
