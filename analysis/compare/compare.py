"""`compare_releases(before, now, ...) -> Changes`: two releases side by side.

Customers are followed by id when both releases have one (returning, new, departed, and the
transition table of the returning ones). Segments are matched by optimal assignment
(scipy's linear_sum_assignment): on shared customers when followed by id, otherwise on the
distance between centres in the features' standard deviations. A pair is a match only when
it is the same group, not just the least bad pairing: most of the smaller segment's
returning customers shared, or centres less than one standard deviation apart. What has no
counterpart is new or gone, never renumbered into another segment's place.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

from ..results import Results
from .records import (
    Changes,
    Customers,
    Difference,
    IndexChange,
    Release,
    SegmentChange,
    Transitions,
)

CHANGES_SCHEMA_VERSION = "1.0"
MIN_SHARED = 0.5  # a match shares at least this share of the smaller segment's returning customers
MAX_CENTRE_DISTANCE = 1.0  # without ids: centres closer than this, in standard deviations (RMS)
ANALYSIS_SECTIONS = ("data", "features", "roles", "preprocessing", "clustering", "segments", "roi")


def compare_releases(before: Results, now: Results, before_ids: pd.DataFrame | None,
                     now_ids: pd.DataFrame | None) -> Changes:
    """`*_ids`: each release's assignments as (id, cluster) columns, or None without ids."""
    joined = None
    if before_ids is not None and now_ids is not None:
        joined = before_ids.set_axis(["id", "before"], axis=1).merge(
            now_ids.set_axis(["id", "now"], axis=1), on="id", how="inner")
    flow, counts = _customers(before, now, before_ids, now_ids, joined)
    if counts is not None:
        pairs = _match_on_customers(counts)
        matched_by = "shared customers"
    else:
        pairs = _match_on_centres(before, now)
        matched_by = "centre distance"
    transitions = None
    if counts is not None:
        flow, transitions = _transitions(before, now, flow, counts, pairs, joined)
    return Changes(
        schema_version=CHANGES_SCHEMA_VERSION,
        before=_release(before),
        now=_release(now),
        matched_by=matched_by,
        customers=flow,
        transitions=transitions,
        segments=_segments(before, now, pairs, counts, kept_names(before, now, pairs)),
        indices=_indices(before, now),
        differences=_differences(before, now),
        features={f.column: f.unit for f in now.data.features},
    )


def _release(results: Results) -> Release:
    meta = results.metadata
    return Release(
        version=None if meta.get("version") is None else str(meta["version"]),
        title=str(meta.get("title") or ""),
        date=None if meta.get("date") is None else str(meta["date"]),
        data_sha256=results.data.sha256,
        customers=results.data.n_rows,
        chosen_k=results.selection.chosen_k,
        tool_version=getattr(results.provenance, "tool_version", None),
        git_commit=results.provenance.git_commit,
    )


def _customers(before: Results, now: Results, before_ids, now_ids, joined):
    """The customer flow and the old x new count matrix of returning customers (None when
    customers cannot be followed)."""
    missing = [side for side, ids in (("the earlier release", before_ids), ("this release", now_ids))
               if ids is None]
    if missing:
        reason = (f"{' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no customer "
                  "id column (data.id_column), so customers cannot be followed from one release "
                  "to the next: how many are new, departed or returning, where returning "
                  "customers moved and the adjusted Rand index are not compared; segments are "
                  "matched on their centres instead")
        return Customers(by_id=False, reason=reason, before=before.data.n_rows,
                         now=now.data.n_rows), None
    k_old, k_new = before.selection.chosen_k, now.selection.chosen_k
    counts = np.zeros((k_old, k_new), np.int64)
    np.add.at(counts, (joined["before"].to_numpy(), joined["now"].to_numpy()), 1)
    returning = int(counts.sum())
    flow = Customers(by_id=True, reason=None, before=len(before_ids), now=len(now_ids),
                     returning=returning, new=len(now_ids) - returning,
                     departed=len(before_ids) - returning)
    return flow, counts


def _match_on_customers(counts: np.ndarray) -> dict[int, int]:
    """Old cluster -> new cluster for the pairs that are the same group."""
    rows, cols = linear_sum_assignment(-counts)
    row_totals, col_totals = counts.sum(1), counts.sum(0)
    return {int(i): int(j) for i, j in zip(rows, cols, strict=True)
            if counts[i, j] > 0 and counts[i, j] >= MIN_SHARED * min(row_totals[i], col_totals[j])}


def _match_on_centres(before: Results, now: Results) -> dict[int, int]:
    spread = {f.column: f.std if f.std > 0 else 1.0 for f in now.data.features}
    columns = [c for c in spread if all(c in p.centre for p in before.profiles)]
    if not columns:
        return {}

    def centres(results):
        return np.array([[p.centre[c] / spread[c] for c in columns]
                         for p in sorted(results.profiles, key=lambda p: p.cluster)])

    a, b = centres(before), centres(now)
    distance = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).mean(axis=2))
    rows, cols = linear_sum_assignment(distance)
    return {int(i): int(j) for i, j in zip(rows, cols, strict=True)
            if distance[i, j] < MAX_CENTRE_DISTANCE}


