"""Customer data in: the synthetic table (analysis.sources.synthetic draws it), a file's rows
(analysis.sources.files reads them) and database rows (analysis.sources.sql.read), validated alike
into a Dataset.

Every problem with a user's data is a `DataError` naming the file (or the database's
redacted URL) and the column or rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Config
from ..errors import DataError
from .files import file_sha256, read_file
from .synthetic import notebook_customers, planted_customers

MAX_ROWS_SHOWN = 5  # how many offending row numbers an error message lists


@dataclass
class Dataset:
    """Validated customer features, ready to cluster."""

    frame: pd.DataFrame  # one column per configured feature, numeric, no NaN/inf
    ids: pd.Series | None  # customer ids, aligned with `frame`, or None
    source: str  # "synthetic" or the file name (never its folder: pages show this)
    format: str  # "synthetic", "csv" or "parquet"
    sha256: str  # of the input file bytes, or of the generated values
    n_input_rows: int
    n_dropped: int = 0
    dropped_reason: str = ""
    true_labels: np.ndarray | None = None  # planted segment of each row, when known
    compare_labels: pd.Series | None = None  # data.compare_with, aligned with `frame`
    size_bytes: int | None = None  # of the input file
    notes: list[str] = field(default_factory=list)
    sql: dict | None = None  # data.source: sql: redacted URL, query, its SHA-256, server, rows

    @property
    def n_rows(self) -> int:
        return len(self.frame)


def _values_sha256(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for name in frame.columns:
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(frame[name].to_numpy(np.float64)).tobytes())
    return digest.hexdigest()


def synthetic_dataset(config: Config) -> Dataset:
    opts = config.data.synthetic
    if opts.planted_segments:
        frame, labels = planted_customers(opts.n_customers, opts.planted_segments, opts.seed)
        notes = [f"{opts.planted_segments} segments planted; true labels kept for recovery checks"]
    else:
        frame, labels, notes = notebook_customers(opts.n_customers, opts.seed), None, []
    return Dataset(
        frame=frame,
        ids=None,
        source="synthetic",
        format="synthetic",
        sha256=_values_sha256(frame),
        n_input_rows=len(frame),
        true_labels=labels,
        notes=notes,
    )


def _row_numbers(mask: np.ndarray, file_format: str) -> str:
    """1-based data row numbers (CSV: line numbers counting the header as line 1)."""
    rows = np.flatnonzero(mask)[:MAX_ROWS_SHOWN]
    offset = 2 if file_format == "csv" else 1
    label = "line" if file_format == "csv" else "row"
    shown = ", ".join(str(r + offset) for r in rows)
    more = f" and {int(mask.sum()) - len(rows)} more" if mask.sum() > len(rows) else ""
    return f"{label}{'s' if mask.sum() > 1 else ''} {shown}{more}"


def _to_numeric(path: Path, frame: pd.DataFrame, column: str, file_format: str) -> pd.Series:
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


def _clean_missing(
    path: Path, features: pd.DataFrame, policy: str, file_format: str
) -> tuple[np.ndarray, str]:
    """Rows to keep under the missing-value policy, and a note on what was dropped."""
    values = features.to_numpy()
    bad_cells = ~np.isfinite(values)
    bad_rows = bad_cells.any(axis=1)
    if not bad_rows.any():
        return np.ones(len(features), bool), ""
    per_column = {
        c: int(n) for c, n in zip(features.columns, bad_cells.sum(axis=0), strict=True) if n
    }
    summary = ", ".join(f"{c}: {n}" for c, n in per_column.items())
    if policy == "fail":
        raise DataError(
            f"{path}: {int(bad_rows.sum())} row(s) have missing, infinite or too-large values "
            f"({summary}) at {_row_numbers(bad_rows, file_format)}; clean the data or set "
            "data.missing: drop"
        )
    return (
        ~bad_rows,
        f"{int(bad_rows.sum())} row(s) dropped for missing or infinite values ({summary})",
    )


def file_dataset(config: Config) -> Dataset:
    path = Path(config.data.path)  # validated non-None for source: file
    features = config.feature_columns
    extra = [c for c in (config.data.id_column, config.data.compare_with) if c]
    raw, file_format = read_file(path, config, features + extra)
    return table_dataset(raw, config, label=path, file_format=file_format, source=path.name,
                         sha256=file_sha256(path), size_bytes=path.stat().st_size)


def table_dataset(raw: pd.DataFrame, config: Config, *, label, file_format: str, source: str,
                  sha256: str, size_bytes: int | None = None) -> Dataset:
    """Validate a table read with the configured columns (from any source) into a Dataset.
    Messages start with `label` (the file's path, or a database's redacted URL)."""
    path = label
    features = config.feature_columns
    n_input = len(raw)
    frame = pd.DataFrame({c: _to_numeric(path, raw, c, file_format) for c in features})
    keep, dropped_note = _clean_missing(path, frame, config.data.missing, file_format)
    ids = raw[config.data.id_column] if config.data.id_column else None
    if ids is not None:
        missing_ids = ids.isna().to_numpy()
        if missing_ids.any():
            raise DataError(
                f"{path}: id column {config.data.id_column!r} is empty at "
                f"{_row_numbers(missing_ids, file_format)}"
            )
        dup = ids.duplicated(keep=False).to_numpy()
        if dup.any():
            examples = ", ".join(map(repr, pd.unique(ids[dup])[:MAX_ROWS_SHOWN]))
            raise DataError(
                f"{path}: id column {config.data.id_column!r} has duplicate ids ({examples}) "
                f"at {_row_numbers(dup, file_format)}"
            )
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
    return dataset


def check_transforms(dataset: Dataset, config: Config) -> None:
    """log1p needs values above -1 (amounts, counts): name the column and the smallest value."""
    for feature in config.features:
        if feature.transform == "log1p":
            low = float(dataset.frame[feature.column].min())
            if low <= -1:
                raise DataError(
                    f"{dataset.source}: column {feature.column!r} has values down to {low:g}; "
                    "transform: log1p needs values above -1 (use asinh for values of either sign)"
                )


def check_clusterable(dataset: Dataset, config: Config) -> None:
    """Checks that apply to any data source: enough rows and no constant feature."""
    source = dataset.source
    k_max = config.clustering.k_max
    if dataset.n_rows < k_max:
        raise DataError(
            f"{source}: {dataset.n_rows} usable row(s), fewer than the largest K "
            f"(clustering.k_max = {k_max}); K-Means needs at least one row per cluster"
        )
    values = dataset.frame.to_numpy()
    constant = [
        c
        for c, lo, hi in zip(dataset.frame.columns, values.min(0), values.max(0), strict=True)
        if lo == hi
    ]
    if constant:
        raise DataError(
            f"{source}: column(s) {', '.join(map(repr, constant))} have the same value in every "
            "row and cannot separate customers; remove them from features"
        )


def load_dataset(config: Config) -> Dataset:
    if config.data.source == "sql":
        from .sql.read import sql_dataset

        dataset = sql_dataset(config)
    else:
        dataset = (
            synthetic_dataset(config) if config.data.source == "synthetic" else file_dataset(config)
        )
    check_clusterable(dataset, config)
    check_transforms(dataset, config)
    return dataset
