"""Two releases of the same customers with planted changes: some departed, some new (partly
a new group of their own), some moved to another segment. Segments are far apart, so K-Means
recovers them exactly and every planted number can be checked as it is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]
# Each segment is high on one feature: A spend, B visits, C loyalty; D (new in release 2)
# has large transactions.
CENTRES = {"A": [90_000, 8, 60, 2], "B": [20_000, 30, 60, 2], "C": [20_000, 8, 60, 12],
           "D": [20_000, 8, 400, 2]}
SPREAD = [2_000, 1, 4, 0.3]
N_BEFORE, DEPARTED, MOVED, NEW_IN_OLD_GROUPS, NEW_GROUP = 900, 60, 45, 50, 100


def _draw(groups: list[str], rng) -> pd.DataFrame:
    centres = np.array([CENTRES[g] for g in groups], float)
    values = centres + rng.normal(0, 1, centres.shape) * np.array(SPREAD)
    return pd.DataFrame(np.round(values, 2), columns=FEATURES)


def release_config(data: Path, k: int, version: str) -> dict:
    """The configuration of one release (a mapping, as report.yml would hold it)."""
    return {
        "report": {"title": "Planted customers", "version": version},
        "data": {"source": "file", "path": str(data), "id_column": "customer_id"},
        "features": [{"column": c} for c in FEATURES],
        "roles": {"spending": "annual_spending", "frequency": "visit_frequency"},
        "clustering": {"chosen_k": k, "k_max": 5,
                       "stability": {"n_reseeds": 1, "n_bootstrap": 1}},
    }


def planted_tables(folder: Path) -> tuple[Path, Path, pd.Series, pd.Series]:
    """The two releases' customer tables (CSV) and each customer's planted group."""
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
    paths = []
    for version, groups in (("1.0", before), ("1.1", now)):
        frame = _draw(list(groups), rng)
        frame.insert(0, "customer_id", list(groups.index))
        paths.append(folder / f"customers-{version}.csv")
        frame.to_csv(paths[-1], index=False)
    return paths[0], paths[1], before, now


