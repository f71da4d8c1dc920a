"""Cluster profiles, segment names from the data, the notebook's segment types, and the
actions each segment's own numbers suggest.

A segment is described by its *traits*: the features on which its mean stands furthest from
the overall mean, in overall standard deviations (z). Its display name is built from those
traits only ("High Grocery & Milk, low Fresh"), so a name never says high where the numbers
say low. The notebook's threshold rules (`segments.rules: notebook`) add its segment *type*
(VIP / High-Value / Frequent / Casual), reported beside the name with the rule that gave it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import Config
from .config.inputs import SINGLE_ROLES
from .results import Action, ClusterProfile, Segment, Trait

# Segment types, in the notebook's order of precedence.
VIP = "VIP Customers"
HIGH_VALUE = "High-Value Customers"
FREQUENT = "Frequent Shoppers"
CASUAL = "Casual Customers"
MAX_NAME_TRAITS = 3
MAX_ACTIONS = 3

# Which action a standing-out role suggests, high and low (the report words each kind).
# Recency is the time since the last purchase: high means lapsed, low means recent.
ROLE_ACTIONS = {
    "spending": ("retain-top-spend", "test-low-cost"),
    "frequency": ("reward-frequency", "reactivate"),
    "recency": ("win-back", "follow-up-recent"),
    "transaction": ("premium-basket", "grow-basket"),
    "loyalty": ("loyal-advocates", "onboard-new"),
    "category": ("category-strength", "category-cross-sell"),
    None: ("feature-high", "feature-low"),
}


def _index(value: float, overall: float) -> float | None:
    return float(value / overall * 100.0) if overall > 0 else None


def cluster_profiles(
    frame: pd.DataFrame,
    labels: np.ndarray,
    centres_original: np.ndarray,
    cluster_silhouette: dict[int, float],
    spend_columns: list[str] | None = None,
) -> list[ClusterProfile]:
    """The notebook's `cluster_summary` (mean and std per feature) plus size, share, centre,
    the index against the overall mean (100 = average) and, for a list of spend columns,
    each category's share of the segment's spend."""
    grouped = frame.groupby(labels)
    return profiles_from_stats(grouped.mean(), grouped.std(), grouped.size(), frame.mean(),
                               len(frame), centres_original, cluster_silhouette, spend_columns)


def profiles_from_stats(
    means: pd.DataFrame,
    stds: pd.DataFrame,
    sizes: pd.Series,
    overall: pd.Series,
    n: int,
    centres_original: np.ndarray,
    cluster_silhouette: dict[int, float],
    spend_columns: list[str] | None = None,
) -> list[ClusterProfile]:
    """Profiles from per-cluster aggregates (rows: cluster, columns: features), however they
    were computed (pandas here, Spark in analysis.backends.spark.final)."""
    profiles = []
    for cluster in range(len(centres_original)):
        mean = {c: float(means.at[cluster, c]) for c in means.columns}
        share = None
        if spend_columns and len(spend_columns) > 1:
            total = sum(mean[c] for c in spend_columns)
            share = {c: (mean[c] / total if total > 0 else 0.0) for c in spend_columns}
        profiles.append(
            ClusterProfile(
                cluster=cluster,
                size=int(sizes.get(cluster, 0)),
                share=float(sizes.get(cluster, 0) / n),
                mean=mean,
                std={c: _float_or_zero(stds.at[cluster, c]) for c in means.columns},
                centre={
                    c: float(v)
                    for c, v in zip(means.columns, centres_original[cluster], strict=True)
                },
                silhouette=float(cluster_silhouette.get(cluster, float("nan"))),
                index={c: i for c in means.columns
                       if (i := _index(mean[c], float(overall[c]))) is not None},
                spend_share=share,
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


def feature_unit(feature, config: Config) -> str:
    """A feature's unit; spend columns are money, in `roi.currency`, whatever they say."""
    if feature.column in config.roles.spending_columns:
        return config.roi.currency
    return feature.unit


