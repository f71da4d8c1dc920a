"""The notebook's ROI formula, its sensitivity grid and break-even."""

import pytest

from kmeans_report.analysis.config import RoiConfig
from kmeans_report.analysis.roi import roi_model


def test_formula_and_break_even():
    roi = roi_model(
        1_000_000, RoiConfig(targeting_efficiency=0.2, impact_share=0.1, implementation_cost=10_000)
    )
    assert roi.estimated_annual_roi == pytest.approx(20_000)
    assert roi.net_roi_pct == pytest.approx(100.0)
    assert roi.break_even_efficiency == pytest.approx(0.1)


def test_grid_covers_every_combination(default_results):
    grid = default_results.roi.grid
    assert len(grid.net_roi_pct) == len(grid.impact_shares)
    assert all(len(row) == len(grid.efficiencies) for row in grid.net_roi_pct)
    i = grid.impact_shares.index(0.10)
    j = grid.efficiencies.index(0.25)
    assert grid.net_roi_pct[i][j] == pytest.approx(default_results.roi.net_roi_pct)


def test_no_break_even_without_revenue():
    assert roi_model(0.0, RoiConfig()).break_even_efficiency is None


def test_without_assumptions_there_is_no_estimate_only_what_targeting_would_return():
    roi = roi_model(2_000_000, RoiConfig())
    assert not roi.assumed
    assert (roi.targeting_efficiency, roi.impact_share, roi.implementation_cost) == (None,) * 3
    assert roi.estimated_annual_roi is None and roi.net_roi_pct is None
    assert roi.break_even_efficiency is None and roi.grid.net_roi_pct is None
    i, j = roi.grid.impact_shares.index(0.10), roi.grid.efficiencies.index(0.20)
    assert roi.grid.annual_roi[i][j] == pytest.approx(2_000_000 * 0.10 * 0.20)


def test_with_the_cost_alone_the_break_even_efficiency_per_share():
    roi = roi_model(1_000_000, RoiConfig(implementation_cost=10_000))
    assert not roi.assumed and roi.estimated_annual_roi is None
    expected = [10_000 / (1_000_000 * s) for s in roi.grid.impact_shares]
    assert roi.grid.break_even_efficiencies == pytest.approx(expected)
    assert roi.grid.net_roi_pct is not None
    # the headline numbers a reproduction checks leave out what was not estimated
    assert roi_model(0.0, RoiConfig(implementation_cost=5.0)).grid.break_even_efficiencies is None
