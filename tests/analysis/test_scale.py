"""The large-data path: sweep on a sample, refine on all rows, all-row scores, recorded facts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
)
from sklearn.preprocessing import StandardScaler

from kmeans_report.analysis import scale
from kmeans_report.analysis.backends.base import SweepRows
from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.metrics import SampledSilhouette, sampled_silhouette_values
from kmeans_report.analysis.pipeline import DriverSilhouette, run_analysis, sweep
from kmeans_report.analysis.progress import Progress
from kmeans_report.analysis.results import Results
from kmeans_report.analysis.sources.synthetic import planted_customers

N_ROWS = 50_000


def large_config(**clustering):
    return validate_config(
        {
            "data": {"synthetic": {"n_customers": N_ROWS, "planted_segments": 4}},
            "clustering": {
                "chosen_k": "auto",
                "k_max": 6,
                "large_data": {"mode": "auto", "min_rows": 20_000, "sweep_sample_size": 5_000},
                "silhouette": {"exact_max_rows": 2_000, "sample_size": 2_000},
                "stability": {"n_reseeds": 2, "n_bootstrap": 2, "max_rows": 2_000},
                **clustering,
            },
        }
    )


@pytest.fixture(scope="module")
def large_output():
    return run_analysis(large_config())


def test_sweep_is_sampled_and_refined_on_all_rows(large_output):
    run = large_output.results.run
    assert run.large_data is True
    assert run.sweep_rows == 5_000
    assert run.refine_rows == N_ROWS
    assert run.sweep_sample_seed == 43  # random_state + 1
    assert run.refine_n_iter >= 1
    assert run.matrix_dtype == "float32"
    assert len(large_output.assignments) == N_ROWS
    assert sum(p.size for p in large_output.results.profiles) == N_ROWS


def test_silhouette_is_sampled_with_standard_error(large_output):
    for row in large_output.results.sweep:
        assert row.silhouette_sample_size == 2_000
        assert 0 < row.silhouette_se < 0.02


def test_final_inertia_close_to_full_kmeans_and_planted_recovered(large_output):
    r = large_output.results
    frame, truth = planted_customers(N_ROWS, 4, 42)
    X = StandardScaler().fit_transform(frame.to_numpy(np.float64))
    full = KMeans(r.selection.chosen_k, n_init=10, random_state=42).fit(X)
    assert r.selection.chosen_k == 4
    assert r.final_inertia <= full.inertia_ * 1.005
    assert r.final_inertia == pytest.approx(r.final.inertia)
    assert adjusted_rand_score(truth, large_output.assignments["cluster"]) >= 0.95


def test_algorithm_comparison_runs_on_the_sweep_sample(large_output):
    runs = large_output.results.algorithms
    assert [a.algorithm for a in runs] == ["lloyd", "minibatch"]
    assert all(a.ari_vs_final > 0.9 for a in runs)


def test_results_record_the_sampling_in_json(large_output, tmp_path):
    path = tmp_path / "results.json"
    large_output.results.save(path)
    again = Results.load(path)
    assert again.run.large_data and again.run.sweep_rows == 5_000
    assert again.config["clustering"]["large_data"]["sweep_sample_size"] == 5_000


def test_results_without_sampling_facts_still_load(default_results):
    data = default_results.to_dict()
    for key in ("large_data", "sweep_sample_seed", "refine_rows", "refine_n_iter", "matrix_dtype"):
        del data["run"][key]
    run = Results.from_dict(data).run
    assert run.large_data is False and run.refine_rows is None and run.matrix_dtype == "float64"


def test_default_data_keeps_the_notebook_path(default_results):
    run = default_results.run
    assert run.large_data is False and run.sweep_rows == 1000 and run.matrix_dtype == "float64"


@pytest.mark.parametrize(
    ("mode", "rows", "expected"),
    [("auto", 199_999, False), ("auto", 200_000, True), ("off", 10**7, False),
     ("on", 60_000, True), ("on", 50_000, False)],
)
def test_mode_and_threshold(mode, rows, expected):
    opts = validate_config({"clustering": {"large_data": {"mode": mode}}}).clustering
    assert opts.use_large_path(rows) is expected


def test_unknown_mode_is_a_config_error():
    from kmeans_report.analysis.errors import ConfigError

    with pytest.raises(ConfigError, match="clustering.large_data.mode"):
        validate_config({"clustering": {"large_data": {"mode": "maybe"}}})


def test_all_row_scores_match_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3_000, 4)) + np.repeat(np.eye(4)[:3] * 4, 1_000, axis=0)
    model = KMeans(3, n_init=2, random_state=0, max_iter=2).fit(X)  # centres not yet the means
    labels = scale.assign(model, X)
    assert np.array_equal(labels, ((X[:, None, :] - model.cluster_centers_) ** 2).sum(2).argmin(1))
    inertia, ch, db = scale.score_partition(X, labels, model.cluster_centers_)
    assert inertia == pytest.approx(((X - model.cluster_centers_[labels]) ** 2).sum(), rel=1e-9)
    assert ch == pytest.approx(calinski_harabasz_score(X, labels), rel=1e-9)
    assert db == pytest.approx(davies_bouldin_score(X, labels), rel=1e-9)


def test_scores_in_chunks_equal_one_pass(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2_500, 3)).astype(np.float32)
    centres = X[:4].astype(np.float64)
    labels = ((X[:, None, :] - centres) ** 2).sum(2).argmin(1)
    whole = scale.score_partition(X, labels, centres)
    monkeypatch.setattr(scale, "CHUNK_ROWS", 1_000)
    assert scale.score_partition(X, labels, centres) == pytest.approx(whole, rel=1e-9)


def test_sampled_silhouette_equals_scikit_learn():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(1_500, 4))
    labels = rng.integers(0, 4, 1_500)
    labels[0] = 9  # a singleton cluster scores 0, as in scikit-learn
    ours = sampled_silhouette_values(X, labels, block=100)
    assert np.allclose(ours, silhouette_samples(X, labels), atol=1e-10)


def test_sampled_silhouette_with_cached_distances_matches():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5_000, 4))
    index = np.sort(rng.choice(5_000, 1_200, replace=False))
    cached = SampledSilhouette(X, index)
    assert cached.distances is not None
    for k in (2, 5):
        labels = rng.integers(0, k, 5_000)
        got = cached(labels)
        exact = silhouette_samples(X[index], labels[index])
        # distances computed in float32: each value within 1e-5, their mean within 1e-6
        assert np.allclose(got.values, exact, atol=1e-5)
        assert abs(got.mean - exact.mean()) < 1e-6
        assert got.sample_size == 1_200 and got.se > 0



def test_a_small_run_after_a_large_one_records_only_its_own_stages(large_output):
    """Stage timings belong to one run: nothing carries over between runs in one process."""
    assert "refine" in large_output.results.run.seconds
    small = run_analysis(validate_config({}))
    assert "refine" not in small.results.run.seconds
    assert {"load", "sweep", "final"} <= set(small.results.run.seconds)


def test_only_the_chosen_k_is_scored_on_all_rows(large_output):
    """The chosen K's row is exact on every row; it is what the segments are."""
    r = large_output.results
    frame, _ = planted_customers(N_ROWS, 4, 42)
    X = StandardScaler().fit_transform(frame.to_numpy(np.float64)).astype(np.float32)
    labels = large_output.assignments["cluster"].to_numpy()
    final = r.final
    assert final.score_sample_size is None and final.inertia_se is None
    assert final.min_cluster_share == np.bincount(labels).min() / N_ROWS
    assert final.calinski_harabasz == pytest.approx(calinski_harabasz_score(X, labels), rel=1e-4)
    assert final.davies_bouldin == pytest.approx(davies_bouldin_score(X, labels), rel=1e-4)
    # converged K-Means: the centres are the clusters' means, so inertia is their scatter
    within = sum(((X[labels == c] - X[labels == c].mean(0)) ** 2).sum() for c in range(4))
    assert final.inertia == pytest.approx(within, rel=1e-4)


