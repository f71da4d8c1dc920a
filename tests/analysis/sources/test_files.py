"""User data: CSV and Parquet in, clear errors naming file, column and rows for bad input."""

import numpy as np
import pandas as pd
import pytest

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.errors import DataError
from kmeans_report.analysis.sources import load_dataset

FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]


def good_frame(n=50, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "customer": [f"C{i:04d}" for i in range(n)],
            "annual_spending": rng.gamma(2, 15000, n),
            "visit_frequency": rng.poisson(8, n),
            "avg_transaction": rng.lognormal(4, 0.5, n),
            "loyalty_years": rng.exponential(2, n),
        }
    )


def file_config(path, **data):
    return validate_config(
        {
            "data": {"source": "file", "path": str(path), "id_column": "customer", **data},
            "features": [{"column": c} for c in FEATURES],
        }
    )


def load(path, **data):
    return load_dataset(file_config(path, **data))


def error_of(path, **data) -> str:
    with pytest.raises(DataError) as info:
        load(path, **data)
    return str(info.value)


def test_csv_and_parquet_load_the_same(tmp_path):
    frame = good_frame()
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_parquet(tmp_path / "c.parquet", index=False)
    a, b = load(tmp_path / "c.csv"), load(tmp_path / "c.parquet")
    assert a.n_rows == b.n_rows == 50
    np.testing.assert_allclose(a.frame.to_numpy(), b.frame.to_numpy())
    assert list(a.ids[:2]) == ["C0000", "C0001"]
    assert a.format == "csv" and b.format == "parquet"
    assert len(a.sha256) == 64 and a.sha256 != b.sha256


def test_only_configured_columns_are_used(tmp_path):
    frame = good_frame()
    frame["notes"] = "free text"
    frame.to_csv(tmp_path / "c.csv", index=False)
    assert list(load(tmp_path / "c.csv").frame.columns) == FEATURES


def test_missing_file(tmp_path):
    assert "data file not found" in error_of(tmp_path / "none.csv")


def test_missing_column_with_suggestion(tmp_path):
    good_frame().rename(columns={"loyalty_years": "loyalty_yrs"}).to_csv(
        tmp_path / "c.csv", index=False
    )
    message = error_of(tmp_path / "c.csv")
    assert (
        "c.csv" in message
        and "'loyalty_years'" in message
        and "did you mean 'loyalty_yrs'" in message
    )


def test_non_numeric_value_names_line(tmp_path):
    frame = good_frame().astype({"visit_frequency": object})
    frame.loc[6, "visit_frequency"] = "seven"
    frame.to_csv(tmp_path / "c.csv", index=False)
    message = error_of(tmp_path / "c.csv")
    assert "'visit_frequency'" in message and "line 8" in message and "'seven'" in message


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_missing_values_fail_by_default_and_drop_on_request(tmp_path, bad):
    frame = good_frame()
    frame.loc[[3, 9], "avg_transaction"] = bad
    frame.to_parquet(tmp_path / "c.parquet", index=False)
    message = error_of(tmp_path / "c.parquet")
    assert "2 row(s)" in message and "avg_transaction: 2" in message and "rows 4, 10" in message
    dataset = load(tmp_path / "c.parquet", missing="drop")
    assert dataset.n_rows == 48 and dataset.n_dropped == 2
    assert "2 row(s) dropped" in dataset.notes[0]
    assert "C0003" not in set(dataset.ids)


def test_too_large_for_float64_is_reported(tmp_path):
    text = good_frame(20).to_csv(index=False).splitlines()
    cells = text[5].split(",")
    cells[1] = "1e400"
    text[5] = ",".join(cells)
    (tmp_path / "c.csv").write_text("\n".join(text) + "\n")
    assert "too-large" in error_of(tmp_path / "c.csv")


def test_constant_column(tmp_path):
    frame = good_frame()
    frame["loyalty_years"] = 2.0
    frame.to_csv(tmp_path / "c.csv", index=False)
    assert "'loyalty_years' have the same value in every row" in error_of(tmp_path / "c.csv")


def test_fewer_rows_than_largest_k(tmp_path):
    good_frame(7).to_csv(tmp_path / "c.csv", index=False)
    assert "7 usable row(s), fewer than the largest K (clustering.k_max = 10)" in error_of(
        tmp_path / "c.csv"
    )


def test_duplicate_ids(tmp_path):
    frame = good_frame()
    frame.loc[10, "customer"] = "C0002"
    frame.to_csv(tmp_path / "c.csv", index=False)
    message = error_of(tmp_path / "c.csv")
    assert "duplicate ids ('C0002')" in message and "lines 4, 12" in message


@pytest.mark.parametrize("ids", [[1, 2, 2, 3], [3, 1, 2, 1], [5, 9, 9]])
def test_duplicate_whole_number_ids_sorted_or_not(tmp_path, ids):
    frame = good_frame()
    frame["customer"] = np.arange(100, 100 + len(frame))  # ascending, unique: loads
    load_ok = frame.copy()
    load_ok.to_parquet(tmp_path / "ok.parquet")
    load(tmp_path / "ok.parquet")
    frame.loc[: len(ids) - 1, "customer"] = ids
    frame.to_parquet(tmp_path / "c.parquet")
    message = error_of(tmp_path / "c.parquet")
    repeated = next(i for i in ids if ids.count(i) > 1)
    assert f"duplicate ids ({repeated!r})" in message