@dataclass(frozen=True)
class Baseline:
    """The overall numbers segments are described against."""

    mean: dict[str, float]
    std: dict[str, float]
    labels: dict[str, str]
    units: dict[str, str]
    # Per-customer spend (the sum of the spend columns) as aggregates; None without spend.
    spend_mean: float | None = None  # over all customers
    spend_std: float | None = None
    spend_by_cluster: dict[int, float] | None = None  # mean spend per cluster

    @classmethod
    def of(cls, frame: pd.DataFrame, config: Config, spend: pd.Series | None,
           labels: np.ndarray | None = None) -> Baseline:
        spend_stats = {}
        if spend is not None:
            by_cluster = spend.groupby(labels).mean() if labels is not None else pd.Series()
            spend_stats = dict(spend_mean=float(spend.mean()), spend_std=float(spend.std()),
                               spend_by_cluster={int(c): float(v) for c, v in by_cluster.items()})
        # Column by column in numpy: pandas' frame-wide std took 1.7 s at 10M rows, a
        # contiguous column's np.std a few hundredths (the features hold no missing values).
        columns = {c: frame[c].to_numpy(np.float64) for c in frame.columns}
        return cls.from_stats({c: float(v.mean()) for c, v in columns.items()},
                              {c: float(v.std(ddof=1)) if len(v) > 1 else float("nan")
                               for c, v in columns.items()}, config, **spend_stats)

    @classmethod
    def from_stats(cls, mean: dict[str, float], std: dict[str, float], config: Config,
                   **spend_stats) -> Baseline:
        return cls(mean, std, {f.column: f.display for f in config.features},
                   {f.column: feature_unit(f, config) for f in config.features}, **spend_stats)


def _level(z: float, threshold: float) -> str:
    if z >= max(1.0, threshold):
        return "very high"
    if z >= threshold:
        return "high"
    if z <= -max(1.0, threshold):
        return "very low"
    if z <= -threshold:
        return "low"
    return "above-average" if z > 0 else "below-average"


