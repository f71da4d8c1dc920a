"""The results model: plain dataclasses (the findings here, the data and run records in
`run_records`), serialised to `results.json` with a schema version.

Pages, the PDF, figures and downloads are all views of one `Results`. Every record is frozen:
a Results is built once by the analysis; a variant (this build's metadata, no timings) is a
new record made with `dataclasses.replace`. Everything in it is
bounded in size whatever the number of customers: per-customer data appears only as a
capped, stated sample (`points`).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The records of what went in and how it ran; imported here also so that `_build` resolves
# the type hints of `Results` that name them.
from .model.description import FittedModel
from .run_records import DataSummary, Provenance, RunInfo

SCHEMA_VERSION = "2.0"


@dataclass(frozen=True)
class SweepRow:
    k: int
    inertia: float
    silhouette: float
    silhouette_se: float | None  # standard error when sampled, None when exact
    silhouette_sample_size: int | None  # None when exact on all rows
    calinski_harabasz: float
    davies_bouldin: float
    n_iter: int
    fit_seconds: float | None  # None: not published (reproducible build)
    min_cluster_share: float = 0.0  # share of customers in the smallest cluster
    # Rows that inertia, CH, DB and the smallest share were estimated from (the large-data
    # sweep sample; inertia and CH scaled to the whole table); None: computed on all rows.
    score_sample_size: int | None = None
    inertia_se: float | None = None  # standard error of that inertia estimate (None: exact)

    @classmethod
    def scored(cls, k: int, inertia: float, sil: Any, ch: float, db: float, n_iter: int,
               seconds: float, min_share: float, score_sample_size: int | None = None,
               inertia_se: float | None = None) -> SweepRow:
        """A row from a fit's scores and its silhouette estimate (mean, se, sample size)."""
        return cls(k=k, inertia=float(inertia), silhouette=sil.mean, silhouette_se=sil.se,
                   silhouette_sample_size=sil.sample_size, calinski_harabasz=float(ch),
                   davies_bouldin=float(db), n_iter=int(n_iter), fit_seconds=round(seconds, 4),
                   min_cluster_share=float(min_share), score_sample_size=score_sample_size,
                   inertia_se=None if inertia_se is None else float(inertia_se))


@dataclass(frozen=True)
class Selection:
    chosen_k: int
    reason: str  # config | elbow | silhouette | stability
    explanation: str
    elbow_k: int | None  # None: no clear elbow
    best_silhouette_k: int
    best_ch_k: int | None = None  # highest Calinski–Harabasz
    best_db_k: int | None = None  # lowest Davies–Bouldin
    min_cluster_share: float = 0.0  # clustering.min_cluster_share
    small_cluster_ks: list[int] = field(default_factory=list)  # Ks with a cluster below it
    stability_ari: dict[str, float] = field(default_factory=dict)  # K -> bootstrap ARI (auto)


@dataclass(frozen=True)
class Quality:
    silhouette: float
    band: str  # strong | reasonable | weak | none
    label: str  # human label of the band
    message: str


@dataclass(frozen=True)
class ClusterProfile:
    cluster: int
    size: int
    share: float  # 0..1
    mean: dict[str, float]
    std: dict[str, float]
    centre: dict[str, float]  # K-Means centre, back in original units
    silhouette: float  # mean silhouette of the cluster's (sampled) members
    index: dict[str, float] = field(default_factory=dict)  # mean / overall mean × 100
    spend_share: dict[str, float] | None = None  # share of spend per category (spend list)


@dataclass(frozen=True)
class Comparison:
    """The segments against an existing label column (data.compare_with)."""

    column: str
    labels: list[str]  # the column's values, most frequent first
    counts: list[list[int]]  # [label][cluster]
    ari: float


@dataclass(frozen=True)
class Trait:
    """A feature on which a segment stands out from the overall mean."""

    column: str
    label: str
    z: float  # (segment mean - overall mean) / overall standard deviation
    index: float | None  # segment mean / overall mean × 100 (None: overall mean not positive)
    level: str  # "very high" | "high" | "above-average" | "below-average" | "low" | "very low"


@dataclass(frozen=True)
class Action:
    """A suggested action: `kind` chooses the sentence, the numbers are the segment's own."""

    kind: str  # e.g. "grow-top-spenders", "win-back-rare", "cross-sell"
    column: str
    label: str
    value: float  # the segment's mean of the column
    overall: float  # the overall mean
    unit: str


@dataclass(frozen=True)
class Segment:
    cluster: int
    type: str | None  # the notebook's rule type (segments.rules: notebook), else None
    name: str  # unique display name from its traits, never contradicting its numbers
    size: int
    share: float
    traits: list[Trait]
    actions: list[Action]
    # Means of the role features (None when the role is not configured).
    avg_spending: float | None
    avg_frequency: float | None
    avg_transaction: float | None
    avg_loyalty: float | None
    total_revenue: float | None  # size × average spend (None without a spending role)
    avg_recency: float | None = None  # time since the last purchase (lower: more recent)


