"""How strong a segmentation is, read from its average silhouette width.

Apart from kmeans_report.analysis.metrics (which needs scikit-learn) so that the report can word the
bands without importing the science stack.
"""

from __future__ import annotations

# Kaufman & Rousseeuw's reading of the average silhouette width.
QUALITY_BANDS = (
    (0.70, "strong", "Strong structure"),
    (0.50, "reasonable", "Reasonable structure"),
    (0.25, "weak", "Weak structure"),
    (-1.0, "none", "No substantial structure"),
)

THRESHOLDS = tuple(t for t, _, _ in QUALITY_BANDS if t > -1)  # 0.70, 0.50, 0.25
NO_STRUCTURE_BELOW = THRESHOLDS[-1]


def band_reading() -> str:
    """The bands in words: 'above 0.70 strong, 0.51–0.70 reasonable, …'."""
    parts = [f"above {THRESHOLDS[0]:.2f} {QUALITY_BANDS[0][1]}"]
    for (upper, _, _), (lower, band, _) in zip(QUALITY_BANDS, QUALITY_BANDS[1:-1], strict=False):
        parts.append(f"{lower + 0.01:.2f}–{upper:.2f} {band}")
    parts.append(f"{NO_STRUCTURE_BELOW:.2f} or less {QUALITY_BANDS[-1][2].lower()}")
    return ", ".join(parts)


def quality_band(value: float) -> tuple[str, str]:
    for threshold, band, label in QUALITY_BANDS:
        if value > threshold:
            return band, label
    return QUALITY_BANDS[-1][1], QUALITY_BANDS[-1][2]
