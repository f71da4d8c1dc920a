"""Assigning rows to a published model's segments in Python, exactly as the analysis did:
the same transforms, clipping bounds, scaling and centres, no refit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..preprocess import TRANSFORMS
from .document import PortableModel

CHUNK_ROWS = 100_000  # rows per block of the distance computation: memory stays flat


def scaled_space(model: PortableModel, values: np.ndarray) -> np.ndarray:
    """Rows (one column per model feature, float64) in the model's scaled space."""
    z = np.array(values, dtype=np.float64, copy=True)
    for j, feature in enumerate(model.features):
        function = TRANSFORMS[feature.transform]
        if function is not None:
            z[:, j] = function(z[:, j])
        if feature.clip_low is not None:
            z[:, j] = np.clip(z[:, j], feature.clip_low, feature.clip_high)
        z[:, j] = (z[:, j] - feature.center) / feature.scale
    return z.astype(model.fitted.dtype, copy=False)


def nearest_centre(model: PortableModel, values: np.ndarray) -> np.ndarray:
    """The segment number of each row (int32)."""
    z = scaled_space(model, values)
    centres = model.centres.astype(model.fitted.dtype).astype(np.float64)
    clusters = np.asarray(model.clusters, np.int32)
    labels = np.empty(len(z), np.int32)
    for start in range(0, len(z), CHUNK_ROWS):
        block = z[start:start + CHUNK_ROWS].astype(np.float64)
        distances = ((block[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels[start:start + CHUNK_ROWS] = clusters[distances.argmin(axis=1)]  # first minimum
    return labels


def assign_dataset(model: PortableModel, data: Path, id_column: str | None = None):
    """Validated rows of a CSV or Parquet file (as the analysis validates its input: columns
    present, numbers, no missing values, transforms defined) and their segments, as the
    published assignments table: id, cluster, segment. The id is `id_column` (which must
    exist), else the model's id column when the file has it, else the row number."""
    from ..config import validate_config
    from ..sources.files import file_sha256, read_file
    from ..sources.rules import table_dataset

    if id_column is None and model.id_column and _has_column(data, model.id_column):
        id_column = model.id_column
    config = validate_config({
        "data": {"source": "file", "path": str(data), "id_column": id_column, "missing": "fail"},
        "features": [{"column": f.column, "transform": f.transform} for f in model.features],
    }, model.source)
    path = Path(data)
    wanted = config.feature_columns + ([id_column] if id_column else [])
    raw, file_format = read_file(path, config, wanted)
    dataset = table_dataset(raw, config, label=path, file_format=file_format, source=path.name,
                            sha256=file_sha256(path), clustered=False)
    _check_domain(model, dataset.frame, data)
    labels = nearest_centre(model, dataset.frame.to_numpy(np.float64))
    names = dict(zip(model.clusters, model.names, strict=True))
    ids = dataset.ids if dataset.ids is not None else pd.RangeIndex(len(labels)).to_series()
    return pd.DataFrame({
        (id_column or "customer_id"): ids.to_numpy(),
        "cluster": labels,
        "segment": [names[c] for c in labels],
    })


def _check_domain(model: PortableModel, frame: pd.DataFrame, data: Path) -> None:
    """log1p is defined above -1 only: a row below has no place in the model's space."""
    for feature in model.features:
        if feature.transform == "log1p":
            bad = np.flatnonzero(frame[feature.column].to_numpy() <= -1)
            if len(bad):
                raise DataError(
                    f"{data}: column {feature.column!r} has values of -1 or less (first at data "
                    f"row {bad[0] + 1}); the model takes log(1 + x) of it, defined above -1 only")


def _has_column(path: Path, column: str) -> bool:
    """Whether a data file has the column (a missing file is reported by the reader)."""
    from ..sources.files import read_header

    path = Path(path)
    if not path.is_file():
        return False
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            import pyarrow.parquet as pq

            return column in pq.read_schema(path).names
        header, _ = read_header(path, "utf-8-sig", "auto", "utf-8")
        return column in header
    except Exception:  # noqa: BLE001 - an unreadable file is reported by the reader
        return False
