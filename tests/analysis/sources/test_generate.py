"""`make-data`: large synthetic tables written in chunks, reproducible by seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.errors import DataError
from kmeans_report.analysis.sources import load_dataset
from kmeans_report.analysis.sources.generate import make_customers
from kmeans_report.analysis.sources.synthetic import notebook_customers
from kmeans_report.report.cli import main

FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]


def test_parquet_rows_columns_dtypes_and_chunks(tmp_path):
    path = make_customers(tmp_path / "c.parquet", 2_500, chunk_rows=1_000)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows == 2_500 and meta.num_row_groups == 3  # one row group per chunk
    table = pq.read_table(path)
    assert table.column_names == ["customer_id", *FEATURES]
    assert [str(t) for t in table.schema.types] == ["int64", "double", "int32", "double", "double"]
    frame = table.to_pandas()
    assert frame["customer_id"].tolist() == list(range(1, 2_501))
    assert (frame[FEATURES].to_numpy() >= 0).all()
    # every chunk is its own draw, not a copy of the first
    assert not np.allclose(frame["annual_spending"][:1000], frame["annual_spending"][1000:2000])


def test_same_seed_same_table_other_seed_other_table(tmp_path):
    a = pq.read_table(make_customers(tmp_path / "a.parquet", 1_500, seed=7, chunk_rows=500))
    b = pq.read_table(make_customers(tmp_path / "b.parquet", 1_500, seed=7, chunk_rows=500))
    c = pq.read_table(make_customers(tmp_path / "c.parquet", 1_500, seed=8, chunk_rows=500))
    assert a.equals(b)
    assert not a.equals(c)


def test_one_chunk_is_the_built_in_synthetic_data(tmp_path):
    frame = pd.read_csv(make_customers(tmp_path / "c.csv", 1_000, seed=42))
    expected = notebook_customers(1_000, 42)
    for column in FEATURES:
        assert np.allclose(frame[column], expected[column], rtol=0, atol=0)


def test_planted_segments_keep_their_labels(tmp_path):
    path = make_customers(tmp_path / "p.parquet", 3_000, planted_segments=3, chunk_rows=1_000)
    frame = pq.read_table(path).to_pandas()
    assert frame["planted_segment"].dtype == np.int8
    assert sorted(frame["planted_segment"].unique()) == [0, 1, 2]


def test_csv_output_loads_as_customer_data(tmp_path):
    path = make_customers(tmp_path / "c.csv", 1_200, chunk_rows=500)
    config = validate_config(
        {"data": {"source": "file", "path": str(path), "id_column": "customer_id"}}
    )
    dataset = load_dataset(config)
    assert dataset.n_rows == 1_200 and list(dataset.frame.columns) == FEATURES
    assert dataset.ids.iloc[0] == "1"


def test_refuses_to_overwrite_and_bad_extension(tmp_path):
    path = make_customers(tmp_path / "c.parquet", 100)
    with pytest.raises(DataError, match="already exists"):
        make_customers(path, 100)
    make_customers(path, 50, overwrite=True)
    assert pq.ParquetFile(path).metadata.num_rows == 50
    with pytest.raises(DataError, match="extension"):
        make_customers(tmp_path / "c.xlsx", 100)
    assert not list(tmp_path.glob(".*partial"))


def test_cli_make_data(tmp_path, capsys):
    out = tmp_path / "customers.parquet"
    assert main(["-q", "make-data", "--rows", "2000", "--out", str(out),
                 "--planted-segments", "4", "--seed", "3", "--chunk-rows", "700"]) == 0
    assert "Wrote 2,000 customers" in capsys.readouterr().out
    assert pq.ParquetFile(out).metadata.num_row_groups == 3
    assert main(["-q", "make-data", "--rows", "10", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err


def test_parts_hold_the_same_rows_as_one_file(tmp_path):
    """`make-data --parts`: a folder of Parquet files, one per chunk, that reads back as the
    very table one file holds; the folder appears whole or not at all."""
    single = make_customers(tmp_path / "one.parquet", 2_500, planted_segments=3, chunk_rows=1_000)
    folder = make_customers(tmp_path / "parts", 2_500, planted_segments=3, chunk_rows=1_000,
                            parts=True)
    assert sorted(p.name for p in folder.iterdir()) == [
        "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(folder), pd.read_parquet(single))
    assert not list(tmp_path.glob(".*partial*"))
