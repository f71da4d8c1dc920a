"""`kmeans-report init`: what it reads from column names and values, and that every guess is
written as one. The configuration it writes must validate as it is, never cluster on an id,
never take a score for money, and leave the ROI assumptions to the user."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from kmeans_report.analysis.column_names import label, read_name, title_from_file
from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.init_config import init_config, plan_table, render_config, suited_k_max
from tests import tables


def _config(frame: pd.DataFrame, header: list[str] | None = None):
    text = render_config(plan_table(frame, header), "t.csv", "T")
    return validate_config(yaml.safe_load(text)), text


def _measures(n: int = 200, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"Age": rng.integers(18, 70, n), "Orders": rng.poisson(10, n),
            "Basket Size": rng.gamma(3, 10, n).round(2)}


def _with_id(name: str, n: int = 200, values=None) -> pd.DataFrame:
    ids = np.arange(1, n + 1) if values is None else values
    return pd.DataFrame({name: ids, **_measures(n)})


@pytest.mark.parametrize("name", [
    "Customer ID", "CustomerID", "customer_id", "cust-id", "ID", "id", "Client No",
    "client number", "Account Number", "member_nr", "MemberNumber", "user.id", "CUSTOMER_KEY",
])
def test_an_id_named_in_any_case_or_spelling_is_the_id_never_a_feature(name):
    config, _ = _config(_with_id(name))
    assert config.data.id_column == name
    assert name not in config.feature_columns


def test_string_codes_are_an_id():
    codes = np.array([f"C{i:05d}" for i in range(200)])
    config, _ = _config(_with_id("Handle", values=codes))
    assert config.data.id_column == "Handle"


def test_an_unnamed_integer_sequence_is_a_saved_row_index(tmp_path):
    """pandas writes its index as a column without a name: never a feature."""
    frame = pd.DataFrame(_measures())
    path = tmp_path / "customers.csv"
    frame.to_csv(path)  # with the index, under an empty header
    out, plan = init_config(path, tmp_path / "report.yml")
    config = validate_config(yaml.safe_load(out.read_text()))
    assert config.feature_columns == ["Age", "Orders", "Basket Size"]
    assert "(unnamed column)" in dict(plan.left_out)
    assert "saved row index" in out.read_text()
    # "Unnamed: 0" as a real column name (read back and saved again) is the id
    pd.read_csv(path).to_parquet(tmp_path / "again.parquet")
    out, _ = init_config(tmp_path / "again.parquet", tmp_path / "again.yml")
    config = validate_config(yaml.safe_load(out.read_text()))
    assert config.data.id_column == "Unnamed: 0"
    assert config.feature_columns == ["Age", "Orders", "Basket Size"]


def test_distinct_whole_numbers_under_a_plain_name_are_left_for_the_user_to_decide():
    rng = np.random.default_rng(1)
    frame = _with_id("Serial", values=rng.permutation(np.arange(5000, 5200)))
    config, text = _config(frame)
    assert "Serial" not in config.feature_columns and config.data.id_column is None
    assert '# id_column: "Serial"' in text
    assert '  # - column: "Serial"' in text and "like an id" in text
    # the same values under a name that says what they measure stay a feature
    config, _ = _config(_with_id("Income", values=rng.permutation(np.arange(5000, 5200))))
    assert "Income" in config.feature_columns


def test_an_id_that_repeats_is_left_out_with_the_reason():
    frame = _with_id("customer_id", values=np.repeat(np.arange(100), 2))
    config, text = _config(frame)
    assert "customer_id" not in config.feature_columns and config.data.id_column is None
    assert "only 100 distinct values in 200 rows" in text


def test_a_score_named_like_spending_is_not_money():
    config, text = _config(tables.mall_like())
    assert config.data.id_column == "CustomerID"
    assert config.roles.columns() == {}  # no revenue from a sum of scores
    spending = next(line for line in text.splitlines() if "spending:" in line)
    assert spending.lstrip().startswith("# spending:") and "1-100 scale" in spending
    labels = {f.column: f.label for f in config.features}
    assert labels["Spending Score (1-100)"] == "Spending Score (1-100)"  # its own punctuation
    assert labels["Annual Income (k$)"] == "Annual Income"
    income = next(f for f in config.features if f.column == "Annual Income (k$)")
    assert income.unit == "k$"


@pytest.mark.parametrize("values", [
    np.arange(200) % 99 + 1,  # whole numbers 1..99
    np.random.default_rng(2).integers(0, 101, 200),  # 0..100
])
def test_whole_numbers_up_to_100_without_a_currency_are_not_taken_for_spend(values):
    frame = pd.DataFrame({"spend": values, "orders": np.random.default_rng(3).poisson(10, 200)})
    config, text = _config(frame)
    assert "spending" not in config.roles.columns()
    assert "like a score or a count" in text


@pytest.mark.parametrize(("column", "unit", "label_"), [
    ("revenue_eur", "€", "Revenue"), ("Spend GBP", "£", "Spend"), ("Revenue (GBP)", "£", "Revenue"),
    ("Sales [EUR]", "€", "Sales"), ("sales.usd", "$", "Sales"), ("total_spend_yen", "¥", "Total Spend"),
    ("Annual Spend Eur", "€", "Annual Spend"), ("Spend (€)", "€", "Spend"), ("Spend £", "£", "Spend"),
    ("Revenue (k$)", "k$", "Revenue"), ("Sales (€k)", "k€", "Sales"), ("turnover_keur", "k€", "Turnover"),
    ("Spend (thousand USD)", "k$", "Spend"),
])
def test_currency_and_scale_come_from_the_name_and_the_label_keeps_the_rest(column, unit, label_):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"customer_id": range(200), column: rng.lognormal(8, 1, 200),
                          "orders": rng.poisson(10, 200)})
    config, text = _config(frame)
    assert config.roles.columns()["spending"] == [column]
    assert config.roi.currency == unit
    feature = next(f for f in config.features if f.column == column)
    assert (feature.label, feature.unit) == (label_, unit)


def test_a_word_that_merely_contains_a_code_names_no_currency():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"europe_spend": rng.lognormal(8, 1, 200), "orders": rng.poisson(9, 200)})
    config, text = _config(frame)
    assert config.roles.columns()["spending"] == ["europe_spend"]
    assert config.roi.currency == ""  # unknown: amounts shown as plain numbers
    assert 'currency: ""' in text and "write yours" in text


def test_an_rfm_table_gives_recency_frequency_and_monetary():
    frame, _ = tables.rfm()
    config, text = _config(frame)
    assert config.data.id_column == "CustomerID"
    assert config.feature_columns == ["Recency", "Frequency", "Monetary"]
    assert config.roles.columns() == {"spending": ["Monetary"], "frequency": ["Frequency"],
                                      "recency": ["Recency"]}
    for role in ("recency", "frequency", "spending"):  # guesses, marked as such
        line = next(line for line in text.splitlines() if line.strip().startswith(f"{role}:"))
        assert "guessed from the name" in line and "check" in line
    recency = next(f for f in config.features if f.column == "Recency")
    assert recency.unit == "" and 'write "days" if it is' in text  # a guess stays a comment


def test_empty_values_and_constant_columns_are_said_so_and_the_config_still_builds():
    frame = pd.DataFrame(_measures())
    frame.loc[[3, 40], "Basket Size"] = np.nan
    frame["Contact Cost"] = 3
    config, text = _config(frame)
    assert config.data.missing == "drop"
    assert "Basket Size: 2 of the 200 rows read" in text
    assert "Contact Cost" not in config.feature_columns
    assert '#   "Contact Cost": the same value in every row' in text
    config, _ = _config(pd.DataFrame(_measures()))
    assert config.data.missing == "fail"  # nothing to drop: a bad row later is an error


@pytest.mark.parametrize(("n_rows", "k_max"), [(50, 5), (30, 3), (12, 2), (200, 10), (5000, 10)])
def test_k_max_suits_the_table_size(n_rows, k_max):
    assert suited_k_max(n_rows) == k_max
    config, _ = _config(pd.DataFrame(_measures(n_rows)))
    assert config.clustering.k_max == k_max and config.clustering.k_max * 10 <= max(n_rows, 20)


def test_a_commented_role_works_once_uncommented():
    """No role recognised: `roles:` stands alone with each guess commented under it, so
    removing one `# ` gives that role; the ROI line points to the configuration reference."""
    config, text = _config(tables.mall_like())
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("roles:"))
    assert lines[head].split("#")[0].strip() == "roles:" and config.roles.columns() == {}
    spending = next(i for i, line in enumerate(lines) if line.startswith("  # spending:"))
    lines[spending] = lines[spending].replace("  # spending:", "  spending:", 1)
    edited = validate_config(yaml.safe_load("\n".join(lines)))
    assert edited.roles.columns() == {"spending": ["Spending Score (1-100)"]}
    assert "# roi: needs roles.spending (the revenue); see roi in docs/configuration.md." in text


def test_roi_assumptions_are_left_to_the_user():
    config, text = _config(pd.DataFrame({"spend_eur": np.linspace(10, 900, 200),
                                         "visits": np.arange(200) % 17}))
    assert not config.roi.assumed
    assert config.roi.targeting_efficiency is None and config.roi.implementation_cost is None
    for key, meaning in (("targeting_efficiency", "targeting improves"),
                         ("impact_share", "share of revenue marketing can move"),
                         ("implementation_cost", "in €")):
        line = next(line for line in text.splitlines() if f"{key}:" in line)
        assert line.lstrip().startswith("#") and meaning in line


def test_the_title_comes_from_the_file_name(tmp_path):
    path = tables.write_table(tables.mall_like(), tmp_path, "Mall_Customers.csv")
    out, _ = init_config(path, tmp_path / "report.yml")
    config = validate_config(yaml.safe_load(out.read_text()))
    assert config.report.title == "Mall Customers"
    assert title_from_file("wholesale-customers_data") == "Wholesale customers data"


def test_a_column_name_with_a_line_break_stays_in_its_string_and_comments():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"Spend\n(€)": rng.lognormal(8, 1, 200), "a\nb": rng.normal(0, 1, 200)})
    config, text = _config(frame)
    assert config.feature_columns == ["Spend\n(€)", "a\nb"]
    assert all(line.startswith((" ", "#")) or ":" in line or not line
               for line in text.splitlines())


@pytest.mark.parametrize(("name", "says_id"), [
    ("Customer ID", True), ("cust-id", True), ("Client No", True), ("visit number", False),
    ("number of orders", False), ("customer", True), ("Spending Score (1-100)", False),
    ("Region code", False), ("NumWebPurchases", False),
])
def test_names_read_as_ids(name, says_id):
    assert read_name(name).says_id is says_id


def test_labels_keep_words_and_punctuation():
    assert label("Spending Score (1-100)") == "Spending Score (1-100)"
    assert label("detergents_paper") == "Detergents Paper"
    assert label("MntWines") == "Mnt Wines"
    assert label("Annual Income (k$)", "k$") == "Annual Income"