def test_ids_keep_leading_zeros(tmp_path):
    frame = good_frame()
    frame["customer"] = [f"{i:05d}" for i in range(len(frame))]
    frame.to_csv(tmp_path / "c.csv", index=False)
    assert load(tmp_path / "c.csv").ids[0] == "00000"


@pytest.mark.parametrize(
    "content, expected",
    [
        ("", "empty (0 bytes)"),
        (
            "customer,annual_spending,visit_frequency,avg_transaction,loyalty_years\n",
            "no data rows",
        ),
        ("\n\n", "empty (no header row)"),
    ],
)
def test_empty_and_header_only(tmp_path, content, expected):
    (tmp_path / "c.csv").write_text(content)
    assert expected in error_of(tmp_path / "c.csv")


def test_duplicate_column_names(tmp_path):
    frame = good_frame()
    text = frame.to_csv(index=False).replace("avg_transaction", "annual_spending", 1)
    (tmp_path / "c.csv").write_text(text)
    assert "appear more than once: annual_spending" in error_of(tmp_path / "c.csv")


def test_bom_semicolon_and_latin1_csv(tmp_path):
    frame = good_frame()
    frame["customer"] = [f"Müller-{i}" for i in range(len(frame))]
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False).encode())
    (tmp_path / "semi.csv").write_text(frame.to_csv(index=False, sep=";"))
    (tmp_path / "latin.csv").write_bytes(frame.to_csv(index=False).encode("latin-1"))
    assert load(tmp_path / "bom.csv").n_rows == 50
    assert load(tmp_path / "semi.csv").n_rows == 50
    assert "set data.csv.encoding" in error_of(tmp_path / "latin.csv")
    assert load(tmp_path / "latin.csv", csv={"encoding": "latin-1"}).ids[0] == "Müller-0"


def test_parquet_with_wrong_types(tmp_path):
    frame = good_frame()
    frame["visit_frequency"] = pd.to_datetime("2024-01-01") + pd.to_timedelta(
        frame["visit_frequency"], "D"
    )
    frame.to_parquet(tmp_path / "c.parquet", index=False)
    assert "'visit_frequency' has type datetime64" in error_of(tmp_path / "c.parquet")


def test_zero_byte_and_truncated_parquet(tmp_path):
    (tmp_path / "zero.parquet").write_bytes(b"")
    good_frame().to_parquet(tmp_path / "full.parquet", index=False)
    data = (tmp_path / "full.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    assert "empty (0 bytes)" in error_of(tmp_path / "zero.parquet")
    assert "cut.parquet: not a readable Parquet file" in error_of(tmp_path / "cut.parquet")


def test_unknown_extension(tmp_path):
    (tmp_path / "c.xlsx").write_text("x")
    assert "cannot tell the file format" in error_of(tmp_path / "c.xlsx")


def test_a_line_with_an_extra_or_missing_field_is_reported(tmp_path):
    # pandas skips its field-count check when it reads only some columns (usecols).
    lines = good_frame(20).to_csv(index=False).splitlines()
    lines[7] += ",99"
    (tmp_path / "extra.csv").write_text("\n".join(lines) + "\n")
    message = error_of(tmp_path / "extra.csv")
    assert "extra.csv: line 8 has 6 fields but the header has 5" in message
    lines = good_frame(20).to_csv(index=False).splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0]
    (tmp_path / "short.csv").write_text("\n".join(lines) + "\n")
    assert "short.csv: line 5 has 4 fields but the header has 5" in error_of(tmp_path / "short.csv")


def test_blank_lines_are_not_field_count_errors(tmp_path):
    text = good_frame(20).to_csv(index=False).replace("\n", "\n\n", 3)
    (tmp_path / "c.csv").write_text(text)
    assert load(tmp_path / "c.csv").n_rows == 20


def test_wrong_encoding_names_the_configured_encoding_and_the_line(tmp_path):
    frame = good_frame()
    frame.loc[30, "customer"] = "Müller"
    (tmp_path / "latin.csv").write_bytes(frame.to_csv(index=False).encode("latin-1"))
    message = error_of(tmp_path / "latin.csv")
    assert "latin.csv: line 32 is not valid utf-8 text (byte 0xfc" in message
    assert "utf-8-sig" not in message and "header" not in message
    # A header in the wrong encoding is line 1; a configured encoding is named as written.
    text = good_frame().to_csv(index=False).replace("customer", "Kunden-Nr.ä", 1)
    (tmp_path / "head.csv").write_bytes(text.encode("utf-8"))
    message = error_of(tmp_path / "head.csv", csv={"encoding": "ascii"})
    assert "head.csv: line 1 is not valid ascii text" in message
