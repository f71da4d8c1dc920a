"""How the table is analysed: preprocessing, clustering, segment descriptions and the ROI
model (`preprocessing:`, `clustering:`, `segments:`, `roi:`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .fields import MAX_ROWS, Fraction, Fraction01, RowCount, Seed, Strict


class Preprocessing(Strict):
    scaler: Literal["standard", "minmax", "robust", "none"] = "standard"
    """How features are put on one scale before clustering: `standard` (mean 0, standard
    deviation 1, as the notebook), `minmax` (0 to 1), `robust` (median and interquartile
    range, for heavy tails) or `none`."""
    clip_quantiles: tuple[Fraction01, Fraction01] | None = None
    """Clip each feature (after its transform, before scaling) to these quantiles, e.g.
    `[0.01, 0.99]`, so a few extreme customers cannot pull a centre of their own; the Data
    page counts the clipped values. null: no clipping."""

    @field_validator("clip_quantiles")
    @classmethod
    def _ordered(cls, value):
        if value is not None and not value[0] < value[1]:
            raise ValueError("the lower quantile must be below the upper one, e.g. [0.01, 0.99]")
        return value


class SilhouetteOptions(Strict):
    exact_max_rows: RowCount = 10_000
    """The silhouette is computed exactly on all customers up to this many; above it, on a
    uniform sample (reported with its standard error)."""
    sample_size: Annotated[int, Field(ge=100, le=MAX_ROWS)] = 10_000
    """The size of that sample."""


class StabilityOptions(Strict):
    n_reseeds: Annotated[int, Field(ge=0, le=100)] = 10
    """Refits of the chosen K with other random seeds; their agreement with the chosen
    clustering (adjusted Rand index) is the Stability section's first number. 0: none."""
    n_bootstrap: Annotated[int, Field(ge=0, le=200)] = 20
    """Refits of the chosen K on bootstrap resamples of the customers, scored the same way.
    0: none."""
    bootstrap_fraction: Fraction = 0.8
    """The size of each bootstrap resample, as a share of the rows the refits use."""
    max_rows: Annotated[int, Field(ge=100, le=MAX_ROWS)] = 20_000
    """Stability refits (and `auto`'s per-K stability check) run on at most this many rows,
    a fixed uniform sample, so their cost is bounded at any table size."""


class LargeDataOptions(Strict):
    """The large-data path: sweep K on a uniform sample, then refine the chosen K on all rows."""

    mode: Literal["auto", "on", "off"] = "auto"
    """`auto`: the large-data path from `min_rows` customers; `on`: always (when the table has
    more rows than the sweep sample); `off`: the notebook's method, every fit on all rows."""
    min_rows: Annotated[int, Field(ge=100)] = 200_000
    """With `mode: auto`, tables of at least this many customers take the large-data path."""
    sweep_sample_size: Annotated[int, Field(ge=100)] = 50_000
    """The uniform sample the K sweep is fitted on; each K is scored on a second, held-out
    sample of this size, and only the chosen K is refined and scored on all rows, from the
    sample's centres."""


class Clustering(Strict):
    k_min: Annotated[int, Field(ge=2)] = 2
    """The smallest K of the sweep."""
    k_max: Annotated[int, Field(ge=2, le=50)] = 10
    """The largest K of the sweep (the table needs at least this many usable rows)."""
    chosen_k: int | Literal["auto"] = "auto"
    """The K the report describes: a number in `k_min`..`k_max`, or `auto` to choose it by
    `auto_method`, `min_cluster_share` and `auto_stability_margin` (Model selection says
    why)."""
    auto_method: Literal["silhouette", "elbow"] = "silhouette"
    """How `auto` ranks the K values: the highest silhouette, or the elbow of the inertia
    curve (kneedle; the best silhouette when there is no elbow)."""
    min_cluster_share: Annotated[float, Field(ge=0, lt=0.5)] = 0.02
    """A K whose smallest cluster holds less than this share of customers is flagged, and
    `auto` does not pick it (unless no K qualifies, which the report then says)."""
    auto_stability_margin: Annotated[float, Field(ge=0, le=1)] = 0.10
    """`auto` does not pick a K whose bootstrap ARI is more than this below a neighbouring
    K's (K ± 1); the steadier neighbour is chosen instead."""
    algorithm: Literal["lloyd", "minibatch"] = "lloyd"
    """The K-Means algorithm of every fit: `lloyd` (scikit-learn's KMeans, as the notebook)
    or `minibatch` (MiniBatchKMeans: faster on large tables, slightly less exact; not with
    `backend: spark`). Methods compares the two on the chosen K either way."""
    backend: Literal["sklearn", "spark"] = "sklearn"
    """Where K-Means runs: scikit-learn on this machine, or Apache Spark MLlib (see `spark:`;
    needs `pip install -e '.[spark]'` and Java 17+)."""
    init: Literal["k-means++", "random"] = "k-means++"
    """How the starting centres are drawn (scikit-learn; Spark always uses k-means||)."""
    n_init: Annotated[int, Field(ge=1, le=100)] = 10
    """Runs per K from different starting centres; the one with the lowest inertia is kept."""
    random_state: Seed = 42
    """The seed of every random choice (starting centres, samples, refits), so a rebuild
    gives the same numbers."""
    max_iter: Annotated[int, Field(ge=1, le=1_000_000)] = 300
    """The most iterations one K-Means run may take."""
    minibatch_batch_size: Annotated[int, Field(ge=16, le=MAX_ROWS)] = 1024
    """Rows per mini-batch of the Mini-Batch K-Means fits."""
    silhouette: SilhouetteOptions = SilhouetteOptions()
    """When the silhouette is computed on a sample."""
    stability: StabilityOptions = StabilityOptions()
    """The Stability section: how often the chosen K is refitted."""
    large_data: LargeDataOptions = LargeDataOptions()
    """The large-data path: the K sweep on a uniform sample, the chosen K refined on all rows."""

    @model_validator(mode="after")
    def _k_range(self) -> Clustering:
        if self.k_min > self.k_max:
            raise ValueError(
                f"clustering.k_min ({self.k_min}) is greater than clustering.k_max "
                f"({self.k_max}): the K range is empty"
            )
        if isinstance(self.chosen_k, int) and not self.k_min <= self.chosen_k <= self.k_max:
            raise ValueError(
                f"clustering.chosen_k ({self.chosen_k}) is outside the K range "
                f"{self.k_min}..{self.k_max}; widen the range or use 'auto'"
            )
        return self

    @property
    def k_values(self) -> list[int]:
        return list(range(self.k_min, self.k_max + 1))

    def use_large_path(self, n_rows: int) -> bool:
        """Whether `n_rows` customers take the sampled-sweep path (see analysis.scale)."""
        mode = self.large_data.mode
        if mode == "auto":
            return n_rows >= self.large_data.min_rows and n_rows > self.large_data.sweep_sample_size
        return mode == "on" and n_rows > self.large_data.sweep_sample_size


