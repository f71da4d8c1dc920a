"""A small generated Quarto project, shaped like report.project's output, for engine tests.

It starts from the repository's real _quarto.yml (placeholders filled, as the project writer
does), so the tests check the configuration maintainers actually edit.
"""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go

REPO = Path(__file__).resolve().parents[2]

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160" viewBox="0 0 320 160">'
    '<rect width="320" height="160" fill="#e8f0f8"/>'
    '<circle cx="80" cy="80" r="40" fill="#1f4e79"/><circle cx="200" cy="60" r="30" '
    'fill="#b7791f"/><circle cx="250" cy="120" r="25" fill="#1e8449"/></svg>'
)
RAW_HTML_MARK = "raw-html-only-marker"
RAW_TYPST_MARK = "RawTypstOnlyMarker"


def figure_json() -> str:
    fig = go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[3, 1, 4, 2], mode="markers+lines"))
    fig.update_layout(title="Elbow curve", height=360, margin=dict(l=40, r=20, t=50, b=40))
    return fig.to_json()


# A chart as report.project writes it: the static SVG, its JSON for the interactive version.
FIGURE = ('<figure class="kr-figure" id="figure-elbow" data-plotly="figures/elbow.json">'
          '<img class="kr-static" src="figures/elbow.svg" width="320" height="160" '
          'alt="An elbow curve" loading="lazy"><figcaption>Elbow curve.</figcaption></figure>')


def page(title: str, body: str, *, plotly: bool = False, **meta: str) -> str:
    """A page as report.project writes it: `format: html`, the charts' script included."""
    lines = ["---", f'title: "{title}"']
    # Dates are typed (unquoted), as report.project writes them.
    lines += [f"{key}: {value}" if key == "date" else f'{key}: "{value}"'
              for key, value in meta.items()]
    if plotly:
        lines += ["format:", "  html:", "    include-in-header:", "      - text: |",
                  '          <script src="assets/figures.js" defer></script>']
    else:
        lines.append("format: html")
    return "\n".join([*lines, "---", "", body.strip(), ""])


def page_bodies() -> dict[str, str]:
    figure = FIGURE
    return {
        "index.qmd": page(
            "Executive summary",
            f"""
## Key findings

Three customer segments were found in **1,000** customers. Read the [methods](methods.qmd)
or jump to the [clusters](clusters.qmd#segment-profiles).

::: {{.callout-note title="How to read this report"}}
Numbers come from the analysis results; every page is generated.
:::

::: {{.callout-warning}}
The silhouette score is modest.
:::

::: {{.segment-cards}}
::: {{.segment-card}}
### VIP customers
- 120 customers
- $48,000 average spending
:::
::: {{.segment-card}}
### Regular customers
- 640 customers
:::
:::

```{{=html}}
<div class="{RAW_HTML_MARK}">{figure}</div>
```

```{{=typst}}
#text[{RAW_TYPST_MARK}]
```
""",
            plotly=True,
            subtitle="Customer segmentation report",
            author="Brandon Deloatch",
            date="2025-10-02",
            description="K-Means customer segmentation of 1,000 customers.",
        ),
        "data.qmd": page(
            "Data",
            """
## Features

| Feature | Mean | Std |
|:--------|-----:|----:|
| Annual Spending | 25,031 | 9,874 |
| Visit Frequency | 12.1 | 4.0 |

## Quality

::: {.callout-tip}
No missing values were found.
:::

::: {.callout-important title="Important"}
Spending is right-skewed.
:::

::: {.callout-caution}
Loyalty years are capped at 10.
:::
""",
        ),
        "reproduce.qmd": page(
            "Reproduce",
            """
## Command

```bash
kmeans-report build --config report.yml
```
""",
        ),
        "clusters.qmd": page(
            "Clusters",
            """
## Segment profiles

| Segment | Customers | Spending |
|---|---:|---:|
| VIP | 120 | $48,000 |
""",
        ),
    }


REPORT_QMD = f"""---
title: "Tier 4: K-Means Clustering"
subtitle: "Customer segmentation report"
author: "Brandon Deloatch"
affiliation: "Quipu Research Labs, LLC"
version: "1.3"
date: "2025-10-02"
format: typst
---

# Executive summary

Three segments were found.

::: {{.callout-note title="Reading guide"}}
All figures are static in the PDF.
:::

# Data

| Feature | Mean | Std |
|:--------|-----:|----:|
| Annual Spending | 25,031 | 9,874 |

# Model selection

```{{=typst}}
#figure(image("figures/elbow.svg", width: 60%), caption: [Elbow curve. {RAW_TYPST_MARK}])
```

```{{=html}}
<div class="{RAW_HTML_MARK}">html only</div>
```

# Clusters

## Segment profiles

The VIP segment spends the most.
"""