def test_other_ks_are_held_out_sample_estimates_within_their_error():
    """Each other K is scored on 5,000 rows it was not fitted on: inertia scaled to the table
    with a standard error that covers the all-row value, CH scaled to the table's size."""
    config = large_config()
    frame, _ = planted_customers(N_ROWS, 4, 42)
    X = StandardScaler().fit_transform(frame.to_numpy(np.float64)).astype(np.float32)
    opts = config.clustering
    sample = scale.sweep_sample_index(N_ROWS, opts.large_data.sweep_sample_size, 42)
    held_out = scale.score_sample_index(N_ROWS, sample, len(sample), 42)
    assert len(held_out) == 5_000 and not np.intersect1d(held_out, sample).size
    rows = SweepRows(X[sample].astype(np.float64), sample, X[held_out].astype(np.float64))
    swept, models = sweep(rows, N_ROWS, DriverSilhouette(X, N_ROWS, True, opts), opts,
                          Progress(enabled=False))
    for row in swept:
        model = models[row.k]
        labels = scale.assign(model, X)
        inertia, ch, db = scale.score_partition(X, labels, model.cluster_centers_)
        assert row.score_sample_size == 5_000 and row.inertia_se > 0
        assert abs(row.inertia - inertia) < 4 * row.inertia_se
        assert row.calinski_harabasz == pytest.approx(ch, rel=0.1)  # not 10x smaller
        assert row.davies_bouldin == pytest.approx(db, rel=0.1)
        assert row.min_cluster_share == pytest.approx(np.bincount(labels).min() / N_ROWS, abs=0.02)
