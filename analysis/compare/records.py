"""The comparison of two releases as plain records (serialised to changes.json)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Release:
    """One side of the comparison."""

    version: str | None
    title: str
    date: str | None
    data_sha256: str
    customers: int
    chosen_k: int
    tool_version: str | None  # kmeans-report's version that made it
    git_commit: str | None


@dataclass(frozen=True)
class Customers:
    """Customers followed by id; the counts are None when they cannot be (no ids)."""

    by_id: bool
    reason: str | None  # why customers were not followed, when they were not
    before: int
    now: int
    returning: int | None = None  # in both releases
    new: int | None = None  # only now
    departed: int | None = None  # only before
    moved: int | None = None  # returning, now in a segment that is not their old one's match


@dataclass(frozen=True)
class Transitions:
    """Returning customers: old segment (rows) to new segment (columns)."""

    before: list[str]  # segment names then, by cluster number
    now: list[str]  # segment names now, by cluster number
    counts: list[list[int]]  # [before][now]
    shares: list[list[float]]  # each row's counts over the row total (0 for an empty row)
    ari: float  # adjusted Rand index of the two assignments on the returning customers


@dataclass(frozen=True)
class SegmentChange:
    """A segment then and now: kept (matched), new (no counterpart before) or gone."""

    status: str  # kept | new | gone
    before_cluster: int | None
    before_name: str | None
    now_cluster: int | None
    now_name: str | None
    size_before: int | None
    size_now: int | None
    avg_spend_before: float | None  # None also without a spending role
    avg_spend_now: float | None
    revenue_before: float | None
    revenue_now: float | None
    shared: int | None  # returning customers in both (None: not followed by id)
    drift: dict[str, float]  # centre now - centre before, per feature, in its units (kept)
    # The name this release's own numbers give the segment, when the name it keeps from the
    # earlier release (now_name) differs.
    described_now: str | None = None


@dataclass(frozen=True)
class IndexChange:
    name: str
    before: float | str | None
    now: float | str | None


@dataclass(frozen=True)
class Difference:
    """One thing that changed between the releases' inputs."""

    kind: str  # data | configuration | code
    item: str
    before: str | None
    now: str | None


@dataclass(frozen=True)
class Changes:
    schema_version: str
    before: Release
    now: Release
    matched_by: str  # "shared customers" | "centre distance"
    customers: Customers
    transitions: Transitions | None  # None without ids
    segments: list[SegmentChange]
    indices: list[IndexChange]
    differences: list[Difference]
    features: dict[str, str]  # column -> unit, for the drift table

    @property
    def kept(self) -> list[SegmentChange]:
        return [s for s in self.segments if s.status == "kept"]
