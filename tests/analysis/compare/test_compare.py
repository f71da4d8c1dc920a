"""The comparison of two releases names the planted numbers: customers new, departed,
returning and moved; segments matched keep their names; a new group is called new; the ARI
is scikit-learn's on the shared ids."""

from __future__ import annotations

import json

import jsonschema
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from kmeans_report.analysis.compare.compare import compare_releases
from kmeans_report.analysis.compare.document import SCHEMA_PATH, changes_document
from kmeans_report.analysis.compare.earlier import assignment_ids, load_earlier, load_results
from kmeans_report.analysis.errors import DataError
from tests.releases import (
    DEPARTED,
    FEATURES,
    MOVED,
    N_BEFORE,
    NEW_GROUP,
    NEW_IN_OLD_GROUPS,
)


@pytest.fixture(scope="module")
def changes(planted):
    before, before_ids = load_earlier(planted.before)
    now = load_results(planted.now)
    return compare_releases(before, now, before_ids,
                            assignment_ids(planted.now, "customer_id", "this release"))


def test_customers_new_departed_returning_and_moved(changes):
    c = changes.customers
    assert c.by_id and c.reason is None
    assert (c.before, c.now) == (N_BEFORE, N_BEFORE - DEPARTED + NEW_IN_OLD_GROUPS + NEW_GROUP)
    assert c.departed == DEPARTED
    assert c.new == NEW_IN_OLD_GROUPS + NEW_GROUP
    assert c.returning == N_BEFORE - DEPARTED
    assert c.moved == MOVED


def test_matched_segments_keep_their_names_and_the_new_group_is_new(changes, planted):
    kept = [s for s in changes.segments if s.status == "kept"]
    assert len(kept) == 3 and all(s.before_name == s.now_name for s in kept)
    # this release's own numbers describe the groups differently (a fourth segment moved the
    # overall means): the earlier name is kept, the new description stated beside it
    assert any(s.described_now for s in kept)
    (new,) = [s for s in changes.segments if s.status == "new"]
    assert new.now_name.startswith("High avg_transaction")
    assert new.size_now == NEW_GROUP and new.before_name is None
    assert not [s for s in changes.segments if s.status == "gone"]
    # the matched pairs hold the same planted group, whatever numbers K-Means gave them
    before = pd.read_parquet(planted.before / "assignments.parquet").set_index("customer_id")
    now = pd.read_parquet(planted.now / "assignments.parquet").set_index("customer_id")
    for s in kept:
        old_group = planted.before_groups[before.index[before.cluster == s.before_cluster]]
        new_group = planted.now_groups[now.index[now.cluster == s.now_cluster]]
        assert old_group.nunique() == new_group.nunique() == 1
        assert old_group.iloc[0] == new_group.iloc[0]


def test_transitions_and_ari_on_the_shared_ids(changes, planted):
    t = changes.transitions
    before = pd.read_parquet(planted.before / "assignments.parquet")
    now = pd.read_parquet(planted.now / "assignments.parquet")
    shared = before.merge(now, on="customer_id", suffixes=("_before", "_now"))
    assert t.ari == pytest.approx(adjusted_rand_score(shared.cluster_before, shared.cluster_now),
                                  abs=1e-12)
    assert sum(map(sum, t.counts)) == N_BEFORE - DEPARTED
    for row, shares in zip(t.counts, t.shares, strict=True):
        assert sum(shares) == pytest.approx(1.0 if sum(row) else 0.0, abs=1e-5)


def test_drift_is_in_the_features_units(changes):
    for s in changes.kept:
        assert set(s.drift) == {"annual_spending", "visit_frequency", "avg_transaction",
                                "loyalty_years"}
        assert abs(s.drift["annual_spending"]) < 2_000  # the same planted centre
    assert list(changes.features) == FEATURES


def test_changes_json_is_valid_and_names_what_changed(changes):
    document = changes_document(changes)
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(document)
    items = {(d["kind"], d["item"]) for d in document["differences"]}
    assert ("data", "SHA-256 of the data") in items
    assert ("configuration", "clustering.chosen_k") in items
    indices = {i["name"]: (i["before"], i["now"]) for i in document["indices"]}
    assert indices["Chosen K"] == (3, 4)


def test_without_ids_the_segments_are_matched_on_centres(planted):
    before, _ = load_earlier(planted.before)
    now = load_results(planted.now)
    changes = compare_releases(before, now, None, None)
    assert not changes.customers.by_id and "cannot be followed" in changes.customers.reason
    assert changes.customers.new is None and changes.transitions is None
    assert changes.matched_by == "centre distance"
    kept = [s for s in changes.segments if s.status == "kept"]
    assert len(kept) == 3 and all(s.before_name == s.now_name for s in kept)


def test_an_earlier_release_without_its_assignments_is_refused(planted, tmp_path):
    (tmp_path / "results.json").write_bytes((planted.before / "results.json").read_bytes())
    with pytest.raises(DataError, match="no assignments.parquet or assignments.csv"):
        load_earlier(tmp_path)
    (tmp_path / "results.json").write_text('{"schema_version": "0.9"}')
    with pytest.raises(DataError, match="schema version"):
        load_earlier(tmp_path / "results.json")