def _names(results: Results, names: dict[int, str] | None = None) -> list[str]:
    names = names or {}
    return [names.get(s.cluster, s.name) for s in sorted(results.segments, key=lambda s: s.cluster)]


def _transitions(before, now, flow, counts, pairs, joined):
    stayed = sum(int(counts[i, j]) for i, j in pairs.items())
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    ari = (float(adjusted_rand_score(joined["before"], joined["now"])) if len(joined) else 0.0)
    flow = Customers(**{**vars(flow), "moved": flow.returning - stayed})
    return flow, Transitions(before=_names(before), now=_names(now, kept_names(before, now, pairs)),
                             counts=counts.tolist(),
                             shares=np.round(shares, 6).tolist(), ari=ari)


def kept_names(before: Results, now: Results, pairs: dict[int, int]) -> dict[int, str]:
    """Each segment's name now, by cluster: a matched segment keeps its earlier name (the
    same group, the same name), the others their own; an earlier name that one of this
    release's other segments already bears is not carried over (names stay unique)."""
    old = {s.cluster: s.name for s in before.segments}
    names = {s.cluster: s.name for s in now.segments}
    carried = {j: old[i] for i, j in pairs.items()}
    taken = {n for c, n in names.items() if c not in carried}
    names.update({j: name for j, name in carried.items() if name not in taken})
    return names


def with_names(results: Results, names: dict[int, str]) -> Results:
    """`results` with its segments renamed (the numbers are untouched)."""
    return dataclasses.replace(results, segments=[
        dataclasses.replace(s, name=names.get(s.cluster, s.name)) for s in results.segments])


def _segments(before: Results, now: Results, pairs: dict[int, int], counts,
              names: dict[int, str]) -> list[SegmentChange]:
    old = {s.cluster: s for s in before.segments}
    new = {s.cluster: s for s in now.segments}
    old_centre = {p.cluster: p.centre for p in before.profiles}
    new_centre = {p.cluster: p.centre for p in now.profiles}

    def change(status, i, j):
        a, b = old.get(i), new.get(j)
        drift = ({c: float(new_centre[j][c] - old_centre[i][c]) for c in new_centre[j]
                  if c in old_centre[i]} if status == "kept" else {})
        return SegmentChange(
            status=status,
            before_cluster=i, before_name=a.name if a else None,
            now_cluster=j, now_name=names[j] if b else None,
            size_before=a.size if a else None, size_now=b.size if b else None,
            avg_spend_before=a.avg_spending if a else None,
            avg_spend_now=b.avg_spending if b else None,
            revenue_before=a.total_revenue if a else None,
            revenue_now=b.total_revenue if b else None,
            shared=None if counts is None or a is None or b is None else int(counts[i, j]),
            drift=drift,
            described_now=b.name if b and b.name != names[j] else None,
        )

    rows = [change("kept", i, pairs[i]) for i in sorted(pairs, key=lambda i: pairs[i])]
    matched_now = set(pairs.values())
    rows += [change("new", None, j) for j in sorted(new) if j not in matched_now]
    rows += [change("gone", i, None) for i in sorted(old) if i not in pairs]
    return rows


def _indices(before: Results, now: Results) -> list[IndexChange]:
    a, b = before.final, now.final
    return [
        IndexChange("Chosen K", before.selection.chosen_k, now.selection.chosen_k),
        IndexChange("How K was chosen", before.selection.reason, now.selection.reason),
        IndexChange("Silhouette", before.quality.silhouette, now.quality.silhouette),
        IndexChange("Structure", before.quality.label, now.quality.label),
        IndexChange("Calinski–Harabasz", a.calinski_harabasz, b.calinski_harabasz),
        IndexChange("Davies–Bouldin", a.davies_bouldin, b.davies_bouldin),
    ]


def _flatten(value, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: json.dumps(value, sort_keys=True, default=str)}


def _differences(before: Results, now: Results) -> list[Difference]:
    found = []
    if before.data.sha256 != now.data.sha256:
        found.append(Difference("data", "SHA-256 of the data", before.data.sha256,
                                now.data.sha256))
    if before.data.source != now.data.source:
        found.append(Difference("data", "source", before.data.source, now.data.source))
    old = _flatten({k: before.config.get(k) for k in ANALYSIS_SECTIONS})
    new = _flatten({k: now.config.get(k) for k in ANALYSIS_SECTIONS})
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key) and not key.startswith("data.path"):
            found.append(Difference("configuration", key, old.get(key), new.get(key)))
    a, b = before.provenance, now.provenance
    tool_a, tool_b = getattr(a, "tool_version", None), getattr(b, "tool_version", None)
    if tool_a != tool_b:
        found.append(Difference("code", "kmeans-report", tool_a, tool_b))
    if a.git_commit != b.git_commit and a.git_commit and b.git_commit:
        found.append(Difference("code", "git commit", a.git_commit, b.git_commit))
    for name in sorted(set(a.packages) | set(b.packages)):
        if a.packages.get(name) != b.packages.get(name):
            found.append(Difference("code", name, a.packages.get(name), b.packages.get(name)))
    return found
