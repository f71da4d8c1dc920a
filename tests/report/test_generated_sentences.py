"""Property: what Methods says of the features' units and scaling holds for any table: one
feature or twenty, one unit, several, some without a unit. And a user's pages never speak
of a notebook their reader never saw."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.report.context import FigureRef, SiteInfo, build_context
from kmeans_report.report.templating import make_environment
from kmeans_report.report.wording import scaling_sentence, unit_name

UNITS = ["€", "$", "k$", "days", "visits/year", "kg", ""]
QUICK = {"k_min": 2, "k_max": 3, "n_init": 2,
         "stability": {"n_reseeds": 1, "n_bootstrap": 1}}


class AnyFigure(dict):
    """A stand-in for every figure a page shows (their text is tested elsewhere)."""

    def __missing__(self, name: str) -> FigureRef:
        return FigureRef(name, name, "", "", f"{name}.json", f"{name}.svg", 10, 10)


def section_text(results, *names: str) -> str:
    site = SiteInfo(engine="pandoc", engine_version="test", citation={}, releases=[], downloads=[])
    context = build_context(results, AnyFigure(), site)
    env = make_environment()
    text = " ".join(env.get_template(f"sections/{name}.md.j2").render(target="html", **context)
                    for name in names)
    return " ".join(re.sub(r"\\(.)", r"\1", text).split())  # markdown escapes out


def check_scaling_sentence(text: str, units: list[str], scaler: str) -> None:
    named = {unit_name(u) for u in units if u}
    if len(set(units)) > 1:
        assert "measured in different units" in text
        for unit in named:
            assert unit in text
        assert ("some have none" in text) == ("" in units)
    else:
        assert "different units" not in text
        assert ("all measured in" in text) == (bool(named) and len(units) > 1)
    assert ("rescaled" in text) == (scaler != "none")
    assert ("scaler none" in text) == (scaler == "none")
    assert ("The one feature" in text) == (len(units) == 1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(UNITS), min_size=1, max_size=20),
       st.sampled_from(["standard", "minmax", "robust", "none"]))
def test_the_scaling_sentence_holds_for_any_units(units, scaler):
    check_scaling_sentence(scaling_sentence(units, scaler), units, scaler)


@settings(max_examples=8, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # no slow shrinking
@given(units=st.lists(st.sampled_from(UNITS), min_size=1, max_size=20),
       scaler=st.sampled_from(["standard", "robust", "none"]),
       seed=st.integers(0, 1000))
def test_methods_and_business_pages_hold_for_generated_tables(tmp_path_factory, units, scaler,
                                                              seed):
    """A table of 1-20 features in these units through the analysis: Methods states their
    units and scaling truly, and no page speaks of a notebook."""
    rng = np.random.default_rng(seed)
    columns = [f"Feature {i + 1}" for i in range(len(units))]
    frame = pd.DataFrame({c: rng.gamma(2 + i % 3, 10 + i, 90) for i, c in enumerate(columns)})
    path = tmp_path_factory.mktemp("sentences") / "table.csv"
    frame.to_csv(path, index=False)
    results = run_analysis(validate_config({
        "data": {"source": "file", "path": str(path)},
        "features": [{"column": c, "unit": u} for c, u in zip(columns, units, strict=True)],
        "roi": {"currency": "€"},
        "preprocessing": {"scaler": scaler},
        "clustering": QUICK,
    })).results
    shown = [f.unit for f in results.data.features]
    methods = section_text(results, "methods")
    check_scaling_sentence(methods, shown, scaler)
    pages = section_text(results, "methods", "clusters", "insights", "data", "model-selection")
    assert "notebook" not in pages.lower()
