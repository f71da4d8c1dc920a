"""The data rules every source's rows pass, on every backend, written once: numbers only,
missing values (fail or drop), ids present and unique, enough rows for the largest K, no
constant feature, values inside each transform's domain.

The local path checks a pandas table (`table_dataset`, which can name the offending rows);
the Spark backend computes the same counts and ranges in Spark and calls the same checks
(`missing_values`, `check_ids`, `check_table`). Every problem is a `DataError` naming the
file (or the database's redacted URL, or the Spark path) and the column or rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import Config
from ..errors import DataError
from .base import Dataset

MAX_ROWS_SHOWN = 5  # how many offending row numbers an error message lists


def _row_numbers(mask: np.ndarray, file_format: str) -> str:
    """1-based data row numbers (CSV: line numbers counting the header as line 1)."""
    rows = np.flatnonzero(mask)[:MAX_ROWS_SHOWN]
    offset = 2 if file_format == "csv" else 1
    label = "line" if file_format == "csv" else "row"
    shown = ", ".join(str(r + offset) for r in rows)
    more = f" and {int(mask.sum()) - len(rows)} more" if mask.sum() > len(rows) else ""
    return f"{label}{'s' if mask.sum() > 1 else ''} {shown}{more}"


def _to_numeric(path, frame: pd.DataFrame, column: str, file_format: str) -> pd.Series:
    series = frame[column]
    if pd.api.types.is_bool_dtype(series) or not (
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_object_dtype(series)
        or pd.api.types.is_string_dtype(series)
    ):
        raise DataError(f"{path}: column {column!r} has type {series.dtype}, not numbers")
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(np.float64)  # copy-on-write: no copy when already float64
    numeric = pd.to_numeric(series, errors="coerce")
    bad = (numeric.isna() & series.notna()).to_numpy()
    if bad.any():
        first = series[bad].iloc[0]
        raise DataError(
            f"{path}: column {column!r} has non-numeric values at {_row_numbers(bad, file_format)} "
            f"(first: {str(first)[:40]!r})"
        )
    return numeric.astype(np.float64)


def missing_values(where, per_column: dict[str, int], n_bad_rows: int, policy: str,
                   at: str = "") -> str:
    """The `data.missing` rule: rows with a missing, infinite or too-large feature value fail
    the run (naming the columns, and the rows when `at` lists them) or are dropped; returns
    the note on what was dropped ("" when nothing was)."""
    if not n_bad_rows:
        return ""
    summary = ", ".join(f"{c}: {n}" for c, n in per_column.items() if n)
    if policy == "fail":
        raise DataError(
            f"{where}: {n_bad_rows} row(s) have missing, infinite or too-large values "
            f"({summary}){f' at {at}' if at else ''}; clean the data or set data.missing: drop"
        )
    return f"{n_bad_rows} row(s) dropped for missing or infinite values ({summary})"


def check_ids(where, column: str, n_empty: int, n_duplicated: int, *, empty_at: str = "",
              duplicated_at: str = "", examples: str = "") -> None:
    """Every customer has an id, and no id is used twice."""
    if n_empty:
        place = f"at {empty_at}" if empty_at else f"in {n_empty} row(s)"
        raise DataError(f"{where}: id column {column!r} is empty {place}")
    if n_duplicated:
        which = f" ({examples})" if examples else ""
        place = f" at {duplicated_at}" if duplicated_at else f" in {n_duplicated} row(s)"
        raise DataError(f"{where}: id column {column!r} has duplicate ids{which}{place}")


def check_table(where, n_rows: int, minimum: dict[str, float], maximum: dict[str, float],
                config: Config) -> None:
    """Checks on the usable rows, from a count and each feature's range: at least one row per
    cluster of the largest K, no constant feature, log1p only on values above -1."""
    k_max = config.clustering.k_max
    if n_rows < k_max:
        raise DataError(
            f"{where}: {n_rows} usable row(s), fewer than the largest K "
            f"(clustering.k_max = {k_max}); K-Means needs at least one row per cluster"
        )
    constant = [f.column for f in config.features if minimum[f.column] == maximum[f.column]]
    if constant:
        raise DataError(
            f"{where}: column(s) {', '.join(map(repr, constant))} have the same value in every "
            "row and cannot separate customers; remove them from features"
        )
    for feature in config.features:
        low = minimum[feature.column]
        if feature.transform == "log1p" and low <= -1:
            raise DataError(
                f"{where}: column {feature.column!r} has values down to {low:g}; "
                "transform: log1p needs values above -1 (use asinh for values of either sign)"
            )


def _clean_missing(path, features: pd.DataFrame, policy: str,
                   file_format: str) -> tuple[np.ndarray, str]:
    """Rows to keep under the missing-value policy, and a note on what was dropped."""
    bad_cells = ~np.isfinite(features.to_numpy())
    bad_rows = bad_cells.any(axis=1)
    if not bad_rows.any():
        return np.ones(len(features), bool), ""
    per_column = dict(zip(features.columns, bad_cells.sum(axis=0).tolist(), strict=True))
    note = missing_values(path, per_column, int(bad_rows.sum()), policy,
                          _row_numbers(bad_rows, file_format))
    return ~bad_rows, note


def _duplicated(ids: pd.Series) -> np.ndarray:
    """Which rows share their id with another row. Whole-number ids in ascending order (as
    tables are often exported) are all distinct when each exceeds the one before: one linear
    pass instead of a hash table of every id."""
    values = ids.to_numpy()
    if values.dtype.kind in "iu" and bool(np.all(values[1:] > values[:-1])):
        return np.zeros(len(values), dtype=bool)
    return ids.duplicated(keep=False).to_numpy()


def table_dataset(raw: pd.DataFrame, config: Config, *, label, file_format: str, source: str,
                  sha256: str, size_bytes: int | None = None, clustered: bool = True) -> Dataset:
    """Validate a table read with the configured columns (from any source) into a Dataset.
    Messages start with `label` (the file's path, or a database's redacted URL); the checks
    on the usable rows with `source` (what the pages call the data). `clustered=False`: rows
    put into a published model's segments (analysis.model), which need neither one row per
    cluster nor features that vary."""
    path = label
    features = config.feature_columns
    n_input = len(raw)
    frame = pd.DataFrame({c: _to_numeric(path, raw, c, file_format) for c in features})
    keep, dropped_note = _clean_missing(path, frame, config.data.missing, file_format)
    ids = raw[config.data.id_column] if config.data.id_column else None
    if ids is not None:
        missing_ids = ids.isna().to_numpy()
        dup = _duplicated(ids)
        check_ids(path, config.data.id_column, int(missing_ids.sum()), int(dup.sum()),
                  empty_at=_row_numbers(missing_ids, file_format) if missing_ids.any() else "",
                  duplicated_at=_row_numbers(dup, file_format) if dup.any() else "",
                  examples=", ".join(map(repr, pd.unique(ids[dup])[:MAX_ROWS_SHOWN].tolist())))
    compare = raw[config.data.compare_with] if config.data.compare_with else None
    if compare is not None:
        compare = compare.astype("string").fillna("(missing)")
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
        ids = ids.loc[keep].reset_index(drop=True) if ids is not None else None
        compare = compare.loc[keep].reset_index(drop=True) if compare is not None else None
    dataset = Dataset(
        frame=frame,
        ids=ids,
        compare_labels=compare,
        source=source,
        size_bytes=size_bytes,
        format=file_format,
        sha256=sha256,
        n_input_rows=n_input,
        n_dropped=int((~keep).sum()),
        dropped_reason=dropped_note,
        notes=[dropped_note] if dropped_note else [],
    )
    if clustered:
        check_dataset(dataset, config)
    return dataset


def check_dataset(dataset: Dataset, config: Config) -> None:
    """`check_table` on a loaded table's rows (named as the pages name the data)."""
    values = dataset.frame.to_numpy()
    columns = dataset.frame.columns
    low = dict(zip(columns, values.min(0), strict=True)) if len(values) else {}
    high = dict(zip(columns, values.max(0), strict=True)) if len(values) else {}
    check_table(dataset.source, len(values), low, high, config)


