"""Build step: this build compared with an earlier release (`build --compare-with PATH`, or
the previous published version when publishing). The earlier release is read before any
work; after the analysis, `compare` gives the Changes record and this build's results with
the matched segments keeping their earlier names; the downloads (changes.json, and the
assignments and profiles under the kept names) and the transition figure follow."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kmeans_report.analysis.config import Config
from kmeans_report.analysis.errors import DataError
from kmeans_report.analysis.results import Results

if TYPE_CHECKING:
    import pandas as pd

    from kmeans_report.analysis.compare.records import Changes

# The comparison's modules (scikit-learn's metrics, SciPy's assignment, pandas) load inside
# the functions that compare: every build asks `names_key`, few builds compare.

CHANGES_JSON = "changes.json"


@dataclass(frozen=True)
class Earlier:
    path: Path
    results: Results
    ids: pd.DataFrame | None  # (id, cluster) of each customer; None without ids


def load_earlier_release(path: Path, config: Config) -> Earlier:
    """The release to compare with, read and checked up front (exit 2 before any work)."""
    if config.clustering.backend == "spark":
        raise DataError(
            f"--compare-with {path}: comparing releases is not available with clustering."
            "backend: spark yet (following customers by id would bring every id to the "
            "driver); build without --compare-with, or compare a scikit-learn build")
    from kmeans_report.analysis.compare.earlier import load_earlier

    results, ids = load_earlier(Path(path))
    return Earlier(Path(path), results, ids)


def compare(earlier: Earlier, results: Results, analysis_folder: Path
            ) -> tuple[Results, Changes]:
    """This build's results (matched segments under their earlier names) and the changes."""
    from kmeans_report.analysis.compare.compare import compare_releases, kept_names, with_names
    from kmeans_report.analysis.compare.earlier import assignment_ids

    now_ids = (assignment_ids(analysis_folder, results.data.id_column, "this build")
               if earlier.ids is not None else None)
    changes = compare_releases(earlier.results, results, earlier.ids, now_ids)
    pairs = {s.before_cluster: s.now_cluster for s in changes.kept}
    return with_names(results, kept_names(earlier.results, results, pairs)), changes


def names_key(results: Results) -> str:
    """A short digest of the segment names: figures drawn with other names are other figures."""
    names = json.dumps([s.name for s in sorted(results.segments, key=lambda s: s.cluster)])
    return hashlib.sha256(names.encode()).hexdigest()[:12]


def write_changes_downloads(downloads: Path, results: Results, changes: Changes,
                            renamed: bool) -> None:
    """changes.json; when segments took their earlier names, the assignments and profiles
    are written again under those names (the copies from the analysis cache are replaced,
    never written through: they may be hard links to the cache)."""
    import pandas as pd

    from kmeans_report.analysis.compare.document import write_changes_json
    from kmeans_report.analysis.outputs import PROFILES_CSV, profiles_frame, write_assignments

    write_changes_json(changes, downloads / CHANGES_JSON)
    if not renamed:
        return
    table = downloads / "assignments.parquet"
    if table.is_file():
        frame = pd.read_parquet(table)
        names = [s.name for s in sorted(results.segments, key=lambda s: s.cluster)]
        frame["segment"] = pd.Categorical.from_codes(frame["cluster"].to_numpy(), names)
        for name in ("assignments.parquet", "assignments.csv"):
            (downloads / name).unlink(missing_ok=True)
        write_assignments(frame, downloads)
    (downloads / PROFILES_CSV).unlink(missing_ok=True)
    profiles_frame(results).to_csv(downloads / PROFILES_CSV, index=False)


def changes_figures(changes: Changes, project: Path, cache_dir: Path, session=None) -> dict:
    """The transition heat-map (when customers were followed), written like the others."""
    from kmeans_report.analysis.figures.changes import transitions

    from .context import FigureRef
    from .figure_export import write_figures

    spec = transitions(changes)
    if spec is None:
        return {}
    files = write_figures({spec.name: spec}, project / "figures", cache_dir=cache_dir / "figures",
                          session=session)[spec.name]
    return {spec.name: FigureRef(
        name=spec.name, title=spec.title, caption=spec.caption, alt=spec.alt,
        json=f"figures/{files.json.name}", svg=f"figures/{files.svg.name}",
        width=spec.width, height=spec.height)}
