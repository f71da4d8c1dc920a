"""Figure builders: every figure has data, colours match, K marks, escaping, captions, size."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import plotly.graph_objects as go
import pytest

from kmeans_report.analysis.config import load_config
from kmeans_report.analysis.figures import FIGURE_NAMES, FigureSpec, build_all, elbow, escape_text
from kmeans_report.analysis.figures import style as st
from kmeans_report.analysis.pipeline import run_analysis

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script>"
SCATTERS = ("segments-scatter", "pca", "silhouette-plot")


@pytest.fixture(scope="module")
def results():
    return run_analysis(load_config(ROOT / "report.yml")).results


@pytest.fixture(scope="module")
def specs(results) -> dict[str, FigureSpec]:
    return build_all(results)


def _texts(fig: go.Figure) -> str:
    """Every piece of text plotly will show (traces, axes, annotations), as one JSON string.

    (Re-dumped because plotly's own JSON writes `<` and `/` as \\u escapes.)"""
    return json.dumps(json.loads(fig.to_json()), ensure_ascii=False)


def test_escape_text_neutralises_markup():
    assert escape_text(HOSTILE) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_text("R&D <b>") == "R&amp;D &lt;b&gt;"
    assert escape_text("plain") == "plain"


def test_build_all_names_and_words(specs):
    assert tuple(specs) == FIGURE_NAMES
    assert len(FIGURE_NAMES) == 11
    for name, spec in specs.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert spec.name == name
        assert spec.title and spec.caption.endswith(".") and spec.alt.endswith(".")
        assert re.search(r"\d", spec.alt), f"{name}: alt text should carry key numbers"
        assert 200 <= spec.height <= 900 and spec.width == st.WIDTH


def test_every_figure_has_data_traces(specs):
    for name, spec in specs.items():
        data = [t for t in spec.figure.data if getattr(t, "x", None) is not None
                or getattr(t, "z", None) is not None]
        assert data, f"{name} has no data traces"
        assert spec.figure.layout.paper_bgcolor == "white"


def test_cluster_colours_are_the_same_in_every_figure(results, specs):
    seen: dict[str, set[str]] = {}
    for spec in specs.values():
        for trace in spec.figure.data:
            name = trace.name or ""
            if not name.startswith("Cluster ") or not isinstance(trace, go.Scatter):
                continue
            colour = trace.line.color if trace.mode == "lines+markers" else (
                trace.fillcolor or trace.marker.color)
            seen.setdefault(name, set()).add(colour)
    labels = {st.segment_label(results, p.cluster): p.cluster for p in results.profiles}
    assert set(labels) <= set(seen), "every segment appears in a legend"
    for label, cluster in labels.items():
        assert seen[label] == {st.cluster_colour(cluster)}, label
    bars = specs["segment-sizes"].figure.data[0]
    assert list(bars.marker.color) == [st.cluster_colour(s.cluster)
                                       for s in sorted(results.segments, key=lambda s: s.cluster)]


def test_legends_use_segment_names(results, specs):
    names = {t.name for t in specs["segments-scatter"].figure.data}
    for seg in results.segments:
        assert f"Cluster {seg.cluster} — {seg.name}" in names


def test_palette_stays_distinct_beyond_eight_clusters():
    styles = {(st.cluster_colour(c), st.cluster_symbol(c)) for c in range(20)}
    assert len(styles) == 20


def _annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("name", ["elbow", "silhouette-by-k", "validity-indices"])
def test_chosen_k_is_marked(results, name):
    for k in (results.selection.chosen_k, 7):
        changed = replace(results, selection=replace(results.selection, chosen_k=k))
        fig = build_all(changed)[name].figure
        assert f"chosen K = {k}" in _annotations(fig)
        assert any(s.type == "line" and s.x0 == k == s.x1 for s in fig.layout.shapes)


def test_elbow_marks_the_knee_or_says_there_is_none(results):
    fig = elbow(results)
    k = results.selection.elbow_k
    assert k is not None  # the default data has a knee
    knee = [t for t in fig.data if "Elbow" in (t.name or "")]
    assert knee and list(knee[0].x) == [k]
    changed = replace(results, selection=replace(results.selection, elbow_k=None))
    fig = elbow(changed)
    assert not [t for t in fig.data if "Elbow" in (t.name or "")]
    assert "no clear elbow detected" in _annotations(fig)
    assert "no clear elbow" in build_all(changed)["elbow"].caption


def test_silhouette_error_bars_only_when_sampled(results, specs):
    assert not specs["silhouette-by-k"].figure.data[0].error_y.array
    changed = replace(results, sweep=[
        replace(row, silhouette_se=0.004, silhouette_sample_size=10_000) for row in results.sweep])
    spec = build_all(changed)["silhouette-by-k"]
    line = next(t for t in spec.figure.data if t.name == "Mean silhouette")
    assert list(line.error_y.array) == [0.004] * len(changed.sweep)
    assert "standard error" in spec.caption
    best = next(t for t in spec.figure.data if "Best silhouette" in t.name)
    assert list(best.x) == [results.selection.best_silhouette_k]


def test_indices_say_which_direction_is_better(specs):
    texts = _annotations(specs["validity-indices"].figure)
    assert "Calinski–Harabasz (higher is better)" in texts
    assert "Davies–Bouldin (lower is better)" in texts


def test_scatter_uses_role_features_and_centres(results, specs):
    fig = specs["segments-scatter"].figure
    spending = next(f for f in results.data.features if f.role == "spending")
    assert spending.label in fig.layout.xaxis.title.text
    centres = [t for t in fig.data if (t.name or "").startswith("centre of")]
    assert sorted(round(t.x[0]) for t in centres) == sorted(
        round(p.centre[spending.column]) for p in results.profiles)


def test_profiles_are_normalised_by_feature_range(results, specs):
    fig = specs["cluster-profiles"].figure
    f0 = results.data.features[0]
    p0 = next(p for p in results.profiles if p.cluster == 0)
    line = next(t for t in fig.data if t.name.startswith("Cluster 0"))
    assert line.y[0] == pytest.approx((p0.centre[f0.column] - f0.min) / (f0.max - f0.min))
    assert all(0 <= y <= 1 for t in fig.data for y in t.y)


def test_pca_axes_state_explained_variance(results, specs):
    fig = specs["pca"].figure
    pct = f"{results.points.pca_explained[0] * 100:.1f}%"
    assert pct in fig.layout.xaxis.title.text


def test_roi_marks_break_even_and_assumption(results, specs):
    fig = specs["roi-sensitivity"].figure
    names = [t.name for t in fig.data]
    assert any(n.startswith("Current assumption") for n in names)
    grid = results.roi.grid.net_roi_pct
    has_loss = any(v < 0 for row in grid for v in row)
    assert ("Break-even (net ROI = 0)" in names) == has_loss


def test_captions_state_the_sampling_method(results, specs):
    for name in SCATTERS:
        assert results.points.method in specs[name].caption
    changed = replace(results, points=replace(
        results.points, method="uniform random sample of 2,000 of 50,000 customers (seed 49)",
        n_total=50_000))
    for name, spec in build_all(changed).items():
        if name in SCATTERS:
            assert f"Points: {changed.points.method}." in spec.caption


def test_hostile_labels_are_shown_as_text(results):
    first, second, *rest = results.data.features
    features = [replace(first, label=HOSTILE), replace(second, unit="a&b"), *rest]
    changed = replace(
        results, data=replace(results.data, features=features),
        segments=[replace(results.segments[0], name=HOSTILE), *results.segments[1:]],
        roi=replace(results.roi, currency="<i>"))
    for name, spec in build_all(changed).items():
        text = _texts(spec.figure)
        assert "<script" not in text and "<i>" not in text, name
    texts = _texts(build_all(changed)["segments-scatter"].figure)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texts
    assert "a&amp;b" in texts


def test_figure_json_is_bounded(results, specs):
    total = sum(len(spec.figure.to_json()) for spec in specs.values())
    assert total < 600_000, f"figures weigh {total:,} bytes"
    # the largest sample the pipeline keeps (2,000 points) stays well within budget too
    pts, reps = results.points, 2
    big = replace(results, points=replace(
        pts, cluster=pts.cluster * reps, pca=pts.pca * reps, silhouette=pts.silhouette * reps,
        features={k: v * reps for k, v in pts.features.items()}))
    total = sum(len(s.figure.to_json()) for s in build_all(big).values())
    assert total < 600_000, f"figures weigh {total:,} bytes with 2,000 points"


def test_tooltips_are_formatted_like_the_tables_with_full_names(specs):
    """No 6.907e+4 in a tooltip: money with its currency and separators, units named, and
    trace names never cut (hoverlabel.namelength -1)."""
    scatter = specs["segments-scatter"].figure
    template = scatter.data[0].hovertemplate
    assert "$%{x:,.0f}" in template and "visits/year" in template and "~g" not in template
    for spec in specs.values():
        assert spec.figure.layout.hoverlabel.namelength == -1


def test_a_feature_clustered_on_a_log_scale_is_drawn_on_it(tmp_path):
    """log1p-clustered spend: its histogram's bins are of equal width on the log scale (no
    longer squeezed into the first bar), ticks in euros; a feature without a transform keeps
    its linear bins."""
    import numpy as np

    from kmeans_report.analysis.config import validate_config
    from kmeans_report.analysis.figures.model import feature_distributions
    from tests import tables

    frame, _ = tables.planted_lognormal(600)
    path = tables.write_table(frame, tmp_path, "spend.csv")
    results = run_analysis(validate_config({
        "data": {"source": "file", "path": str(path)},
        "features": [{"column": "online_spend", "unit": "€", "transform": "log1p"},
                     {"column": "store_spend", "unit": "€"}],
        "clustering": {"k_min": 2, "k_max": 3, "stability": {"n_reseeds": 1, "n_bootstrap": 1}},
    })).results
    logged, linear = results.data.features
    assert logged.histogram.scale == "log1p" and linear.histogram.scale == "none"
    edges = np.asarray(logged.histogram.edges)
    assert edges[0] == pytest.approx(logged.min) and edges[-1] == pytest.approx(logged.max)
    assert np.allclose(np.diff(np.log1p(edges)), np.diff(np.log1p(edges))[0])
    assert max(logged.histogram.counts) < 0.3 * sum(logged.histogram.counts)  # spread out
    assert np.allclose(np.diff(linear.histogram.edges), np.diff(linear.histogram.edges)[0])

    fig = feature_distributions(results)
    titles = [a.text for a in fig.layout.annotations if a.text and "spend" in a.text]
    assert titles[0].endswith(", log scale") and "log" not in titles[1]
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    assert np.allclose(np.diff(bars[0].x), np.diff(bars[0].x)[0])  # equal on the drawn axis
    axis = fig.layout.xaxis
    assert axis.ticktext and all(np.log1p(v) >= np.log1p(logged.min) - 1e-9 for v in
                                 [float(t.replace("k", "e3").replace("M", "e6"))
                                  for t in axis.ticktext])
    assert np.allclose(axis.tickvals, np.log1p([float(t.replace("k", "e3").replace("M", "e6"))
                                                for t in axis.ticktext]))
    assert fig.layout.xaxis2.tickvals is None  # the linear feature keeps plotly's ticks
