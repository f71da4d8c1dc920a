"""`assign --sql`: the printed SELECT, run in DuckDB and in PostgreSQL on the published rows,
gives every row the same cluster and segment as the Python assignment (and so as the
published assignments)."""

from __future__ import annotations

import pandas as pd
import pytest

from kmeans_report.analysis.model.apply import assign_dataset
from kmeans_report.analysis.model.document import portable_model
from kmeans_report.analysis.model.sql import assignment_select
from kmeans_report.report.cli import main

duckdb = pytest.importorskip("duckdb", reason="DuckDB is not installed (pip install 'kmeans-report[sql]')")

ANALYSES = ["default_files", "own_data"]


def _sql(capsys, analysis, dialect: str) -> str:
    assert main(["assign", "--model", str(analysis), "--sql", "--table", "crm.customers",
                 "--dialect", dialect]) == 0
    return capsys.readouterr().out


def _expected(data, analysis) -> pd.DataFrame:
    published = pd.read_parquet(analysis / "assignments.parquet")
    python = assign_dataset(portable_model(analysis), data)
    assert python["cluster"].tolist() == published["cluster"].tolist()
    return python


def _compare(rows: pd.DataFrame, expected: pd.DataFrame, id_column: str | None) -> None:
    """Rows matched by id; without ids, in the table's order (a scan of a small table
    returns rows as inserted in both databases)."""
    if id_column:
        rows = rows.set_index(id_column).loc[expected[id_column]].reset_index()
    assert rows["cluster"].tolist() == expected["cluster"].tolist()
    assert rows["segment"].tolist() == expected["segment"].tolist()


@pytest.mark.parametrize("analysed", ANALYSES)
def test_duckdb_select_gives_the_published_labels(analysed, request, capsys):
    data, analysis = request.getfixturevalue(analysed)
    expected = _expected(data, analysis)
    model = portable_model(analysis)
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA crm")
    connection.execute(f"CREATE TABLE crm.customers AS SELECT * FROM read_csv_auto('{data}')")
    rows = connection.execute(_sql(capsys, analysis, "duckdb")).df()
    _compare(rows, expected, model.id_column)


@pytest.mark.parametrize("analysed", ANALYSES)
def test_postgres_select_gives_the_published_labels(analysed, request, postgres, capsys):
    psycopg = pytest.importorskip("psycopg")
    data, analysis = request.getfixturevalue(analysed)
    expected = _expected(data, analysis)
    model = portable_model(analysis)
    frame = pd.read_csv(data, dtype={model.id_column: str} if model.id_column else None)
    features = [c for c in frame.columns if c != model.id_column]
    frame[features] = frame[features].astype(float)
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=postgres.user,
                         password=postgres.password, dbname=postgres.database) as connection:
        connection.execute("DROP SCHEMA IF EXISTS crm CASCADE")
        connection.execute("CREATE SCHEMA crm")
        columns = ", ".join(f'"{c}" {"text" if c == model.id_column else "double precision"}'
                            for c in frame.columns)
        connection.execute(f"CREATE TABLE crm.customers ({columns})")
        with connection.cursor().copy("COPY crm.customers FROM STDIN") as copy:
            for row in frame.itertuples(index=False):
                copy.write_row(tuple(row))
        cursor = connection.execute(_sql(capsys, analysis, "postgres"))
        rows = pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])
    _compare(rows, expected, model.id_column)


def test_an_unknown_dialect_exits_2(default_files, capsys):
    _, analysis = default_files
    assert main(["assign", "--model", str(analysis), "--sql", "--dialect", "cobol"]) == 2
    assert "'cobol'" in capsys.readouterr().err


def test_the_select_is_one_statement_per_dialect(own_data):
    _, analysis = own_data
    model = portable_model(analysis)
    import sqlglot

    for dialect in ("duckdb", "postgres", "sqlite", "snowflake", "bigquery"):
        statements = sqlglot.parse(assignment_select(model, "customers", dialect), read=dialect)
        assert len(statements) == 1 and statements[0].key == "select", dialect
