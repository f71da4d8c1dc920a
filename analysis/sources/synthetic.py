"""The synthetic customers: the notebook's own generator, draw for draw, and customers drawn
around planted segments (true labels kept), for demos, tests and benchmarks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import SYNTHETIC_COLUMNS, Config
from .base import Dataset, NotebookNeeds, SparkInput

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# numpy and pandas load in the functions that draw data: `build` asks this source its
# fingerprint (the generator's settings) without them.


def notebook_customers(n_customers: int = 1000, seed: int = 42) -> pd.DataFrame:
    """The notebook's customer table, draw for draw.

    `np.random.seed(seed)` followed by the module-level draws is the same stream as a fresh
    `RandomState(seed)`; using our own generator leaves numpy's global state alone.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.RandomState(seed)
    return pd.DataFrame(
        {
            "annual_spending": rng.gamma(2, 15000, n_customers),
            "visit_frequency": rng.poisson(8, n_customers),
            "avg_transaction": rng.lognormal(4, 0.5, n_customers),
            "loyalty_years": rng.exponential(2, n_customers),
        }
    )


def segment_codes(n_segments: int) -> np.ndarray:
    """Low/high level (0/1) of each feature for each segment, as far apart as possible.

    Greedy max-min Hamming distance over the 16 corners of the 4-feature level cube: every
    pair of segments differs fully in at least one feature (two when n_segments <= 8).
    """
    import numpy as np

    corners = np.array([[(c >> b) & 1 for b in range(len(SYNTHETIC_COLUMNS))] for c in range(16)])
    chosen = [0]
    while len(chosen) < n_segments:
        rest = [c for c in range(16) if c not in chosen]
        distance = [min(int(np.abs(corners[c] - corners[o]).sum()) for o in chosen) for c in rest]
        chosen.append(rest[int(np.argmax(distance))])
    return corners[chosen].astype(float)


def planted_customers(
    n_customers: int, n_segments: int, seed: int = 42
) -> tuple[pd.DataFrame, np.ndarray]:
    """Customers drawn around `n_segments` real segment centres; returns (frame, true labels).

    Each segment is low or high on each feature (see `segment_codes`). Spreads suit each
    feature and keep values positive: spending is gamma (CV 1/6), visits are Poisson counts,
    the average transaction is lognormal (sigma 0.2), loyalty is gamma (CV 1/4).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.RandomState(seed)
    weights = 1.0 + (np.arange(n_segments) % 3) * 0.5  # unequal sizes, as real segments are
    labels = rng.choice(n_segments, size=n_customers, p=weights / weights.sum())
    t = segment_codes(n_segments)[labels]  # (n, 4): 0 = low, 1 = high
    spending_mean = 15_000.0 + 45_000.0 * t[:, 0]
    visits_mean = 4.0 + 16.0 * t[:, 1]
    transaction_median = 35.0 + 115.0 * t[:, 2]
    loyalty_mean = 1.0 + 5.0 * t[:, 3]
    frame = pd.DataFrame(
        {
            "annual_spending": rng.gamma(36.0, spending_mean / 36.0),
            "visit_frequency": rng.poisson(visits_mean),
            "avg_transaction": rng.lognormal(np.log(transaction_median), 0.2),
            "loyalty_years": rng.gamma(16.0, loyalty_mean / 16.0),
        }
    )
    return frame, labels.astype(np.int32)


def values_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of generated values: each column's name and its values as float64."""
    import numpy as np

    digest = hashlib.sha256()
    for name in frame.columns:
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(frame[name].to_numpy(np.float64)).tobytes())
    return digest.hexdigest()


class SyntheticSource:
    """`data.source: synthetic`: the notebook's table, or customers around planted segments."""

    backends = frozenset({"sklearn", "spark"})
    refusal = ""

    def __init__(self, config: Config):
        self.config = config
        self.options = config.data.synthetic

    def load(self) -> Dataset:
        opts = self.options
        if opts.planted_segments:
            frame, labels = planted_customers(opts.n_customers, opts.planted_segments, opts.seed)
            notes = [f"{opts.planted_segments} segments planted; true labels kept for recovery "
                     "checks"]
        else:
            frame, labels, notes = notebook_customers(opts.n_customers, opts.seed), None, []
        dataset = Dataset(frame=frame, ids=None, source="synthetic", format="synthetic",
                          sha256=values_sha256(frame), n_input_rows=len(frame),
                          true_labels=labels, notes=notes,
                          planted_segments=opts.planted_segments)
        from .rules import check_dataset

        check_dataset(dataset, self.config)
        return dataset

    def fingerprint(self) -> str:
        return "synthetic:" + json.dumps(self.options.model_dump(), sort_keys=True)

    def description(self) -> str:
        return "synthetic"

    def input_files(self) -> list[Path]:
        return []

    def notebook_needs(self) -> NotebookNeeds:
        return NotebookNeeds(generated=True)

    def row_count(self) -> int | None:
        return self.options.n_customers

    def spark_input(self) -> SparkInput:
        return SparkInput(shown="synthetic", where="synthetic data", format="synthetic",
                          dataset=self.load())