@dataclass(frozen=True)
class Stability:
    n_rows_used: int
    n_reseeds: int
    reseed_ari_mean: float | None
    reseed_ari_min: float | None
    n_bootstrap: int
    bootstrap_fraction: float
    bootstrap_ari_mean: float | None
    bootstrap_ari_min: float | None
    planted_ari: float | None  # against the planted segments, when known


@dataclass(frozen=True)
class AlgorithmRun:
    algorithm: str  # lloyd | minibatch
    k: int
    fit_seconds: float | None  # None: not published (reproducible build)
    inertia: float  # on all rows
    ari_vs_final: float


@dataclass(frozen=True)
class RoiGrid:
    efficiencies: list[float]
    impact_shares: list[float]
    annual_roi: list[list[float]]  # [impact_share][efficiency]
    net_roi_pct: list[list[float]] | None  # None without an implementation cost
    # Per impact share, the efficiency at which the annual return equals the cost (None:
    # no implementation cost, or no revenue).
    break_even_efficiencies: list[float] | None = None


@dataclass(frozen=True)
class Roi:
    """The ROI model on the revenue; every assumption is the configuration's (None: not
    given), and what needs a missing assumption is None."""

    currency: str
    total_revenue: float
    targeting_efficiency: float | None
    impact_share: float | None
    implementation_cost: float | None
    estimated_annual_roi: float | None  # needs efficiency and impact share
    net_roi_pct: float | None  # needs all three assumptions
    break_even_efficiency: float | None  # at the assumed impact share; needs it and the cost
    grid: RoiGrid

    @property
    def assumed(self) -> bool:
        return self.net_roi_pct is not None


@dataclass(frozen=True)
class Points:
    """A bounded sample of customers for scatter plots (all of them when few)."""

    method: str  # "all rows" or how the sample was drawn
    n_total: int
    features: dict[str, list[float]]
    cluster: list[int]
    pca: list[list[float]]  # [[pc1, pc2], ...]
    pca_explained: list[float]
    silhouette: list[float]  # per-point silhouette value


@dataclass(frozen=True)
class Results:
    schema_version: str
    metadata: dict[str, Any]  # report metadata: title, author, affiliation, version, date, ...
    config: dict[str, Any]  # the effective configuration
    data: DataSummary
    run: RunInfo
    sweep: list[SweepRow]
    selection: Selection
    final_inertia: float
    quality: Quality
    profiles: list[ClusterProfile]
    segments: list[Segment]
    stability: Stability
    algorithms: list[AlgorithmRun]
    roi: Roi | None  # None without a spending role: no revenue, no ROI
    points: Points
    provenance: Provenance
    comparison: Comparison | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    model: FittedModel | None = None  # transforms, clipping, scaling, centres (None: not recorded)

    def headline(self) -> dict[str, Any]:
        """The numbers the Reproduce notebook checks against the published report."""
        numbers = {
            "chosen_k": self.selection.chosen_k,
            "silhouette": round(self.quality.silhouette, 6),
            "sizes": [s.size for s in self.segments],
        }
        if self.roi is not None:
            numbers["total_revenue"] = round(self.roi.total_revenue, 2)
            if self.roi.net_roi_pct is not None:
                numbers["net_roi_pct"] = round(self.roi.net_roi_pct, 4)
        return numbers

    def without_timings(self) -> Results:
        """A copy without measured durations: a reproducible build (SOURCE_DATE_EPOCH) must
        give the same bytes every time, and wall-clock times never repeat."""
        return dataclasses.replace(
            self,
            sweep=[dataclasses.replace(row, fit_seconds=None) for row in self.sweep],
            algorithms=[dataclasses.replace(run, fit_seconds=None) for run in self.algorithms],
            run=dataclasses.replace(self.run, seconds={}),
        )

    def sweep_row(self, k: int) -> SweepRow:
        return next(r for r in self.sweep if r.k == k)

    @property
    def final(self) -> SweepRow:
        return self.sweep_row(self.selection.chosen_k)

    # ------------------------------------------------------------------ (de)serialisation

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)

    def save(self, path: Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Results:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"results schema version {version!r} is not supported (expected {SCHEMA_VERSION})"
            )
        return _build(cls, data)

    @classmethod
    def load(cls, path: Path) -> Results:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _build(tp: Any, value: Any) -> Any:
    """Rebuild nested dataclasses from JSON-decoded data, guided by the type hints."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value) if len(inner) == 1 else value
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(
            **{
                f.name: _build(hints[f.name], value[f.name])
                for f in dataclasses.fields(tp)
                if f.name in value
            }
        )
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return [_build(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(tp) or (Any, Any)
        return {k: _build(item, v) for k, v in value.items()}
    return value
