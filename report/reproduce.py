"""Build step: the executed Reproduce notebook, run in the background beside the analysis
and cached by the analysis it reproduces."""

from __future__ import annotations

from pathlib import Path

from kmeans_report.analysis.config import Config
from kmeans_report.analysis.progress import Progress
from kmeans_report.analysis.results import Results
from kmeans_report.analysis.sources import Source

from . import cache
from .files import copy_file


def notebook_cache(cache_dir: Path, key: str, config: Config) -> Path:
    # Keyed by the analysis alone: the report's own settings (title, author...) are written
    # into a cached run's two output-less cells (notebook.describe) at every build.
    return cache_dir / "notebooks" / f"{cache.notebook_key(key)}.ipynb"


def not_run_reason(config: Config, source: Source) -> str | None:
    """Why the build does not execute the Reproduce notebook (a sentence the Reproduce page
    shows), or None when it does (`report.run_notebook`)."""
    from .formatting import number

    if config.clustering.backend == "spark":
        return ("the analysis ran on Apache Spark, and the notebook re-runs it there, with "
                "Spark reading the table where it is")
    setting = config.report.run_notebook
    if setting == "never":
        return "the report's configuration asks not to (`report.run_notebook: never`)"
    if setting == "always":
        return None
    rows, limit = source.row_count(), config.clustering.large_data.min_rows
    if rows is not None and rows >= limit:
        return (f"the table has {number(rows)} customers, and a build executes it only "
                f"below {number(limit)} (`clustering.large_data.min_rows`) because it "
                "repeats the whole analysis; `report.run_notebook: always` executes it at any "
                "size")
    return None


def start_notebook(config: Config, source: Source, key: str, project: Path, cache_dir: Path,
                   progress: Progress):
    """Start executing the Reproduce notebook now (it needs only the config), unless a run
    for the same analysis is cached. Returns the running NotebookRun, or None.

    It runs in its own folder of the project (Quarto skips `_` folders), where the files the
    source names (a data file, a DuckDB database) are linked under their own names: the
    notebook reads them by those names, as a reader will."""
    from kmeans_report.analysis import __version__

    from .notebook import NotebookRun, build_notebook

    if notebook_cache(cache_dir, key, config).is_file() or not_run_reason(config, source):
        return None
    progress.note("• Executing the Reproduce notebook (in the background)")
    workdir = project / "_reproduce"
    workdir.mkdir()
    needs = source.notebook_needs()
    for path in needs.files:
        copy_file(path, workdir / path.name)
    notebook = build_notebook(config.public_dict(), config.report.title, __version__, needs)
    return NotebookRun(notebook, workdir).start()


def finish_notebook(run, results: Results, key: str, config: Config, source: Source,
                    project: Path, cache_dir: Path, progress: Progress):
    """The executed notebook: wait for the background run (or read the cached one); it is
    written to the project's downloads and returned."""
    import nbformat

    from kmeans_report.analysis import __version__

    from .notebook import build_notebook, describe, with_published

    cached = notebook_cache(cache_dir, key, config)
    if run is None and not_run_reason(config, source):
        notebook = build_notebook(config.public_dict(), config.report.title, __version__,
                                  source.notebook_needs())
        with_published(notebook, results.headline())
    elif run is None:
        progress.note("• Reproduce notebook unchanged: using the cached run")
        notebook = nbformat.read(cached, as_version=4)
    else:
        with progress.stage("notebook", "Waiting for the Reproduce notebook to finish"):
            notebook = run.finish(results.headline())
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")  # a killed build never leaves half a file
        nbformat.write(notebook, partial)
        partial.replace(cached)
    describe(notebook, config.public_dict(), config.report.title, __version__,
             source.notebook_needs())
    nbformat.write(notebook, project / "downloads" / "reproduce.ipynb")
    return notebook
