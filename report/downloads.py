"""Build step: the files readers download (tables, results, notebook, citation, PDF)."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.results import Results

from .citation import write_cff
from .project import copy_file

DOWNLOADS = [
    # file, label, description
    ("report.pdf", "PDF report", "The whole report as a PDF (static figures)."),
    ("assignments.csv", "Segment assignments (CSV)", "One row per customer: id, cluster, segment."),
    ("assignments.parquet", "Segment assignments (Parquet)", "The same table in Parquet."),
    ("profiles.csv", "Cluster profiles (CSV)", "Size, share, mean, std and centre of each feature per cluster."),
    ("results.json", "Results (JSON)", "Every number of this report, machine-readable, with provenance."),
    ("reproduce.ipynb", "Reproduce notebook", "Re-runs the analysis and checks the numbers."),
    ("CITATION.cff", "CITATION.cff", "Citation metadata (Citation File Format)."),
    ("citation.bib", "BibTeX", "The recommended citation as a BibTeX entry."),
]


def write_data_downloads(downloads: Path, tables: Path, table_names, results: Results,
                         cff: dict, cff_path: Path | None, bibtex: str) -> None:
    """The analysis tables, this build's results.json and the citation files."""
    for name in table_names:
        copy_file(tables / name, downloads / name)
    results.save(downloads / "results.json")  # with this build's metadata and provenance
    if cff_path:
        shutil.copyfile(cff_path, downloads / "CITATION.cff")
    else:
        write_cff(cff, downloads / "CITATION.cff")
    (downloads / "citation.bib").write_text(bibtex, encoding="utf-8")


def download_list(downloads: Path) -> list[dict[str, str]]:
    """The Downloads page's rows; the PDF is written by the render, after the pages."""
    return [
        {"file": f, "label": label, "description": text,
         "size": human_size(downloads / f) if (downloads / f).exists() else "in this build"}
        for f, label, text in DOWNLOADS
    ]


def human_size(path: Path) -> str:
    size = path.stat().st_size
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size} B"
