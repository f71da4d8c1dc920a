"""The figure of the Changes page: where returning customers went, as a heat-map of shares
(rows: segments in the earlier release, columns: segments now; each cell's count shown)."""

from __future__ import annotations

import plotly.graph_objects as go

from kmeans_report.analysis.compare.records import Changes
from kmeans_report.analysis.figures import FigureSpec
from kmeans_report.analysis.figures import style as st


def transitions(changes: Changes) -> FigureSpec | None:
    """None when customers were not followed by id (no transition table)."""
    t = changes.transitions
    if t is None:
        return None
    before = [st.escape_text(st.short(n, 28)) for n in t.before]
    now = [st.escape_text(st.short(n, 28)) for n in t.now]
    text = [[f"{count:,}<br>{st.fmt_pct(share)}" for count, share in zip(row, shares, strict=True)]
            for row, shares in zip(t.counts, t.shares, strict=True)]
    height = max(st.HEIGHT, 160 + 48 * len(before))
    fig = st.new_figure(
        height,
        xaxis={"title": {"text": f"Segment now ({changes.now.version or 'this release'})"},
               "side": "bottom", "showgrid": False},
        yaxis={"title": {"text": f"Segment before ({changes.before.version or 'earlier'})"},
               "autorange": "reversed", "showgrid": False},
        margin={"l": 220},
    )
    fig.add_trace(go.Heatmap(
        z=t.shares, x=now, y=before, text=text, texttemplate="%{text}", zmin=0, zmax=1,
        colorscale=[[0, "#FFFFFF"], [1, "#0072B2"]], showscale=False,
        hovertemplate="%{y} → %{x}<br>%{text}<extra></extra>"))
    returning = sum(map(sum, t.counts))
    stayed = returning - (changes.customers.moved or 0)
    return FigureSpec(
        name="transitions",
        title="Where returning customers went",
        caption=(f"The {returning:,} customers in both releases, by their segment then (rows) "
                 "and now (columns); each cell gives the count and its share of the row. "
                 f"Adjusted Rand index {t.ari:.3f}."),
        alt=(f"A heat-map of {len(t.before)} earlier segments against {len(t.now)} segments "
             f"now: {stayed:,} of {returning:,} returning customers are in the same group, "
             f"{changes.customers.moved or 0:,} moved."),
        figure=fig, width=st.WIDTH + 160, height=height,
    )
