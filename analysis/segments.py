"""Cluster profiles, the notebook's segment naming rules, unique display names, insights."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import Config
from .results import ClusterProfile, Segment

# Segment types, in the notebook's order of precedence.
VIP = "VIP Customers"
HIGH_VALUE = "High-Value Customers"
FREQUENT = "Frequent Shoppers"
CASUAL = "Casual Customers"

# How a segment reads when a role is what sets it apart from the others.
ROLE_TRAITS = {
    "spending": "top spenders",
    "frequency": "frequent visitors",
    "transaction": "large baskets",
    "loyalty": "long-standing",
}
LOW_ROLE_TRAITS = {
    "spending": "low spend",
    "frequency": "rare visitors",
    "transaction": "small baskets",
    "loyalty": "newer customers",
}


def cluster_profiles(
    frame: pd.DataFrame,
    labels: np.ndarray,
    centres_original: np.ndarray,
    cluster_silhouette: dict[int, float],
) -> list[ClusterProfile]:
    """The notebook's `cluster_summary` (mean and std per feature) plus size, share, centre."""
    grouped = frame.groupby(labels)
    means, stds, sizes = grouped.mean(), grouped.std(), grouped.size()
    n = len(frame)
    profiles = []
    for cluster in range(len(centres_original)):
        profiles.append(
            ClusterProfile(
                cluster=cluster,
                size=int(sizes.get(cluster, 0)),
                share=float(sizes.get(cluster, 0) / n),
                mean={c: float(means.at[cluster, c]) for c in frame.columns},
                std={c: _float_or_zero(stds.at[cluster, c]) for c in frame.columns},
                centre={
                    c: float(v)
                    for c, v in zip(frame.columns, centres_original[cluster], strict=True)
                },
                silhouette=float(cluster_silhouette.get(cluster, float("nan"))),
            )
        )
    return profiles


def _float_or_zero(value) -> float:
    # A one-member cluster has no standard deviation; JSON cannot carry NaN.
    return 0.0 if pd.isna(value) else float(value)


def segment_type(avg_spending: float, avg_frequency: float, config: Config) -> str:
    """The notebook's rules, verbatim: strict '>' comparisons, first match wins."""
    rules = config.segments
    if avg_spending > rules.vip_min_spending and avg_frequency > rules.vip_min_frequency:
        return VIP
    if avg_spending > rules.high_value_min_spending:
        return HIGH_VALUE
    if avg_frequency > rules.frequent_min_frequency:
        return FREQUENT
    return CASUAL


def _distinguishing(
    profile: ClusterProfile, overall_mean: dict, overall_std: dict, roles: dict
) -> tuple[str, str]:
    """The feature whose cluster mean stands furthest from the overall mean (in std units)."""
    best_col, best_z = None, 0.0
    for col, mean in profile.mean.items():
        spread = overall_std[col] or 1.0
        z = (mean - overall_mean[col]) / spread
        if abs(z) > abs(best_z):
            best_col, best_z = col, z
    if best_col is None:
        return "", ""
    role = next((r for r, c in roles.items() if c == best_col), None)
    traits = ROLE_TRAITS if best_z > 0 else LOW_ROLE_TRAITS
    if role in traits:
        return best_col, traits[role]
    return best_col, f"{'high' if best_z > 0 else 'low'} {best_col.replace('_', ' ')}"


def build_segments(
    profiles: list[ClusterProfile], frame: pd.DataFrame, config: Config
) -> list[Segment]:
    roles = {k: v for k, v in config.roles.model_dump().items() if v is not None}
    overall_mean = frame.mean().to_dict()
    overall_std = frame.std().to_dict()
    labels = {f.column: f.display for f in config.features}

    drafts = []
    for p in profiles:
        spending = p.mean[roles["spending"]]
        frequency = p.mean[roles["frequency"]]
        kind = segment_type(spending, frequency, config)
        column, trait = _distinguishing(p, overall_mean, overall_std, roles)
        drafts.append((p, kind, column, trait))

    kinds = [d[1] for d in drafts]
    segments, used = [], set()
    for p, kind, column, trait in drafts:
        # The notebook gives two clusters the same name; a shared type gets its trait added.
        name = kind if kinds.count(kind) == 1 else f"{kind} ({trait})"
        if name in used:
            name = f"{name} — cluster {p.cluster}"
        used.add(name)
        spending = p.mean[roles["spending"]]
        segments.append(
            Segment(
                cluster=p.cluster,
                type=kind,
                name=name,
                distinguishing=(
                    f"{trait}: {labels.get(column, column)} stands out most" if trait else ""
                ),
                size=p.size,
                share=p.share,
                avg_spending=spending,
                avg_frequency=p.mean[roles["frequency"]],
                avg_transaction=p.mean[roles["transaction"]] if "transaction" in roles else None,
                avg_loyalty=p.mean[roles["loyalty"]] if "loyalty" in roles else None,
                total_revenue=p.size * spending,
            )
        )
    return segments


def _set_apart(label: str, trait: str) -> str:
    if not trait:
        return ""
    level = "low" if trait in LOW_ROLE_TRAITS.values() or trait.startswith("low ") else "high"
    return f"Set apart by {level} {label} compared with the other segments"
