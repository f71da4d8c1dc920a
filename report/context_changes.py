"""Changes -> formatted values for the Changes page, the home page's line and the PDF.
Every sentence holds for any comparison: with or without ids, K equal or not."""

from __future__ import annotations

from typing import Any

from kmeans_report.analysis.compare.records import Changes

from .formatting import money, number, percent, score
from .wording import measure

STATUS_WORDS = {"kept": "same group", "new": "new", "gone": "gone"}


def _release_name(release) -> str:
    return f"version {release.version}" if release.version else "the earlier release"


def _short(value: str | None) -> str:
    """A long value (a SHA-256, a commit, a long setting) shortened for a table cell; the
    full value is in changes.json."""
    if value is None:
        return "—"
    return value if len(value) <= 40 else value[:12] + "…"


def _index_value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return number(value)
    return score(value)


def changes_context(changes: Changes | None, currency: str, labels: dict[str, str]
                    ) -> dict[str, Any] | None:
    """`labels`: each feature column's label, for the drift table's headings."""
    if changes is None:
        return None
    c = changes.customers
    before, now = changes.before, changes.now
    segments = []
    for s in changes.segments:
        name = s.now_name if s.status != "gone" else s.before_name
        segments.append({
            "name": name, "status": STATUS_WORDS[s.status],
            "described": s.described_now or "",
            "size_before": number(s.size_before) if s.size_before is not None else "—",
            "size_now": number(s.size_now) if s.size_now is not None else "—",
            "spend_before": money(s.avg_spend_before, currency),
            "spend_now": money(s.avg_spend_now, currency),
            "revenue_before": money(s.revenue_before, currency),
            "revenue_now": money(s.revenue_now, currency),
            "shared": number(s.shared) if s.shared is not None else "—",
        })
    drift = [{"name": s.now_name,
              "cells": [measure(s.drift.get(col), unit, currency) for col, unit in
                        changes.features.items()]}
             for s in changes.kept]
    transitions = None
    if changes.transitions is not None:
        t = changes.transitions
        transitions = {
            "now": t.now,
            "rows": [{"name": name, "cells": [f"{number(n)} ({percent(share)})"
                                              for n, share in zip(row, shares, strict=True)]}
                     for name, row, shares in zip(t.before, t.counts, t.shares, strict=True)],
            "ari": score(t.ari),
        }
    counts = ({"returning": number(c.returning), "new": number(c.new),
               "departed": number(c.departed), "moved": number(c.moved)} if c.by_id else None)
    kept = len(changes.kept)
    summary = (f"Compared with {_release_name(before)}: {counts['new']} new customers, "
               f"{counts['departed']} departed, {counts['moved']} of {counts['returning']} "
               f"returning customers in another segment; {kept} of {now.chosen_k} segments "
               "are the same groups as before." if counts else
               f"Compared with {_release_name(before)}: {number(before.customers)} customers "
               f"then, {number(now.customers)} now; {kept} of {now.chosen_k} segments match "
               "an earlier one by their centres (customers were not followed: no ids).")
    return {
        "before": _release_name(before),
        "now": _release_name(now),
        "summary": summary,
        "by_id": c.by_id,
        "reason": c.reason or "",
        "customers_before": number(c.before),
        "customers_now": number(c.now),
        "counts": counts,
        "matched_by": changes.matched_by,
        "segments": segments,
        "features": [labels.get(column, column) for column in changes.features],
        "drift": drift,
        "transitions": transitions,
        "indices": [{"name": i.name, "before": _index_value(i.before),
                     "now": _index_value(i.now)} for i in changes.indices],
        "spend": any(s.avg_spend_before is not None or s.avg_spend_now is not None
                     for s in changes.segments),
        "differences": [{"kind": d.kind, "item": d.item, "before": _short(d.before),
                         "now": _short(d.now)} for d in changes.differences],
    }
