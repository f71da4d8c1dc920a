"""Figures of choosing K, of the data and of the ROI (no clusters drawn): Results in, figure out."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kmeans_report.analysis.figures import style as st
from kmeans_report.analysis.metrics import NO_STRUCTURE_BELOW, QUALITY_BANDS
from kmeans_report.analysis.preprocess import TRANSFORMS
from kmeans_report.analysis.results import Results

# Histograms of features clustered on a transformed scale are drawn on it, and say so.
SCALE_NOTES = {"log1p": ", log scale", "asinh": ", asinh scale"}
K_AXIS = {"title": {"text": "Number of clusters (K)"}, "dtick": 1, "showgrid": False}
# The usual reading of the average silhouette: what lies above each line.
SILHOUETTE_LINES = tuple(
    (t, f"above {t:.2f}: {label.lower()}" + (" (below: none)" if t == NO_STRUCTURE_BELOW else ""))
    for t, _, label in reversed(QUALITY_BANDS) if t > -1)


def _line(x, y, name: str, **extra) -> go.Scatter:
    return go.Scatter(
        x=x, y=y, name=name, mode="lines+markers",
        line={"color": st.INK, "width": 2.5}, marker={"size": 8, "color": st.INK},
        **extra,
    )


def _star(x: int, y: float, name: str, colour: str = st.OKABE_ITO[2]) -> go.Scatter:
    return go.Scatter(
        x=[x], y=[y], name=name, mode="markers", hoverinfo="name+y",
        marker={"symbol": "star", "size": 18, "color": colour,
                "line": {"color": st.INK, "width": 1}},
    )


def elbow(results: Results) -> go.Figure:
    """Inertia by K, the detected knee (or a note that there is none) and the chosen K."""
    rows = results.sweep
    ks = [r.k for r in rows]
    fig = st.new_figure(xaxis=K_AXIS,
                        yaxis={"title": {"text": "Inertia (within-cluster sum of squares)"}})
    fig.add_trace(_line(ks, [r.inertia for r in rows], "Inertia",
                        hovertemplate="K = %{x}<br>inertia %{y:,.0f}<extra></extra>"))
    knee = results.selection.elbow_k
    if knee is not None:
        y = results.sweep_row(knee).inertia
        fig.add_trace(go.Scatter(
            x=[knee], y=[y], mode="markers", name=f"Elbow (knee) at K = {knee}",
            marker={"symbol": "circle-open", "size": 22, "color": st.OKABE_ITO[2],
                    "line": {"width": 3}},
            hovertemplate=f"elbow at K = {knee}<extra></extra>",
        ))
    else:
        fig.add_annotation(
            text="no clear elbow detected", xref="paper", yref="paper", x=0.98, y=0.95,
            xanchor="right", showarrow=False, font={"color": st.MUTED},
            bgcolor="rgba(255,255,255,0.85)", bordercolor=st.GRID, borderpad=4,
        )
    st.mark_chosen_k(fig, results.selection.chosen_k)
    return fig


def silhouette_range(values: list[float]) -> tuple[float, float]:
    """The silhouette axis: from 0 (or below the lowest value) to past the next threshold."""
    return min(0.0, min(values) - 0.05), min(1.0, max(0.55, max(values) + 0.08))


def silhouette_by_k(results: Results) -> go.Figure:
    """Mean silhouette by K (± standard error when sampled), best K and chosen K."""
    rows = results.sweep
    ks = [r.k for r in rows]
    values = [r.silhouette for r in rows]
    sampled = any(r.silhouette_se is not None for r in rows)
    error = ({"type": "data", "array": [r.silhouette_se or 0.0 for r in rows],
              "color": st.MUTED, "thickness": 1.5, "width": 5} if sampled else None)
    # The y axis starts at 0 and reaches past the next reading threshold, so small
    # differences look small and every line drawn is labelled with what it means.
    low, high = silhouette_range(values)
    fig = st.new_figure(xaxis=K_AXIS,
                        yaxis={"title": {"text": "Mean silhouette (higher is better)"},
                               "range": [low, high]})
    for threshold, text in SILHOUETTE_LINES:
        if low <= threshold <= high:
            fig.add_hline(y=threshold, line={"color": st.MUTED, "dash": "dot", "width": 1},
                          annotation_text=text, annotation_position="top right",
                          annotation_font={"color": st.MUTED, "size": st.FONT_SIZE - 2})
    fig.add_trace(_line(ks, values, "Mean silhouette", error_y=error,
                        hovertemplate="K = %{x}<br>silhouette %{y:.3f}<extra></extra>"))
    best = results.selection.best_silhouette_k
    fig.add_trace(_star(best, results.sweep_row(best).silhouette, f"Best silhouette at K = {best}"))
    st.mark_chosen_k(fig, results.selection.chosen_k)
    return fig


def validity_indices(results: Results) -> go.Figure:
    """Calinski–Harabasz (higher is better) and Davies–Bouldin (lower is better) by K."""
    rows = results.sweep
    ks = [r.k for r in rows]
    # Stacked, not side by side: each panel keeps the full width for its ticks and title.
    fig = make_subplots(
        rows=2, cols=1, vertical_spacing=0.2,
        subplot_titles=("Calinski–Harabasz (higher is better)", "Davies–Bouldin (lower is better)"),
    )
    fig.update_layout(st.base_layout(height=560, showlegend=False))
    panels = (
        ("Calinski–Harabasz", [r.calinski_harabasz for r in rows], max, ":,.1f"),
        ("Davies–Bouldin", [r.davies_bouldin for r in rows], min, ":.3f"),
    )
    for col, (name, values, pick, fmt) in enumerate(panels, start=1):
        fig.add_trace(_line(ks, values, name, showlegend=False,
                            hovertemplate=f"K = %{{x}}<br>{name} %{{y{fmt}}}<extra></extra>"),
                      row=col, col=1)
        best_value = pick(values)
        best_k = ks[values.index(best_value)]
        fig.add_trace(_star(best_k, best_value, f"Best {name} at K = {best_k}"), row=col, col=1)
        fig.add_annotation(x=best_k, y=best_value, text=f"best K = {best_k}", showarrow=False,
                           yshift=-22 if pick is max else 22, xshift=8, xanchor="left",
                           font={"color": st.OKABE_ITO[2], "size": st.FONT_SIZE - 1},
                           row=col, col=1)
        st.mark_chosen_k(fig, results.selection.chosen_k, row=col, col=1)
        fig.update_xaxes(K_AXIS, row=col, col=1)
    st.style_axes(fig)
    fig.update_xaxes(showgrid=False)
    fig.update_layout(margin={"t": 40})
    return fig


def _scale_ticks(low: float, high: float, transform) -> tuple[list[float], list[str]]:
    """Axis ticks for values drawn on a log-like scale: 0, ±1, ±10, ±100 ... (and 2 and 5
    between them when few decades show) at their transformed positions, labelled in the
    feature's own units."""
    top = max(abs(low), abs(high), 1.0)
    decades = [10.0 ** k for k in range(0, math.ceil(math.log10(top)) + 1)]
    steps = decades if len(decades) > 3 else [m * d for d in decades for m in (1, 2, 5)]
    values = sorted({0.0, *steps, *(-v for v in steps)})
    shown = [v for v in values if low <= v <= high]
    return [float(transform(v)) for v in shown], [st.fmt_tick(v) for v in shown]


