"""Plotly figure builders: `Results` in, `go.Figure` out, no I/O.

`build_all(results)` returns every figure of the report with a stable name (slug), a
title, a caption and an alt text for the templates. Writing them to disk (HTML fragments
for the site, SVG for the PDF) is `report.figure_export`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import plotly.graph_objects as go

from kmeans_report.analysis.figures import style as st
from kmeans_report.analysis.figures.clusters import (
    cluster_profiles,
    pca_projection,
    segment_revenue,
    segment_sizes,
    segments_scatter,
    silhouette_plot,
)
from kmeans_report.analysis.figures.model import (
    SILHOUETTE_LINES,
    elbow,
    feature_distributions,
    roi_sensitivity,
    silhouette_by_k,
    silhouette_range,
    validity_indices,
)
from kmeans_report.analysis.figures.style import escape_text
from kmeans_report.analysis.metrics import NO_STRUCTURE_BELOW
from kmeans_report.analysis.results import Results

__all__ = [
    "FIGURE_NAMES", "FigureSpec", "build_all", "each_figure", "cluster_profiles", "elbow", "escape_text",
    "feature_distributions", "pca_projection", "roi_sensitivity", "segment_revenue",
    "segment_sizes", "silhouette_by_k", "silhouette_plot", "segments_scatter",
    "validity_indices",
]


@dataclass
class FigureSpec:
    """One figure of the report and the words that go with it.

    `title`, `caption` and `alt` are plain text (not escaped): the templates escape them for
    their own output format. `width`/`height` are the static export size in CSS pixels;
    on the site the figure keeps `height` and fills the column width.
    """

    name: str  # stable slug, used for file names and HTML ids
    title: str
    caption: str
    alt: str  # one or two sentences saying what the figure shows, with key numbers
    figure: go.Figure
    width: int = st.WIDTH
    height: int = st.HEIGHT


def _points_note(results: Results) -> str:
    pts = results.points
    if len(pts.cluster) >= pts.n_total:
        return f"Points: {pts.method} ({pts.n_total:,})."
    return f"Points: {pts.method}."


def _k_range(results: Results) -> str:
    ks = [r.k for r in results.sweep]
    return f"K = {min(ks)} to {max(ks)}"


def _elbow_words(results: Results) -> tuple[str, str]:
    sel, rows = results.selection, results.sweep
    knee = (f"the detected elbow is at K = {sel.elbow_k}" if sel.elbow_k is not None
            else "no clear elbow was detected")
    caption = (f"Inertia (within-cluster sum of squares on the scaled features) for "
               f"{_k_range(results)}; {knee}. The dashed line marks the chosen K = {sel.chosen_k}.")
    alt = (f"Line chart of inertia falling from {rows[0].inertia:,.0f} at K = {rows[0].k} to "
           f"{rows[-1].inertia:,.0f} at K = {rows[-1].k}; {knee}; chosen K = {sel.chosen_k}.")
    return caption, alt


def _silhouette_words(results: Results) -> tuple[str, str]:
    sel = results.selection
    best, chosen = results.sweep_row(sel.best_silhouette_k), results.final
    sampled = any(r.silhouette_se is not None for r in results.sweep)
    how = ("estimated on a sample; error bars show ± one standard error" if sampled
           else "computed exactly on all rows")
    low, high = silhouette_range([r.silhouette for r in results.sweep])
    drawn = [f"{t:.2f}" for t, _ in SILHOUETTE_LINES if low <= t <= high]
    caption = (f"Mean silhouette for {_k_range(results)} ({how}). The star marks the best K = "
               f"{best.k}; the dashed line the chosen K = {chosen.k}. Dotted lines are the usual "
               f"reading thresholds ({', '.join(drawn)}); below {NO_STRUCTURE_BELOW:.2f} a "
               "clustering shows no substantial structure.")
    alt = (f"Line chart of mean silhouette by K, highest at K = {best.k} ({best.silhouette:.3f}); "
           f"the chosen K = {chosen.k} scores {chosen.silhouette:.3f}.")
    return caption, alt


def _indices_words(results: Results) -> tuple[str, str]:
    rows = results.sweep
    ch = max(rows, key=lambda r: r.calinski_harabasz)
    db = min(rows, key=lambda r: r.davies_bouldin)
    k = results.selection.chosen_k
    caption = (f"Calinski–Harabasz index (top, higher is better) and Davies–Bouldin index "
               f"(bottom, lower is better) for {_k_range(results)}. Stars mark each index's best K; "
               f"dashed lines the chosen K = {k}.")
    alt = (f"Two line charts: Calinski–Harabasz is highest at K = {ch.k} "
           f"({ch.calinski_harabasz:,.1f}); "
           f"Davies–Bouldin is lowest at K = {db.k} ({db.davies_bouldin:.3f}); chosen K = {k}.")
    return caption, alt


def _scatter_words(results: Results) -> tuple[str, str]:
    fx, fy = st.scatter_axes(results)
    caption = (f"{fx.label} against {fy.label}, coloured by cluster; crosses mark the K-Means "
               f"cluster centres. {_points_note(results)}")
    centres = "; ".join(
        f"cluster {p.cluster} centre at {st.fmt_value(p.centre[fx.column])} and "
        f"{st.fmt_value(p.centre[fy.column])}"
        for p in sorted(results.profiles, key=lambda p: p.cluster))
    alt = (f"Scatter plot of {len(results.points.cluster):,} customers, {fx.label} on the x "
           f"axis and {fy.label} on the y axis, in {len(results.profiles)} colours: {centres}.")
    return caption, alt


def _profile_words(results: Results) -> tuple[str, str]:
    features = results.data.features
    caption = ("Cluster centres with each feature scaled to its observed range "
               "(0 = minimum, 1 = maximum over all customers).")
    parts = [f"cluster {s.cluster} ({s.name})"
             for s in sorted(results.segments, key=lambda s: s.cluster)]
    alt = (f"Line chart of {len(results.profiles)} cluster profiles across "
           f"{len(features)} features; " + "; ".join(parts) + ".")
    return caption, alt


def _sizes_words(results: Results) -> tuple[str, str]:
    segs = sorted(results.segments, key=lambda s: s.cluster)
    caption = "Number of customers in each segment, with its share of all customers."
    alt = "Bar chart of segment sizes: " + "; ".join(
        f"cluster {s.cluster} ({s.name}) {s.size:,} customers, {s.share * 100:.1f}%"
        for s in segs) + "."
    return caption, alt


def _revenue_words(results: Results) -> tuple[str, str]:
    segs = sorted(results.segments, key=lambda s: s.cluster)
    cur = results.roi.currency
    total = sum(s.total_revenue for s in segs) or 1.0
    spend = " + ".join(f.label for f in results.data.features if f.role == "spending")
    caption = (f"Total revenue of each segment (customers × average {spend}), "
               f"with its share of the total.")
    alt = "Bar chart of revenue by segment: " + "; ".join(
        f"cluster {s.cluster} ({s.name}) {st.fmt_money(s.total_revenue, cur)}, "
        f"{s.total_revenue / total * 100:.1f}%" for s in segs) + "."
    return caption, alt


def _silhouette_plot_words(results: Results) -> tuple[str, str]:
    q = results.quality
    caption = (f"Silhouette value of each customer, sorted within its cluster; values below 0 "
               f"sit closer to another cluster. The dashed line is the average silhouette "
               f"({q.silhouette:.3f}, {q.label.lower()}). {_points_note(results)}")
    per = "; ".join(f"cluster {p.cluster} averages {p.silhouette:.3f}"
                    for p in sorted(results.profiles, key=lambda p: p.cluster))
    alt = f"Silhouette plot, average {q.silhouette:.3f}: {per}."
    return caption, alt


def _pca_words(results: Results) -> tuple[str, str]:
    ex = list(results.points.pca_explained) + [0.0, 0.0]
    caption = (f"Customers projected on the first two principal components of the scaled "
               f"features, which explain {ex[0] * 100:.1f}% and {ex[1] * 100:.1f}% of the "
               f"variance; colours are clusters. {_points_note(results)}")
    alt = (f"Scatter plot of {len(results.points.cluster):,} customers on two principal components "
           f"({(ex[0] + ex[1]) * 100:.1f}% of the variance together), coloured by "
           f"{len(results.profiles)} clusters.")
    return caption, alt


def _distribution_words(results: Results) -> tuple[str, str]:
    d = results.data
    logged = [f.label for f in d.features if f.histogram.scale != "none"]
    caption = (f"Distribution of each feature over all {d.n_rows:,} customers analysed; the "
               f"vertical line marks the mean."
               + (" Features clustered on a log scale are drawn on it (ticks in their own "
                  "units)." if logged else ""))
    alt = "Histograms: " + "; ".join(
        f"{f.label} from {st.fmt_value(f.min)} to {st.fmt_value(f.max)}, "
        f"mean {st.fmt_value(f.mean)}, median {st.fmt_value(f.median)}"
        for f in d.features) + "."
    return caption, alt


def _roi_words(results: Results) -> tuple[str, str]:
    roi = results.roi
    be = (f"break-even needs an efficiency gain of {roi.break_even_efficiency * 100:.1f}% at the "
          f"assumed impact share" if roi.break_even_efficiency is not None
          else "no break-even efficiency within reach" if roi.impact_share is not None
          else "")
    cost = st.fmt_money(roi.implementation_cost, roi.currency)
    marked = "; the square is the current assumption." if roi.assumed else "."
    caption = (f"Net ROI (annual return minus the {cost} "
               f"implementation cost, as a % of that cost) for each targeting efficiency and "
               f"impact share. The thick line separates losses from gains{marked} Colours use "
               f"a compressed (logarithmic) scale; the table above gives every value.")
    grid = roi.grid
    flat = [v for row in grid.net_roi_pct for v in row]
    alt = f"Heatmap of net ROI from {min(flat):,.0f}% to {max(flat):,.0f}%"
    if roi.assumed:
        alt += (f"; the current assumption ({roi.targeting_efficiency * 100:.0f}% efficiency, "
                f"{roi.impact_share * 100:.0f}% impact share) gives {roi.net_roi_pct:,.0f}%")
    return caption, alt + (f"; {be}." if be else ".")


def _scatter_title(results: Results) -> str:
    fx, fy = st.scatter_axes(results)
    return f"Customer clusters: {fx.label} vs {fy.label}"


def _has_roi(results: Results) -> bool:
    return results.roi is not None


def _has_roi_cost(results: Results) -> bool:
    """Net ROI needs the configured implementation cost."""
    return results.roi is not None and results.roi.grid.net_roi_pct is not None


def _two_features(results: Results) -> bool:
    return len(results.data.features) >= 2


# name, title, builder, words, when (None: always): the order is the order of the report
FIGURES: tuple[tuple[str, str | Callable, Callable[[Results], go.Figure], Callable,
                     Callable | None], ...] = (
    ("feature-distributions", "Feature distributions", feature_distributions, _distribution_words,
     None),
    ("elbow", "Elbow method: inertia by K", elbow, _elbow_words, None),
    ("silhouette-by-k", "Silhouette analysis by K", silhouette_by_k, _silhouette_words, None),
    ("validity-indices", "Calinski–Harabasz and Davies–Bouldin by K", validity_indices,
     _indices_words, None),
    ("segments-scatter", _scatter_title, segments_scatter, _scatter_words, _two_features),
    ("cluster-profiles", "Cluster profiles (normalised centres)", cluster_profiles, _profile_words,
     None),
    ("silhouette-plot", "Silhouette plot of the chosen clustering", silhouette_plot,
     _silhouette_plot_words, None),
    ("pca", "Customers on the first two principal components", pca_projection, _pca_words,
     _two_features),
    ("segment-sizes", "Segment sizes", segment_sizes, _sizes_words, None),
    ("segment-revenue", "Revenue by segment", segment_revenue, _revenue_words,
     _has_roi),
    ("roi-sensitivity", "ROI sensitivity", roi_sensitivity, _roi_words, _has_roi_cost),
)
FIGURE_NAMES = tuple(name for name, *_ in FIGURES)


def build_all(results: Results) -> dict[str, FigureSpec]:
    """Every figure the results call for, in report order, keyed by its stable name (the
    revenue and ROI charts need a spending role; the scatters two features)."""
    return {spec.name: spec for spec in each_figure(results)}


def each_figure(results: Results) -> Iterator[FigureSpec]:
    """`build_all`'s figures one at a time, each built when asked for (a caller can export
    one while the next is built)."""
    for name, title, build, words, when in FIGURES:
        if when is not None and not when(results):
            continue
        title = title(results) if callable(title) else title
        fig = build(results)
        caption, alt = words(results)
        height = int(fig.layout.height or st.HEIGHT)
        yield FigureSpec(name=name, title=title, caption=caption, alt=alt, figure=fig,
                         width=st.WIDTH, height=height)
