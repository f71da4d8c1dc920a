"""Page values for the segments, the choice of K and how strong the segmentation is.

Everything here is a view of `Results`: the home page's strength box, Methods and Model
selection read the same facts (silhouette band, stability, tiny clusters, what each index
suggested), so they cannot disagree.
"""

from __future__ import annotations

from typing import Any

from kmeans_report.analysis.results import Results, Segment

from .formatting import money, number, percent, score
from .wording import action_text, measure

MIN_STABLE_ARI = 0.75  # below this, the verdict calls the segments unstable


def _role_label(r: Results, role: str) -> tuple[str, str] | None:
    """(label, unit) of the feature playing a single-column role, None when not configured."""
    features = [f for f in r.data.features if f.role == role]
    if not features:
        return None
    if role == "spending" and len(features) > 1:
        return "Average spend, all categories", r.config["roi"]["currency"]
    return features[0].label, features[0].unit


def type_rule(r: Results, kind: str) -> str:
    """The notebook's rule that gave a segment its type, with its thresholds."""
    rules = r.config["segments"]
    cur = r.config["roi"]["currency"]
    frequency = _role_label(r, "frequency")
    spend = _role_label(r, "spending")
    spend_label = "spend" if not spend or spend[0].startswith("Average spend") else spend[0].lower()
    freq_label = frequency[0].lower() if frequency else "frequency"
    return {
        "VIP Customers": f"average {spend_label} above {money(rules['vip_min_spending'], cur)} "
                         f"and {freq_label} above {number(rules['vip_min_frequency'], 1)}",
        "High-Value Customers": f"average {spend_label} above "
                                f"{money(rules['high_value_min_spending'], cur)}",
        "Frequent Shoppers": f"{freq_label} above {number(rules['frequent_min_frequency'], 1)}",
        "Casual Customers": "none of the other rules applies",
    }[kind]


def _facts(r: Results, s: Segment, currency: str) -> list[dict[str, str]]:
    facts = [{"label": "Size", "value": f"{number(s.size)} customers ({percent(s.share)})"}]
    for role, value in (("spending", s.avg_spending), ("frequency", s.avg_frequency),
                        ("recency", s.avg_recency), ("transaction", s.avg_transaction),
                        ("loyalty", s.avg_loyalty)):
        named = _role_label(r, role)
        if named is not None and value is not None:
            facts.append({"label": named[0], "value": measure(value, named[1], currency)})
    if s.total_revenue is not None:
        facts.append({"label": "Total revenue", "value": money(s.total_revenue, currency)})
    return facts


def _traits(r: Results, s: Segment, currency: str) -> list[str]:
    threshold = r.config["segments"]["min_difference"]
    units = {f.column: f.unit for f in r.data.features}
    means = {f.column: f.mean for f in r.data.features}
    recency = r.config["roles"].get("recency")
    profile = next(p for p in r.profiles if p.cluster == s.cluster)
    out = []
    for t in s.traits:
        if abs(t.z) < threshold:
            break
        index = f", index {number(t.index)}" if t.index is not None else ""
        meaning = ""
        if t.column == recency:  # time since the last purchase: high is lapsed
            longer = profile.mean[t.column] > means[t.column]
            meaning = ": on average a longer time since the last purchase" if longer else (
                ": on average a more recent last purchase")
        out.append(f"{t.label}: {measure(profile.mean[t.column], units[t.column], currency)} "
                   f"against {measure(means[t.column], units[t.column], currency)} overall "
                   f"({t.level}{index}{meaning})")
    return out


def segment_rows(r: Results, currency: str) -> list[dict[str, Any]]:
    return [
        {
            "cluster": str(s.cluster),
            "name": s.name,
            "type": s.type,
            "type_rule": type_rule(r, s.type) if s.type else None,
            "size": number(s.size),
            "share": percent(s.share),
            "spend": money(s.avg_spending, currency) if s.avg_spending is not None else None,
            "total_revenue": money(s.total_revenue, currency)
            if s.total_revenue is not None else None,
            "facts": _facts(r, s, currency),
            "traits": _traits(r, s, currency),
            "actions": [action_text(a, currency) for a in s.actions],
        }
        for s in r.segments
    ]


def sweep_rows(r: Results) -> list[dict[str, str]]:
    sel = r.selection
    rows = []
    for row in r.sweep:
        marks = []
        if row.k == sel.chosen_k:
            marks.append("chosen")
        for name, k in (("elbow", sel.elbow_k), ("best silhouette", sel.best_silhouette_k),
                        ("best CH", sel.best_ch_k), ("best DB", sel.best_db_k)):
            if row.k == k:
                marks.append(name)
        if row.k in sel.small_cluster_ks:
            marks.append("small cluster")
        if row.score_sample_size is not None:
            marks.append("sample estimate")
        inertia = number(row.inertia)
        if row.inertia_se is not None:
            inertia += f" ± {number(row.inertia_se)}"
        rows.append({
            "k": str(row.k),
            "inertia": inertia,
            "silhouette": score(row.silhouette),
            "silhouette_se": score(row.silhouette_se) if row.silhouette_se is not None else "exact",
            "ch": number(row.calinski_harabasz, 1),
            "db": score(row.davies_bouldin),
            "smallest": percent(row.min_cluster_share),
            "seconds": number(row.fit_seconds, 3),
            "note": ", ".join(marks),
        })
    return rows