def feature_distributions(results: Results) -> go.Figure:
    """Histograms of every feature over all rows (precomputed bins), mean marked. A feature
    clustered on a log scale (log1p, asinh) is drawn on that scale, its ticks in its units."""
    features = results.data.features
    cols = 2 if len(features) > 1 else 1
    rows = math.ceil(len(features) / cols)
    height = max(st.HEIGHT, 260 * rows + 40)
    # the gap between rows in pixels (room for the next title), as plotly's share of the height
    fig = make_subplots(rows=rows, cols=cols, vertical_spacing=min(0.16, 70 / height),
                        horizontal_spacing=0.1,
                        subplot_titles=[st.axis_title(f) + SCALE_NOTES.get(f.histogram.scale, "")
                                        for f in features])
    fig.update_layout(st.base_layout(height=height, showlegend=False, bargap=0.02))
    for i, f in enumerate(features):
        row, col = i // cols + 1, i % cols + 1
        edges = np.asarray(f.histogram.edges, dtype=float)
        to_scale = TRANSFORMS.get(f.histogram.scale) or (lambda v: v)
        drawn = np.asarray(to_scale(edges), dtype=float)
        mids = (drawn[:-1] + drawn[1:]) / 2
        widths = np.diff(drawn)
        fig.add_trace(go.Bar(
            x=mids.tolist(), y=f.histogram.counts, width=widths.tolist(),
            name=st.escape_text(f.label),
            marker={"color": st.NEUTRAL_FILL, "line": {"color": "white", "width": 0.5}},
            customdata=np.column_stack([edges[:-1], edges[1:]]).tolist(),
            hovertemplate="%{customdata[0]:,.4~g} – %{customdata[1]:,.4~g}: "
                          "%{y:,} customers<extra></extra>",
        ), row=row, col=col)
        fig.add_vline(x=float(to_scale(f.mean)), row=row, col=col,
                      line={"color": st.OKABE_ITO[0], "width": 2},
                      annotation_text=f"mean {st.fmt_value(f.mean)}",
                      annotation_position="top right",
                      annotation_font={"color": st.OKABE_ITO[0], "size": st.FONT_SIZE - 2})
        if f.histogram.scale in SCALE_NOTES:
            tickvals, ticktext = _scale_ticks(float(edges[0]), float(edges[-1]), to_scale)
            fig.update_xaxes(tickvals=tickvals, ticktext=ticktext, row=row, col=col)
        else:
            fig.update_xaxes(tickformat="~s" if max(abs(f.min), abs(f.max)) >= 10_000 else None,
                             row=row, col=col)
        fig.update_yaxes(title_text="Customers" if col == 1 else None, row=row, col=col)
    st.style_axes(fig)
    return fig


