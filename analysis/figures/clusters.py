"""Figures of the final clusters: one colour per cluster, the same in every figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from kmeans_report.analysis.figures import style as st
from kmeans_report.analysis.results import Results


def _cluster_points(results: Results, cluster: int) -> np.ndarray:
    return np.flatnonzero(np.asarray(results.points.cluster) == cluster)


def _marker(cluster: int, size: int = 6) -> dict:
    return {"color": st.cluster_colour(cluster), "symbol": st.cluster_symbol(cluster),
            "size": size, "opacity": 0.65, "line": {"width": 0}}


def segments_scatter(results: Results) -> go.Figure:
    """The notebook's scatter (spending vs frequency, or the two most telling features) by
    cluster, with the K-Means centres."""
    fx, fy = st.scatter_axes(results)
    xs = np.asarray(results.points.features[fx.column], dtype=float)
    ys = np.asarray(results.points.features[fy.column], dtype=float)
    fig = st.new_figure(**st.legend_layout(results, st.HEIGHT + 40, extra_items=1),
                        xaxis=st.value_axis(fx), yaxis=st.value_axis(fy))
    cur = results.config["roi"]["currency"]
    hover = (f"{st.escape_text(fx.label)}: {st.hover_value(fx, 'x', cur)}<br>"
             f"{st.escape_text(fy.label)}: {st.hover_value(fy, 'y', cur)}")
    for c in st.clusters(results):
        idx = _cluster_points(results, c)
        fig.add_trace(go.Scatter(
            x=xs[idx].tolist(), y=ys[idx].tolist(), mode="markers",
            name=st.segment_label(results, c), legendgroup=str(c), marker=_marker(c),
            hovertemplate=hover + "<extra>%{fullData.name}</extra>",
        ))
    centre_marker = {"symbol": "x", "size": 17, "line": {"color": st.INK, "width": 1.5}}
    for p in sorted(results.profiles, key=lambda p: p.cluster):
        fig.add_trace(go.Scatter(
            x=[p.centre[fx.column]], y=[p.centre[fy.column]], mode="markers",
            name=f"centre of {st.segment_label(results, p.cluster)}", showlegend=False,
            legendgroup="centres", marker={**centre_marker, "color": st.cluster_colour(p.cluster)},
            hovertemplate="%{fullData.name}<br>" + hover + "<extra></extra>",
        ))
    # one neutral legend entry for all centres (each centre is drawn in its cluster's colour)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="Cluster centres",
                             legendgroup="centres", marker={**centre_marker, "color": "white"}))
    return fig


def cluster_profiles(results: Results) -> go.Figure:
    """The notebook's profile chart: each centre scaled by the feature's min/max, one line each."""
    features = results.data.features
    labels = [st.escape_text(f.label) for f in features]
    fig = st.new_figure(
        **st.legend_layout(results),
        # positions on the axis, short names as ticks: long labels cannot squeeze the plot
        xaxis={"title": {"text": "Feature"}, "showgrid": False,
               "tickvals": list(range(len(features))),
               "ticktext": [st.escape_text(st.short(f.label)) for f in features]},  # cut, then escaped
        yaxis={"title": {"text": "Normalised centre (0 = min, 1 = max)"}, "range": [-0.03, 1.03]},
    )
    for p in sorted(results.profiles, key=lambda p: p.cluster):
        norm = [(p.centre[f.column] - f.min) / (f.max - f.min) if f.max > f.min else 0.5
                for f in features]
        fig.add_trace(go.Scatter(
            x=list(range(len(features))), y=norm, mode="lines+markers",
            name=st.segment_label(results, p.cluster), text=labels,
            line={"color": st.cluster_colour(p.cluster), "width": 3},
            marker={"size": 9, "symbol": st.cluster_symbol(p.cluster)},
            customdata=[p.centre[f.column] for f in features],
            hovertemplate="%{text}: %{customdata:,.4~g} (normalised %{y:.2f})"
                          "<extra>%{fullData.name}</extra>",
        ))
    return fig


def _segment_bars(results: Results, values: list[float], text: list[str], axis_title: str,
                  hover: str) -> go.Figure:
    segments = sorted(results.segments, key=lambda s: s.cluster)
    labels = [st.segment_label(results, s.cluster) for s in segments]
    fig = st.new_figure(
        height=max(260, 90 + 56 * len(segments)), showlegend=False,
        xaxis={"title": {"text": axis_title}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": ""},
        margin={"l": 20, "r": 30, "t": 20, "b": 60},
    )
    fig.update_yaxes(tickvals=list(range(len(segments))),
                     ticktext=[st.segment_label(results, s.cluster, 40) for s in segments])
    fig.add_trace(go.Bar(
        x=values, y=list(range(len(segments))), orientation="h", text=text, textposition="auto",
        customdata=labels,
        marker={"color": [st.cluster_colour(s.cluster) for s in segments]},
        cliponaxis=False, hovertemplate=hover,
        insidetextfont={"color": [st.text_colour_on(st.cluster_colour(s.cluster))
                                  for s in segments]},
    ))
    return fig


def segment_sizes(results: Results) -> go.Figure:
    """Customers per segment, with shares."""
    segs = sorted(results.segments, key=lambda s: s.cluster)
    return _segment_bars(
        results, [s.size for s in segs], [f"{s.size:,} ({st.fmt_pct(s.share)})" for s in segs],
        "Customers", "%{customdata}<br>%{x:,} customers<extra></extra>")


def segment_revenue(results: Results) -> go.Figure:
    """Total revenue per segment, with shares of the total."""
    segs = sorted(results.segments, key=lambda s: s.cluster)
    total = sum(s.total_revenue for s in segs) or 1.0
    cur = st.escape_text(results.roi.currency)
    fig = _segment_bars(
        results, [s.total_revenue for s in segs],
        [f"{st.fmt_money(s.total_revenue, cur)} ({st.fmt_pct(s.total_revenue / total)})"
         for s in segs],
        f"Total revenue ({cur})" if cur else "Total revenue", "%{customdata}<br>%{text}<extra></extra>")
    fig.update_xaxes(tickformat="~s")
    return fig


def silhouette_plot(results: Results) -> go.Figure:
    """The classic silhouette plot: each cluster's values sorted, drawn as filled bars."""
    pts = results.points
    values = np.asarray(pts.silhouette, dtype=float)
    labels = np.asarray(pts.cluster)
    gap = max(4, len(values) // 60)
    fig = st.new_figure(
        **st.legend_layout(results, st.HEIGHT + 40),
        xaxis={"title": {"text": "Silhouette value"},
               "range": [min(-0.1, values.min() - 0.05), min(1.0, max(0.6, values.max() + 0.1))]},
        yaxis={"title": {"text": "Customers, sorted within each cluster"}, "showgrid": False,
               "showline": False, "zeroline": False, "ticks": ""},
    )
    start, tickvals, ticktext = 0, [], []
    for c in st.clusters(results):
        v = np.sort(values[labels == c])[::-1]
        y = np.arange(start, start + len(v))
        # a closed outline (0 → values → 0) filled: one path per cluster instead of one bar per row
        fig.add_trace(go.Scatter(
            x=[0.0, *v.round(4).tolist(), 0.0], y=[start, *y.tolist(), start + len(v) - 1],
            mode="lines", fill="toself", name=st.segment_label(results, c),
            line={"color": st.cluster_colour(c), "width": 0.5},
            fillcolor=st.cluster_colour(c), opacity=0.85, hoveron="fills",
            hoverinfo="name",
        ))
        tickvals.append(start + len(v) / 2)
        ticktext.append(f"Cluster {c}")
        start += len(v) + gap
    avg = results.quality.silhouette
    fig.add_vline(x=avg, line={"color": st.INK, "dash": "dash", "width": 2},
                  annotation_text=f"average {avg:.3f}", annotation_position="top right",
                  annotation_font={"color": st.INK})
    fig.add_vline(x=0, line={"color": st.MUTED, "width": 1})
    fig.update_yaxes(tickvals=tickvals, ticktext=ticktext, autorange="reversed")
    return fig


def pca_projection(results: Results) -> go.Figure:
    """Customers on the first two principal components of the scaled features."""
    pts = results.points
    coords = np.asarray(pts.pca, dtype=float).reshape(len(pts.cluster), -1)
    explained = list(pts.pca_explained) + [0.0, 0.0]
    if coords.shape[1] < 2:  # a single feature: PC2 is zero
        coords = np.column_stack([coords[:, 0], np.zeros(len(coords))])
    fig = st.new_figure(
        **st.legend_layout(results, st.HEIGHT + 40),
        xaxis={"title": {"text": f"PC1 ({st.fmt_pct(explained[0])} of variance)"}},
        yaxis={"title": {"text": f"PC2 ({st.fmt_pct(explained[1])} of variance)"}},
    )
    for c in st.clusters(results):
        idx = _cluster_points(results, c)
        fig.add_trace(go.Scatter(
            x=coords[idx, 0].round(4).tolist(), y=coords[idx, 1].round(4).tolist(), mode="markers",
            name=st.segment_label(results, c), marker=_marker(c),
            hovertemplate="PC1 %{x:.2f}, PC2 %{y:.2f}<extra>%{fullData.name}</extra>",
        ))
    return fig
