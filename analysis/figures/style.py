"""The look shared by every figure: palette, layout template, safe text and number formats.

No I/O and no knowledge of where a figure ends up: the same `go.Figure` is shown
interactively on the site and exported as a static SVG for the A4 PDF.
"""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from kmeans_report.analysis.money import money_unit
from kmeans_report.analysis.results import Results
from kmeans_report.analysis.run_records import FeatureSummary

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common forms of
# colour-vision deficiency. Yellow (#F0E442) is left last: it is hard to see on white.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
# Marker symbols used once the palette wraps round (K > 8), so clusters stay distinct.
SYMBOLS = ("circle", "square", "diamond", "triangle-up")

INK = "#1F2933"  # text and metric lines
MUTED = "#616E7C"  # secondary text, reference lines
GRID = "#E4E7EB"
NEUTRAL_FILL = "#7B8794"  # bars that do not stand for a cluster
HIGHLIGHT = "#D55E00"  # the chosen K

FONT_FAMILY = (
    "'Source Sans 3', 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
)
FONT_SIZE = 14

# Static export size in CSS pixels. One SVG serves the site and the PDF: 560 px across keeps
# 14 px text readable when a phone shows it full width (about 10 px at 390 px) and prints
# at about 11 pt across the ~16 cm text width of an A4 page.
WIDTH = 560
HEIGHT = 420
LEGEND_ROW = 24  # pixels per row of a horizontal legend


def escape_text(value: object) -> str:
    """Text from the data or the config, made safe to show in a plotly label.

    Plotly interprets a subset of HTML (`<b>`, `<br>`, `<a href=...>`, entities) in titles,
    axis labels, legends, annotations and hover text. Escaping `&`, `<` and `>` makes the
    text show literally instead of being parsed as markup.
    """
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def short(text: str, limit: int = 24) -> str:
    """A label cut to `limit` characters (with an ellipsis) where space is scarce: axis ticks.
    Tooltips and the report's tables keep the full text."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cluster_colour(cluster: int) -> str:
    return OKABE_ITO[cluster % len(OKABE_ITO)]


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on the `fill` colour (#RRGGBB)."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    channel = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2]
    return INK if luminance > 0.22 else "white"


def cluster_symbol(cluster: int) -> str:
    return SYMBOLS[(cluster // len(OKABE_ITO)) % len(SYMBOLS)]


def segment_label(results: Results, cluster: int, limit: int | None = None) -> str:
    """'Cluster N — name', escaped, as used in every legend (cut to `limit` characters of
    text, before escaping, where space is scarce)."""
    name = next((s.name for s in results.segments if s.cluster == cluster), None)
    text = f"Cluster {cluster} — {name}" if name else f"Cluster {cluster}"
    return escape_text(short(text, limit) if limit else text)


def legend_rows(labels: Iterable[str], width: int = WIDTH) -> int:
    """How many rows plotly's horizontal legend needs (about 7 px per character plus the
    symbol, at the legend's font size)."""
    rows, used = 1, 0.0
    for label in labels:
        item = 46 + 7.0 * len(label)
        if used and used + item > width - 40:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def legend_extra_height(labels: Iterable[str], width: int = WIDTH) -> int:
    """Pixels to add to a figure so its legend (below the plot) does not squeeze it."""
    return LEGEND_ROW * legend_rows(labels, width)


def legend_layout(results: Results, base: int = HEIGHT, extra_items: int = 0) -> dict:
    """Height and bottom margin of a figure with one legend entry per cluster (plus
    `extra_items` entries), so the legend below the plot never overlaps it."""
    labels = [segment_label(results, c) for c in clusters(results)]
    extra = legend_extra_height(labels + ["Cluster centres"] * extra_items)
    return {"height": base + extra, "margin": {"b": 60 + extra}}


def clusters(results: Results) -> list[int]:
    return sorted(p.cluster for p in results.profiles)


def scatter_axes(results: Results) -> tuple[FeatureSummary, FeatureSummary]:
    """The two features of the cluster scatter: the notebook's spending and frequency when
    both are single configured roles, else the two on which the segments differ most."""
    features = results.data.features
    spend = [f for f in features if f.role == "spending"]
    frequency = [f for f in features if f.role == "frequency"]
    if len(spend) == 1 and frequency:
        return spend[0], frequency[0]
    spread = {t.column: 0.0 for t in results.segments[0].traits}
    for segment in results.segments:
        for trait in segment.traits:
            spread[trait.column] = max(spread[trait.column], abs(trait.z))
    ranked = sorted(features, key=lambda f: -spread.get(f.column, 0.0))
    return ranked[0], ranked[1]


def axis_title(feature: FeatureSummary) -> str:
    """'Label (unit)', cut to fit an axis (tooltips and tables show the full label)."""
    unit = f" ({short(feature.unit, 16)})" if feature.unit else ""
    return escape_text(short(feature.label, 48) + unit)


