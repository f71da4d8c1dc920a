"""What every section of report.yml shares: strict keys and the bounds of its numbers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Upper bounds keep every number inside what numpy, scikit-learn and memory can take, so a
# typo such as `n_customers: 10000000000000` is a config error, not a crash half-way.
MAX_SEED = 2**32 - 1  # numpy RandomState / scikit-learn random_state
MAX_ROWS = 100_000_000  # rows of generated data, sample and refit sizes
RowCount = Annotated[int, Field(gt=0, le=MAX_ROWS)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
Fraction = Annotated[float, Field(gt=0, le=1)]
Fraction01 = Annotated[float, Field(ge=0, le=1)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored. NaN and infinity are
    never valid numbers here (results.json could not hold them, comparisons go wrong)."""

    # A docstring under a field is its description: docs/configuration.md is generated from them.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              use_attribute_docstrings=True)
