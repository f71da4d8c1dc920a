"""Two releases of the same customers with planted changes: some departed, some new (partly
a new group of their own), some moved to another segment. Segments are far apart, so K-Means
recovers them exactly and every planted number can be checked as it is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.config import validate_config
from analysis.outputs import write_analysis
from analysis.pipeline import run_analysis

FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]
# Each segment is high on one feature: A spend, B visits, C loyalty; D (new in release 2)
# has large transactions.
CENTRES = {"A": [90_000, 8, 60, 2], "B": [20_000, 30, 60, 2], "C": [20_000, 8, 60, 12],
           "D": [20_000, 8, 400, 2]}
SPREAD = [2_000, 1, 4, 0.3]
N_BEFORE, DEPARTED, MOVED, NEW_IN_OLD_GROUPS, NEW_GROUP = 900, 60, 45, 50, 100


@dataclass
class Planted:
    before: Path  # analysis folders (results.json + assignments)
    now: Path
    before_groups: pd.Series  # id -> planted group
    now_groups: pd.Series


def _draw(groups: list[str], rng) -> pd.DataFrame:
    centres = np.array([CENTRES[g] for g in groups], float)
    values = centres + rng.normal(0, 1, centres.shape) * np.array(SPREAD)
    return pd.DataFrame(np.round(values, 2), columns=FEATURES)


def _release(ids, groups, rng, folder: Path, k: int, version: str) -> Path:
    frame = _draw(list(groups), rng)
    frame.insert(0, "customer_id", list(ids))
    data = folder / f"customers-{version}.csv"
    frame.to_csv(data, index=False)
    config = validate_config({
        "report": {"title": "Planted customers", "version": version},
        "data": {"source": "file", "path": str(data), "id_column": "customer_id"},
        "features": [{"column": c} for c in FEATURES],
        "roles": {"spending": "annual_spending", "frequency": "visit_frequency"},
        "clustering": {"chosen_k": k, "k_max": 5,
                       "stability": {"n_reseeds": 1, "n_bootstrap": 1}},
    })
    return write_analysis(run_analysis(config), folder / f"release-{version}")


@pytest.fixture(scope="session")
def planted(tmp_path_factory) -> Planted:
    folder = tmp_path_factory.mktemp("releases")
    rng = np.random.default_rng(21)
    ids = [f"C{i:04d}" for i in range(N_BEFORE)]
    before = pd.Series(rng.choice(list("ABC"), N_BEFORE), index=ids)
    staying = before.drop(before.sample(DEPARTED, random_state=1).index)
    movers = staying.sample(MOVED, random_state=2).index
    now = staying.copy()
    now[movers] = [{"A": "B", "B": "C", "C": "A"}[g] for g in staying[movers]]
    new_ids = [f"N{i:04d}" for i in range(NEW_IN_OLD_GROUPS + NEW_GROUP)]
    new = pd.Series(list(rng.choice(list("ABC"), NEW_IN_OLD_GROUPS)) + ["D"] * NEW_GROUP,
                    index=new_ids)
    now = pd.concat([now, new])
    return Planted(_release(before.index, before, rng, folder, 3, "1.0"),
                   _release(now.index, now, rng, folder, 4, "1.1"), before, now)
