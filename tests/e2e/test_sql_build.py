"""`make-data --to-sql`, then `build` from the database, for DuckDB and PostgreSQL, as
commands in their own processes (their logs are checked too). The report holds the notebook's
numbers; the Reproduce notebook re-reads the same source and agrees; the password, set only in
the environment, appears nowhere: not in a page, the PDF, the notebook, results.json, the
cache or the logs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from tests.conftest import PG_PASSWORD, PG_PASSWORD_VAR

pytestmark = pytest.mark.e2e
pytest.importorskip("duckdb_engine", reason="the SQL source's drivers are not installed: bash .ci/setup --tests installs them")

REPO = Path(__file__).resolve().parents[2]
SECRETS = [PG_PASSWORD, quote(PG_PASSWORD, safe=""), "p@ss"]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kmeans_report.report.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def sql_site(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"sql-{request.param}")
    env = {**os.environ, PG_PASSWORD_VAR: PG_PASSWORD}
    if request.param == "duckdb":
        url = "duckdb:///crm.duckdb"  # relative to the config file
        load_url = f"duckdb:///{root / 'crm.duckdb'}"
    else:
        pg = request.getfixturevalue("postgres")
        url = load_url = (f"postgresql+psycopg://{pg.user}:${{{PG_PASSWORD_VAR}}}@127.0.0.1:"
                          f"{pg.port}/{pg.database}")
    loaded = cli("make-data", "--rows", "1000", "--to-sql", load_url, "--table", "customers",
                 "--force", env=env)
    assert loaded.returncode == 0, loaded.stderr
    config = yaml.safe_load((REPO / "report.yml").read_text(encoding="utf-8"))
    config["data"] = {"source": "sql", "id_column": "customer_id",
                      "sql": {"url": url, "query": "SELECT * FROM customers ORDER BY customer_id"}}
    config["report"]["citation_file"] = str(REPO / "CITATION.cff")
    config["report"]["changelog"] = str(REPO / "notebook-changelog.md")
    path = root / "report.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    args = ["build", "--config", str(path), "--engine", "pandoc", "--out", str(root / "site"),
            "--cache-dir", str(root / "cache")]
    built = cli(*args, env=env)
    assert built.returncode == 0, built.stderr
    rebuilt = cli(*args, "--rebuild", env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    return request.param, root, url, [loaded, built, rebuilt]


def visible_text(site: Path) -> str:
    parts = [re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")) for p in site.glob("*.html")]
    parts.append(subprocess.run(["pdftotext", "-layout", str(site / "downloads" / "report.pdf"),
                                 "-"], capture_output=True, text=True, check=True).stdout)
    return "\n".join(parts)


def test_the_report_holds_the_notebooks_numbers(sql_site):
    _, root, _, _ = sql_site
    text = visible_text(root / "site")
    for number in ("$30,898,954", "$772,474", "930%", "604", "$61,996", "0.239"):
        assert number in text, number


def test_the_reproduce_notebook_reads_the_same_source_and_agrees(sql_site):
    database, root, url, _ = sql_site
    notebook = (root / "site" / "downloads" / "reproduce.ipynb").read_text(encoding="utf-8")
    assert "All headline numbers match the published report." in notebook
    assert "SELECT * FROM customers ORDER BY customer_id" in notebook
    if database == "postgres":  # the variable is left for the reader's environment
        assert f"${{{PG_PASSWORD_VAR}}}" in notebook and url in notebook
        assert f"Set the environment variable(s) `{PG_PASSWORD_VAR}`" in notebook
    else:
        assert "duckdb:///crm.duckdb" in notebook and str(root) not in notebook


def test_provenance_names_the_redacted_source(sql_site):
    database, root, _, _ = sql_site
    page = re.sub(r"<[^>]+>", " ", (root / "site" / "provenance.html").read_text(encoding="utf-8"))
    if database == "postgres":
        assert re.search(r"postgresql\+psycopg://report:\*\*\*@127\.0\.0\.1:\d+/crm", page)
        assert "PostgreSQL 15" in page or "PostgreSQL 1" in page
    else:
        assert "duckdb:///crm.duckdb" in page and "DuckDB v" in page
    assert "Rows fetched" in page and "SQL SHA-256" in page


def test_the_password_appears_nowhere(sql_site):
    _, root, _, runs = sql_site
    logs = "\n".join(run.stdout + run.stderr for run in runs)
    assert "Built " in logs
    texts = [logs, visible_text(root / "site")]
    for folder in (root / "site", root / "cache"):
        texts += [p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret


def test_an_unchanged_table_reuses_the_cached_analysis(sql_site):
    _, _, _, (_, built, rebuilt) = sql_site
    assert "Analysis unchanged: using cached results" not in built.stdout + built.stderr
    assert "Analysis unchanged: using cached results" in rebuilt.stdout + rebuilt.stderr


def test_init_from_a_database_table(sql_site, tmp_path):
    database, root, url, _ = sql_site
    env = {**os.environ, PG_PASSWORD_VAR: PG_PASSWORD}
    if database == "duckdb":
        url = f"duckdb:///{root / 'crm.duckdb'}"
    out = root / "init" / "report.yml"
    out.parent.mkdir(exist_ok=True)
    done = cli("init", "--sql", url, "--table", "customers", "--out", str(out), "--force", env=env)
    assert done.returncode == 0, done.stderr
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    expected_url = "duckdb:///../crm.duckdb" if database == "duckdb" else url
    assert written["data"] == {"source": "sql", "sql": {"url": expected_url, "table": "customers"},
                               "id_column": "customer_id", "missing": "fail"}
    assert [f["column"] for f in written["features"]] == [
        "annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]
    analysed = cli("-q", "analyze", "--config", str(out), "--out", str(tmp_path / "out"), env=env)
    assert analysed.returncode == 0, analysed.stderr
    assert "1,000 customers" in analysed.stdout or "Chosen K" in analysed.stdout


def test_a_build_reads_the_table_once(tmp_path, monkeypatch):
    """The cache key is the rows' hash, so the build fetches them up front; the analysis then
    gets those very rows, with no second query and nothing kept between builds."""
    from kmeans_report.analysis.sources.sql import read as sql_source
    from kmeans_report.report.build import build_site

    cli("make-data", "--rows", "300", "--to-sql", f"duckdb:///{tmp_path / 'crm.duckdb'}",
        "--table", "customers", env=dict(os.environ))
    config = {"data": {"source": "sql", "sql": {"url": "duckdb:///crm.duckdb",
                                                "table": "customers"}}}
    (tmp_path / "report.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    calls = []
    real_fetch = sql_source.fetch
    monkeypatch.setattr(sql_source, "fetch", lambda cfg: calls.append(1) or real_fetch(cfg))
    result = build_site(tmp_path / "report.yml", tmp_path / "site", "pandoc",
                        cache_dir=tmp_path / "cache", progress=None)
    assert len(calls) == 1
    assert result.results.data.n_rows == 300
