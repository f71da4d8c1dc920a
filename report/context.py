"""Results -> plain, formatted values for the page templates. No I/O, no rendering.

Templates never compute: every number a page shows is formatted here from `Results`, in its
feature's own unit. Segment and K-selection wording lives in report.context_segments; how
the analysis ran (Methods, Provenance) in report.context_methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kmeans_report.analysis.quality import QUALITY_BANDS
from kmeans_report.analysis.results import Results

from .context_methods import (
    algorithm_rows,
    backend,
    large_data,
    provenance_facts,
    run_facts,
    silhouette_sampling,
)
from .context_segments import comparison, segment_rows, selection, strength, sweep_rows
from .escape import one_line
from .formatting import money, number, pct_value, percent, score
from .pages import PAGES
from .wording import is_money, measure, scaling_sentence, unit_name


@dataclass
class FigureRef:
    """One figure as the templates use it (files written by report.figure_export)."""

    name: str
    title: str
    caption: str
    alt: str
    json: str  # path of the interactive chart's plotly JSON, relative to the project folder
    svg: str  # path of the static SVG, relative to the project folder
    width: int  # the SVG's size in CSS pixels
    height: int


@dataclass
class SiteInfo:
    """Facts about this build that are not analysis results."""

    engine: str
    engine_version: str
    citation: dict[str, Any]  # parsed CITATION.cff
    releases: list[dict[str, Any]]  # version history entries, newest first
    downloads: list[dict[str, str]]  # {file, label, description, size[, sha256]}
    notebook_cells: list[dict[str, str]] = field(default_factory=list)
    notebook_not_run: str | None = None  # why the build did not execute it (None: it did)
    changes: dict[str, Any] | None = None  # report.context_changes: the comparison, if any
    published: list[str] = field(default_factory=list)  # versions in the published tree


TRANSFORM_WORDS = {"log1p": "log(1 + x)", "asinh": "asinh(x)"}


def size_text(n_bytes: int | None) -> str:
    if n_bytes is None:
        return "—"
    size = float(n_bytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{n_bytes} bytes"


def _feature_rows(r: Results, currency: str) -> list[dict[str, str]]:
    rows = []
    for f in r.data.features:
        # amounts keep their currency; other units are said once, in the Unit column
        shown_unit = f.unit if is_money(f.unit, currency) else ""

        def fmt(v, unit=shown_unit):
            return one_cell(measure(v, unit, currency))
        rows.append({
            "column": f.column, "label": f.label, "unit": unit_name(f.unit) or "—",
            "role": f.role or "—", "min": fmt(f.min), "max": fmt(f.max),
            "mean": fmt(f.mean), "median": fmt(f.median), "std": fmt(f.std),
            "transform": TRANSFORM_WORDS.get(f.transform, "none"),
            "clipped": number(f.clipped),
        })
    return rows


def one_cell(text: str) -> str:
    """A short value kept on one line in a table cell (spaces made non-breaking): a wide
    table scrolls in its box on a phone instead of growing rows of wrapped numbers."""
    return text.replace(" ", "\u00a0")


def cluster_grid(labels: list[str], clusters: list[str],
                 cells: list[list[str]]) -> dict[str, Any]:
    """A table of one value per cluster and feature (`cells[cluster][feature]`), oriented so
    it grows downwards: features as rows when they outnumber the clusters, else as columns.
    `{corner, columns, rows: [{head, cells}], features_as_rows}`."""
    heads = [one_cell(f"Cluster {c}") for c in clusters]
    if len(labels) > len(clusters):
        return {"corner": "Feature", "columns": heads, "features_as_rows": True,
                "rows": [{"head": label, "cells": [row[j] for row in cells]}
                         for j, label in enumerate(labels)]}
    return {"corner": "Cluster", "columns": labels, "features_as_rows": False,
            "rows": [{"head": str(c), "cells": row} for c, row in zip(clusters, cells,
                                                                       strict=True)]}


def _profile_rows(r: Results, currency: str) -> dict[str, Any]:
    features = r.data.features
    units = {f.column: f.unit for f in features}
    labels = [f.label for f in features]
    clusters = [str(p.cluster) for p in r.profiles]

    def value(v: float, f) -> str:
        return one_cell(measure(v, units[f.column], currency))

    summary = [{"cluster": str(p.cluster), "size": number(p.size), "share": percent(p.share),
                "silhouette": score(p.silhouette)} for p in r.profiles]
    spread = [[f"{value(p.mean[f.column], f)}\u00a0±\u00a0{value(p.std[f.column], f)}"
               for f in features] for p in r.profiles]
    centres = [[value(p.centre[f.column], f) for f in features] for p in r.profiles]
    index = [[number(p.index[f.column]) if f.column in p.index else "—" for f in features]
             for p in r.profiles]
    spend = None
    if r.profiles and r.profiles[0].spend_share:
        names = {f.column: f.label for f in features}
        columns = list(r.profiles[0].spend_share)
        spend = cluster_grid([names[c] for c in columns], clusters,
                             [[percent(p.spend_share[c]) for c in columns] for p in r.profiles])
    return {"summary": summary, "spread": cluster_grid(labels, clusters, spread),
            "centres": cluster_grid(labels, clusters, centres),
            "index": cluster_grid(labels, clusters, index), "spend_share": spend}


def _roi(r: Results) -> dict[str, Any] | None:
    """The ROI page's values. Only the assumptions the configuration gives are shown; an ROI
    estimate (`assumed`) needs all three."""
    roi = r.roi
    if roi is None:
        return None
    cur = roi.currency
    grid = roi.grid
    spend = [f.label for f in r.data.features if f.role == "spending"]

    def given(value, fmt):
        return fmt(value) if value is not None else None

    break_even = zip(grid.impact_shares, grid.break_even_efficiencies or [], strict=False)
    return {
        "assumed": roi.assumed,
        "spend": " + ".join(spend),
        "total_revenue": money(roi.total_revenue, cur),
        "efficiency": given(roi.targeting_efficiency, lambda v: percent(v, 0)),
        "impact_share": given(roi.impact_share, lambda v: percent(v, 0)),
        "cost": given(roi.implementation_cost, lambda v: money(v, cur)),
        "annual": given(roi.estimated_annual_roi, lambda v: money(v, cur)),
        "net_pct": given(roi.net_roi_pct, pct_value),
        "break_even": given(roi.break_even_efficiency, lambda v: percent(v, 1)),
        "grid": {
            "efficiencies": [percent(e, 0) for e in grid.efficiencies],
            "rows": [{"share": percent(s, 0), "cells": [pct_value(v) for v in row]}
                     for s, row in zip(grid.impact_shares, grid.net_roi_pct, strict=True)]
            if grid.net_roi_pct is not None else None,
            "annual_rows": [{"share": percent(s, 0), "cells": [money(v, cur) for v in row]}
                            for s, row in zip(grid.impact_shares, grid.annual_roi, strict=True)],
            "break_even_rows": [{"share": percent(s, 0), "efficiency": percent(e, 1),
                                 "reachable": e <= 1} for s, e in break_even],
        },
    }


def _stability(r: Results) -> dict[str, str | None]:
    s = r.stability
    return {
        "rows_used": number(s.n_rows_used),
        "n_reseeds": str(s.n_reseeds),
        "reseed_mean": score(s.reseed_ari_mean),
        "reseed_min": score(s.reseed_ari_min),
        "n_bootstrap": str(s.n_bootstrap),
        "bootstrap_fraction": percent(s.bootstrap_fraction, 0),
        "bootstrap_mean": score(s.bootstrap_ari_mean),
        "bootstrap_min": score(s.bootstrap_ari_min),
        "planted": score(s.planted_ari) if s.planted_ari is not None else None,
        "verdict": stability_verdict(s.reseed_ari_mean, s.bootstrap_ari_mean),
    }


def stability_verdict(reseed: float | None, boot: float | None) -> str:
    values = [v for v in (reseed, boot) if v is not None]
    if not values:
        return "Stability was not measured (stability.n_reseeds and n_bootstrap are 0)."
    low = min(values)
    if low >= 0.9:
        return "The segments are stable: refits on new seeds and resampled data agree closely."
    if low >= 0.75:
        return "The segments are moderately stable: most customers keep their segment on refits."
    return (
        "The segments are unstable: refits on resampled data often draw different boundaries. "
        "Treat segment membership of individual customers with caution."
    )


def _sql_source(sql: dict[str, Any] | None) -> dict[str, Any] | None:
    """The database source as shown: SQL on one line (it sits in a table cell)."""
    if not sql:
        return None
    return {**sql, "query": one_line(sql["query"] or ""), "sql": one_line(sql["sql"] or ""),
            "rows": number(sql["rows"])}


def _data(r: Results, currency: str) -> dict[str, Any]:
    d = r.data
    synthetic = d.format == "synthetic"
    return {
        "source": "built-in synthetic data (the notebook's generator)" if synthetic else d.source,
        "file_name": None if synthetic or d.sql else d.source,
        "sql": _sql_source(d.sql),
        "size": size_text(d.size_bytes),
        "format": d.format,
        "sha256": d.sha256,
        "n_input_rows": number(d.n_input_rows),
        "n_rows": number(d.n_rows),
        "n_dropped": number(d.n_dropped),
        "id_column": d.id_column or "none (row number)",
        "planted": d.planted_segments,
        "notes": d.notes,
        "features": _feature_rows(r, currency),
        "scaling": scaling_sentence([f.unit for f in d.features], r.run.scaler),
        "transforms": [f for f in _feature_rows(r, currency) if f["transform"] != "none"],
        "clip": [percent(q, 0) for q in d.clip_quantiles] if d.clip_quantiles else None,
        "clipped_total": number(sum(f.clipped for f in d.features)),
    }


def build_context(r: Results, figures: dict[str, FigureRef], site: SiteInfo) -> dict[str, Any]:
    """Everything the templates print, formatted."""
    currency = r.config["roi"]["currency"]
    stability = _stability(r)
    return {
        "meta": dict(r.metadata),
        "pages": PAGES,
        "figures": figures,
        "site": site,
        "currency": currency,
        "n_customers": number(r.data.n_rows),
        "n_features": str(len(r.data.features)),
        "k": str(r.selection.chosen_k),
        "k_range": f"{r.run.k_values[0]}–{r.run.k_values[-1]}",
        "selection": selection(r),
        "strength": strength(r, stability["verdict"]),
        "quality": {
            "silhouette": score(r.quality.silhouette),
            "band": r.quality.band,
            "label": r.quality.label,
            "message": r.quality.message,
            "final_inertia": number(r.final_inertia),
            "ch": number(r.final.calinski_harabasz, 1),
            "db": score(r.final.davies_bouldin),
            "bands": [{"above": f"{t:.2f}", "label": label}
                      for t, _, label in QUALITY_BANDS if t > -1],
        },
        "silhouette_sampling": silhouette_sampling(r),
        "data": _data(r, currency),
        "run": run_facts(r),
        "sweep": sweep_rows(r),
        "profiles": _profile_rows(r, currency),
        "segments": segment_rows(r, currency),
        "segment_rules": r.config["segments"],
        "comparison": comparison(r),
        "stability": stability,
        "algorithms": algorithm_rows(r),
        "roi": _roi(r),
        "provenance": provenance_facts(r),
        "points_method": r.points.method,
        "large_data": large_data(r),
        "backend": backend(r),
    }
