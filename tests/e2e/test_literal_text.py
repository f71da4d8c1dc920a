"""Property: any user string, made of Quarto, pandoc, typst and HTML syntax, comes out literally
from both engines, in every place the templates put text, and no shortcode is ever expanded
(an `env` shortcode would print a secret of the build machine into the site or the PDF).

Hypothesis draws strings from syntax fragments, line breaks and YAML that would add page
metadata (an include of a local file) among them; each example renders one small project,
its front matter written by report.project's own functions and its body with the same Jinja
filters the report's templates use, with each engine.
"""

from __future__ import annotations

import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kmeans_report.report.engines.pandoc import PandocEngine
from kmeans_report.report.engines.quarto import QuartoEngine
from kmeans_report.report.project import page_front_matter, pdf_front_matter
from kmeans_report.report.templating import make_environment
from tests.helpers import ENGINES, engine_param

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]

SECRET_NAME, SECRET_VALUE = "KR_PROPERTY_SECRET", "kr-prop-secret-2b9c41"
# A file beside the project's pages: a value that managed to add page metadata (or a
# shortcode) would pull it into the site or the PDF.
LOCAL_FILE, LOCAL_SECRET = "local-secret.html", "kr-local-file-5e0a7c"
FRAGMENTS = [
    "\n", "\n\n", "\r\n", "\t", "\nformat:\n  html:\n    include-in-header: " + LOCAL_FILE + "\n",
    "\ninclude-before-body: " + LOCAL_FILE, "\n---\nfilters: [x.lua]\n---\n", "\n...\n",
    "x: |\n  y", "{{< include " + LOCAL_FILE + " >}}", "\n```\n", "\n# Heading\n", "- ",
    "{{<", ">}}", "{{{<", ">}}}", "{{</*", "*/>}}", "{{< env KR_PROPERTY_SECRET >}}",
    "{{< include /etc/hostname >}}", "{{< meta title >}}", "{{< var x >}}", "{{%", "%}}",
    "`", "``", "*", "**", "_", "$x$", "$$", "@fig-a", "[a](b)", "![i](x.png)", "<b>", "</div>",
    "<script>", "&amp;", "&#123;", "#let x = 1", '#read("/etc/hostname")', "#import", "\\",
    '"', "'", "--", "---", "...", ":::", "{.x}", "{#id}", "[[", "]]", "{%", "%}", "[#", "#]",
    "<!--", "-->", "|", "~", "^", "=", "\\u{7b}", "%", "{", "}", "<", ">", "é", "→", ":smile:",
    "alpha", "beta", "42", "(", ")", "-", "+", "1.", "#",
]
MULTI_LINE = [
    f"Title\nformat:\n  html:\n    include-in-header: {LOCAL_FILE}\n",
    f"Sub\n---\ninclude-before-body: {LOCAL_FILE}\n...\n",
    "Line one\n\n# Not a heading\n\n```\nnot a fence\n",
    f"Author |\n  block: {{{{< include {LOCAL_FILE} >}}}}\nfilters: [evil.lua]",
]
TEXT = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map(" ".join)

# Every place the report's templates put user text, through the same filters.
PAGE = """\
[% from "partials/macros.md.j2" import code with context %]
[[ front_matter|raw ]]

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
    config.pop("google-scholar")  # the pages write their own tags, as report.project does
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
    (root / LOCAL_FILE).write_text(f"<p>{LOCAL_SECRET}</p>\n", encoding="utf-8")
    meta = {"title": strings[0], "subtitle": strings[1], "affiliation": strings[2],
            "author": strings[3], "date": "2025-10-02"}
    page = {"title": strings[0], "subtitle": strings[1], "description": strings[2],
            "scholar": [("citation_title", strings[0]), ("citation_author", strings[3])]}
    heads = {"html": page_front_matter(page, meta, charts=False),
             "typst": pdf_front_matter(meta, strings[1], None)}
    for name, fmt, target in (("index.qmd", "html", "html"), ("report.qmd", "typst", "pdf")):
        (root / name).write_text(template.render(s=strings, fmt=fmt, target=target,
                                                 front_matter=heads[fmt]), encoding="utf-8")
    return root


def front_matter_keys(path: Path) -> dict:
    """The page's metadata keys, nested ones as dotted paths, and its format's keys."""
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])
    html_keys = sorted(meta["format"]["html"]) if isinstance(meta["format"], dict) else []
    return {"top": sorted(meta), "html": html_keys}


@pytest.mark.parametrize("engine", [engine_param(name) for name in ENGINES])
def test_user_strings_come_out_literally(engine, tmp_path_factory, monkeypatch):
    monkeypatch.setenv(SECRET_NAME, SECRET_VALUE)
    renderer = QuartoEngine() if engine == "quarto" else PandocEngine()

    @settings(max_examples=5 if engine == "quarto" else 12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(TEXT, min_size=4, max_size=4))
    @example(MULTI_LINE)  # always tried: each value a block that would add page metadata
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
        assert LOCAL_SECRET.encode() not in everything and LOCAL_SECRET not in pdf
        # no value added a key: exactly the metadata report.project writes
        assert front_matter_keys(project / "index.qmd") == {
            "top": sorted(["title", "subtitle", "description", "author", "date",
                           "published-title", "format"]),
            "html": ["include-in-header"]}
        assert front_matter_keys(project / "report.qmd")["top"] == sorted(
            ["title", "subtitle", "author", "date", "affiliation", "version", "format"])
        head = page.split("</head>", 1)[0]
        tags = {name: html.unescape(content) for name, content in
                re.findall(r'<meta name="(citation_\w+)" content="([^"]*)"', head)}
        # the Scholar tags (a block of raw HTML in the metadata) hold each value on one line
        assert tags == {"citation_title": " ".join(strings[0].split()),
                        "citation_author": " ".join(strings[3].split())}
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
