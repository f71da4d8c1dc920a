"""data.source: sql, against real databases: DuckDB (a file) and PostgreSQL (a throwaway
cluster, see tests/pg_cluster.py). The notebook's 1,000 customers loaded into each and read
back reproduce the golden numbers; the rows' hash is the same whichever database or reader
they came through; only the configured columns are read; the password never shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

pytest.importorskip("sqlalchemy", reason="the SQL source needs pip install 'kmeans-report[sql]'")
pytest.importorskip("duckdb_engine", reason="the SQL source needs pip install 'kmeans-report[sql]'")

from kmeans_report.analysis.config import load_config, validate_config  # noqa: E402
from kmeans_report.analysis.errors import ConfigError, DataError  # noqa: E402
from kmeans_report.analysis.pipeline import run_analysis  # noqa: E402
from kmeans_report.analysis.sources.generate import make_customers_sql  # noqa: E402
from kmeans_report.analysis.sources.sql import read as sql_source  # noqa: E402
from kmeans_report.analysis.sources.sql import url as sql_url  # noqa: E402
from tests.analysis import test_golden as golden  # noqa: E402
from tests.conftest import PG_PASSWORD, PG_PASSWORD_VAR  # noqa: E402

REPO = Path(__file__).resolve().parents[3]


def sql_raw(url: str, *, table: str | None = "customers", query: str | None = None,
            **data) -> dict:
    """The repository's report.yml (the notebook's settings) reading from a database."""
    raw = yaml.safe_load((REPO / "report.yml").read_text(encoding="utf-8"))
    sql = {"url": url, **({"table": table} if query is None else {"query": query})}
    raw["data"] = {"source": "sql", "sql": sql, "id_column": "customer_id", **data}
    return raw


def sql_config(url: str, **kwargs):
    return validate_config(sql_raw(url, **kwargs))


@pytest.fixture(scope="module")
def duckdb_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("duckdb") / "crm.duckdb"
    url = f"duckdb:///{path}"
    assert make_customers_sql(url, "customers", 1000) == 1000
    return url


@pytest.fixture(scope="module")
def pg_loaded(postgres) -> str:
    """The notebook's customers in table `customers` of the session's PostgreSQL cluster."""
    from urllib.parse import quote

    url = postgres.url(password=quote(PG_PASSWORD, safe=""))  # literal: only for loading
    make_customers_sql(url, "customers", 1000, overwrite=True)
    return postgres


@pytest.fixture(params=["duckdb", "postgres"])
def database(request) -> str:
    """The URL of a database holding the notebook's 1,000 customers, the password as ${VAR}."""
    if request.param == "duckdb":
        return request.getfixturevalue("duckdb_url")
    request.getfixturevalue("pg_loaded")
    return request.getfixturevalue("pg_url")


# -- the golden numbers, read back from each database --------------------------------------------


@pytest.fixture(scope="module")
def analysed() -> dict:
    return {}  # database URL -> results: one analysis per database for the module


@pytest.fixture
def golden_results(database, analysed):
    if database not in analysed:
        analysed[database] = run_analysis(sql_config(database)).results
    return analysed[database]


def test_golden_numbers_from_the_database(golden_results):
    r = golden_results
    golden.test_data_ranges_match_notebook(r)
    for k in golden.NOTEBOOK_SWEEP:
        golden.test_sweep_matches_notebook(r, k)
    golden.test_final_model_matches_notebook(r)
    golden.test_roi_matches_notebook(r)
    golden.test_display_names_are_unique_and_say_how_they_differ(r)


def test_provenance_of_a_database_source(golden_results, database):
    sql = golden_results.data.sql
    assert golden_results.data.format == "sql"
    assert sql["rows"] == 1000 and sql["table"] == "customers" and sql["query"] is None
    assert sql["sql"].startswith("SELECT ") and sql["sql"].endswith("ORDER BY customer_id")
    import hashlib

    assert sql["sql_sha256"] == hashlib.sha256(sql["sql"].encode()).hexdigest()
    server = sql["server_version"]
    assert server.startswith("DuckDB v") if database.startswith("duckdb") else \
        server.startswith("PostgreSQL 15") or server.startswith("PostgreSQL 1")
    assert golden_results.provenance.data_sha256 == golden_results.data.sha256
    text = json.dumps(golden_results.to_dict())
    assert PG_PASSWORD not in text and "p@ss" not in text
    if database.startswith("postgresql"):
        assert sql["url"].startswith("postgresql+psycopg://report:***@127.0.0.1:")
        # the published config keeps the ${VAR}, for the Reproduce notebook's reader
        assert golden_results.config["data"]["sql"]["url"] == database
    else:
        assert sql["url"] == "duckdb:///crm.duckdb"  # the file by name, never its folder
        assert golden_results.config["data"]["sql"]["url"] == "duckdb:///crm.duckdb"