def _suggestions(r: Results) -> list[tuple[str, int]]:
    sel = r.selection
    return [(name, k) for name, k in (
        ("elbow", sel.elbow_k), ("silhouette", sel.best_silhouette_k),
        ("Calinski–Harabasz", sel.best_ch_k), ("Davies–Bouldin", sel.best_db_k)) if k is not None]


def _disagreement(r: Results) -> str | None:
    """When the chosen K is not what the indices suggest: say so, and why it was kept."""
    sel = r.selection
    others = [(name, k) for name, k in _suggestions(r) if k != sel.chosen_k]
    if not others:
        return None
    listed = "; ".join(f"{name}: K = {k}" for name, k in others)
    why = {
        "config": "it was set in the configuration (clustering.chosen_k)",
        "silhouette": "it has the highest silhouette of the K values allowed",
        "elbow": "it is the elbow of the inertia curve",
        "stability": "its segments are steadier under resampling",
    }[sel.reason]
    return f"Other indices point elsewhere ({listed}); K = {sel.chosen_k} was kept because {why}."


def selection(r: Results) -> dict[str, Any]:
    sel = r.selection
    opts = r.config["clustering"]
    best = r.sweep_row(sel.best_silhouette_k)
    return {
        "reason": sel.reason,
        "explanation": sel.explanation,
        "elbow": f"K = {sel.elbow_k}" if sel.elbow_k is not None else "no clear elbow",
        "best_silhouette": f"K = {sel.best_silhouette_k}",
        "best_silhouette_value": score(best.silhouette),
        "best_ch": f"K = {sel.best_ch_k}" if sel.best_ch_k is not None else "—",
        "best_db": f"K = {sel.best_db_k}" if sel.best_db_k is not None else "—",
        "disagreement": _disagreement(r),
        "auto": opts["chosen_k"] == "auto",
        "auto_method": opts["auto_method"],
        "min_share": percent(sel.min_cluster_share, 0),
        "margin": score(opts["auto_stability_margin"], 2),
        "small": ", ".join(map(str, sel.small_cluster_ks)),
        "stability_ari": [{"k": k, "ari": score(v)} for k, v in sel.stability_ari.items()],
        "estimated": _estimated(r),
    }


def _estimated(r: Results) -> dict[str, str | bool] | None:
    """How the sweep rows marked "sample estimate" were computed (None: every row is exact)."""
    sizes = {row.score_sample_size for row in r.sweep} - {None}
    if not sizes:
        return None
    return {"rows": number(max(sizes)), "customers": number(r.data.n_rows),
            "chosen_exact": r.final.score_sample_size is None}


def strength(r: Results, stability_verdict: str) -> dict[str, Any]:
    """The home page's "How strong is this segmentation?" box: silhouette band, stability,
    tiny clusters and any disagreement about K, in one place."""
    q, s, sel = r.quality, r.stability, r.selection
    lows = [v for v in (s.reseed_ari_mean, s.bootstrap_ari_mean) if v is not None]
    unstable = bool(lows) and min(lows) < MIN_STABLE_ARI
    tiny = [seg for seg in r.segments if seg.share < sel.min_cluster_share]
    headline = q.label
    if unstable:
        headline += ", unstable segments"
    if tiny:
        headline += ", a tiny cluster"
    points = [q.message, stability_verdict]
    for seg in tiny:
        points.append(f"Cluster {seg.cluster} holds only {percent(seg.share)} of the customers "
                      f"({number(seg.size)}): it may be a handful of outliers, not a segment.")
    disagreement = _disagreement(r)
    if disagreement:
        points.append(disagreement)
    weak = q.band in ("none", "weak") or unstable or bool(tiny)
    return {"kind": "warning" if weak else "note", "headline": headline, "points": points,
            "soft": q.band in ("none", "weak")}


def comparison(r: Results) -> dict[str, Any] | None:
    c = r.comparison
    if c is None:
        return None
    clusters = [str(p.cluster) for p in r.profiles]
    return {
        "column": c.column,
        "clusters": clusters,
        "rows": [{"label": label, "counts": [number(n) for n in row]}
                 for label, row in zip(c.labels, c.counts, strict=True)],
        "ari": score(c.ari),
    }
