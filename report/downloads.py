"""Build step: the files readers download (tables, results, notebook, citation, PDF)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from html import escape
from importlib import metadata
from pathlib import Path

from kmeans_report.analysis.model.document import model_document
from kmeans_report.analysis.results import Results

from .citation import write_cff
from .files import copy_file, replace_file

DOWNLOADS = [
    # file, label, description
    ("report.pdf", "PDF report", "The whole report as a PDF (static figures)."),
    ("assignments.csv", "Segment assignments (CSV)", "One row per customer: id, cluster, segment."),
    ("assignments.parquet", "Segment assignments (Parquet)", "The same table in Parquet."),
    ("profiles.csv", "Cluster profiles (CSV)", "Size, share, mean, std and centre of each feature per cluster."),
    ("results.json", "Results (JSON)", "Every number of this report, machine-readable, with provenance."),
    ("model.json", "Model (JSON)", "The fitted model: features, transforms, clipping, scaling, "
     "centres and segment names, to put new customers into these segments "
     "(kmeans-report assign, or any tool)."),
    ("model.onnx", "Model (ONNX)", "The same model as an ONNX graph: transforms, clipping, "
     "scaling and the nearest centre, for any ONNX runtime (input X: the features in "
     "model.json's order)."),
    ("changes.json", "Changes (JSON)", "What changed since the earlier release: customers, "
     "transitions, segments then and now, drift, indices and inputs."),
    ("reproduce.ipynb", "Reproduce notebook", "Re-runs the analysis and checks the numbers."),
    # the package's wheel follows, named by its version (see download_list)
    ("CITATION.cff", "CITATION.cff", "Citation metadata (Citation File Format)."),
    ("citation.bib", "BibTeX", "The recommended citation as a BibTeX entry."),
]


# Written only when the analysis recorded its model (and, for ONNX, when it converts); when
# absent, the Downloads page says why.
OPTIONAL = {"model.json", "model.onnx"}
WHEN_COMPARED = {"changes.json"}  # only a build compared with an earlier release has it
PARTS_INDEX = "_index.html"  # underscore: Parquet readers skip it when reading the folder


def write_data_downloads(downloads: Path, tables: Path, table_names, results: Results,
                         cff: dict, cff_path: Path | None, bibtex: str) -> None:
    """The analysis tables, this build's results.json and the citation files (the model's:
    `write_model_files`)."""
    for name in table_names:
        if (tables / name).is_dir():  # Spark's Parquet parts, with a page listing them
            copy_parts(tables / name, downloads / name)
        elif (tables / name).exists():  # a Spark run writes no CSV
            copy_file(tables / name, downloads / name)
    results.save(downloads / "results.json")  # with this build's metadata and provenance
    if cff_path:
        shutil.copyfile(cff_path, downloads / "CITATION.cff")
    else:
        write_cff(cff, downloads / "CITATION.cff")
    (downloads / "citation.bib").write_text(bibtex, encoding="utf-8")


def write_model_files(results: Results, downloads: Path, analysis: Path) -> dict[str, str]:
    """model.json, and model.onnx when it converts and onnxruntime reproduces the model's
    labels on the chart sample; why either is missing. `analysis`: the analysis' cache
    folder, where model.onnx is kept (see `onnx_file`)."""
    document = model_document(results)
    if document is None:
        reason = ("the analysis results record no model to apply (made by an earlier "
                  "kmeans-report); build again to get one")
        return {"model.json": reason, "model.onnx": reason}
    # written each build: it names the report (title, version) and the segments
    text = json.dumps(document, indent=2, allow_nan=False)
    (downloads / "model.json").write_text(text + "\n", encoding="utf-8")
    reason = onnx_file(document, results, analysis)
    if reason:
        return {"model.onnx": reason}
    copy_file(analysis / MODEL_ONNX, downloads / MODEL_ONNX)
    return {}


MODEL_ONNX = "model.onnx"
ONNX_RECORD = "model-onnx.json"  # beside it: the converter's versions, why it is missing
CONVERTER = ("onnx", "skl2onnx", "onnxruntime")


def onnx_file(document: dict, results: Results, analysis: Path) -> str | None:
    """Why model.onnx is missing, or None when `analysis`/model.onnx holds it. The graph
    holds only the analysis' numbers (transforms, clipping, scaling, centres; not the names)
    and is checked on the analysis' chart sample, so it is converted once per analysis and
    converter version: a build that reuses the analysis never loads the converter (a second
    of imports)."""
    versions = {}
    for name in CONVERTER:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    record_path, onnx_path = analysis / ONNX_RECORD, analysis / MODEL_ONNX
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if record["converter"] == versions and (record["missing"] or onnx_path.is_file()):
            return record["missing"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not converted yet, or a record this code does not read: convert
    reason = _convert(document, results, onnx_path)
    record = json.dumps({"converter": versions, "missing": reason})
    replace_file(record_path, lambda tmp: tmp.write_text(record, encoding="utf-8"))
    return reason


def _convert(document: dict, results: Results, target: Path) -> str | None:
    import numpy as np

    from kmeans_report.analysis.model.document import from_document
    from kmeans_report.analysis.model.onnx_export import write_onnx

    model = from_document(document, "model.json")
    sample = results.points.features
    values = np.column_stack([np.asarray(sample[f.column], np.float64) for f in model.features])
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        made = Path(scratch) / target.name
        reason = write_onnx(model, made, values)
        if reason is None:
            os.replace(made, target)  # whole or not at all: concurrent builds share the cache
        else:
            target.unlink(missing_ok=True)
    return reason



def copy_parts(source: Path, target: Path) -> None:
    """A folder of Parquet parts, plus a small page linking each part (static hosts list no
    folders)."""
    parts = sorted(p for p in source.iterdir() if p.is_file() and p.suffix == ".parquet")
    for part in parts:
        copy_file(part, target / part.name)
    links = "\n".join(f'<li><a href="{escape(p.name)}">{escape(p.name)}</a></li>' for p in parts)
    (target / PARTS_INDEX).write_text(
        f"<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>{source.name}</title>"
        f"<h1>{source.name}</h1><p>Parquet parts written by Spark; read the folder whole."
        f"</p><ul>\n{links}\n</ul></html>\n", encoding="utf-8")


def download_list(downloads: Path, tables=(), wheel=None,
                  missing: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The Downloads page's rows; the PDF is written by the render, after the pages. Analysis
    `tables` a run did not write are left out; a folder of parts links its index page.
    `wheel` (report.wheel.Wheel) is the kmeans-report that built the report (its row adds
    the `sha256`); an optional file that is `missing` is listed without a link, saying why."""
    rows = []
    entries = list(DOWNLOADS)
    if wheel is not None:
        at = [f for f, _, _ in entries].index("reproduce.ipynb") + 1
        entries.insert(at, (wheel.name, "kmeans-report wheel",
                            "The exact kmeans-report that built this report; the Reproduce "
                            "notebook installs it."))
    for f, label, text in entries:
        path = downloads / f
        if f in OPTIONAL and not path.exists():
            reason = (missing or {}).get(f, "not made by this build")
            rows.append({"file": "", "label": label, "description": f"Not offered: {reason}.",
                         "size": "—"})
            continue
        if (f in tables or f in WHEN_COMPARED) and not path.exists():
            continue
        row = {"file": f, "label": label, "description": text,
               "size": human_size(path) if path.exists() else "in this build"}
        if wheel is not None and f == wheel.name:
            row["sha256"] = wheel.sha256  # shown as code: a hash may break anywhere
        if path.is_dir():
            parts = len(list(path.glob("*.parquet")))
            row["file"] += f"/{PARTS_INDEX}"
            row["description"] = (f"The same table as a folder of {parts} Parquet part files "
                                  "written by Spark (read the folder whole).")
        rows.append(row)
    return rows


def human_size(path: Path) -> str:
    files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
    size = sum(f.stat().st_size for f in files)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size} B"