def cluster_z(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """k × features: each cluster's mean in the clustering space (transformed, clipped,
    scaled), in overall standard deviations from the overall mean — the differences
    K-Means actually saw. One pass of bincounts: no copy of X."""
    counts = np.maximum(np.bincount(labels, minlength=k), 1).astype(np.float64)
    out = np.empty((k, X.shape[1]))
    for j in range(X.shape[1]):
        column = X[:, j].astype(np.float64)
        means = np.bincount(labels, weights=column, minlength=k) / counts
        out[:, j] = (means - column.mean()) / (column.std() or 1.0)
    return out


def traits(profile: ClusterProfile, z_space: np.ndarray, base: Baseline,
           threshold: float) -> list[Trait]:
    """Every feature as a trait of this segment, furthest from the overall mean first.

    The size of a difference is measured where K-Means measured it (the clustering space,
    so a log-transformed spend counts as K-Means saw it); its direction is the one in the
    original units. When the two disagree (possible after a transform) the feature is not
    said to stand out: a name never says high where the plain means say low."""
    out = []
    for j, (column, mean) in enumerate(profile.mean.items()):
        above = mean > base.mean[column]
        z = float(z_space[j]) if (z_space[j] > 0) == above else 0.0
        level = _level(z, threshold) if z != 0.0 else ("above-average" if above else "below-average")
        out.append(Trait(column=column, label=base.labels[column], z=z,
                         index=_index(mean, base.mean[column]), level=level))
    return sorted(out, key=lambda t: (-abs(t.z), t.column))


def _direction(trait: Trait) -> str:
    """The word a name uses: "high"/"low" for standing out, else the softer form."""
    if trait.level in ("very high", "high"):
        return "high"
    if trait.level in ("very low", "low"):
        return "low"
    return trait.level


# How a name says the recency role's direction: more time since the last purchase is lapsed.
RECENCY_WORDS = {"high": "lapsed", "low": "recent", "above-average": "less recent",
                 "below-average": "more recent"}


def name_from(chosen: list[Trait], recency: str | None = None) -> str:
    """'High A & B, low C': the chosen traits grouped by direction, capitalised. The recency
    column (`recency`) is said by its meaning, first: 'Recent, high A' or 'Lapsed, low A'."""
    groups: dict[str, list[str]] = {}
    for trait in sorted(chosen, key=lambda t: t.column != recency):  # stable: recency first
        if trait.column == recency:
            groups.setdefault(RECENCY_WORDS[_direction(trait)], [])
        else:
            groups.setdefault(_direction(trait), []).append(trait.label)
    text = ", ".join(f"{word} {' & '.join(labels)}" if labels else word
                     for word, labels in groups.items())
    return text[:1].upper() + text[1:]


def unique_names(per_segment: list[list[Trait]], threshold: float,
                 recency: str | None = None) -> list[str]:
    """A name per segment from the traits that stand out (the top one when none does);
    segments that would share a name get one more trait each until they differ, and the
    cluster number as a last resort."""
    counts = [min(MAX_NAME_TRAITS, max(1, sum(abs(t.z) >= threshold for t in all_traits)))
              for all_traits in per_segment]
    names = [name_from(t[:c], recency) for t, c in zip(per_segment, counts, strict=True)]
    while True:
        clashes = {n for n in names if names.count(n) > 1}
        grow = [i for i, n in enumerate(names)
                if n in clashes and counts[i] < len(per_segment[i])]
        if not grow:
            break
        for i in grow:
            counts[i] += 1
            names[i] = name_from(per_segment[i][: counts[i]], recency)
    return [f"{n} (cluster {i})" if names.count(n) > 1 else n for i, n in enumerate(names)]


def _role_of(column: str, config: Config) -> str | None:
    spend = config.roles.spending_columns
    if column in spend:
        return "spending" if len(spend) == 1 else "category"
    for role in SINGLE_ROLES:
        if getattr(config.roles, role) == column:
            return role
    return None


def actions(profile: ClusterProfile, segment_traits: list[Trait], base: Baseline,
            config: Config) -> list[Action]:
    """What this segment's own standing-out features suggest, each with its numbers."""
    threshold = config.segments.min_difference
    out: list[Action] = []
    if base.spend_by_cluster is not None and len(config.roles.spending_columns) > 1:
        # Spend in categories: the total spend stands out (or not) on its own.
        value = base.spend_by_cluster[profile.cluster]
        overall, spread = base.spend_mean, base.spend_std or 1.0
        if abs(value - overall) / spread >= threshold:
            kind = ROLE_ACTIONS["spending"][0 if value > overall else 1]
            out.append(Action(kind, "", "Total spend", value, overall, config.roi.currency))
    for trait in segment_traits:
        if len(out) >= MAX_ACTIONS or abs(trait.z) < threshold:
            break
        high, low = ROLE_ACTIONS[_role_of(trait.column, config)]
        out.append(Action(high if trait.z > 0 else low, trait.column, trait.label,
                          profile.mean[trait.column], base.mean[trait.column],
                          base.units[trait.column]))
    if not out:  # close to average everywhere: watch the feature it leans on most
        trait = segment_traits[0]
        out.append(Action("watch-average", trait.column, trait.label, profile.mean[trait.column],
                          base.mean[trait.column], base.units[trait.column]))
    return out


def build_segments(profiles: list[ClusterProfile], frame: pd.DataFrame, X: np.ndarray,
                   labels: np.ndarray, config: Config, spend: pd.Series | None) -> list[Segment]:
    base = Baseline.of(frame, config, spend, labels)
    return segments_from_stats(profiles, base, cluster_z(X, labels, len(profiles)), config)


def segments_from_stats(profiles: list[ClusterProfile], base: Baseline, z_space: np.ndarray,
                        config: Config) -> list[Segment]:
    """Segments from the profiles, the overall baseline and each cluster's z-scores in the
    clustering space (`cluster_z`), however they were computed."""
    threshold = config.segments.min_difference
    per_segment = [traits(p, z_space[p.cluster], base, threshold) for p in profiles]
    names = unique_names(per_segment, threshold, config.roles.recency)
    roles = config.roles
    segments = []
    for p, segment_traits, name in zip(profiles, per_segment, names, strict=True):
        avg_spend = base.spend_by_cluster.get(p.cluster) if base.spend_by_cluster is not None else None
        frequency = p.mean[roles.frequency] if roles.frequency else None
        kind = None
        if config.segments.rules == "notebook":
            kind = segment_type(avg_spend, frequency, config)
        segments.append(Segment(
            cluster=p.cluster, type=kind, name=name, size=p.size, share=p.share,
            traits=segment_traits,
            actions=actions(p, segment_traits, base, config),
            avg_spending=avg_spend,
            avg_frequency=frequency,
            avg_transaction=p.mean[roles.transaction] if roles.transaction else None,
            avg_loyalty=p.mean[roles.loyalty] if roles.loyalty else None,
            avg_recency=p.mean[roles.recency] if roles.recency else None,
            total_revenue=p.size * avg_spend if avg_spend is not None else None,
        ))
    return segments
