"""A short plain-text summary of the results, in the notebook's own print format."""

from __future__ import annotations

from kmeans_report.analysis.results import Results

from .formatting import money, pct_value, percent, score


def text_summary(r: Results) -> str:
    cur = r.config["roi"]["currency"]
    lines = [
        f"{r.data.n_rows:,} customers × {len(r.data.features)} features ({r.data.source})",
        "",
        "K sweep:",
    ]
    for row in r.sweep:
        sampled = (
            f" (sample of {row.silhouette_sample_size:,})" if row.silhouette_sample_size else ""
        )
        lines.append(
            f"  K={row.k}: Inertia={row.inertia:.0f}, Silhouette={row.silhouette:.3f}{sampled}"
        )
    sel = r.selection
    elbow = f"elbow at K={sel.elbow_k}" if sel.elbow_k else "no clear elbow"
    lines += [
        "",
        f"Chosen K: {sel.chosen_k} ({sel.reason}; {elbow}; best silhouette at K={sel.best_silhouette_k})",
        f"Final silhouette score: {score(r.quality.silhouette)} — {r.quality.label}",
        "",
        "Segments:",
    ]
    for s in r.segments:
        kind = f" [{s.type}]" if s.type else ""
        spend = (f", avg spend {money(s.avg_spending, cur)}, revenue {money(s.total_revenue, cur)}"
                 if s.avg_spending is not None else "")
        lines.append(
            f"  Cluster {s.cluster}: {s.name}{kind} — {s.size:,} customers ({percent(s.share)})"
            + spend
        )
    st = r.stability
    if st.reseed_ari_mean is not None:
        lines.append(
            f"\nStability: ARI {score(st.reseed_ari_mean)} across {st.n_reseeds} re-seeded fits"
            + (
                f", {score(st.bootstrap_ari_mean)} across {st.n_bootstrap} bootstrap refits"
                if st.bootstrap_ari_mean is not None
                else ""
            )
        )
    if st.planted_ari is not None:
        lines.append(f"Recovery of planted segments: ARI {score(st.planted_ari)}")
    roi = r.roi
    if roi is None:
        lines += ["", "ROI: none (no spend column configured under roles.spending)"]
        return "\n".join(lines)
    lines += ["", "ROI:", f"  Total customer revenue: {money(roi.total_revenue, cur)}"]
    if roi.estimated_annual_roi is not None:
        lines.append(f"  Estimated annual ROI: {money(roi.estimated_annual_roi, cur)}")
    if roi.implementation_cost is not None:
        lines.append(f"  Implementation cost: {money(roi.implementation_cost, cur)}")
    if roi.net_roi_pct is not None:
        lines.append(f"  Net ROI: {pct_value(roi.net_roi_pct)}")
    if roi.break_even_efficiency is not None:
        lines.append(f"  Break-even targeting efficiency: {percent(roi.break_even_efficiency)}")
    elif roi.impact_share is not None and roi.implementation_cost is not None:
        lines.append("  Break-even: not reachable")
    if not roi.assumed:
        lines.append("  No ROI estimate: roi.targeting_efficiency, roi.impact_share and "
                     "roi.implementation_cost are not all configured")
    return "\n".join(lines)
