"""Tables that grow with the features stay readable: with 2, 6, 12 and 20 features, at 1280 px
no table is wider than the content column, and at 390 px every value stays on one line (a
wide table scrolls inside its own box, never the page, and no row grows tall from values
wrapped out of sight). Tables are per-cluster and per-feature: features are rows when they
outnumber the clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kmeans_report.report.cli import main
from kmeans_report.report.context import cluster_grid
from tests import tables
from tests.helpers import ENGINES, engine_param, serve, settle

pytestmark = pytest.mark.e2e


def features(n: int, rows: int = 240, seed: int = 12) -> pd.DataFrame:
    """`n` skewed features in three units, three groups apart."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, rows)
    units = ["€", "days", "visits"]
    return pd.DataFrame({f"Measure {i + 1} ({units[i % 3]})":
                         np.round(rng.gamma(2 + group * (1 + i % 3), 40 + 37 * i, rows), 1)
                         for i in range(n)})


# The page's tables: how wide each is against its box, and which value cells (right-aligned
# numbers; not the labels and names, nor hashes in code, which may break anywhere) take more
# than one line.
MEASURE = """() => [...document.querySelectorAll('main table')].map(t => {
  const box = t.closest('.table-scroll') || t.parentElement;
  const lines = td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  };
  const values = [...t.querySelectorAll('td')].filter(
    td => getComputedStyle(td).textAlign === 'right' && !td.querySelector('code'));
  return {width: t.scrollWidth, box: box.clientWidth,
          wrapped: values.filter(td => lines(td) > 1).map(td => td.innerText)};
})"""


@pytest.fixture(scope="module", params=[engine_param(name) for name in ENGINES])
def wide_sites(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"wide-{request.param}")
    sites = {}
    for n in (2, 6, 12, 20) if request.param == "pandoc" else (6, 20):
        data = tables.write_table(features(n), root / f"f{n}", "table.csv")
        config = root / f"f{n}" / "report.yml"
        assert main(["-q", "init", str(data), "--out", str(config)]) == 0
        out = root / f"f{n}" / "site"
        assert main(["-q", "build", "--config", str(config), "--engine", request.param,
                     "--out", str(out), "--cache-dir", str(root / "cache")]) == 0
        sites[n] = out
    return sites


@pytest.mark.parametrize("width", [1280, 390])
def test_tables_that_grow_with_the_features_stay_readable(page, wide_sites, width):
    page.set_viewport_size({"width": width, "height": 900})
    for n, site in wide_sites.items():
        with serve(site) as url:
            for name in ("clusters", "data"):
                page.goto(url + f"{name}.html")
                settle(page)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                for i, table in enumerate(page.evaluate(MEASURE)):
                    where = f"{n} features, {name}.html table {i + 1}, {width} px"
                    if width == 1280:
                        assert table["width"] <= table["box"], where
                    assert table["wrapped"] == [], where


def test_features_are_rows_when_they_outnumber_the_clusters():
    wide = cluster_grid(["a", "b", "c"], ["0", "1"], [["1", "2", "3"], ["4", "5", "6"]])
    assert wide["features_as_rows"] and wide["columns"] == ["Cluster\u00a00", "Cluster\u00a01"]
    assert [r["head"] for r in wide["rows"]] == ["a", "b", "c"]
    assert [r["cells"] for r in wide["rows"]] == [["1", "4"], ["2", "5"], ["3", "6"]]
    narrow = cluster_grid(["a", "b"], ["0", "1", "2"], [["1", "2"], ["3", "4"], ["5", "6"]])
    assert not narrow["features_as_rows"] and narrow["columns"] == ["a", "b"]
    assert [r["cells"] for r in narrow["rows"]] == [["1", "2"], ["3", "4"], ["5", "6"]]