def write_project(root: Path) -> Path:
    """Write the project into root (created) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    config = (REPO / "_quarto.yml").read_text(encoding="utf-8")
    config = (config.replace("{version}", "Version 1.3.0").replace("{license}", "MIT license")
              .replace("{tool_version}", "9.9").replace("{site_name}", "Fixture site"))
    (root / "_quarto.yml").write_text(config, encoding="utf-8")
    import yaml

    listed = yaml.safe_load(config)["project"]["render"]
    bodies = page_bodies()
    for name in listed:
        if name == "report.qmd":
            continue
        title = Path(name).stem.replace("-", " ").capitalize()
        text = bodies.get(name) or page(title, f"## About {title}\n\nText of the {title} page.")
        (root / name).write_text(text, encoding="utf-8")
    (root / "report.qmd").write_text(REPORT_QMD, encoding="utf-8")
    (root / "figures").mkdir(exist_ok=True)
    (root / "figures" / "elbow.svg").write_text(SVG, encoding="utf-8")
    (root / "figures" / "elbow.json").write_text(figure_json(), encoding="utf-8")
    (root / "downloads").mkdir(exist_ok=True)
    (root / "downloads" / "segments.csv").write_text("customer_id,segment\n1,VIP\n")
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "project-note.txt").write_text("copied as-is\n")
    return root


# ---- checks both engines' output must pass (used by the pandoc and the real-quarto tests) ----

_REF = re.compile(r'<(script|link|img|iframe|source)\b[^>]*?\b(?:src|href)="([^"]*)"', re.I)
SRC_ATTR = re.compile(r'\bsrc="([^"]+)"')
_HREF = re.compile(r'<a\b[^>]*?\bhref="([^"#]*)(?:#[^"]*)?"', re.I)


def listed_pages(project_dir: Path) -> list[str]:
    import yaml

    config = yaml.safe_load((project_dir / "_quarto.yml").read_text(encoding="utf-8"))
    return [Path(p).with_suffix(".html").name for p in config["project"]["render"]
            if p != "report.qmd"]


def pdf_text(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def external_references(site_dir: Path) -> list[str]:
    """Scripts, stylesheets, images and fonts that would be fetched from the network."""
    found = []
    for html in site_dir.rglob("*.html"):
        for tag, url in _REF.findall(html.read_text(encoding="utf-8")):
            if re.match(r"(https?:)?//", url):
                found.append(f"{html.name}: <{tag}> {url}")
    for css in site_dir.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"""(?:url\(|@import\s+)["']?((?:https?:)?//[^"')\s]+)""", text):
            found.append(f"{css.relative_to(site_dir)}: {url}")
    return found


def broken_links(site_dir: Path) -> list[str]:
    broken = []
    for html in sorted(site_dir.glob("*.html")):
        for href in _HREF.findall(html.read_text(encoding="utf-8")):
            if not href or re.match(r"[a-z][a-z0-9+.-]*:", href, re.I):
                continue  # same-page anchor, or an external/mailto link
            if not (html.parent / href).exists():
                broken.append(f"{html.name} -> {href}")
    return broken


def check_site(project_dir: Path, site_dir: Path, result) -> None:
    """The contract both engines are held to."""
    pages = listed_pages(project_dir)
    assert result.pages == pages
    for name in pages:
        assert (site_dir / name).is_file(), name
    assert result.pdf == site_dir / "downloads" / "report.pdf"
    assert result.pdf.is_file()
    assert (site_dir / "downloads" / "segments.csv").is_file()
    assert (site_dir / "figures" / "elbow.svg").is_file()
    assert (site_dir / "assets" / "project-note.txt").is_file()
    assert (site_dir / "pagefind" / "pagefind.js").is_file()
    assert broken_links(site_dir) == []
    assert external_references(site_dir) == []
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    assert RAW_HTML_MARK in index and 'data-plotly="figures/elbow.json"' in index
    assert (site_dir / "figures" / "elbow.json").is_file()
    assert (site_dir / "assets" / "plotly.min.js").is_file()  # loaded on demand
    assert all(RAW_TYPST_MARK not in (site_dir / p).read_text(encoding="utf-8") for p in pages)
    text = "\n".join(pdf_text(result.pdf))
    assert RAW_TYPST_MARK in text and RAW_HTML_MARK not in text