def test_same_rows_same_hash_in_both_databases(duckdb_url, pg_loaded, pg_url):
    from_duckdb = sql_source.sql_dataset(sql_config(duckdb_url))
    from_postgres = sql_source.sql_dataset(sql_config(pg_url))
    assert from_duckdb.sha256 == from_postgres.sha256
    pd.testing.assert_frame_equal(from_duckdb.frame, from_postgres.frame)


def test_adbc_and_pandas_readers_agree(pg_loaded, pg_url, monkeypatch):
    config = sql_config(pg_url)
    arrow = sql_source.fetch(config)
    monkeypatch.setattr(sql_source, "_has_adbc", lambda: False)
    plain = sql_source.fetch(config)
    assert sql_source.rows_sha256(arrow.frame) == sql_source.rows_sha256(plain.frame)
    np.testing.assert_array_equal(arrow.frame.to_numpy(np.float64), plain.frame.to_numpy(np.float64))


# -- reading only what is configured -------------------------------------------------------------


def test_query_is_wrapped_and_only_configured_columns_are_read(tmp_path):
    url = f"duckdb:///{tmp_path / 'wide.duckdb'}"
    make_customers_sql(url, "customers", 300)
    with_notes = "SELECT *, 'free text, not a number' AS notes FROM customers"
    config = sql_config(url, query=f"{with_notes} WHERE customer_id > 100 ORDER BY customer_id DESC;")
    fetched = sql_source.fetch(config)
    assert list(fetched.frame.columns) == config.feature_columns + ["customer_id"]
    assert fetched.frame["customer_id"].tolist() == list(range(300, 100, -1))  # the query's order
    assert f"(\n{with_notes}" in fetched.sql and "AS kmeans_source" in fetched.sql
    dataset = sql_source.sql_dataset(config)
    assert dataset.n_rows == 200 and dataset.sql["query"].startswith("SELECT *, 'free text")


def test_query_ending_in_a_line_comment_is_read(tmp_path):
    """A `--` comment at the end of the query would swallow a closing parenthesis written on
    the same line: the query is wrapped on lines of its own."""
    url = f"duckdb:///{tmp_path / 'commented.duckdb'}"
    make_customers_sql(url, "customers", 50)
    config = sql_config(url, query="SELECT * FROM customers WHERE customer_id <= 40 -- recent")
    assert sql_source.sql_dataset(config).n_rows == 40


def test_spark_backend_refuses_a_database_source_up_front(tmp_path):
    """Spark cannot read database rows: one paragraph naming both settings and the way out,
    before anything is fetched (the URL's database file does not even exist)."""
    from kmeans_report.analysis.sources import source_for

    raw = sql_raw(f"duckdb:///{tmp_path / 'absent.duckdb'}")
    raw["clustering"] = {**raw.get("clustering", {}), "backend": "spark"}
    with pytest.raises(DataError) as caught:
        source_for(validate_config(raw))
    message = str(caught.value)
    assert message.startswith("data.source: sql cannot be clustered with clustering.backend: spark")
    assert "spark.path" in message and "clustering.backend: sklearn" in message
    assert "\n" not in message


def test_identifiers_are_quoted(tmp_path):
    import duckdb

    path = tmp_path / "odd.duckdb"
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"Customer ID": np.arange(50), "Spend (€)": rng.gamma(2, 10, 50),
                          "select": rng.poisson(5, 50).astype(float)})
    with duckdb.connect(str(path)) as con:
        con.register("f", frame)
        con.execute('CREATE TABLE "Odd Table" AS SELECT * FROM f')
    raw = sql_raw(f"duckdb:///{path}", table="Odd Table", id_column="Customer ID")
    raw["features"] = [{"column": "Spend (€)"}, {"column": "select"}]
    raw["roles"] = {"spending": "Spend (€)"}
    raw["segments"] = {"rules": "data"}
    raw["clustering"] = {**raw["clustering"], "k_max": 4}
    dataset = sql_source.sql_dataset(validate_config(raw))
    assert dataset.n_rows == 50 and dataset.ids.tolist() == list(range(50))


# -- the analysis cache: same rows, same key -----------------------------------------------------


def test_fingerprint_follows_the_rows(tmp_path):
    import duckdb

    from kmeans_report.analysis.sources import source_for
    from kmeans_report.report import cache

    path = tmp_path / "c.duckdb"
    url = f"duckdb:///{path}"
    make_customers_sql(url, "customers", 200)
    config = sql_config(url)
    fetched = sql_source.sql_dataset(config)
    first = source_for(config).fingerprint()
    assert first == "sql:" + fetched.sha256
    assert source_for(config).fingerprint() == first
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE customers SET loyalty_years = loyalty_years + 1 WHERE customer_id = 7")
    changed = source_for(config).fingerprint()
    assert changed != first
    assert cache.analysis_key(config, changed) != cache.analysis_key(config, first)


