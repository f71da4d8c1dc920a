"""`kmeans-report init`: the money symbol follows a spending column's name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.config import validate_config
from analysis.init_config import plan_table, render_config


def _table(spend_column: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"customer_id": range(200), spend_column: rng.lognormal(8, 1, 200),
                         "orders": rng.poisson(10, 200)})


def _config(frame: pd.DataFrame):
    return validate_config(yaml.safe_load(render_config(plan_table(frame), "t.csv", "T")))


@pytest.mark.parametrize(("column", "symbol"), [
    ("revenue_eur", "€"), ("Spend GBP", "£"), ("sales.usd", "$"), ("total_spend_yen", "¥"),
])
def test_a_currency_in_the_spending_column_name_sets_the_money_symbol(column, symbol):
    config = _config(_table(column))
    assert config.roles.columns()["spending"] == [column]
    assert config.roi.currency == symbol


def test_without_one_the_default_symbol_is_written_for_the_user_to_change():
    text = render_config(plan_table(_table("spend")), "t.csv", "T")
    assert 'currency: "$"' in text and "the symbol money amounts are shown with" in text
    # a word that merely contains a code is not one ("europe", "peur")
    assert _config(_table("europe_spend")).roi.currency == "$"
