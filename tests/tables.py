"""Customer tables shaped unlike the notebook's, for the "any table, an honest report" tests.

Each function returns a DataFrame; `write_table` saves it as CSV in a test's folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SPEND_CATEGORIES = ["fresh", "milk", "grocery", "frozen", "detergents_paper", "delicatessen"]


def wholesale(n: int = 440, seed: int = 3) -> pd.DataFrame:
    """Six skewed annual-spend categories and a two-level sales channel (like the public
    wholesale customers table): no visits, no loyalty, no transaction size."""
    rng = np.random.default_rng(seed)
    channel = rng.integers(1, 3, n)
    retail = (channel == 2).astype(float)
    frame = pd.DataFrame({"channel": channel, "region": rng.integers(1, 4, n)})
    scale = {"fresh": 1.6 - retail, "milk": 0.5 + 2 * retail, "grocery": 0.4 + 2.5 * retail,
             "frozen": np.ones(n), "detergents_paper": 0.2 + 4 * retail,
             "delicatessen": np.ones(n)}
    means = {"fresh": 9.0, "milk": 8.0, "grocery": 8.5, "frozen": 7.5,
             "detergents_paper": 6.5, "delicatessen": 7.0}
    for column in SPEND_CATEGORIES:
        frame[column] = np.round(rng.lognormal(means[column], 1.0, n) * scale[column], 2)
    return frame


def two_features(n: int = 300, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, n)
    return pd.DataFrame({
        "client_id": [f"C{i:05d}" for i in range(n)],
        "orders_per_month": np.round(rng.gamma(2 + 3 * group, 1.0), 1),
        "basket_eur": np.round(rng.normal(30 + 25 * group, 8), 2),
    })


def twelve_features(n: int = 500, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 4, n)
    columns = {f"score_{i:02d}": rng.normal(group * (i % 3), 1.0 + i / 10) for i in range(12)}
    return pd.DataFrame({"member_no": np.arange(n) + 1000, **columns})


def planted_lognormal(n: int = 900, seed: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    """Three segments apart on a log scale: K-Means finds them after log1p, hardly without."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    centres = np.array([[6, 9, 5], [9, 6, 5.5], [5.5, 6.5, 8.5]])
    values = np.exp(centres[labels] + rng.normal(0, 0.7, (n, 3)))
    frame = pd.DataFrame(np.round(values, 2), columns=["online_spend", "store_spend", "app_spend"])
    frame.insert(0, "segment_truth", labels)
    return frame, labels


def with_outlier(n: int = 400, seed: int = 6) -> pd.DataFrame:
    """Two real groups and one customer four times the size of the biggest: by silhouette
    alone, K = 3 (the two groups and the outlier on its own) would win."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n)
    frame = pd.DataFrame({
        "revenue": rng.normal(1000 + 1500 * group, 250),
        "visits": rng.normal(5 + 6 * group, 1.5),
    })
    frame.loc[n - 1, ["revenue", "visits"]] = [10_000.0, 30.0]
    return frame


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    frame.to_csv(path, index=False)
    return path


def mall_like(n: int = 200, seed: int = 7) -> pd.DataFrame:
    """Like the public mall-customers table: an id, a label, age, income in thousands of
    dollars and a 1-100 spending score (not money), five groups in income × score."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 5, n)
    income = np.array([25, 25, 55, 85, 85])[group] + rng.normal(0, 8, n)
    score = np.array([20, 80, 50, 15, 85])[group] + rng.normal(0, 8, n)
    return pd.DataFrame({
        "CustomerID": np.arange(1, n + 1),
        "Gender": rng.choice(["Female", "Male"], n),
        "Age": rng.integers(18, 71, n),
        "Annual Income (k$)": np.clip(np.round(income), 15, 137).astype(int),
        "Spending Score (1-100)": np.clip(np.round(score), 1, 99).astype(int),
    })


def rfm(n: int = 300, seed: int = 8) -> tuple[pd.DataFrame, np.ndarray]:
    """A recency/frequency/monetary table (days since the last purchase, purchases, money)
    with three planted groups: recent frequent big spenders, lapsed rare small spenders,
    and customers in between."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, n)
    recency = np.array([12, 300, 90])[group] * rng.lognormal(0, 0.25, n)
    frequency = np.array([30, 2, 9])[group] * rng.lognormal(0, 0.25, n)
    monetary = np.array([4000, 150, 900])[group] * rng.lognormal(0, 0.3, n)
    frame = pd.DataFrame({
        "CustomerID": 12346 + np.sort(rng.choice(3 * n, n, replace=False)),
        "Recency": np.round(recency).astype(int),
        "Frequency": np.maximum(1, np.round(frequency)).astype(int),
        "Monetary": np.round(monetary, 2),
    })
    return frame, group


def wholesale_eur(n: int = 440, seed: int = 3) -> pd.DataFrame:
    """The wholesale look-alike with its six spend columns named in euros."""
    frame = wholesale(n, seed)
    names = {c: f"{c.title()} (€)" for c in SPEND_CATEGORIES}
    return frame.rename(columns={"channel": "Channel", "region": "Region", **names})
