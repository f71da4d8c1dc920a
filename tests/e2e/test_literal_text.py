"""Property: any user string, made of Quarto, pandoc, typst and HTML syntax, comes out literally
from both engines, in every place the templates put text, and no shortcode is ever expanded
(an `env` shortcode would print a secret of the build machine into the site or the PDF).

Hypothesis draws strings from syntax fragments; each example renders one small project, built
with the same Jinja filters the report's templates use, with each engine.
"""

from __future__ import annotations

import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report.engines.pandoc import PandocEngine
from report.engines.quarto import QuartoEngine
from report.templating import make_environment
from tests.helpers import ENGINES, engine_param

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]

SECRET_NAME, SECRET_VALUE = "KR_PROPERTY_SECRET", "kr-prop-secret-2b9c41"
FRAGMENTS = [
    "{{<", ">}}", "{{{<", ">}}}", "{{</*", "*/>}}", "{{< env KR_PROPERTY_SECRET >}}",
    "{{< include /etc/hostname >}}", "{{< meta title >}}", "{{< var x >}}", "{{%", "%}}",
    "`", "``", "*", "**", "_", "$x$", "$$", "@fig-a", "[a](b)", "![i](x.png)", "<b>", "</div>",
    "<script>", "&amp;", "&#123;", "#let x = 1", '#read("/etc/hostname")', "#import", "\\",
    '"', "'", "--", "---", "...", ":::", "{.x}", "{#id}", "[[", "]]", "{%", "%}", "[#", "#]",
    "<!--", "-->", "|", "~", "^", "=", "\\u{7b}", "%", "{", "}", "<", ">", "é", "→", ":smile:",
    "alpha", "beta", "42", "(", ")", "-", "+", "1.", "#",
]
TEXT = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map(" ".join)

# Every place the report's templates put user text, through the same filters.
PAGE = """\
[% from "partials/macros.md.j2" import code with context %]
---
title: [[ s[0]|yaml_meta ]]
subtitle: [[ s[1]|yaml_meta ]]
description: [[ s[2]|yaml_meta ]]
author:
  - name:
      literal: [[ s[3]|yaml_meta ]]
      given: [[ s[3]|yaml_meta ]]
      family: ""
date: 2025-10-02
format: [[ fmt|raw ]]
---

[% for x in s %]
## Value [[ loop.index ]]: [[ x ]]

Paragraph: [[ x ]]

| Column | [[ x ]] |
|:---|:---|
| cell | [[ x ]] |

- item [[ x ]]

[[ code(x, "text")|raw ]]

[% if fmt == "html" %]
```{=html}
<p title="[[ x|html ]]">raw html: [[ x|html ]]</p>
```
[% else %]
```{=typst}
#text([[ x|typst_str ]])
```
[% endif %]

[% endfor %]
"""


def quarto_yml() -> str:
    """The real site configuration (formats, typst partials and filters), for two documents."""
    config = yaml.safe_load((REPO / "_quarto.yml").read_text(encoding="utf-8"))
    config["project"]["render"] = ["index.qmd", "report.qmd"]
    config["website"] = {"title": "Literal text", "search": False}
    config["format"]["html"]["toc"] = False
    return yaml.safe_dump(config, sort_keys=False)


class _Text(HTMLParser):
    """The text a reader sees: character data outside <script>, <style> and <head>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "head")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "head")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def flat(text: str) -> str:
    # The PDF lets long words wrap at zero-width spaces (typst-literal.lua): invisible on the
    # page, so they are not part of what the reader sees.
    return "".join(text.replace("\u200b", "").split())


def write_project(root: Path, strings: list[str]) -> Path:
    env = make_environment()
    template = env.from_string(PAGE)
    root.mkdir(parents=True)
    (root / "_quarto.yml").write_text(quarto_yml(), encoding="utf-8")
    (root / "index.qmd").write_text(template.render(s=strings, fmt="html", target="html"),
                                    encoding="utf-8")
    (root / "report.qmd").write_text(template.render(s=strings, fmt="typst", target="pdf"),
                                     encoding="utf-8")
    return root


@pytest.mark.parametrize("engine", [engine_param(name) for name in ENGINES])
def test_user_strings_come_out_literally(engine, tmp_path_factory, monkeypatch):
    monkeypatch.setenv(SECRET_NAME, SECRET_VALUE)
    renderer = QuartoEngine() if engine == "quarto" else PandocEngine()

    @settings(max_examples=5 if engine == "quarto" else 12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(TEXT, min_size=4, max_size=4))
    def check(strings):
        root = tmp_path_factory.mktemp("literal")
        project = write_project(root / "project", strings)
        result = renderer.render(project, root / "site")
        page = (root / "site" / "index.html").read_text(encoding="utf-8")
        # -layout: plain mode would join a line ending in "-" to the next (dehyphenation)
        pdf = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True,
                             text=True, check=True).stdout
        everything = b"".join(p.read_bytes() for p in (root / "site").rglob("*") if p.is_file())
        assert SECRET_VALUE.encode() not in everything and SECRET_VALUE not in pdf
        shown, printed = flat(visible_text(page)), flat(pdf)
        title = flat(html.unescape(re.search(r"<title>(.*?)</title>", page, re.S)[1]))
        assert flat(strings[0]) in title
        for s in strings:
            # each body context (heading, paragraph, table, list, code, raw) shows it
            assert shown.count(flat(s)) >= 6, s
            assert printed.count(flat(s)) >= 6, s
        for s in strings[:4]:  # title, subtitle, description, author
            assert flat(s) in shown, s

    check()
