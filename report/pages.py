"""The report's pages: the one table the site, the PDF and the checks of _quarto.yml use.

Order is the order of the site and of the PDF's sections. `_quarto.yml` must render exactly
these pages (plus report.qmd, the PDF) and link each from its navbar; report.project checks
that, so the maintainer's site configuration and this table cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

PDF_SOURCE = "report.qmd"  # the PDF report's document in the generated project


@dataclass(frozen=True)
class Page:
    slug: str
    nav: str  # navbar text
    title: str
    description: str
    in_pdf: bool = True  # web-only pages (notebook, download list) are left out of the PDF

    @property
    def source(self) -> str:
        return f"{self.slug}.qmd"

    @property
    def href(self) -> str:
        return f"{self.slug}.html"


PAGES = (
    Page("index", "Home", "Executive summary",
         "Executive summary: customers, segments, revenue, ROI and how strong the segmentation is."),
    Page("data", "Data", "Data", "The customer data: source, columns, ranges and distributions."),
    Page("methods", "Methods", "Methods",
         "Scaling, K-Means, Mini-Batch K-Means, elbow, silhouette, Calinski–Harabasz, "
         "Davies–Bouldin and stability."),
    Page("model-selection", "Model selection", "Model selection",
         "The K sweep and how the number of segments was chosen."),
    Page("clusters", "Clusters", "Clusters", "Cluster profiles, centres and charts."),
    Page("insights", "Business insights", "Business insights",
         "One card per segment with suggested actions."),
    Page("roi", "ROI", "Return on investment",
         "Assumptions, calculation, sensitivity and break-even of the ROI estimate."),
    Page("changes", "Changes", "Changes since the earlier release",
         "What changed since the earlier release: customers new, departed and moved, segments "
         "then and now, centre drift, validity indices and inputs."),
    Page("reproduce", "Reproduce", "Reproduce this analysis",
         "A notebook that re-runs this analysis and checks its numbers.", in_pdf=False),
    Page("citation", "Citation", "Citation",
         "How to cite this report; BibTeX, CITATION.cff, license and contributors."),
    Page("provenance", "Provenance", "Provenance",
         "Data and execution provenance, disclaimer and responsible use."),
    Page("versions", "Versions", "Version history", "Version history of this report."),
    Page("downloads", "Downloads", "Downloads",
         "The PDF report, tables, results and citation files.", in_pdf=False),
)
PDF_SECTIONS = tuple(p.slug for p in PAGES if p.in_pdf)


def pdf_pages(compared: bool) -> tuple[Page, ...]:
    """The PDF's sections in order: the Changes section only when the build was compared
    with an earlier release (the site always has the page, saying so when it was not)."""
    return tuple(p for p in PAGES if p.in_pdf and (compared or p.slug != "changes"))
