"""Byte-identical rebuilds: the same data, config and SOURCE_DATE_EPOCH give the same site
tree and the same PDF, from two cold builds (empty caches, different folders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ENGINES, engine_param, hash_tree

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("engine", [engine_param(name) for name in ENGINES])
def test_two_cold_builds_are_byte_identical(engine, tmp_path, monkeypatch):
    from kmeans_report.analysis.progress import Progress
    from kmeans_report.report.build import build_site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1759363200")  # 2025-10-02
    trees = []
    for run in ("first", "second"):
        out = tmp_path / run / "_site"
        build_site(REPO / "report.yml", out, engine, cache_dir=tmp_path / run / "cache",
                   progress=Progress(enabled=False))
        trees.append(hash_tree(out))
    first, second = trees
    differing = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    assert differing == []
    assert "downloads/report.pdf" in first
