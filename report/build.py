"""`kmeans-report build`: the whole build, top to bottom, like a recipe.

1. validate the config and the output folder; pick the render engine (fails before any work)
2. analysis (or its cached outputs)           -> results.json, assignments, profiles
3. figures (SVGs cached by content)           -> figures/*.svg, figures/*.json
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

from threadpoolctl import threadpool_limits

from analysis.atomic import MARKER, staged_dir
from analysis.config import Config, load_config
from analysis.paths import check_output_dir
from analysis.progress import Progress
from analysis.results import Results

from . import cache
from .changelog import load_changelog
from .citation import cff_from_meta, citation_context, load_cff, write_cff
from .context import FigureRef, SiteInfo
from .project import REPO, copy_file, write_project

STAMP_FILE = ".kmeans-report-build.json"
PARTS_INDEX = "_index.html"  # underscore: Parquet readers skip it when reading the folder
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


def _analysis_folder(cache_dir: Path, key: str) -> Path:
    return cache_dir / "analysis" / key


def _analysis_cached(cache_dir: Path, key: str) -> bool:
    # A Spark run writes assignments.parquet as a folder of parts and no CSV.
    folder = _analysis_folder(cache_dir, key)
    return all((folder / name).exists() for name in OUTPUT_TABLES if name != "assignments.csv")


def _analysis_outputs(config: Config, key: str, cache_dir: Path, progress: Progress) -> Path:
    """Folder with results.json and the tables, computed or taken from the cache."""
    folder = _analysis_folder(cache_dir, key)
    if _analysis_cached(cache_dir, key):
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
    results.config = config.public_dict()
    results.provenance = provenance.collect(config, results.data.sha256)
    from analysis.clock import reproducible

    return results.without_timings() if reproducible() else results


def _figures(results: Results, key: str, project: Path, cache_dir: Path, progress: Progress,
             session=None) -> dict[str, FigureRef]:
    """Figure files in project/figures. They depend only on the analysis and the figure code,
    so a build whose analysis is cached copies the whole set (no plotly, no browser)."""
    folder = cache_dir / "figure-sets" / cache.figure_set_key(key)
    index = folder / "figures.json"
    if not index.is_file():
        from analysis.figures import build_all

        from .figure_export import write_figures

        with progress.stage("figures", "Figures (interactive HTML + static SVG)"):
            specs = build_all(results)
            with staged_dir(folder) as staging:
                files = write_figures(specs, staging, cache_dir=cache_dir / "figures", session=session)
                refs = [{"name": n, "title": sp.title, "caption": sp.caption, "alt": sp.alt,
                         "json": files[n].json.name, "svg": files[n].svg.name,
                         "width": sp.width, "height": sp.height}
                        for n, sp in specs.items()]
                (staging / "figures.json").write_text(json.dumps(refs, indent=1), encoding="utf-8")
    else:
        progress.note("• Figures unchanged: using the cached set")
    shutil.copytree(folder, project / "figures", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(MARKER, "figures.json"))
    refs = json.loads(index.read_text(encoding="utf-8"))
    return {
        ref["name"]: FigureRef(
            name=ref["name"], title=ref["title"], caption=ref["caption"], alt=ref["alt"],
            json=f"figures/{ref['json']}", svg=f"figures/{ref['svg']}",
            width=ref["width"], height=ref["height"],
        )
        for ref in refs
    }


def _start_notebook(config: Config, key: str, data_id: str, project: Path, cache_dir: Path,
                    progress: Progress):
    """Start executing the Reproduce notebook now (it needs only the config), unless a run
    for the same analysis is cached. Returns the running NotebookRun, or None.

    It runs in its own folder of the project (Quarto skips `_` folders), where the data file
    is linked under its own name: the notebook reads it by that name, as a reader will."""
    from .notebook import NotebookRun, build_notebook

    if _notebook_cache(cache_dir, key, config).is_file():
        return None
    if config.clustering.backend == "spark":  # it re-runs on Spark where the data is, not here
        return None
    progress.note("• Executing the Reproduce notebook (in the background)")
    workdir = project / "_reproduce"
    workdir.mkdir()
    sha = None
    if config.data.source == "file":
        copy_file(Path(config.data.path), workdir / Path(config.data.path).name)
        sha = data_id
    from analysis import __version__

    notebook = build_notebook(config.public_dict(), config.report.title, __version__, sha)
    return NotebookRun(notebook, workdir).start()


def _notebook_cache(cache_dir: Path, key: str, config: Config) -> Path:
    # The notebook shows the report's title besides the analysis.
    meta = config.report.title
    return cache_dir / "notebooks" / f"{cache.notebook_key(key, meta)}.ipynb"


def _finish_notebook(run, results: Results, key: str, config: Config, project: Path,
                     cache_dir: Path, progress: Progress):
    """The executed notebook: wait for the background run (or read the cached one)."""
    import nbformat

    from .notebook import expected_numbers

    cached = _notebook_cache(cache_dir, key, config)
    if run is None and config.clustering.backend == "spark":
        from analysis import __version__

        from .notebook import build_notebook, check_cell_source

        notebook = build_notebook(config.public_dict(), config.report.title, __version__)
        notebook.cells[-1].source = check_cell_source(expected_numbers(results))
    elif run is None:
        progress.note("• Reproduce notebook unchanged: using the cached run")
        notebook = nbformat.read(cached, as_version=4)
    else:
        with progress.stage("notebook", "Waiting for the Reproduce notebook to finish"):
            notebook = run.finish(expected_numbers(results))
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")  # a killed build never leaves half a file
        nbformat.write(notebook, partial)
        partial.replace(cached)
    nbformat.write(notebook, project / "downloads" / "reproduce.ipynb")
    return notebook


def _size(path: Path) -> str:
    files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
    size = sum(f.stat().st_size for f in files)
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


def copy_parts(source: Path, target: Path) -> None:
    """A folder of Parquet parts, plus a small page linking each part (static hosts list no
    folders)."""
    from html import escape

    parts = sorted(p for p in source.iterdir() if p.is_file() and p.suffix == ".parquet")
    for part in parts:
        copy_file(part, target / part.name)
    links = "\n".join(f'<li><a href="{escape(p.name)}">{escape(p.name)}</a></li>' for p in parts)
    (target / PARTS_INDEX).write_text(
        f"<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>{source.name}</title>"
        f"<h1>{source.name}</h1><p>Parquet parts written by Spark; read the folder whole."
        f"</p><ul>\n{links}\n</ul></html>\n", encoding="utf-8")


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
    cff_path = config.report.citation_file
    cff = load_cff(cff_path) if cff_path else cff_from_meta(config.report.model_dump(mode="json"))

    data_id = cache.data_fingerprint(config)
    stamp = cache.build_stamp(
        config, data_id, f"{engine.name} {engine_version}",
        {"versions": json.dumps([v.to_dict() for v in versions or []], sort_keys=True),
         "citation": cache.tree_digest(cff_path) if cff_path else json.dumps(cff, sort_keys=True)},
    )
    stamp_path = out / STAMP_FILE
    if not force and stamp_path.is_file() and (out / "index.html").is_file():
        if json.loads(stamp_path.read_text()).get("stamp") == stamp:
            progress.note(f"Nothing changed since the last build: {out_dir} is up to date")
            return BuildResult(out, engine.name, engine_version, [], out / "downloads" / "report.pdf", True, None)

    cache_dir = Path(cache_dir).absolute()
    key = cache.analysis_key(config, data_id)

    with _project_folder(project_dir) as project, contextlib.ExitStack() as background:
        (project / "downloads").mkdir()
        # Slow, independent steps start first and run beside the analysis: the notebook's
        # kernel (a process of its own) and, when figures will be drawn, Chromium.
        notebook_run = _start_notebook(config, key, data_id, project, cache_dir, progress)
        if notebook_run is not None:
            background.callback(notebook_run.cancel)  # no-op once it has finished
        session = None
        if not _analysis_cached(cache_dir, key):
            # Import the analysis stack first: two threads importing at once only take turns.
            import analysis.pipeline  # noqa: F401

            from .figure_export import SvgSession

            session = background.enter_context(SvgSession())

        # With the notebook's kernel busy on the other core, one thread each beats two each:
        # OpenMP threads that outnumber the cores slow K-Means down many times over.
        with threadpool_limits(1 if notebook_run is not None else None):
            tables = _analysis_outputs(config, key, cache_dir, progress)
        results = _load_results(tables, config)
        downloads = project / "downloads"
        for name in OUTPUT_TABLES[1:]:
            if (tables / name).is_dir():  # Spark's Parquet parts, with a page listing them
                copy_parts(tables / name, downloads / name)
            elif (tables / name).exists():
                copy_file(tables / name, downloads / name)
        results.save(downloads / "results.json")  # with this build's metadata and provenance
        if cff_path:
            shutil.copyfile(cff_path, downloads / "CITATION.cff")
        else:
            write_cff(cff, downloads / "CITATION.cff")
        citation = citation_context(cff, [c.model_dump() for c in config.report.contributors])
        (downloads / "citation.bib").write_text(citation["bibtex"], encoding="utf-8")

        figures = _figures(results, key, project, cache_dir, progress, session)
        if session is not None:
            session.close()  # free the browser before rendering
        notebook = _finish_notebook(notebook_run, results, key, config, project, cache_dir, progress)
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
            if f not in OUTPUT_TABLES or (downloads / f).exists()
        ]
        for entry in site.downloads:
            if (downloads / entry["file"]).is_dir():
                parts = len(list((downloads / entry["file"]).glob("*.parquet")))
                entry["file"] += f"/{PARTS_INDEX}"
                entry["description"] = (f"The same table as a folder of {parts} Parquet "
                                        "part files written by Spark (read the folder whole).")
        with progress.stage("pages", "Writing pages from templates"):
            write_project(project, results, figures, site)

        with progress.stage("render", f"Rendering the site and PDF ({engine.name})"):
            with staged_dir(out) as staging:
                rendered = engine.render(project, staging, progress=progress.note)
                pdf = out / rendered.pdf.relative_to(staging)
                (staging / STAMP_FILE).write_text(json.dumps({"stamp": stamp}) + "\n")
    progress.note(f"Site written to {out_dir}/ ({len(rendered.pages)} pages and {pdf.name})")
    return BuildResult(out, engine.name, engine_version, rendered.pages, pdf, False, results)
