"""The default configuration reproduces every number the seed notebook printed."""

import pytest

from kmeans_report.report.formatting import money, number

NOTEBOOK_SWEEP = {
    2: (3321, 0.241),
    3: (2732, 0.239),
    4: (2257, 0.249),
    5: (1862, 0.243),
    6: (1724, 0.198),
    7: (1610, 0.196),
    8: (1511, 0.197),
    9: (1409, 0.194),
    10: (1345, 0.198),
}


def test_data_ranges_match_notebook(default_results):
    spending = next(f for f in default_results.data.features if f.column == "annual_spending")
    transaction = next(f for f in default_results.data.features if f.column == "avg_transaction")
    assert default_results.data.n_rows == 1000
    assert (money(spending.min), money(spending.max)) == ("$689", "$116,803")
    assert (money(transaction.min), money(transaction.max)) == ("$11", "$321")


@pytest.mark.parametrize("k", sorted(NOTEBOOK_SWEEP))
def test_sweep_matches_notebook(default_results, k):
    row = default_results.sweep_row(k)
    inertia, sil = NOTEBOOK_SWEEP[k]
    assert f"{row.inertia:.0f}" == str(inertia)
    assert f"{row.silhouette:.3f}" == f"{sil:.3f}"
    assert row.silhouette_sample_size is None  # exact on 1,000 rows, as the notebook


def test_final_model_matches_notebook(default_results):
    r = default_results
    assert r.selection.chosen_k == 3 and r.selection.reason == "config"
    assert f"{r.quality.silhouette:.3f}" == "0.239"
    assert [s.size for s in r.segments] == [604, 176, 220]
    assert [money(s.avg_spending) for s in r.segments] == ["$20,923", "$26,263", "$61,996"]
    assert [number(s.avg_frequency, 1) for s in r.segments] == ["7.7", "8.4", "8.1"]
    assert [money(s.avg_transaction) for s in r.segments] == ["$62", "$57", "$60"]
    assert [number(s.avg_loyalty, 1) for s in r.segments] == ["1.2", "5.4", "1.4"]
    assert [money(s.total_revenue) for s in r.segments] == [
        "$12,637,555",
        "$4,622,374",
        "$13,639,025",
    ]
    assert [s.type for s in r.segments] == [
        "Casual Customers",
        "High-Value Customers",
        "High-Value Customers",
    ]
    assert [f"{s.share * 100:.1f}%" for s in r.segments] == ["60.4%", "17.6%", "22.0%"]


def test_roi_matches_notebook(default_results):
    roi = default_results.roi
    assert money(roi.total_revenue) == "$30,898,954"
    assert money(roi.estimated_annual_roi) == "$772,474"
    assert money(roi.implementation_cost) == "$75,000"
    assert f"{roi.net_roi_pct:.0f}%" == "930%"


def test_display_names_are_unique_and_say_how_they_differ(default_results):
    """Names come from the numbers: cluster 1 stands out by loyalty (5.4 years against 2.0),
    cluster 2 by spending ($61,996 against $30,899), cluster 0 sits below average spending.
    None claims high spending with the below-average $26,263 of cluster 1."""
    names = [s.name for s in default_results.segments]
    assert len(set(names)) == len(names)
    assert names == ["Below-average Annual Spending", "High Loyalty Years",
                     "High Annual Spending"]


def test_quality_is_reported_honestly(default_results):
    q = default_results.quality
    assert q.band == "none"
    assert "no substantial structure" in q.message
    assert "0.239" in q.message


def test_elbow_and_best_silhouette_are_recorded(default_results):
    sel = default_results.selection
    assert sel.best_silhouette_k == 4  # 0.249, the highest in the notebook's sweep
    assert sel.elbow_k == 5
