"""How the table is analysed: preprocessing, clustering, segment descriptions and the ROI
model (`preprocessing:`, `clustering:`, `segments:`, `roi:`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .fields import MAX_ROWS, Fraction, Fraction01, RowCount, Seed, Strict


class Preprocessing(Strict):
    scaler: Literal["standard", "minmax", "robust", "none"] = "standard"
    # Clip each feature (after its transform, before scaling) to these quantiles, so a few
    # extreme customers cannot pull a centre of their own; null: no clipping.
    clip_quantiles: tuple[Fraction01, Fraction01] | None = None

    @field_validator("clip_quantiles")
    @classmethod
    def _ordered(cls, value):
        if value is not None and not value[0] < value[1]:
            raise ValueError("the lower quantile must be below the upper one, e.g. [0.01, 0.99]")
        return value


class SilhouetteOptions(Strict):
    exact_max_rows: RowCount = 10_000
    sample_size: Annotated[int, Field(ge=100, le=MAX_ROWS)] = 10_000


class StabilityOptions(Strict):
    n_reseeds: Annotated[int, Field(ge=0, le=100)] = 10
    n_bootstrap: Annotated[int, Field(ge=0, le=200)] = 20
    bootstrap_fraction: Fraction = 0.8
    max_rows: Annotated[int, Field(ge=100, le=MAX_ROWS)] = 20_000


class LargeDataOptions(Strict):
    """The large-data path: sweep K on a uniform sample, then refine the chosen K on all rows."""

    mode: Literal["auto", "on", "off"] = "auto"
    min_rows: Annotated[int, Field(ge=100)] = 200_000  # auto: large path from this many rows
    sweep_sample_size: Annotated[int, Field(ge=100)] = 50_000


class Clustering(Strict):
    k_min: Annotated[int, Field(ge=2)] = 2
    k_max: Annotated[int, Field(ge=2, le=50)] = 10
    chosen_k: int | Literal["auto"] = "auto"
    auto_method: Literal["silhouette", "elbow"] = "silhouette"
    # A K whose smallest cluster holds less than this share of customers is flagged, and
    # `auto` does not pick it (unless no K qualifies, which the report then says).
    min_cluster_share: Annotated[float, Field(ge=0, lt=0.5)] = 0.02
    # `auto` does not pick a K whose bootstrap ARI is more than this below a neighbouring
    # K's (K ± 1); the steadier neighbour is chosen instead.
    auto_stability_margin: Annotated[float, Field(ge=0, le=1)] = 0.10
    algorithm: Literal["lloyd", "minibatch"] = "lloyd"
    # Where K-Means runs: scikit-learn on this machine, or Apache Spark MLlib (see `spark:`).
    backend: Literal["sklearn", "spark"] = "sklearn"
    init: Literal["k-means++", "random"] = "k-means++"
    n_init: Annotated[int, Field(ge=1, le=100)] = 10
    random_state: Seed = 42
    max_iter: Annotated[int, Field(ge=1, le=1_000_000)] = 300
    minibatch_batch_size: Annotated[int, Field(ge=16, le=MAX_ROWS)] = 1024
    silhouette: SilhouetteOptions = SilhouetteOptions()
    stability: StabilityOptions = StabilityOptions()
    large_data: LargeDataOptions = LargeDataOptions()

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
    # A feature "stands out" when the segment's mean is at least this many overall standard
    # deviations from the overall mean.
    min_difference: Annotated[float, Field(gt=0, le=5)] = 0.5
    vip_min_spending: float = 40_000
    vip_min_frequency: float = 15
    high_value_min_spending: float = 25_000
    frequent_min_frequency: float = 10


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
    impact_shares: Annotated[list[Fraction], Field(min_length=1)] = [
        0.02,
        0.05,
        0.10,
        0.15,
        0.20,
    ]


class RoiConfig(Strict):
    """The ROI model's assumptions are the report author's: none has a default. With all
    three the report estimates the ROI; with the cost alone it gives the efficiency at which
    the targeting pays for itself; with none it shows what each combination of the
    sensitivity grid would return a year."""

    # How much better targeting improves marketing's effect (0.25 = 25 %).
    targeting_efficiency: Fraction | None = None
    # The share of revenue marketing can move (0.10 = 10 %).
    impact_share: Fraction | None = None
    # What the targeting costs to build and run, in `currency`.
    implementation_cost: Annotated[float, Field(gt=0)] | None = None
    # The money unit of the spend columns: a symbol ("$", "€"), with a scale letter for
    # amounts counted in thousands or millions ("k$"); "" for plain numbers.
    currency: str = "$"
    sensitivity: Sensitivity = Sensitivity()

    @property
    def assumed(self) -> bool:
        """All three assumptions given: the report may state an ROI estimate."""
        return None not in (self.targeting_efficiency, self.impact_share,
                            self.implementation_cost)
