"""Hostile text from the data, the config and CITATION.cff stays inert text everywhere: in
Chromium no script runs, no element is injected and nothing is fetched; the PDF shows the
strings literally and reads no file; the notebook, BibTeX and meta tags keep them as data.

One real site is built with each engine from tests/hostile.py's inputs, with a secret in the
build's environment that an expanded Quarto `env` shortcode would print.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess

import pytest

from kmeans_report.report.pages import PAGES
from tests import hostile as H
from tests.helpers import ENGINES, engine_param, serve, settle

pytestmark = pytest.mark.e2e

PAGE_URLS = [p.href for p in PAGES]
# Every script a page may have: our assets (plotly.js among them), pagefind, Quarto's own.
ALLOWED_SCRIPT_SRC = ("assets/", "pagefind/", "site_libs/")  # site_libs/: Quarto's own
# Quarto's own inline scripts (settings and page behaviour), fixed code with no report text.
QUARTO_INLINE = ("quarto-search-options", "quarto-html-after-body")


def activate_charts(page) -> None:
    """Turn every chart of the page interactive, as a reader reaching for them would."""
    buttons = page.locator(".kr-figure .kr-activate")
    for i in range(buttons.count()):
        buttons.nth(0).click()  # each click removes its button once the chart is drawn
        page.wait_for_function(
            "n => document.querySelectorAll('.kr-figure[data-state=interactive]').length >= n",
            arg=i + 1, timeout=15000)


def flat(text: str) -> str:
    """Whitespace-normalised text (line breaks in pages and PDFs are layout, not content,
    and so are the zero-width spaces that let the PDF wrap long words)."""
    return " ".join(text.replace("\u200b", "").split())


@pytest.mark.parametrize("name", PAGE_URLS)
def test_a_phone_never_scrolls_sideways_even_with_a_5000_character_label(page, site_url, name):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url + name)
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = page.evaluate("[...document.querySelectorAll('.kr-figure')].map("
                           "f => f.getBoundingClientRect().right)")
    assert all(right <= 390 for right in widths)


@pytest.fixture(scope="module", params=[engine_param(name) for name in ENGINES])
def hostile_site(request, tmp_path_factory):
    from kmeans_report.analysis.config import load_config
    from kmeans_report.analysis.progress import Progress
    from kmeans_report.report.build import build_site

    root = tmp_path_factory.mktemp(f"hostile-{request.param}")
    config_path = H.write_hostile_inputs(root / "in")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(H.SECRET_NAME, H.SECRET_VALUE)
        build_site(config_path, root / "_site", request.param, cache_dir=root / "cache",
                   progress=Progress(enabled=False))
    return root / "_site", load_config(config_path)


@pytest.mark.parametrize("secret", [H.SECRET_VALUE, H.LOCAL_SECRET], ids=["env", "file"])
def test_the_secret_is_in_no_output_file(hostile_site, secret):
    """No shortcode was expanded and no value added page metadata: neither the build
    machine's secret nor the local file a multi-line value tried to include is anywhere,
    PDF text included."""
    site, _ = hostile_site
    leaks = [str(p.relative_to(site)) for p in site.rglob("*")
             if p.is_file() and secret.encode() in p.read_bytes()]
    pdf_text = subprocess.run(["pdftotext", str(site / "downloads" / "report.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert leaks == [] and secret not in pdf_text


@pytest.fixture(scope="module")
def site_url(hostile_site):
    with serve(hostile_site[0]) as url:
        yield url


# Quarto's own navbar carries this fixed inline handler (its chrome, never data).
QUARTO_HANDLERS = ["if (window.quartoToggleHeadroom) { window.quartoToggleHeadroom(); }"]
INSPECT = """() => {
  const QUARTO_HANDLERS = """ + json.dumps(QUARTO_HANDLERS) + """;
  const onAttrs = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on') && !QUARTO_HANDLERS.includes(a.value))
        onAttrs.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  const scripts = [...document.scripts].map(s => ({src: s.getAttribute('src'), id: s.id,
                                                   text: s.src ? '' : s.textContent}));
  const links = [...document.querySelectorAll('[href],[src],[action],[formaction]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')
              || e.getAttribute('formaction'));
  return {onAttrs, scripts, links,
          embeds: document.querySelectorAll('iframe,object,embed,base,meta[http-equiv]').length,
          imgX: document.querySelectorAll('img[src="x"]').length};
}"""


@pytest.mark.parametrize("name", PAGE_URLS)
def test_no_script_runs_and_nothing_is_injected(page, site_url, name):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert page.goto(site_url + name).ok
    settle(page)
    activate_charts(page)  # the interactive charts draw the labels too
    found = page.evaluate(INSPECT)
    assert dialogs == []
    assert found["imgX"] == 0 and found["embeds"] == 0
    assert found["onAttrs"] == []
    # plotly's own modebar buttons are the only javascript: links (a no-op, void(0))
    assert not [u for u in found["links"] if re.match(r"\s*(javascript|data|vbscript):", u, re.I)
                and u != "javascript:void(0);"]
    for script in found["scripts"]:
        if script["src"] is not None:
            src = script["src"].removeprefix(site_url)  # added by our scripts: absolute, same site
            assert src.startswith(ALLOWED_SCRIPT_SRC), script["src"]
        else:  # charts load their data as JSON: the only inline scripts are Quarto's own
            assert script["id"] in QUARTO_INLINE and "alert(" not in script["text"], script
    assert page.watch.page_errors == []
    assert page.watch.external_requests == []
    text = page.evaluate("document.documentElement.innerText")
    assert H.PASSWD_LINE not in text


def test_title_meta_tags_navbar_and_footer_show_the_text(page, site_url, hostile_site):
    meta = hostile_site[1].report
    page.goto(site_url + "index.html")
    assert flat(meta.title) in page.title()
    assert page.locator("h1.title").inner_text() == flat(meta.title)
    scholar = dict(page.locator("meta[name^=citation_]").evaluate_all(
        "els => els.map(e => [e.name, e.content])"))
    assert scholar["citation_title"] == flat(meta.title)
    assert scholar["citation_author"] == flat(meta.author)
    assert flat(meta.author) in flat(page.locator("main header, #title-block-header").first.inner_text())
    # the footer's version and license come from CITATION.cff, as the Citation page's do
    footer = flat(page.locator("footer").inner_text())
    cff = H.hostile_cff()
    assert flat(cff["version"]) in footer and flat(cff["license"]) in footer
    assert page.locator("header nav a").count() >= len(PAGE_URLS)
    # the site is named after the report (its title, one line), never after the tool
    navbar = flat(page.locator("header").first.inner_text())
    assert navbar.startswith(flat(meta.title)) and "K-Means Segmentation Report" not in navbar


def test_data_and_citation_pages_show_every_string_literally(page, site_url, hostile_site):
    config = hostile_site[1]
    page.goto(site_url + "data.html")
    text = flat(page.locator("main").inner_text())
    for feature in config.features:
        assert flat(feature.column) in text and flat(feature.label) in text
    assert flat(config.features[1].unit) in text
    assert H.DATA_NAME in text and H.CURRENCY in text  # the file name, money in the table
    page.goto(site_url + "citation.html")
    text = flat(page.locator("main").inner_text())
    cff = H.hostile_cff()
    for value in (cff["message"], cff["title"]):
        assert flat(value) in text
    for person in config.report.contributors:
        assert flat(person.role) in text and flat(person.name) in text
    for s in H.HOSTILE:
        assert s in text or flat(s) in text


def test_plotly_labels_are_text_not_markup(page, site_url, hostile_site):
    config = hostile_site[1]
    page.goto(site_url + "data.html")
    activate_charts(page)
    labels = flat(" ".join(page.locator(".js-plotly-plot").all_text_contents()))
    assert flat(config.features[0].label) in labels  # '"><img src=x onerror=...>' as text
    assert page.locator(".js-plotly-plot img, .js-plotly-plot a").count() == 0


def test_reproduce_page_and_notebook_hold_the_config_as_data(page, site_url, hostile_site):
    site, config = hostile_site
    notebook = json.loads((site / "downloads" / "reproduce.ipynb").read_text(encoding="utf-8"))
    code = "".join(notebook["cells"][1]["source"])
    tree = ast.parse(code)  # still valid Python: nothing closed the literal early
    literal = next(n.value for n in tree.body if isinstance(n, ast.Assign)
                   and n.targets[0].id == "CONFIG")
    assert ast.literal_eval(literal) == config.public_dict()  # file names, no folders
    errors = [o for c in notebook["cells"] for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
    page.goto(site_url + "reproduce.html")
    shown = page.locator("pre").first.inner_text()
    assert "CONFIG = {" in shown and "<script>alert(1)</script>" in shown


def test_bibtex_is_one_well_formed_entry(hostile_site):
    bib = (hostile_site[0] / "downloads" / "citation.bib").read_text(encoding="utf-8")
    assert len(re.findall(r"^\s*@", bib, re.M)) == 1
    depth = 0
    for char in bib:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert "javascript:" not in bib and "@misc{" not in bib
    assert all(len(line) < 400 for line in bib.splitlines())


def test_the_pdf_shows_the_strings_and_reads_no_file(hostile_site):
    site, config = hostile_site
    text = subprocess.run(["pdftotext", "-layout", str(site / "downloads" / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert H.PASSWD_LINE not in text

    def bare(value: str) -> str:  # where lines wrap is the PDF's layout, not content
        return "".join(value.replace("\u200b", "").split())

    plain = bare(text)
    for value in (config.report.title, config.report.author.replace(H.RTL, ""),
                  config.report.affiliation, config.report.version):
        assert bare(value) in plain, value
    assert all(bare(word) in plain for word in H.RTL.split())  # RTL words, as shaped
    for s in H.HOSTILE:
        assert bare(s) in plain, s
