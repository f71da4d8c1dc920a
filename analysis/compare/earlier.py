"""An earlier release read back for comparison: its results.json and, when it followed
customers by id, the id and cluster of each from its assignments."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..results import Results

RESULTS_PLACES = ("downloads/results.json", "results.json")  # a published version, an analysis


def results_file(path: Path) -> Path:
    """The results.json of `path`: the file itself, or in a published version's folder (or a
    built site), or in an `analyze` output folder."""
    path = Path(path)
    if path.is_dir():
        for place in RESULTS_PLACES:
            if (path / place).is_file():
                return path / place
        raise DataError(f"{path}: no downloads/results.json or results.json in this folder; "
                        "give an earlier results.json or a published version's folder")
    if not path.is_file():
        raise DataError(f"{path}: not found; give an earlier results.json or a published "
                        "version's folder")
    return path


def load_results(path: Path) -> Results:
    file = results_file(path)
    try:
        return Results.from_dict(json.loads(file.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{file}: cannot be read as JSON ({exc})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{file}: not a results.json this kmeans-report can compare with "
                        f"({exc})") from None


def assignment_ids(folder: Path, id_column: str | None, label: str) -> pd.DataFrame | None:
    """(id, cluster) of every customer from the assignments in `folder` (Parquet file or
    folder of parts, else CSV); None when the release has no id column."""
    if id_column is None:
        return None
    columns = [id_column, "cluster"]
    parquet, csv = folder / "assignments.parquet", folder / "assignments.csv"
    try:
        if parquet.exists():
            frame = pd.read_parquet(parquet, columns=columns)
        elif csv.is_file():
            frame = pd.read_csv(csv, usecols=columns, dtype={id_column: str})
        else:
            raise DataError(
                f"{folder}: {label} follows customers by {id_column!r} but has no "
                "assignments.parquet or assignments.csv beside its results.json, so customers "
                "cannot be compared; give the whole published version's folder")
    except (ValueError, KeyError, OSError) as exc:
        raise DataError(f"{folder}: the assignments of {label} cannot be read with columns "
                        f"{', '.join(columns)} ({exc})") from None
    frame[id_column] = frame[id_column].astype(str)  # CSV and Parquet ids compare alike
    return frame


def load_earlier(path: Path) -> tuple[Results, pd.DataFrame | None]:
    """The earlier release at `path` and its (id, cluster) table (None without ids)."""
    file = results_file(path)
    results = load_results(file)
    return results, assignment_ids(file.parent, results.data.id_column, f"the release at {path}")
