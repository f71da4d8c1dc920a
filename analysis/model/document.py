"""`model.json`: the published, versioned description of a fitted model (features,
transforms, clipping, scaling, centres, segment names), validated by `model.schema.json`.

`portable_model` reads it back — from model.json, from a results.json, or from a published
version's folder — into the one `PortableModel` that Python, SQL and ONNX assignment use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError
from ..results import Results
from .description import FittedModel, ModelFeature

MODEL_SCHEMA_VERSION = "1.0"
FORMAT = "kmeans-report model"
SCHEMA_PATH = Path(__file__).with_name("model.schema.json")
RULE = ("x' = transform(x); x' = min(max(x', clip_low), clip_high) where bounds are given; "
        "z = (x' - center) / scale; cluster = the segment whose centre is nearest to z by "
        "squared Euclidean distance (ties: the lower cluster number)")


@dataclass(frozen=True)
class PortableModel:
    """A fitted model and its segments, however it was read."""

    fitted: FittedModel
    clusters: list[int]  # the segment numbers, in the order of `fitted.centres`
    names: list[str]
    id_column: str | None
    source: str  # where it was read from, for messages

    @property
    def features(self) -> list[ModelFeature]:
        return self.fitted.features

    @property
    def centres(self) -> np.ndarray:
        return np.asarray(self.fitted.centres, np.float64)


def model_document(results: Results) -> dict[str, Any] | None:
    """model.json's content for a results record (None: it recorded no model)."""
    model = results.model
    if model is None:
        return None
    names = {s.cluster: s.name for s in results.segments}
    return {
        "schema_version": MODEL_SCHEMA_VERSION,
        "format": FORMAT,
        "report": {"title": str(results.metadata.get("title") or ""),
                   "version": results.metadata.get("version"),
                   "data_sha256": results.data.sha256},
        "id_column": (results.config.get("data") or {}).get("id_column"),
        "scaler": model.scaler,
        "dtype": model.dtype,
        "rule": RULE,
        "features": [vars(f).copy() for f in model.features],
        "segments": [{"cluster": c, "name": names.get(c, f"Cluster {c}"), "centre": centre}
                     for c, centre in enumerate(model.centres)],
    }


def validate_document(document: Any, source: str) -> None:
    """DataError naming the file and the first problem, when `document` is not a model.json
    this version reads."""
    import jsonschema

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataError(f"{source}: not a kmeans-report model.json or results.json")
    version = str(document.get("schema_version", ""))
    if version.split(".")[0] != MODEL_SCHEMA_VERSION.split(".")[0]:
        raise DataError(
            f"{source}: model schema version {version or '(none)'} is not supported; this "
            f"kmeans-report reads version {MODEL_SCHEMA_VERSION.split('.')[0]}.x (publish the "
            "model again with this version, or assign with the kmeans-report that wrote it)")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise DataError(f"{source}: invalid model at {where}: {error.message}")
    n = len(document["features"])
    for i, segment in enumerate(document["segments"]):
        if len(segment["centre"]) != n:
            raise DataError(f"{source}: segments/{i}/centre has {len(segment['centre'])} values "
                            f"for {n} features")


def from_document(document: dict[str, Any], source: str) -> PortableModel:
    validate_document(document, source)
    segments = document["segments"]
    fitted = FittedModel(scaler=document["scaler"],
                         features=[ModelFeature(**f) for f in document["features"]],
                         centres=[s["centre"] for s in segments], dtype=document["dtype"])
    return PortableModel(fitted, [s["cluster"] for s in segments], [s["name"] for s in segments],
                         document["id_column"], source)


def model_file(path: Path) -> Path:
    """The file to read for `--model PATH`: the file itself, or in a published version's
    folder (or a site) its downloads' model.json, else results.json."""
    path = Path(path)
    if path.is_dir():
        for candidate in ("downloads/model.json", "model.json", "downloads/results.json",
                          "results.json"):
            if (path / candidate).is_file():
                return path / candidate
        raise DataError(f"{path}: no downloads/model.json or results.json in this folder; give "
                        "a published version's folder, a model.json or a results.json")
    if not path.is_file():
        raise DataError(f"{path}: model file not found")
    return path


def portable_model(path: Path) -> PortableModel:
    """The model of a model.json, a results.json or a published version's folder."""
    file = model_file(path)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{file}: cannot be read as JSON ({exc})") from None
    if isinstance(document, dict) and "format" not in document and "segments" in document:
        try:
            results = Results.from_dict(document)
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{file}: not a results.json this kmeans-report reads ({exc})") from None
        document = model_document(results)
        if document is None:
            raise DataError(f"{file}: these results record no model (made by an earlier "
                            "kmeans-report, or by a backend that does not record one)")
    return from_document(document, str(file))
