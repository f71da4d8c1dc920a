"""The notebook's ROI model on the revenue, its sensitivity to the two assumptions, and
break-even. The assumptions are the configuration's: what needs one that is not given is
left out (None), never filled in with someone else's numbers."""

from __future__ import annotations

from .config import RoiConfig
from .results import Roi, RoiGrid


def annual_roi(total_revenue: float, efficiency: float, impact_share: float) -> float:
    """Notebook: revenue × targeting efficiency × share of revenue moved by marketing."""
    return total_revenue * efficiency * impact_share


def net_roi_pct(annual: float, cost: float) -> float:
    return (annual - cost) / cost * 100.0


def break_even_efficiency(total_revenue: float, impact_share: float, cost: float) -> float | None:
    """The efficiency at which the annual return equals the cost (None: no positive revenue,
    so no efficiency pays the cost back)."""
    return cost / (total_revenue * impact_share) if total_revenue > 0 else None


def roi_model(total_revenue: float, opts: RoiConfig) -> Roi:
    efficiency, share, cost = opts.targeting_efficiency, opts.impact_share, opts.implementation_cost
    efficiencies = list(opts.sensitivity.efficiencies)
    shares = list(opts.sensitivity.impact_shares)
    annual = [[annual_roi(total_revenue, e, s) for e in efficiencies] for s in shares]
    estimated = (annual_roi(total_revenue, efficiency, share)
                 if efficiency is not None and share is not None else None)
    return Roi(
        currency=opts.currency,
        total_revenue=total_revenue,
        targeting_efficiency=efficiency,
        impact_share=share,
        implementation_cost=cost,
        estimated_annual_roi=estimated,
        net_roi_pct=net_roi_pct(estimated, cost) if estimated is not None and cost else None,
        break_even_efficiency=(break_even_efficiency(total_revenue, share, cost)
                               if share is not None and cost is not None else None),
        grid=RoiGrid(
            efficiencies=efficiencies,
            impact_shares=shares,
            annual_roi=annual,
            net_roi_pct=[[net_roi_pct(a, cost) for a in row] for row in annual] if cost else None,
            break_even_efficiencies=[break_even_efficiency(total_revenue, s, cost) for s in shares]
            if cost and total_revenue > 0 else None,
        ),
    )
