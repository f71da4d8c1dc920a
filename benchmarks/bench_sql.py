"""Benchmark: reading 1M customers from PostgreSQL and DuckDB against Parquet, in one run.

The same rows (`make-data` of N rows, seed 42) go into a Parquet file, a DuckDB file and a
throwaway PostgreSQL cluster (tests/pg_cluster.py). For each database it times the readers
the SQL source could use on the statement it runs (the configured columns, ordered by id):

- `pandas.read_sql` through SQLAlchemy (what other dialects use), and the same streamed in
  chunks;
- DuckDB's own Arrow interface; ADBC (Arrow) for PostgreSQL;

then the whole load (`analysis.sources.load_dataset`: read, validate, hash) from each source.
Times are the median of `--repeats` runs in this process. Usage:
    python benchmarks/bench_sql.py [--rows 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, print_table

sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from sqlalchemy import text  # noqa: E402

from kmeans_report.analysis.config import validate_config  # noqa: E402
from kmeans_report.analysis.sources import load_dataset  # noqa: E402
from kmeans_report.analysis.sources.generate import make_customers, make_customers_sql  # noqa: E402
from kmeans_report.analysis.sources.sql import read as sql_source  # noqa: E402
from kmeans_report.analysis.sources.sql.connect import open_engine  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402

FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]


def median_time(function, repeats: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        rows = len(function())
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


CHUNK = 200_000


def read_in_chunks(connection, sql: str) -> pd.DataFrame:
    streaming = connection.execution_options(stream_results=True)
    return pd.concat(pd.read_sql(text(sql), streaming, chunksize=CHUNK), ignore_index=True)


def config_for(data: dict):
    return validate_config({"data": {**data, "id_column": "customer_id"},
                            "features": [{"column": c} for c in FEATURES]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kmeans-report-bench-sql-"))
    parquet = make_customers(work / "customers.parquet", args.rows)
    duckdb_url = f"duckdb:///{work / 'customers.duckdb'}"
    make_customers_sql(duckdb_url, "customers", args.rows)
    readers: list[tuple[str, ...]] = []
    loads: list[tuple[str, ...]] = []

    def add(table, source: str, reader: str, function, baseline: float | None = None) -> float:
        seconds, n = median_time(function, args.repeats)
        ratio = f"{seconds / baseline:.2f}" if baseline else "1.00"
        table.append((source, reader, f"{n:,}", f"{seconds:.2f}", ratio))
        print(f"  {source}, {reader}: {seconds:.2f} s", file=sys.stderr, flush=True)
        return seconds

    parquet_config = config_for({"source": "file", "path": str(parquet)})
    columns = FEATURES + ["customer_id"]
    parquet_seconds = add(readers, "Parquet", "pyarrow, configured columns",
                          lambda: pq.read_table(parquet, columns=columns).to_pandas())

    with PgCluster() as pg:
        loaded = time.perf_counter()
        make_customers_sql(pg.url(), "customers", args.rows)
        print(f"  loaded {args.rows:,} rows into PostgreSQL {pg.version} in "
              f"{time.perf_counter() - loaded:.1f} s (COPY)", file=sys.stderr)
        os.environ["KMEANS_BENCH_PGPASSWORD"] = pg.password  # configs take it as ${VAR}
        databases = {"DuckDB": duckdb_url,
                     "PostgreSQL": pg.url(password="${KMEANS_BENCH_PGPASSWORD}")}
        for name, url in databases.items():
            _, _, engine = open_engine(url, read_only=True)
            config = config_for({"source": "sql", "sql": {"url": url, "table": "customers"}})
            _, sql = sql_source.select_sql(config.data.sql, columns,
                                           engine.dialect.identifier_preparer, "customer_id")
            with engine.connect() as connection:
                add(readers, name, "pandas.read_sql",
                    lambda c=connection, s=sql: pd.read_sql(text(s), c), parquet_seconds)
                add(readers, name, f"pandas.read_sql, streamed in chunks of {CHUNK:,}",
                    lambda c=connection, s=sql: read_in_chunks(c, s), parquet_seconds)
                if name == "DuckDB":
                    add(readers, name, "DuckDB Arrow (used)",
                        lambda c=connection, s=sql: sql_source._fetch_duckdb(c, s), parquet_seconds)
            if name == "PostgreSQL":
                add(readers, name, "ADBC, Arrow (used)",
                    lambda u=engine.url, s=sql: sql_source._fetch_adbc(u, s), parquet_seconds)
            engine.dispose()

        full = add(loads, "Parquet", "data.source: file", lambda: load_dataset(parquet_config).frame)
        for name, url in databases.items():
            config = config_for({"source": "sql", "sql": {"url": url, "table": "customers"}})
            add(loads, name, "data.source: sql", lambda c=config: load_dataset(c).frame, full)
    header = ("Source", "Reader", "Rows", "Seconds (median)", "Ratio to Parquet")
    print("Fetching the configured columns:")
    print_table(readers, header)
    print("\nThe whole load (read, validate, hash the data):")
    print_table(loads, header)


if __name__ == "__main__":
    main()
