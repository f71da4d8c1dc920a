"""Planted segments are recovered, and `auto` finds how many there are."""

import numpy as np
import pytest

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.analysis.sources.synthetic import (
    notebook_customers,
    planted_customers,
    segment_codes,
)


def planted_config(k, method="silhouette", n=1500):
    return validate_config(
        {
            "data": {"synthetic": {"planted_segments": k, "n_customers": n}},
            "clustering": {
                "chosen_k": "auto",
                "auto_method": method,
                "stability": {"n_reseeds": 2, "n_bootstrap": 2},
            },
        }
    )


@pytest.mark.parametrize("k", [3, 4, 6])
def test_auto_recovers_planted_segments(k):
    r = run_analysis(planted_config(k)).results
    assert r.selection.chosen_k == k
    assert r.selection.reason == "silhouette"
    assert r.stability.planted_ari >= 0.9
    assert r.data.planted_segments == k


def test_elbow_method_is_usable_for_auto():
    r = run_analysis(planted_config(4, "elbow")).results
    assert (r.selection.chosen_k, r.selection.reason) == (4, "elbow")


def test_planted_values_are_plausible_per_feature():
    frame, labels = planted_customers(5000, 4, seed=1)
    assert set(np.unique(labels)) == {0, 1, 2, 3}
    assert (frame > 0).all().all() or (frame["visit_frequency"] >= 0).all()
    assert (frame["annual_spending"] > 0).all() and (frame["avg_transaction"] > 0).all()
    assert frame["visit_frequency"].dtype.kind == "i"  # counts stay integers


def test_segment_codes_are_distinct_and_far_apart():
    codes = segment_codes(8)
    assert len({tuple(c) for c in codes}) == 8
    distances = [np.abs(a - b).sum() for i, a in enumerate(codes) for b in codes[i + 1 :]]
    assert min(distances) >= 1


def test_notebook_generator_leaves_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    notebook_customers()
    assert np.random.rand() == expected
