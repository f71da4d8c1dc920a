"""From the feature table to the matrix K-Means sees: per-feature transforms, optional
quantile clipping, then the scaler. Profiles, insights and ROI keep the original units;
only the clustering space changes, and the Methods page says how."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import cluster
from .config import Config

TRANSFORMS = {"none": None, "log1p": np.log1p, "asinh": np.arcsinh}
INVERSE_TRANSFORMS = {"log1p": np.expm1, "asinh": np.sinh}


@dataclass
class Prepared:
    matrix: np.ndarray  # scaled, in the dtype K-Means runs on
    scaler: object  # fitted; inverse_transform gives the transformed (clipped) space back
    clipped: dict[str, int]  # values clipped per column (0 without clipping)
    # (low, high) per feature in the transformed space; None without clipping. New rows are
    # clipped to these same bounds when a published model is applied (analysis.model).
    clip_bounds: tuple[np.ndarray, np.ndarray] | None = None


def clustering_space(frame: pd.DataFrame, config: Config):
    """Transformed and clipped features, float64, one column per configured feature; the
    values clipped per column; the clipping bounds (None without clipping)."""
    X = frame.to_numpy(np.float64, copy=True)
    for j, feature in enumerate(config.features):
        function = TRANSFORMS[feature.transform]
        if function is not None:
            X[:, j] = function(X[:, j])
    clipped = {f.column: 0 for f in config.features}
    bounds, limits = config.preprocessing.clip_quantiles, None
    if bounds is not None:
        low, high = limits = np.quantile(X, bounds, axis=0)
        for j, feature in enumerate(config.features):
            outside = (X[:, j] < low[j]) | (X[:, j] > high[j])
            clipped[feature.column] = int(outside.sum())
        np.clip(X, low, high, out=X)
    return X, clipped, limits


FIT_SLICE_ROWS = 1 << 18  # 262,144 rows: the scaler's temporaries stay a few MB


def fit_in_slices(scaler, X: np.ndarray) -> None:
    """Fit the scaler on X. A scaler that can learn incrementally (standard, min-max) learns
    slice by slice: fitting a whole 10M-row table at once made three temporary copies of it
    (0.9 s against 0.1 s in slices; the same statistics to the last bits or so). A table of
    one slice is one `partial_fit`, which is exactly `fit`."""
    if not hasattr(scaler, "partial_fit"):
        scaler.fit(X)
        return
    for start in range(0, max(len(X), 1), FIT_SLICE_ROWS):
        scaler.partial_fit(X[start:start + FIT_SLICE_ROWS])


def prepare(frame: pd.DataFrame, config: Config, dtype=np.float64) -> Prepared:
    X, clipped, limits = clustering_space(frame, config)
    scaler = cluster.make_scaler(config.preprocessing.scaler)
    in_place = "copy" in scaler.get_params()
    if in_place:
        scaler.set_params(copy=False)  # X is this function's own copy: scale it in place
    fit_in_slices(scaler, X)
    X = scaler.transform(X)
    if in_place:  # the fitted scaler must not overwrite what it later (un)scales, e.g. centres
        scaler.set_params(copy=True)
    return Prepared(np.ascontiguousarray(X, dtype=dtype), scaler, clipped, limits)


def centres_in_original_units(prepared: Prepared, centres: np.ndarray, config: Config) -> np.ndarray:
    """K-Means centres back in the features' own units: unscale, then undo each transform."""
    return undo_transforms(prepared.scaler.inverse_transform(np.asarray(centres, np.float64)),
                           config)


def undo_transforms(values: np.ndarray, config: Config) -> np.ndarray:
    """Unscaled values (one column per feature) back in the features' own units, in place."""
    for j, feature in enumerate(config.features):
        if feature.transform == "log1p":
            values[:, j] = np.expm1(values[:, j])
        elif feature.transform == "asinh":
            values[:, j] = np.sinh(values[:, j])
    return values
