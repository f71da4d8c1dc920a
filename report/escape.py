"""User text into the generated Quarto project, and back: one escaper per place text lands.

Column names, labels, titles, authors and CITATION.cff fields are data. Each function here
writes a value so that both engines (Quarto and pandoc) show it literally wherever it lands.
Quarto's own syntax is the subtle part: it expands `{{< shortcode >}}` in page text, in code
blocks, in raw HTML and typst, and in metadata, where an `env` shortcode would print a
secret of the build machine and an `include` one would read a file. Every escaper below
makes sure no `{{<` or `>}}` survives in a form Quarto parses:

- markdown text: every ASCII punctuation character is backslash-escaped, so no markup,
  shortcode, math, citation or link can form (pandoc and Quarto both honour the escapes);
- metadata (YAML front matter): Quarto re-reads metadata strings after pandoc has parsed
  them, so backslashes are not enough; `<` and `>` also go into empty spans (`[\\<]{}`), which
  keeps every shortcode delimiter split across inline elements. The front matter itself is
  written by PyYAML (`front_matter`), never glued from strings, so no value, whatever its
  lines, can end the block or add a key;
- raw HTML: entities, braces and backticks included; raw typst: string literals with
  `\\u{..}` braces;
- code: never a markdown code block (Quarto's reader looks for `{{<` even inside one, and an
  unclosed one garbles the rest of the page), but raw HTML `<pre>` and typst `raw()`.

So the generated pages never hold the sequence `{{<` at all; report.project checks that.

Line breaks: where one line is expected (metadata, markdown text and table cells, HTML
attributes and captions, typst strings) a value's whitespace runs become one space, so a
value never starts a block, ends a fence or adds a key; code keeps its lines (`keep_lines`).

`meta_unescape` reads a metadata value back as plain text (for the pandoc engine's layout).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import yaml

# Pandoc lets any ASCII punctuation be backslash-escaped; escaping all of it is simplest and
# safe: no emphasis, link, raw HTML, math ($), shortcode ({{<) or table pipe can be formed.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$@~^=&:;\"'%/,?])")
# Angle brackets in metadata: an empty span around each escaped one (see the module doc).
_META_ANGLE = re.compile(r"\\([<>])")
_META_SPAN = re.compile(r"\[\\([<>])\]\{\}")
_MD_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# One pass, so the braces of `\u{7b}` are not escaped again.
_TYPST_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "{": "\\u{7b}", "}": "\\u{7d}",
                               "\r": "", "\t": "    "})


# Whitespace but the non-breaking spaces, which keep a table cell's value on one line.
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")


def one_line(value: object) -> str:
    """Whitespace runs (newlines included) as one space: a value never starts a new block.
    Non-breaking spaces stay (they are not line breaks)."""
    return _BREAKING_SPACE.sub(" ", str(value)).strip(" ")


def md_escape(value: object) -> str:
    """Text for Quarto markdown: page bodies, table cells, list items, headings."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(value))


def meta_escape(value: object) -> str:
    """Text for a metadata string (title, author ...), before YAML quoting."""
    return _META_ANGLE.sub(r"[\\\1]{}", md_escape(value))


def meta_unescape(value: str) -> str:
    """The plain text of a metadata string written by `meta_escape` (or by hand)."""
    return _MD_ESCAPED.sub(r"\1", _META_SPAN.sub(r"\\\1", value))


def html_text(value: object, *, keep_lines: bool = False) -> str:
    """Text for raw HTML, element content or attribute value: one line unless `keep_lines`
    (code in a `<pre>`); braces and backticks as entities, so no shortcode forms and no
    fence of the markdown around the HTML closes."""
    text = str(value) if keep_lines else one_line(value)
    escaped = html.escape(text, quote=True)
    return escaped.replace("{", "&#123;").replace("}", "&#125;").replace("`", "&#96;")


def typst_string(value: object, *, keep_lines: bool = False) -> str:
    """A typst string literal: shown verbatim, no markup or code is interpreted. One line
    unless `keep_lines` (for code), where line breaks become `\\n`."""
    text = str(value).rstrip("\n") if keep_lines else one_line(value)
    return '"' + text.translate(_TYPST_STRING).replace("\n", "\\n") + '"'


def raw_block(content: object, fmt: str) -> str:
    """A raw block for one output format (`html`, `typst`); its fence is longer than any
    backtick run in the content, so nothing in it can close the block early."""
    body = str(content).rstrip("\n")
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{{={fmt}}}\n{body}\n{fence}"


class _FrontMatterDumper(yaml.SafeDumper):
    """PyYAML's safe dumper; text of several lines (raw HTML for the page head) as a block
    scalar, which PyYAML itself quotes instead whenever a block cannot hold it exactly."""


_FrontMatterDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def front_matter(fields: Mapping[str, Any]) -> str:
    """A page's YAML front matter, `---` lines included, written by PyYAML. String values
    must already be escaped for where they land (`meta_escape` for metadata text,
    `html_text` for raw HTML); dates stay dates (Quarto formats them)."""
    body = yaml.dump(dict(fields), Dumper=_FrontMatterDumper, sort_keys=False,
                     allow_unicode=True, width=1_000_000)
    return f"---\n{body}---\n"


def iso_date(value: object) -> str:
    """An ISO date (YYYY-MM-DD), written unquoted so YAML and Quarto read it as a date."""
    text = str(value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"expected an ISO date (YYYY-MM-DD), got {text!r}")
    return text