class SegmentRules(Strict):
    """How segments are described. Names are always data-relative (the features on which a
    segment stands furthest from the overall mean); `rules: notebook` adds the notebook's
    segment types, decided by its thresholds, checked in this order (first match wins)."""

    rules: Literal["data", "notebook"] = "data"
    """`data`: segments are named by what sets them apart in this table; `notebook` adds the
    notebook's types (VIP, High-Value, Frequent, Casual) by the thresholds below (needs
    `roles.spending` and `roles.frequency`)."""
    min_difference: Annotated[float, Field(gt=0, le=5)] = 0.5
    """A feature "stands out" in a segment's name when the segment's mean is at least this
    many overall standard deviations from the overall mean."""
    vip_min_spending: float = 40_000
    """`rules: notebook`: a segment is VIP when its average spend is above this and its
    average frequency above `vip_min_frequency` (checked first)."""
    vip_min_frequency: float = 15
    """`rules: notebook`: the VIP type's frequency threshold."""
    high_value_min_spending: float = 25_000
    """`rules: notebook`: otherwise High-Value when its average spend is above this."""
    frequent_min_frequency: float = 10
    """`rules: notebook`: otherwise Frequent when its average frequency is above this; the
    rest are Casual."""


class Sensitivity(Strict):
    efficiencies: Annotated[list[Fraction], Field(min_length=1)] = [
        0.05,
        0.10,
        0.15,
        0.20,
        0.25,
        0.30,
        0.40,
        0.50,
    ]
    """The targeting efficiencies of the ROI page's sensitivity table (its columns)."""
    impact_shares: Annotated[list[Fraction], Field(min_length=1)] = [
        0.02,
        0.05,
        0.10,
        0.15,
        0.20,
    ]
    """The impact shares of the sensitivity table (its rows)."""


class RoiConfig(Strict):
    """The ROI model's assumptions are the report author's: none has a default. With all
    three the report estimates the ROI; with the cost alone it gives the efficiency at which
    the targeting pays for itself; with none it shows what each combination of the
    sensitivity grid would return a year."""

    targeting_efficiency: Fraction | None = None
    """How much better targeting by segment improves marketing's effect (0.25 = 25%); no
    default. Estimated annual ROI = revenue × this × `impact_share`."""
    impact_share: Fraction | None = None
    """The share of revenue marketing can move (0.10 = 10%); no default."""
    implementation_cost: Annotated[float, Field(gt=0)] | None = None
    """What the targeting costs to build and run, in `currency`; net ROI and break-even use
    it. No default."""
    currency: str = "$"
    """The money unit of the spend columns, revenue and ROI: a symbol (`$`, `€`), with a
    scale letter for amounts counted in thousands or millions (`k$`); `""` for plain
    numbers."""
    sensitivity: Sensitivity = Sensitivity()
    """The grid of assumptions the ROI page's sensitivity table spans."""

    @property
    def assumed(self) -> bool:
        """All three assumptions given: the report may state an ROI estimate."""
        return None not in (self.targeting_efficiency, self.impact_share,
                            self.implementation_cost)
