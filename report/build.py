"""`kmeans-report build`: the whole build, top to bottom, like a recipe.

1. validate the config and the output folder; pick the render engine (fails before any work)
2. analysis (or its cached outputs)           -> results.json, assignments, profiles
3. figures (SVGs cached by content)           -> figures/*.html, figures/*.svg
4. the Reproduce notebook (executed, cached)  -> downloads/reproduce.ipynb
5. pages from templates                       -> *.qmd, report.qmd, _quarto.yml
6. render with the engine into a staging folder, then swap it in place of the output folder

Everything is gathered in a temporary project folder first; the output folder is replaced
only when the site and PDF are complete, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from analysis.atomic import staged_dir
from analysis.config import Config, load_config
from analysis.paths import check_output_dir
from analysis.progress import Progress
from analysis.results import Results

from . import cache
from .changelog import load_changelog
from .citation import citation_context, load_cff
from .context import FigureRef, SiteInfo
from .project import REPO, copy_file, write_project

STAMP_FILE = ".kmeans-report-build.json"
OUTPUT_TABLES = ("results.json", "assignments.csv", "assignments.parquet", "profiles.csv")


@dataclass
class BuildResult:
    out_dir: Path
    engine: str
    engine_version: str
    pages: list[str]
    pdf: Path | None
    up_to_date: bool
    results: Results | None


def _releases(versions=None) -> list[dict[str, str]]:
    """CHANGELOG entries, plus published versions (versions.json) the changelog lacks."""
    entries = load_changelog(REPO / "CHANGELOG.md")
    known = {e["version"].lstrip("v") for e in entries}
    for v in versions or []:
        if v.version not in known:
            entries.append({"version": v.version, "date": v.date or "", "notes": v.title or ""})
    return entries


def _analysis_outputs(config: Config, data_id: str, cache_dir: Path, progress: Progress) -> Path:
    """Folder with results.json and the tables, computed or taken from the cache."""
    folder = cache_dir / "analysis" / cache.analysis_key(config, data_id)
    if all((folder / name).is_file() for name in OUTPUT_TABLES):
        progress.note("• Analysis unchanged: using cached results")
        return folder
    from analysis.outputs import write_analysis
    from analysis.pipeline import run_analysis

    output = run_analysis(config, progress)
    write_analysis(output, folder)
    return folder


def _load_results(folder: Path, config: Config) -> Results:
    results = Results.load(folder / "results.json")
    # Report metadata and provenance describe this build, not the cached computation.
    from analysis import provenance

    results.metadata = config.report.model_dump(mode="json")
    results.config = config.to_dict()
    results.provenance = provenance.collect(config, results.data.sha256)
    return results


def _figures(results: Results, project: Path, cache_dir: Path, progress: Progress) -> dict[str, FigureRef]:
    from analysis.figures import build_all

    from .figure_export import write_figures

    with progress.stage("figures", "Figures (interactive HTML + static SVG)"):
        specs = build_all(results)
        files = write_figures(specs, project / "figures", cache_dir=cache_dir / "figures")
    return {
        name: FigureRef(
            name=name, title=spec.title, caption=spec.caption, alt=spec.alt,
            html=files[name].html.read_text(encoding="utf-8"),
            svg=f"figures/{files[name].svg.name}",
        )
        for name, spec in specs.items()
    }


def _notebook(results: Results, key: str, project: Path, cache_dir: Path, progress: Progress):
    """The executed Reproduce notebook (cached by analysis and notebook code)."""
    import nbformat

    from .notebook import build_notebook, execute_notebook

    cached = cache_dir / "notebooks" / f"{cache.notebook_key(key)}.ipynb"
    if cached.is_file():
        progress.note("• Reproduce notebook unchanged: using the cached run")
        notebook = nbformat.read(cached, as_version=4)
    else:
        with progress.stage("notebook", "Executing the Reproduce notebook"):
            notebook = execute_notebook(build_notebook(results), project)
        cached.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, cached)
    nbformat.write(notebook, project / "downloads" / "reproduce.ipynb")
    return notebook


def _size(path: Path) -> str:
    size = path.stat().st_size
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size} B"


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


@contextlib.contextmanager
def _project_folder(keep: Path | None):
    """A temporary project folder, or `keep` (replaced as a whole) when the user wants it."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="kmeans-report-project-") as tmp:
            yield Path(tmp)
        return
    with staged_dir(Path(keep)) as staging:
        yield staging


def build_site(
    config_path: Path | None,
    out_dir: Path,
    engine_name: str = "auto",
    *,
    cache_dir: Path = Path(".kmeans-cache"),
    progress: Progress | None = None,
    versions=None,
    force: bool = False,
    project_dir: Path | None = None,
) -> BuildResult:
    """Build the site into out_dir. `project_dir`, when given, keeps the generated Quarto
    project there (replaced as a whole) for inspection or for running `quarto` by hand."""
    progress = progress or Progress()
    config = load_config(config_path)
    out = check_output_dir(out_dir, config)
    from .engines import get_engine

    engine = get_engine(engine_name)
    engine_version = engine.version()
    cff = load_cff(REPO / "CITATION.cff")

    data_id = cache.data_fingerprint(config)
    stamp = cache.build_stamp(
        config, data_id, f"{engine.name} {engine_version}",
        {"versions": json.dumps([v.to_dict() for v in versions or []], sort_keys=True)},
    )
    stamp_path = out / STAMP_FILE
    if not force and stamp_path.is_file() and (out / "index.html").is_file():
        if json.loads(stamp_path.read_text()).get("stamp") == stamp:
            progress.note(f"Nothing changed since the last build: {out_dir} is up to date")
            return BuildResult(out, engine.name, engine_version, [], out / "downloads" / "report.pdf", True, None)

    cache_dir = Path(cache_dir).absolute()
    tables = _analysis_outputs(config, data_id, cache_dir, progress)
    results = _load_results(tables, config)
    key = tables.name

    with _project_folder(project_dir) as project:
        downloads = project / "downloads"
        downloads.mkdir()
        for name in OUTPUT_TABLES[1:]:
            copy_file(tables / name, downloads / name)
        results.save(downloads / "results.json")  # with this build's metadata and provenance
        shutil.copyfile(REPO / "CITATION.cff", downloads / "CITATION.cff")
        citation = citation_context(cff, [c.model_dump() for c in config.report.contributors])
        (downloads / "citation.bib").write_text(citation["bibtex"], encoding="utf-8")

        figures = _figures(results, project, cache_dir, progress)
        notebook = _notebook(results, key, project, cache_dir, progress)
        from .notebook import notebook_cells

        site = SiteInfo(
            engine=engine.name,
            engine_version=engine_version,
            citation=citation,
            releases=_releases(versions),
            downloads=[],
            notebook_cells=notebook_cells(notebook),
        )
        site.downloads = [
            {"file": f, "label": label, "description": text,
             "size": _size(downloads / f) if (downloads / f).exists() else "in this build"}
            for f, label, text in DOWNLOADS
        ]
        with progress.stage("pages", "Writing pages from templates"):
            write_project(project, results, figures, site)

        with progress.stage("render", f"Rendering the site and PDF ({engine.name})"):
            with staged_dir(out) as staging:
                rendered = engine.render(project, staging, progress=progress.note)
                pdf = out / rendered.pdf.relative_to(staging)
                (staging / STAMP_FILE).write_text(json.dumps({"stamp": stamp}) + "\n")
    progress.note(f"Site written to {out_dir}/ ({len(rendered.pages)} pages and {pdf.name})")
    return BuildResult(out, engine.name, engine_version, rendered.pages, pdf, False, results)
