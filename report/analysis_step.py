"""Build step: the analysis, computed or taken from the cache, as this build's `Results`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kmeans_report.analysis.config import Config
from kmeans_report.analysis.progress import Progress
from kmeans_report.analysis.results import Results

from .files import staged_dir

# What a cached analysis folder holds (results.json first, then the tables offered as downloads).
OUTPUT_TABLES = ("results.json", "assignments.csv", "assignments.parquet", "profiles.csv")


def write_analysis(output, out_dir: Path) -> Path:
    """Replace out_dir with the analysis outputs (an `analysis.assembly.AnalysisOutput`), all
    or nothing."""
    from kmeans_report.analysis.outputs import write_outputs_into

    with staged_dir(out_dir) as staging:
        write_outputs_into(output, staging)
    return Path(out_dir)


def analysis_folder(cache_dir: Path, key: str) -> Path:
    return cache_dir / "analysis" / key


def analysis_cached(cache_dir: Path, key: str) -> bool:
    folder = analysis_folder(cache_dir, key)
    # A Spark run writes assignments.parquet as a folder of parts and no CSV.
    spark = (folder / "assignments.parquet").is_dir()
    return all((folder / name).exists() for name in OUTPUT_TABLES
               if not (spark and name == "assignments.csv"))


def analysis_outputs(config: Config, key: str, cache_dir: Path, progress: Progress,
                     source=None) -> Path:
    """Folder with results.json and the tables, computed or taken from the cache. `source`:
    the configured source the build asked for the data's fingerprint (a database's rows are
    fetched once)."""
    folder = analysis_folder(cache_dir, key)
    if analysis_cached(cache_dir, key):
        progress.note("• Analysis unchanged: using cached results")
        return folder
    from kmeans_report.analysis.pipeline import run_analysis

    output = run_analysis(config, progress, source)
    write_analysis(output, folder)
    return folder


def results_for_build(folder: Path, config: Config) -> Results:
    """The cached computation with this build's metadata and provenance: a new record, the
    cached one is never changed. Timings are dropped for a reproducible build."""
    from kmeans_report.analysis import provenance
    from kmeans_report.analysis.clock import reproducible

    cached = Results.load(folder / "results.json")
    results = dataclasses.replace(
        cached, metadata=config.report.model_dump(mode="json"), config=config.public_dict(),
        provenance=provenance.collect(config, cached.data.sha256))
    return results.without_timings() if reproducible() else results
