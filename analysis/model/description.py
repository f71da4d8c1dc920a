"""What a fitted model is, in numbers: for each feature its transform, clipping bounds and
linear scaling, and the centres in the scaled space. Enough to assign a new row exactly as
the analysis assigned its own, without the training data or scikit-learn.

A row is assigned by: x' = transform(x); x' = min(max(x', clip_low), clip_high) when the
feature is clipped; z = (x' - center) / scale; the nearest centre by squared Euclidean
distance in z (ties: the lower cluster number).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ModelFeature:
    column: str
    transform: str  # none | log1p | asinh
    clip_low: float | None  # in the transformed space; None: not clipped
    clip_high: float | None
    center: float  # z = (x' - center) / scale
    scale: float


@dataclass(frozen=True)
class FittedModel:
    scaler: str  # the configured scaler the centre and scale come from
    features: list[ModelFeature]
    centres: list[list[float]]  # [cluster][feature], in the scaled space z
    dtype: str  # float64, or float32 when K-Means ran on float32 (the large-data path)


def linear_scaling(scaler, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """(center, scale) with z = (x - center) / scale for a fitted scaler: scikit-learn's
    StandardScaler, RobustScaler, MinMaxScaler (feature range 0..1), the identity, or an
    object with `shift` and `scale` (the Spark path's unscaler)."""
    if hasattr(scaler, "shift"):  # Spark: centres * scale + shift undoes the scaling
        if scaler.scale is None:
            return np.zeros(n_features), np.ones(n_features)
        return np.asarray(scaler.shift, np.float64), np.asarray(scaler.scale, np.float64)
    if hasattr(scaler, "mean_"):  # StandardScaler
        return np.asarray(scaler.mean_, np.float64), np.asarray(scaler.scale_, np.float64)
    if hasattr(scaler, "center_"):  # RobustScaler
        return np.asarray(scaler.center_, np.float64), np.asarray(scaler.scale_, np.float64)
    if hasattr(scaler, "data_min_"):  # MinMaxScaler: (x - min) * (1 / range)
        return np.asarray(scaler.data_min_, np.float64), 1.0 / np.asarray(scaler.scale_, np.float64)
    return np.zeros(n_features), np.ones(n_features)  # no scaling


def fitted_model(config, scaler, clip_bounds, centres, dtype) -> FittedModel:
    """The description of a model fitted under `config` (its features and scaler name)."""
    n = len(config.features)
    center, scale = linear_scaling(scaler, n)
    low, high = clip_bounds if clip_bounds is not None else ([None] * n, [None] * n)
    features = [
        ModelFeature(column=f.column, transform=f.transform,
                     clip_low=None if low[j] is None else float(low[j]),
                     clip_high=None if high[j] is None else float(high[j]),
                     center=float(center[j]), scale=float(scale[j]))
        for j, f in enumerate(config.features)
    ]
    return FittedModel(scaler=config.preprocessing.scaler, features=features,
                       centres=np.asarray(centres, np.float64).tolist(), dtype=str(np.dtype(dtype)))
