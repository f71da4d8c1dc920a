"""Customer data from a database (`data.source: sql`), through a SQLAlchemy 2 URL.

Reading goes in two steps: a probe (`... WHERE 1 = 0`) gives the result's column names, which
are checked as a file's header is; then only the configured columns are fetched, the user's
query wrapped as a subquery (or the table read, ordered by the id column when there is one).
DuckDB results come through DuckDB's own Arrow interface and PostgreSQL's through ADBC when
it is installed: at 1M rows both are many times faster than `pandas.read_sql`
(benchmarks/bench_sql.py; figures in the README). Other dialects are read with
`pandas.read_sql` (in one piece: streamed in chunks it was no faster). The rows are then
validated exactly as a file's are.

The URL and its secrets are analysis.sources.sql.url's; connecting and the errors a driver raises,
analysis.sources.sql.connect's; writing a table (make-data), analysis.sources.sql.write's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import DataError
from ..files import check_header
from .connect import database_errors, open_engine, quote_name
from .url import public_url, redact

ALIAS = "kmeans_source"


# --------------------------------------------------------------------------- reading


@dataclass
class Fetched:
    frame: pd.DataFrame  # the configured columns, as the database returned them
    server_version: str
    sql: str  # the query that was run (user's query wrapped, or the table read)


def select_sql(opts, columns: list[str], preparer, order_by: str | None) -> tuple[str, str]:
    """(probe, fetch): the statement that names the result's columns, and the one that reads
    only `columns` from it."""
    if opts.query is not None:
        # On lines of its own: a query may end in a `-- comment`, which would swallow the
        # closing parenthesis on the same line.
        source = f"(\n{opts.query.strip().rstrip(';').rstrip()}\n) AS {ALIAS}"
        order = ""
    else:
        source = quote_name(preparer, opts.table)
        order = f" ORDER BY {preparer.quote(order_by)}" if order_by else ""
    listed = ", ".join(preparer.quote(c) for c in columns)
    return f"SELECT * FROM {source} WHERE 1 = 0", f"SELECT {listed} FROM {source}{order}"


def server_version(connection) -> str:
    dialect = connection.dialect
    from sqlalchemy import text

    if dialect.name in ("duckdb", "postgresql"):
        name = {"duckdb": "DuckDB", "postgresql": "PostgreSQL"}[dialect.name]
        asked = "SELECT version()" if dialect.name == "duckdb" else "SHOW server_version"
        return f"{name} {connection.execute(text(asked)).scalar()}"
    info = ".".join(map(str, dialect.server_version_info or ()))
    return f"{dialect.name} {info}".strip()


def _fetch_duckdb(connection, sql: str) -> pd.DataFrame:
    raw = connection.connection.driver_connection
    relation = raw.sql(sql)
    read = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return read().to_pandas()


def _fetch_adbc(url, sql: str) -> pd.DataFrame:
    import adbc_driver_postgresql.dbapi as adbc

    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc.connect(libpq) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetch_arrow_table().to_pandas()


def _fetch_pandas(connection, sql: str) -> pd.DataFrame:
    """Any other dialect, in one piece: streamed in chunks it was no faster (benchmarks)."""
    from sqlalchemy import text

    return pd.read_sql(text(sql), connection)


def _has_adbc() -> bool:
    try:
        import adbc_driver_postgresql.dbapi  # noqa: F401
    except ImportError:
        return False
    return True


def fetch(config) -> Fetched:
    """Read the configured columns from the database; DataError on any failure."""
    opts = config.data.sql
    shown, url, engine = open_engine(opts.url, read_only=True)
    from sqlalchemy import text

    columns = config.feature_columns + [
        c for c in (config.data.id_column, config.data.compare_with) if c]
    with database_errors(shown, url.password or None, engine), engine.connect() as connection:
        version = server_version(connection)
        probe, sql = select_sql(opts, columns, engine.dialect.identifier_preparer,
                                config.data.id_column)
        header = list(connection.execute(text(probe)).keys())
        check_header(shown, header, columns)
        if engine.dialect.name == "duckdb":
            frame = _fetch_duckdb(connection, sql)
        elif engine.dialect.name == "postgresql" and _has_adbc():
            frame = _fetch_adbc(url, sql)
        else:
            frame = _fetch_pandas(connection, sql)
    return Fetched(frame=frame, server_version=version, sql=sql)


def read_sample(template: str, table: str, rows: int) -> pd.DataFrame:
    """The first `rows` rows of a table, every column (for `init --sql`)."""
    shown, url, engine = open_engine(template, read_only=True)
    from sqlalchemy import literal_column, select
    from sqlalchemy import table as table_clause

    schema, _, name = table.rpartition(".")
    with database_errors(shown, url.password or None, engine), engine.connect() as connection:
        found = table_clause(name, schema=schema or None)
        sample = select(literal_column("*")).select_from(found).limit(rows)
        result = connection.execute(sample)
        return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()),
                                         coerce_float=True)


# --------------------------------------------------------------------------- identity


def rows_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of the fetched rows in a canonical form, the same whichever reader fetched
    them: column names, then numbers as little-endian float64 and anything else as text."""
    digest = hashlib.sha256()
    for name in frame.columns:
        series = frame[name]
        digest.update(f"\x1e{name}\x1f{len(series)}\x1f".encode())
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series.to_numpy(np.float64, na_value=np.nan).astype("<f8")
            digest.update(np.ascontiguousarray(values).tobytes())
        else:
            text = series.astype("string").fillna("\x00NULL").str.replace("\x1f", "\x1f\x1f")
            digest.update("\x1f".join(text.tolist()).encode())
    return digest.hexdigest()


def provenance(config, fetched: Fetched) -> dict[str, Any]:
    opts = config.data.sql
    return {
        "url": public_url(opts.url),
        "table": opts.table,
        "query": opts.query,
        "sql": fetched.sql,
        "sql_sha256": hashlib.sha256(fetched.sql.encode()).hexdigest(),
        "rows": len(fetched.frame),
        "server_version": fetched.server_version,
    }


def sql_dataset(config):
    """Fetch, check and hash the configured rows. A build does it once, up front (its cache
    key is the rows' hash), and hands the dataset to the analysis it then runs."""
    from ..rules import table_dataset

    fetched = fetch(config)
    shown = redact(config.data.sql.url)
    if fetched.frame.empty:
        raise DataError(f"{shown}: the query returned no rows")
    dataset = table_dataset(fetched.frame, config, label=shown, file_format="sql",
                            source=public_url(config.data.sql.url),
                            sha256=rows_sha256(fetched.frame))
    dataset.sql = provenance(config, fetched)
    return dataset

