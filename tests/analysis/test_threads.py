"""Independent fits run side by side only as far as the caller's thread limits allow, and
give the same results whatever order they run in."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from kmeans_report.analysis.cluster import stability
from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.metrics import pairwise_distances_f32
from kmeans_report.analysis.selection import bootstrap_ari
from kmeans_report.analysis.threads import allowed_threads, side_by_side


def test_results_come_back_in_the_jobs_order():
    def job(i):
        time.sleep(0.02 * (5 - i))  # the first jobs finish last
        return i
    assert list(side_by_side([lambda i=i: job(i) for i in range(5)])) == list(range(5))


def test_a_caller_allowing_one_thread_gets_its_jobs_run_in_its_own_thread():
    here = threading.get_ident()
    with threadpool_limits(1, user_api="openmp"):
        assert allowed_threads() == 1
        threads = list(side_by_side([threading.get_ident for _ in range(4)]))
    assert set(threads) == {here}


@pytest.mark.skipif(allowed_threads() < 2, reason="one core: nothing runs side by side")
def test_with_more_threads_allowed_the_jobs_leave_the_callers_thread():
    threads = list(side_by_side([threading.get_ident for _ in range(4)]))
    assert threading.get_ident() not in threads


def test_refits_give_the_same_numbers_one_at_a_time_and_side_by_side():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(c, 0.7, size=(400, 3)) for c in (0, 4, 8)])
    config = validate_config({})
    labels = np.repeat([0, 1, 2], 400)
    together = (stability(X, 3, labels, config.clustering), bootstrap_ari(X, 3, config))
    with threadpool_limits(1, user_api="openmp"):
        apart = (stability(X, 3, labels, config.clustering), bootstrap_ari(X, 3, config))
    assert together == apart


def test_the_distance_matrix_is_the_same_with_one_thread_or_more():
    X = np.random.default_rng(1).normal(size=(2500, 4))
    many = pairwise_distances_f32(X, block=256)
    with threadpool_limits(1, user_api="openmp"):
        one = pairwise_distances_f32(X, block=256)
    assert np.array_equal(many, one)
    assert np.allclose(many[3, 7], np.linalg.norm(X[3] - X[7]), atol=1e-4)