def value_axis(feature: FeatureSummary) -> dict:
    """Axis options for a feature: thousands as 20k for large values, plain numbers otherwise."""
    large = max(abs(feature.min), abs(feature.max)) >= 10_000
    return {"title": {"text": axis_title(feature)}, "tickformat": "~s" if large else None}


def hover_value(feature: FeatureSummary, axis: str, currency: str) -> str:
    """A plotly hover placeholder for a feature value, formatted like the report's tables:
    money as $20,923, other values with their unit (7.7 visits/year)."""
    large = max(abs(feature.min), abs(feature.max))
    digits = 0 if large >= 1000 else 1 if large >= 10 else 2
    number = f"%{{{axis}:,.{digits}f}}"
    scale = (money_unit(feature.unit) or ("", 1))[1]
    if feature.unit and scale == 1 and (feature.unit == currency or money_unit(feature.unit)):
        return escape_text(feature.unit) + number  # $20,923 (a scaled unit: 61 k$)
    return number + (f" {escape_text(feature.unit)}" if feature.unit else "")


def fmt_value(value: float) -> str:
    """A feature value with sensible precision: 20,923 · 61.7 · 1.18."""
    size = abs(value)
    return f"{value:,.0f}" if size >= 1000 else f"{value:.1f}" if size >= 10 else f"{value:.2f}"


def fmt_tick(value: float) -> str:
    """A round axis tick: 0 · 5 · 200 · 10k · 1M · −100."""
    sign = "−" if value < 0 else ""
    value = abs(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{sign}{value / size:g}{suffix}"
    return f"{sign}{value:g}"


def fmt_money(value: float, currency: str) -> str:
    """Compact money: $12.6M, $75k, $772k, $950 (60 in "k$" is $60k)."""
    sign = "−" if value < 0 else ""
    currency, scale = money_unit(currency) or (currency, 1)
    value = abs(value) * scale
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            scaled = value / size
            text = f"{scaled:.1f}".removesuffix(".0") if scaled < 100 else f"{scaled:.0f}"
            return f"{sign}{currency}{text}{suffix}"
    return f"{sign}{currency}{value:,.0f}"


def fmt_pct(share: float, digits: int = 1) -> str:
    """A 0..1 share as a percentage."""
    return f"{share * 100:.{digits}f}%"


def base_layout(height: int = HEIGHT, **extra) -> dict:
    """Layout shared by every figure: white, readable, margins that fit legends and labels."""
    axis = {
        "showgrid": True,
        "gridcolor": GRID,
        "zeroline": False,
        "showline": True,
        "linecolor": "#9AA5B1",
        "ticks": "outside",
        "tickcolor": "#9AA5B1",
        "title": {"standoff": 8},
        "automargin": True,
    }
    layout = {
        "template": "none",
        "height": height,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": INK},
        "margin": {"l": 70, "r": 24, "t": 36, "b": 60, "pad": 2},
        "xaxis": axis,
        "yaxis": axis,
        # Legends sit below the plot, from the bottom of the figure: they never cover data
        # or collide with titles, at any width (figures with a legend add its rows' height).
        "legend": {
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0.0,
            "xanchor": "left",
            "x": 0,
            "font": {"size": FONT_SIZE - 1},
        },
        # full names in tooltips (plotly cuts trace names to 15 characters by default)
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": FONT_SIZE - 1}, "namelength": -1},
        "colorway": list(OKABE_ITO),
    }
    return _merge(layout, extra)


def _merge(base: dict, extra: dict) -> dict:
    """`base` updated by `extra`, nested dicts merged (so `xaxis={...}` keeps the shared look)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def new_figure(height: int = HEIGHT, **layout) -> go.Figure:
    return go.Figure(layout=base_layout(height, **layout))


def style_axes(fig: go.Figure) -> None:
    """Apply the shared axis look to every axis (needed for subplots)."""
    axis = base_layout()["xaxis"]
    fig.update_xaxes(**{k: v for k, v in axis.items() if k != "title"})
    fig.update_yaxes(**{k: v for k, v in axis.items() if k != "title"})
    fig.update_annotations(font={"family": FONT_FAMILY})


def mark_chosen_k(fig: go.Figure, k: int, *, row: int | None = None, col: int | None = None,
                  label: bool = True) -> None:
    """A dashed vertical line at the chosen K, labelled at the top."""
    kwargs = {"row": row, "col": col} if row else {}
    fig.add_vline(
        x=k, line={"color": HIGHLIGHT, "dash": "dash", "width": 2}, layer="below",
        annotation={"text": f"chosen K = {k}", "font": {"color": HIGHLIGHT, "size": FONT_SIZE - 1},
                    "bgcolor": "rgba(255,255,255,0.85)"} if label else None,
        annotation_position="top right",
        **kwargs,
    )