def test_rows_hash_is_canonical():
    a = pd.DataFrame({"x": [1, 2, 3], "id": ["a", "b", "c"]})
    b = pd.DataFrame({"x": [1.0, 2.0, 3.0], "id": pd.array(["a", "b", "c"], dtype="string")})
    assert sql_source.rows_sha256(a) == sql_source.rows_sha256(b)
    assert sql_source.rows_sha256(a) != sql_source.rows_sha256(a.assign(x=[1, 2, 4]))
    assert sql_source.rows_sha256(a) != sql_source.rows_sha256(a.iloc[::-1])
    assert sql_source.rows_sha256(a) != sql_source.rows_sha256(a.rename(columns={"x": "y"}))


# -- URLs and secrets ----------------------------------------------------------------------------


def test_redact_hides_the_password_and_secret_parameters():
    shown = sql_url.redact("postgresql+psycopg://u:${PW}@db:5432/crm?sslmode=require&password=x")
    assert shown == "postgresql+psycopg://u:***@db:5432/crm?password=***&sslmode=require"


def test_expand_takes_variables_from_the_environment(monkeypatch):
    monkeypatch.setenv("KR_PW", "a@b/c:d?e")
    monkeypatch.setenv("KR_HOST", "db.example")
    url = sql_url.expand("postgresql+psycopg://report:${KR_PW}@${KR_HOST}:5432/crm")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "report", "a@b/c:d?e", "db.example", 5432, "crm")
    monkeypatch.delenv("KR_PW")
    with pytest.raises(DataError, match=r"environment variable KR_PW used in data.sql.url is not set"):
        sql_url.expand("postgresql+psycopg://report:${KR_PW}@db/crm")


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://report:hunter2@db/crm",
    "postgresql+psycopg://report:pre${X}@db/crm",
    "postgresql+psycopg://report@db/crm?password=hunter2",
])
def test_a_password_written_in_the_config_is_refused(url):
    with pytest.raises(ConfigError) as caught:
        sql_config(url)
    assert "data.sql.url holds a password; write it as ${VARIABLE}" in str(caught.value)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("sql, expected", [
    ({"url": "duckdb:///x.duckdb"}, "data.sql needs exactly one of query or table"),
    ({"url": "duckdb:///x.duckdb", "table": "t", "query": "SELECT 1"}, "exactly one of"),
    (None, "data.sql (url and query or table) is required"),
    ({"url": "duckdb:///x.duckdb", "tabel": "t"}, "data.sql.tabel: unknown key; did you mean 'table'?"),
])
def test_sql_config_errors(sql, expected):
    raw = sql_raw("duckdb:///x.duckdb")
    raw["data"]["sql"] = sql
    if sql is None:
        del raw["data"]["sql"]
    with pytest.raises(ConfigError) as caught:
        validate_config(raw)
    assert expected in str(caught.value)


def test_duckdb_file_is_relative_to_the_config(tmp_path, duckdb_url):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "crm.duckdb").write_bytes(Path(duckdb_url[len("duckdb:///"):]).read_bytes())
    raw = sql_raw("duckdb:///crm.duckdb")
    raw["report"].pop("citation_file", None)
    (folder / "report.yml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    config = load_config(folder / "report.yml")
    assert config.data.sql.url == f"duckdb:///{(folder / 'crm.duckdb').as_posix()}"
    assert config.public_dict()["data"]["sql"]["url"] == "duckdb:///crm.duckdb"
    assert sql_source.sql_dataset(config).n_rows == 1000


def test_reading_never_writes_to_a_duckdb_file(duckdb_url):
    path = Path(duckdb_url[len("duckdb:///"):])
    before = (path.read_bytes(), sorted(p.name for p in path.parent.iterdir()))
    sql_source.sql_dataset(sql_config(duckdb_url))
    assert (path.read_bytes(), sorted(p.name for p in path.parent.iterdir())) == before


def test_driver_errors_never_show_the_password(pg_loaded, pg_url, monkeypatch):
    monkeypatch.setenv(PG_PASSWORD_VAR, PG_PASSWORD + "-wrong")
    with pytest.raises(DataError) as caught:
        sql_source.fetch(sql_config(pg_url))
    message = str(caught.value)
    assert "authentication failed" in message and "report:***@127.0.0.1" in message
    assert PG_PASSWORD not in message and "p@ss" not in message
