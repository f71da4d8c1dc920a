"""Benchmark: reading 1M customers from PostgreSQL and DuckDB against Parquet, in one run.

The same rows (`make-data` of N rows, seed 42) go into a Parquet file, a DuckDB file and a
throwaway PostgreSQL cluster (tests/pg_cluster.py). For each database it times the readers
the SQL source could use on the statement it runs (the configured columns, ordered by id):

- `pandas.read_sql` through SQLAlchemy (the baseline), and the same in chunks (streamed);
- DuckDB's own Arrow interface; ADBC (Arrow) for PostgreSQL;

then the whole load (`analysis.data.load_dataset`: read, validate, hash) from each source.
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
from sqlalchemy import create_engine, text  # noqa: E402

from analysis import sql_source  # noqa: E402
from analysis.config import validate_config  # noqa: E402
from analysis.data import load_dataset  # noqa: E402
from analysis.generate import make_customers, make_customers_sql  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402

FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]


def median_time(function, repeats: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        rows = len(function())
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


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
    rows: list[tuple[str, ...]] = []

    def add(source: str, reader: str, function, baseline: float | None = None) -> float:
        seconds, n = median_time(function, args.repeats)
        ratio = f"{baseline / seconds:.1f}x" if baseline else "1.0x (baseline)"
        rows.append((source, reader, f"{n:,}", f"{seconds:.2f}", ratio))
        print(f"  {source}, {reader}: {seconds:.2f} s", file=sys.stderr, flush=True)
        return seconds

    parquet_config = config_for({"source": "file", "path": str(parquet)})
    columns = FEATURES + ["customer_id"]
    add("Parquet", "pyarrow (columns only)",
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
            engine = create_engine(sql_source.expand(url), connect_args={"read_only": True} if name == "DuckDB" else {})
            config = config_for({"source": "sql", "sql": {"url": url, "table": "customers"}})
            _, sql = sql_source.select_sql(config.data.sql, columns,
                                           engine.dialect.identifier_preparer, "customer_id")
            with engine.connect() as connection:
                base = add(name, "pandas.read_sql", lambda c=connection: pd.read_sql(text(sql), c))
                add(name, f"pandas.read_sql, chunks of {sql_source.CHUNK_ROWS:,}",
                    lambda c=connection: sql_source._fetch_pandas(c, sql), base)
                if name == "DuckDB":
                    add(name, "DuckDB Arrow", lambda c=connection: sql_source._fetch_duckdb(c, sql), base)
            if name == "PostgreSQL":
                add(name, "ADBC (Arrow)", lambda u=engine.url: sql_source._fetch_adbc(u, sql), base)
            engine.dispose()

        full = add("Parquet", "whole load (read, validate, hash)",
                   lambda: load_dataset(parquet_config).frame)
        for name, url in databases.items():
            config = config_for({"source": "sql", "sql": {"url": url, "table": "customers"}})
            add(name, "whole load (read, validate, hash)", lambda c=config: load_dataset(c).frame)
        rows.append(("", "(whole loads against Parquet's)", "", f"{full:.2f}", ""))
    print_table(rows, ("Source", "Reader", "Rows", "Seconds (median)", "Speed-up vs read_sql"))


if __name__ == "__main__":
    main()
