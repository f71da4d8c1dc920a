"""Write the generated Quarto project: pages, report.qmd, _quarto.yml, figures, downloads.

The project folder is what either render engine consumes (see report/engines). Nothing here
computes a result: numbers come from `report.context`, text from the templates.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .context import PAGES, FigureRef, SiteInfo, build_context
from .errors import RenderError
from .templating import make_environment, md_escape

REPO = Path(__file__).resolve().parent.parent
QUARTO_CONFIG = REPO / "_quarto.yml"

DESCRIPTIONS = {
    "index": "Executive summary: customers, segments, revenue, ROI and how strong the segmentation is.",
    "data": "The customer data: source, columns, ranges and distributions.",
    "methods": "Scaling, K-Means, Mini-Batch K-Means, elbow, silhouette, Calinski–Harabasz, Davies–Bouldin and stability.",
    "model-selection": "The K sweep and how the number of segments was chosen.",
    "clusters": "Cluster profiles, centres and charts.",
    "insights": "One card per segment with suggested actions.",
    "roi": "Assumptions, calculation, sensitivity and break-even of the ROI estimate.",
    "reproduce": "A notebook that re-runs this analysis and checks its numbers.",
    "citation": "How to cite this report; BibTeX, CITATION.cff, license and contributors.",
    "provenance": "Data and execution provenance, disclaimer and responsible use.",
    "versions": "Version history of this report.",
    "downloads": "The PDF report, tables, results and citation files.",
}
# The PDF has every section but the ones that only make sense on the web.
PDF_SECTIONS = [slug for slug, _, _ in PAGES if slug not in {"reproduce", "downloads"}]


def quarto_config(meta: Mapping[str, Any], source: Path = QUARTO_CONFIG) -> str:
    """The root _quarto.yml with the footer's {version} and {license} filled in."""
    try:
        config = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RenderError(f"{source}: the Quarto site configuration is missing") from None
    except yaml.YAMLError as exc:
        raise RenderError(f"{source}: malformed YAML: {exc}") from None
    pages = [p for p in (config.get("project") or {}).get("render", [])]
    expected = [f"{slug}.qmd" for slug, _, _ in PAGES]
    if sorted(pages) != sorted(expected):
        raise RenderError(
            f"{source}: project.render must list exactly the report's pages "
            f"({', '.join(expected)}); it lists {', '.join(pages) or 'none'}"
        )
    footer = (config.get("website") or {}).get("page-footer") or {}
    for side, text in list(footer.items()):
        if isinstance(text, str):
            footer[side] = (
                text.replace("{version}", md_escape(meta["version"]))
                .replace("{license}", md_escape(meta["license"]))
            )
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def write_project(
    project_dir: Path,
    results,
    figures: dict[str, FigureRef],
    site: SiteInfo,
) -> list[Path]:
    """Render every page and report.qmd into project_dir (figures/downloads already there)."""
    env = make_environment()
    context = build_context(results, figures, site)
    context["pdf_sections"] = PDF_SECTIONS
    written = []
    for page in context["pages"]:
        page = {**page, "description": DESCRIPTIONS[page["slug"]], "subtitle": ""}
        if page["slug"] == "index":  # the home page carries the report's own title (Scholar)
            page.update(title=context["meta"]["title"], subtitle=page["title"])
        path = project_dir / f"{page['slug']}.qmd"
        path.write_text(
            env.get_template("page.qmd.j2").render(page=page, target="html", **context),
            encoding="utf-8",
        )
        written.append(path)
    report = project_dir / "report.qmd"
    report.write_text(
        env.get_template("report.qmd.j2").render(target="pdf", **context), encoding="utf-8"
    )
    (project_dir / "_quarto.yml").write_text(quarto_config(context["meta"]), encoding="utf-8")
    return [*written, report]


def copy_file(source: Path, target: Path) -> None:
    """Hard-link when possible (large assignment tables), copy otherwise."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.hardlink_to(source)
    except OSError:
        shutil.copyfile(source, target)