def _sign_boundaries(z: np.ndarray) -> tuple[list, list]:
    """Cell edges between a negative and a non-negative cell of a grid drawn at integer
    positions: the break-even line of the heatmap, read off the grid itself."""
    xs: list = []
    ys: list = []
    neg = z < 0
    n_rows, n_cols = z.shape
    for i in range(n_rows):
        for j in range(n_cols):
            if j + 1 < n_cols and neg[i, j] != neg[i, j + 1]:
                xs += [j + 0.5, j + 0.5, None]
                ys += [i - 0.5, i + 0.5, None]
            if i + 1 < n_rows and neg[i, j] != neg[i + 1, j]:
                xs += [j - 0.5, j + 0.5, None]
                ys += [i + 0.5, i + 0.5, None]
    return xs, ys


def _signed_log(pct: np.ndarray) -> np.ndarray:
    """Colour scale position for net ROI %: sign kept, magnitude compressed (1 = +100%)."""
    return np.sign(pct) * np.log10(1 + np.abs(pct) / 100)


def _roi_colours(t: np.ndarray) -> list:
    """Diverging scale (ColorBrewer RdBu, colour-blind safe) with white exactly at break-even,
    so losses are red however small the loss range is next to the gains."""
    lo, hi = float(t.min()), float(t.max())
    blues = [[0.0, "#F7F7F7"], [0.35, "#92C5DE"], [0.7, "#4393C3"], [1.0, "#08306B"]]
    if lo >= 0 or hi <= lo:
        return blues
    if hi <= 0:
        return [[0.0, "#B2182B"], [1.0, "#F7F7F7"]]
    mid = -lo / (hi - lo)
    return ([[0.0, "#B2182B"], [mid / 2, "#EF8A62"]]
            + [[mid + (1 - mid) * pos, colour] for pos, colour in blues])


def roi_sensitivity(results: Results) -> go.Figure:
    """Net ROI % over targeting efficiency × impact share, break-even edge and the assumption."""
    roi = results.roi
    grid = roi.grid
    z = np.asarray(grid.net_roi_pct, dtype=float)  # [impact share][efficiency]
    x_text = [st.fmt_pct(e, 0) for e in grid.efficiencies]
    y_text = [st.fmt_pct(s, 0) for s in grid.impact_shares]
    ticks = [t for t in (0, 100, 1_000, 10_000, 100_000) if z.min() <= t <= z.max()]
    if z.min() < 0:
        ticks.insert(0, round(float(z.min())))
    fig = st.new_figure(
        height=st.HEIGHT + 2 * st.LEGEND_ROW,
        xaxis={"title": {"text": "Targeting efficiency improvement"}, "showline": False,
               "tickvals": list(range(len(x_text))), "ticktext": x_text, "showgrid": False,
               "range": [-0.5, len(x_text) - 0.5]},
        yaxis={"title": {"text": "Impact share of revenue"}, "tickvals": list(range(len(y_text))),
               "ticktext": y_text, "showgrid": False, "showline": False,
               "range": [-0.5, len(y_text) - 0.5]},
        margin={"l": 70, "r": 24, "t": 24, "b": 60 + 2 * st.LEGEND_ROW},
    )
    fig.add_trace(go.Heatmap(
        # No numbers printed in the cells: they would not fit a phone; the ROI page's table
        # holds every value, and the tooltip shows it.
        z=_signed_log(z).tolist(), text=[[f"{v:,.0f}%" for v in row] for row in z],
        colorscale=_roi_colours(_signed_log(z)), xgap=1, ygap=1,
        colorbar={"title": {"text": "Net ROI", "side": "right"}, "thickness": 14,
                  "tickvals": _signed_log(np.array(ticks, dtype=float)).tolist(),
                  "ticktext": [f"{t:,}%" for t in ticks]},
        customdata=np.dstack(np.meshgrid(x_text, y_text)).tolist(),
        hovertemplate="efficiency %{customdata[0]}, impact share %{customdata[1]}"
                      "<br>net ROI %{text}<extra></extra>",
        name="Net ROI",
    ))
    xs, ys = _sign_boundaries(z)
    if xs:
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="Break-even (net ROI = 0)",
                                 line={"color": st.INK, "width": 3}, hoverinfo="skip"))
    if not roi.assumed:  # no assumption of the user's to mark
        return fig
    cx = float(np.interp(roi.targeting_efficiency, grid.efficiencies, range(len(x_text))))
    cy = float(np.interp(roi.impact_share, grid.impact_shares, range(len(y_text))))
    fig.add_trace(go.Scatter(
        x=[cx], y=[cy], mode="markers", name=(
            f"Current assumption: {st.fmt_pct(roi.targeting_efficiency, 0)} × "
            f"{st.fmt_pct(roi.impact_share, 0)} → {roi.net_roi_pct:,.0f}%"),
        marker={"symbol": "square-open", "size": 26, "color": st.INK, "line": {"width": 3}},
        hoverinfo="name",
    ))
    return fig
