"""The analysis on tables unlike the notebook's: optional roles, spend in categories, names
that never contradict the numbers, transforms, clipping, K chosen honestly, comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.pipeline import run_analysis
from tests import tables

QUICK = {"k_min": 2, "k_max": 5, "stability": {"n_reseeds": 2, "n_bootstrap": 3}}


def analyse(path, features, **sections):
    raw = {
        "data": {"source": "file", "path": str(path), **sections.pop("data", {})},
        "features": features,
        "clustering": {**QUICK, **sections.pop("clustering", {})},
        **sections,
    }
    return run_analysis(validate_config(raw))


# How a name states the recency role (time since the last purchase), as high/low claims.
RECENCY_CLAIMS = {"lapsed": "high", "recent": "low", "less recent": "above-average",
                  "more recent": "below-average"}


def name_claims(name: str, recency_label: str | None = None) -> list[tuple[str, str]]:
    """("high" | "low" | "above-average" | "below-average", label) pairs a name asserts."""
    claims = []
    for group in name.split(" (cluster")[0].split(", "):
        if group.lower() in RECENCY_CLAIMS and recency_label is not None:
            claims.append((RECENCY_CLAIMS[group.lower()], recency_label))
            continue
        word, _, labels = group.partition(" ")
        for label in labels.split(" & "):
            claims.append((word.lower(), label))
    return claims


def assert_names_agree_with_numbers(results):
    """A name saying high/above must mean above the overall mean; low/below, below it (for
    recency: lapsed above, recent below)."""
    overall = {f.label: f.mean for f in results.data.features}
    column = {f.label: f.column for f in results.data.features}
    recency = next((f.label for f in results.data.features if f.role == "recency"), None)
    for segment in results.segments:
        profile = next(p for p in results.profiles if p.cluster == segment.cluster)
        for word, label in name_claims(segment.name, recency):
            mean = profile.mean[column[label]]
            if word in ("high", "above-average"):
                assert mean > overall[label], (segment.name, label, mean, overall[label])
            else:
                assert word in ("low", "below-average"), segment.name
                assert mean < overall[label], (segment.name, label, mean, overall[label])


def test_six_spend_categories_no_other_roles(tmp_path):
    path = tables.write_table(tables.wholesale(), tmp_path, "wholesale.csv")
    features = [{"column": c, "label": c.replace("_", " ").title(), "transform": "log1p"}
                for c in tables.SPEND_CATEGORIES]
    output = analyse(path, features, roles={"spending": tables.SPEND_CATEGORIES},
                     data={"compare_with": "channel"})
    r = output.results
    frame = pd.read_csv(path)
    assert r.roi.total_revenue == pytest.approx(frame[tables.SPEND_CATEGORIES].sum().sum())
    assert sum(s.total_revenue for s in r.segments) == pytest.approx(r.roi.total_revenue)
    for s in r.segments:  # only spend was configured
        assert s.avg_frequency is None and s.avg_loyalty is None and s.avg_transaction is None
        assert s.type is None  # data-relative naming by default
    shares = [sum(p.spend_share.values()) for p in r.profiles]
    assert shares == pytest.approx([1.0] * len(shares))
    assert r.comparison.column == "channel" and sorted(r.comparison.labels) == ["1", "2"]
    assert sum(map(sum, r.comparison.counts)) == r.data.n_rows
    assert r.comparison.ari > 0.5  # the log scale recovers the channel split
    assert_names_agree_with_numbers(r)
    # different segments never get the same actions
    texts = [tuple((a.kind, a.column, round(a.value, 6)) for a in s.actions) for s in r.segments]
    assert len(set(texts)) == len(texts)


def test_recency_reads_lower_as_more_recent(tmp_path):
    """Days since the last purchase: the segment with the most days is lapsed (a win-back),
    the one with the fewest is recent; neither is "high" or "low" Recency to act on."""
    frame, truth = tables.rfm()
    path = tables.write_table(frame, tmp_path, "rfm.csv")
    features = [{"column": "Recency", "unit": "days", "transform": "log1p"},
                {"column": "Frequency", "transform": "log1p"},
                {"column": "Monetary", "transform": "log1p"}]
    output = analyse(path, features, data={"id_column": "CustomerID"},
                     roles={"recency": "Recency", "frequency": "Frequency",
                            "spending": "Monetary"}, clustering={"chosen_k": 3})
    r = output.results
    assert adjusted_rand_score(truth, output.assignments["cluster"]) > 0.9
    by_recency = sorted(r.segments, key=lambda s: s.avg_recency)
    recent, lapsed = by_recency[0], by_recency[-1]
    assert recent.name.startswith("Recent") and lapsed.name.startswith("Lapsed")
    assert "high Frequency" in recent.name or "high Monetary" in recent.name
    kinds = {s.cluster: [a.kind for a in s.actions] for s in r.segments}
    assert "win-back" in kinds[lapsed.cluster] and "follow-up-recent" in kinds[recent.cluster]
    for s in r.segments:  # recency never gets the generic "stands out high/low" reading
        assert not any(a.column == "Recency" and a.kind.startswith("feature-") for a in s.actions)
        assert s.avg_recency is not None
    assert_names_agree_with_numbers(r)

    from kmeans_report.report.wording import action_text
    win_back = next(a for a in lapsed.actions if a.kind == "win-back")
    text = action_text(win_back, "$")
    assert text.startswith("Win them back: Recency is") and " days against " in text


def test_without_a_spending_role_there_is_no_revenue_and_no_roi(tmp_path):
    path = tables.write_table(tables.two_features(), tmp_path, "two.csv")
    output = analyse(path, [{"column": "orders_per_month"}, {"column": "basket_eur"}],
                     data={"id_column": "client_id"})
    r = output.results
    assert r.roi is None
    assert all(s.total_revenue is None and s.avg_spending is None for s in r.segments)
    # the assignments keep the table's own id column name
    assert list(output.assignments.columns[:1]) == ["client_id"]
    assert_names_agree_with_numbers(r)


def test_twelve_features(tmp_path):
    path = tables.write_table(tables.twelve_features(), tmp_path, "twelve.csv")
    features = [{"column": f"score_{i:02d}"} for i in range(12)]
    r = analyse(path, features, data={"id_column": "member_no"}).results
    assert len(r.data.features) == 12
    for f in r.data.features:  # an index needs a positive overall mean
        assert (f.column in r.profiles[0].index) == (f.mean > 0)
    assert_names_agree_with_numbers(r)


def test_log1p_recovers_segments_a_raw_scale_misses(tmp_path):
    frame, truth = tables.planted_lognormal()
    path = tables.write_table(frame, tmp_path, "planted.csv")
    columns = ["online_spend", "store_spend", "app_spend"]

    def ari(transform):
        features = [{"column": c, "transform": transform} for c in columns]
        output = analyse(path, features, clustering={"chosen_k": 3})
        return adjusted_rand_score(truth, output.assignments["cluster"])

    with_log, without = ari("log1p"), ari("none")
    assert with_log >= 0.9 and without < with_log - 0.2, (with_log, without)


def test_an_extreme_outlier_gets_no_cluster_of_its_own(tmp_path):
    path = tables.write_table(tables.with_outlier(), tmp_path, "outlier.csv")
    r = analyse(path, [{"column": "revenue"}, {"column": "visits"}],
                clustering={"chosen_k": "auto"}).results
    best_by_silhouette = max(r.sweep, key=lambda row: row.silhouette)
    assert best_by_silhouette.min_cluster_share < 0.01  # the trap: the outlier on its own
    smallest = min(s.size for s in r.segments)
    assert smallest > 1, "auto picked a K that isolates the outlier"
    flagged = r.selection.small_cluster_ks
    assert best_by_silhouette.k in flagged and r.selection.chosen_k not in flagged
    assert "left out" in r.selection.explanation


def test_when_every_k_has_a_tiny_cluster_the_report_says_so(tmp_path):
    frame = tables.with_outlier()
    frame.loc[len(frame) - 1, ["revenue", "visits"]] = [250_000.0, 400.0]
    path = tables.write_table(frame, tmp_path, "extreme.csv")
    r = analyse(path, [{"column": "revenue"}, {"column": "visits"}],
                clustering={"chosen_k": "auto"}).results
    assert r.selection.small_cluster_ks == [row.k for row in r.sweep]
    assert "could not be applied" in r.selection.explanation


def test_clipping_counts_the_values_it_moves(tmp_path):
    path = tables.write_table(tables.with_outlier(), tmp_path, "outlier.csv")
    r = analyse(path, [{"column": "revenue"}, {"column": "visits"}],
                preprocessing={"clip_quantiles": [0.01, 0.99]},
                clustering={"chosen_k": 2}).results
    assert [f.clipped for f in r.data.features] == [8, 8]
    assert r.data.clip_quantiles == [0.01, 0.99]
    # profiles stay in the original units: the outlier still counts in its cluster's mean
    assert max(p.mean["revenue"] for p in r.profiles) > 2500


def test_log1p_on_negative_values_names_the_column(tmp_path):
    from kmeans_report.analysis.errors import DataError

    frame = pd.DataFrame({"a": [-5.0, 1, 2, 3] * 10, "b": np.arange(40.0)})
    path = tables.write_table(frame, tmp_path, "neg.csv")
    with pytest.raises(DataError, match=r"'a' has values down to -5.*log1p"):
        analyse(path, [{"column": "a", "transform": "log1p"}, {"column": "b"}])


DISTRIBUTIONS = ("normal", "lognormal", "gamma", "poisson")


@st.composite
def random_tables(draw):
    n = draw(st.integers(120, 260))
    d = draw(st.integers(2, 5))
    groups = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 10_000))
    kinds = draw(st.lists(st.sampled_from(DISTRIBUTIONS), min_size=d, max_size=d))
    rng = np.random.default_rng(seed)
    label = rng.integers(0, groups, n)
    columns = {}
    for j, kind in enumerate(kinds):
        shift = rng.normal(0, 1.5, groups)[label]
        if kind == "normal":
            values = rng.normal(shift * 10, 5)
        elif kind == "lognormal":
            values = rng.lognormal(3 + shift / 2, 0.8)
        elif kind == "gamma":
            values = rng.gamma(2 + np.abs(shift), 10)
        else:
            values = rng.poisson(5 + 2 * np.abs(shift)).astype(float)
        columns[f"feature_{j}"] = values
    spend = draw(st.lists(st.sampled_from(sorted(columns)), max_size=3, unique=True))
    return pd.DataFrame(columns), spend


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(random_tables())
def test_property_names_never_contradict_the_numbers(tmp_path, table):
    frame, spend = table
    path = tables.write_table(frame, tmp_path, "random.csv")
    features = [{"column": c, "label": c.replace("_", " ").title()} for c in frame.columns]
    roles = {"spending": spend} if spend else {}
    r = analyse(path, features, roles=roles, clustering={"chosen_k": "auto"}).results
    assert_names_agree_with_numbers(r)
    assert len({s.name for s in r.segments}) == len(r.segments)
    if spend:
        assert r.roi.total_revenue == pytest.approx(frame[spend].to_numpy().sum())
    else:
        assert r.roi is None
