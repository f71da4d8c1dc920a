"""The notebook's ROI estimate, its sensitivity to the two assumptions, and break-even."""

from __future__ import annotations

from .config import RoiConfig
from .results import Roi, RoiGrid


def annual_roi(total_revenue: float, efficiency: float, impact_share: float) -> float:
    """Notebook: revenue × targeting efficiency × share of revenue moved by marketing."""
    return total_revenue * efficiency * impact_share


def net_roi_pct(annual: float, cost: float) -> float:
    return (annual - cost) / cost * 100.0


def roi_model(total_revenue: float, opts: RoiConfig) -> Roi:
    estimated = annual_roi(total_revenue, opts.targeting_efficiency, opts.impact_share)
    efficiencies = list(opts.sensitivity.efficiencies)
    shares = list(opts.sensitivity.impact_shares)
    annual = [[annual_roi(total_revenue, e, s) for e in efficiencies] for s in shares]
    return Roi(
        currency=opts.currency,
        total_revenue=total_revenue,
        targeting_efficiency=opts.targeting_efficiency,
        impact_share=opts.impact_share,
        implementation_cost=opts.implementation_cost,
        estimated_annual_roi=estimated,
        net_roi_pct=net_roi_pct(estimated, opts.implementation_cost),
        # No efficiency pays back the cost when the data shows no positive revenue.
        break_even_efficiency=(
            opts.implementation_cost / (total_revenue * opts.impact_share)
            if total_revenue > 0
            else None
        ),
        grid=RoiGrid(
            efficiencies=efficiencies,
            impact_shares=shares,
            annual_roi=annual,
            net_roi_pct=[[net_roi_pct(a, opts.implementation_cost) for a in row] for row in annual],
        ),
    )
