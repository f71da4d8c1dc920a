"""Hostile text for the "content is inert" tests: strings that would run script, read files,
or break markdown, Quarto, YAML, typst, BibTeX or Python if any layer forgot to escape them.

`write_hostile_inputs(folder)` writes a CSV whose column names and label values, a config
whose labels, units, currency, report metadata and contributors, and a CITATION.cff whose
fields all carry these strings, line breaks and YAML included: a value that ended its line in
the page metadata would add keys (an include of a file of the building machine, a filter).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SHORTCODE = "{{< include /etc/passwd >}}"
JS_LINK = "[x](javascript:alert(1))"
TYPST_READ = '#read("/etc/passwd")'
TYPST_IMPORT = '#import "@preview/x:0.1.0"'
MARKUP = "`tick` | pipe | $1$ *em* _u_ \\ ''' \"\"\" ]] [[ }} {% #}"
# Quarto expands shortcodes in text, code, raw blocks and metadata: `env` would print a secret
# of the build machine. The build runs with SECRET_NAME set to SECRET_VALUE.
SECRET_NAME = "KR_HOSTILE_SECRET"
SECRET_VALUE = "kr-secret-7d1e5a90"
ENV_SHORTCODE = "{{< env KR_HOSTILE_SECRET >}}"
QUARTO_FORMS = "{{< meta title >}} {{{< var x >}}} a >}} b {{</* env HOME */>}} {{<"
# A label of 5,000 characters with no space: pages must wrap it, never scroll sideways.
LONG_WORD = "Long" + "0123456789" * 500
# Right-to-left text in the byline must not reorder it.
RTL = "محمد سعيد"  # (no lam-alef: pdftotext splits that ligature back out of order)

# A file of the building machine (written beside the inputs): no output may hold its text.
LOCAL_FILE, LOCAL_SECRET = "local-secret.html", "kr-local-file-91c3d4"


def yaml_breakout(path: Path) -> str:
    """Lines that, glued into front matter, would end a value and add page metadata."""
    return (f"\nformat:\n  html:\n    include-in-header: {path}\n"
            f"include-before-body: {path}\nfilters: [{path}]\n---\n...\n")


# Each string a test looks for in the output, as literal text.
HOSTILE = [SCRIPT, IMG, SHORTCODE, JS_LINK, TYPST_READ, TYPST_IMPORT, MARKUP, ENV_SHORTCODE,
           QUARTO_FORMS]
PASSWD_LINE = "root:x:0:0"


def hostile(tag: str, *parts: str) -> str:
    """`tag` plus hostile parts; the tag tells which field a piece of text came from."""
    return " ".join([tag, *parts])


# Four feature columns, each name carrying one attack plus a newline-free tag.
COLUMNS = {
    "spend": hostile("colS", SCRIPT),
    "visits": hostile("colV", IMG, "|"),
    "basket": hostile("colB", SHORTCODE, ENV_SHORTCODE, "$"),
    "loyal": hostile("colL", TYPST_READ, "`"),
}
COMPARE = hostile("cmp", IMG, "key: value")  # a label column the segments are compared with
ID_COLUMN = hostile("id", JS_LINK)
DATA_NAME = "customers <img src=x onerror=alert(1)> $y$ [z](w).csv"
CURRENCY = "<b>¤</b>"


def hostile_frame(n: int = 240, seed: int = 7) -> pd.DataFrame:
    """Customers with three clear segments, so the report has content on every page."""
    rng = np.random.default_rng(seed)
    centre = rng.integers(0, 3, n)
    return pd.DataFrame({
        ID_COLUMN: [f"{SCRIPT}-{i}" for i in range(n)],
        COLUMNS["spend"]: rng.normal(20_000 + 25_000 * centre, 3_000),
        COLUMNS["visits"]: rng.poisson(5 + 6 * centre).astype(float),
        COLUMNS["basket"]: rng.normal(40 + 30 * centre, 5),
        COLUMNS["loyal"]: rng.gamma(4, 0.5 + centre * 0.5),
        COMPARE: [f"grp{c} {SCRIPT}\n- item: {SHORTCODE}" for c in centre],
    })


def hostile_cff() -> dict:
    return {
        "cff-version": "1.2.0",
        "message": hostile("cffmsg", SCRIPT, JS_LINK, "\nsecond line"),
        "title": hostile("cfftitle", IMG, TYPST_IMPORT),
        "version": hostile("cffver", SHORTCODE, ENV_SHORTCODE),
        "date-released": "2025-10-02",
        "license": hostile("cfflic", TYPST_READ),
        "url": "javascript:alert(1)",
        "authors": [
            {"given-names": hostile("given", SCRIPT), "family-names": "Fam}ily{\\x",
             "affiliation": hostile("cffaff", MARKUP)},
            {"name": hostile("entity", IMG, "}\n@misc{evil,")},
        ],
    }


def hostile_config(data: Path, cff: Path) -> dict:
    spend, visits, basket, loyal = COLUMNS.values()
    breakout = yaml_breakout(data.parent / LOCAL_FILE)
    return {
        "data": {"source": "file", "path": data.name, "id_column": ID_COLUMN,
                 "compare_with": COMPARE},
        "features": [
            {"column": spend, "label": hostile("labS", IMG, "\nnewline"), "unit": CURRENCY},
            {"column": visits, "label": hostile("labV", SHORTCODE, breakout),
             "unit": hostile("unitV", SCRIPT, "\nper: year")},
            {"column": basket, "label": hostile("labB", TYPST_IMPORT, MARKUP, QUARTO_FORMS)},
            {"column": loyal, "label": hostile("labL", JS_LINK, TYPST_READ, LONG_WORD)},
        ],
        "roles": {"spending": spend, "frequency": visits, "transaction": basket, "loyalty": loyal},
        "roi": {"currency": CURRENCY + "\n"},
        "clustering": {"k_min": 2, "k_max": 4, "chosen_k": 3,
                       "stability": {"n_reseeds": 2, "n_bootstrap": 2}},
        "report": {
            "title": hostile("Title", SCRIPT, IMG, ENV_SHORTCODE, breakout),
            "subtitle": hostile("Subtitle", SHORTCODE, TYPST_READ, QUARTO_FORMS, "\nline two",
                                breakout),
            # short enough for the PDF's cover, which clips long metadata
            "author": hostile(RTL, "Author", JS_LINK, TYPST_IMPORT, ENV_SHORTCODE, "{unbalanced",
                              "\nfilters: [x.lua]\n---"),
            "affiliation": hostile("Affil", MARKUP, SCRIPT, "\n\n# Not a heading\n```\n"),
            "version": hostile("Ver", TYPST_READ, IMG),
            "license": hostile("Lic", SCRIPT, SHORTCODE, ENV_SHORTCODE),
            "date": "2025-10-02",
            "citation_file": cff.name,
            "contributors": [
                {"role": hostile("Role", SCRIPT, "\n- list"), "name": hostile("Name", IMG,
                                                                             TYPST_READ, breakout)},
                {"role": hostile("Role2", JS_LINK), "name": hostile("Name2", MARKUP, SHORTCODE)},
                {"role": hostile("Role3", QUARTO_FORMS), "name": hostile("Name3", ENV_SHORTCODE)},
            ],
        },
    }


def write_hostile_inputs(folder: Path) -> Path:
    """Data, CITATION.cff and config in `folder` (a fresh temporary folder); returns the config."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LOCAL_FILE).write_text(f"<p>{LOCAL_SECRET}</p>\n", encoding="utf-8")
    data = folder / DATA_NAME
    hostile_frame().to_csv(data, index=False)
    cff = folder / "CITATION.cff"
    cff.write_text(yaml.safe_dump(hostile_cff(), sort_keys=False, allow_unicode=True), encoding="utf-8")
    config = folder / "report.yml"
    config.write_text(
        yaml.safe_dump(hostile_config(data, cff), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return config
