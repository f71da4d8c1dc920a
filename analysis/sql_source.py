"""Customer data from a database (`data.source: sql`), through a SQLAlchemy 2 URL.

Reading goes in two steps: a probe (`... WHERE 1 = 0`) gives the result's column names, which
are checked as a file's header is; then only the configured columns are fetched, the user's
query wrapped as a subquery (or the table read, ordered by the id column when there is one).
DuckDB results come through DuckDB's own Arrow interface and PostgreSQL's through ADBC when
it is installed: at 1M rows both are many times faster than `pandas.read_sql`
(benchmarks/bench_sql.py; figures in the README). Other dialects are read with
`pandas.read_sql` (in one piece: streamed in chunks it was no faster). The rows are then
validated exactly as a file's are.

Secrets: `${VAR}` in the URL is taken from the environment when connecting, and only then.
Pages, results, errors and logs show the URL with its password hidden (`redact`), and any
message from a driver is scrubbed of the password before it is shown.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError

INSTALL_HINT = "install the database drivers with: pip install 'kmeans-report[sql]'"
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SECRET_KEYS = re.compile(r"pass|secret|token|key", re.IGNORECASE)
ALIAS = "kmeans_source"


# --------------------------------------------------------------------------- URLs


def _make_url(text: str):
    try:
        from sqlalchemy.engine import make_url
    except ImportError:
        raise DataError(f"SQLAlchemy is not installed, so data.source: sql cannot be read; "
                        f"{INSTALL_HINT}") from None
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise DataError(f"data.sql.url is not a valid SQLAlchemy URL ({exc}); it looks like "
                        "dialect+driver://user:${PASSWORD}@host:port/database") from None


def redact(template: str) -> str:
    """The URL as shown anywhere: the password (and secret-looking query values) as ***."""
    try:
        url = _make_url(template)
    except DataError:
        return "data.sql.url (not a valid URL)"
    query = {k: ("***" if SECRET_KEYS.search(k) else v) for k, v in url.query.items()}
    shown = url.set(query=query).render_as_string(hide_password=True)
    return shown.replace("=%2A%2A%2A", "=***")


def literal_password(template: str) -> bool:
    """Whether the URL holds a password written out rather than as a ${VAR} (checked by the
    config: a password in report.yml would be published with it). Needs no SQLAlchemy."""
    rest = template.partition("://")[2]
    userinfo, at, _ = rest.rpartition("@")
    secrets = [userinfo.partition(":")[2]] if at and ":" in userinfo else []
    query = template.partition("?")[2]
    secrets += [v for k, _, v in (p.partition("=") for p in query.split("&"))
                if SECRET_KEYS.search(k)]
    return any(s and not VARIABLE.fullmatch(s) for s in secrets)


def duckdb_file(template: str) -> str | None:
    """The database file of a `duckdb:///path` URL (None for other URLs and in-memory ones)."""
    if not template.startswith("duckdb:///"):
        return None
    path = template[len("duckdb:///"):].partition("?")[0]
    return path if path and path != ":memory:" else None


def public_url(template: str) -> str:
    """The URL as published: redacted, and a DuckDB file by its name (like data.path), so no
    folder of the build machine is shown."""
    path = duckdb_file(template)
    return "duckdb:///" + Path(path).name if path else redact(template)


def expand(template: str):
    """The URL to connect with: each part's ${VAR} replaced by the environment's value
    (part by part, so a password may hold @, / or : without quoting)."""
    url = _make_url(template)
    shown = redact(template)

    def value(text):
        if text is None:
            return None

        def lookup(match):
            name = match.group(1)
            if name not in os.environ:
                raise DataError(f"{shown}: the environment variable {name} used in "
                                "data.sql.url is not set")
            return os.environ[name]

        return VARIABLE.sub(lookup, text)

    return url.set(
        username=value(url.username), password=value(url.password), host=value(url.host),
        database=value(url.database),
        query={k: tuple(map(value, v)) if isinstance(v, tuple) else value(v)
               for k, v in url.query.items()},
    )


# --------------------------------------------------------------------------- errors

# (pattern in the driver's message, what it means); the first match wins.
FAILURES = (
    (r"password authentication failed|authentication failed|no password supplied"
     r"|role .* does not exist", "authentication failed: check the user name and the password "
     "variable in data.sql.url"),
    (r"database .* does not exist|unknown database", "the database does not exist"),
    (r"connection refused|could not connect|could not translate host|timeout expired"
     r"|name or service not known|no route to host|connection to server .* failed",
     "the database server cannot be reached: check the host and port in data.sql.url and that "
     "the server is running"),
    (r"relation .* does not exist|table with name .* does not exist|no such table"
     r"|undefinedtable", "the table does not exist (data.sql.table or data.sql.query)"),
    (r"syntax error|parser error", "the SQL has a syntax error (data.sql.query)"),
    (r"column .* does not exist|referenced column .* not found|no such column",
     "a column the query names does not exist (data.sql.query)"),
)


def _driver_message(exc: BaseException, secret: str | None) -> str:
    """The driver's own first line, without the password and without SQLAlchemy's
    boilerplate (its SQL echo and documentation link)."""
    inner = getattr(exc, "orig", None) or exc
    text = re.split(r"\[SQL:|\(Background on this error|\bLINE \d+:", str(inner))[0]
    line = " ".join(text.split()) or type(inner).__name__
    if secret:  # as typed, and as it would appear inside a URL
        from urllib.parse import quote

        for form in (secret, quote(secret, safe=""), quote(secret)):
            line = line.replace(form, "***")
    return line[:300].rstrip(" .")


def _database_error(shown: str, exc: BaseException, secret: str | None) -> DataError:
    detail = _driver_message(exc, secret)
    for pattern, meaning in FAILURES:
        if re.search(pattern, detail, re.IGNORECASE):
            return DataError(f"{shown}: {meaning} ({detail})")
    return DataError(f"{shown}: the database refused the query ({detail})")


def _driver_missing(shown: str, exc: BaseException) -> DataError:
    return DataError(f"{shown}: the database driver is not installed ({exc}); {INSTALL_HINT}")


# --------------------------------------------------------------------------- reading


@dataclass
class Fetched:
    frame: pd.DataFrame  # the configured columns, as the database returned them
    server_version: str
    sql: str  # the query that was run (user's query wrapped, or the table read)


def _quote(preparer, name: str) -> str:
    return ".".join(preparer.quote(part) for part in name.split("."))


def select_sql(opts, columns: list[str], preparer, order_by: str | None) -> tuple[str, str]:
    """(probe, fetch): the statement that names the result's columns, and the one that reads
    only `columns` from it."""
    if opts.query is not None:
        source = f"({opts.query.strip().rstrip(';').strip()}) AS {ALIAS}"
        order = ""
    else:
        source = _quote(preparer, opts.table)
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
    shown = redact(opts.url)
    url = expand(opts.url)
    secret = url.password or None
    path = duckdb_file(opts.url)
    if path is not None and not Path(url.database).is_file():
        # DuckDB would create an empty database file: a missing one is an error, not a write.
        raise DataError(f"{shown}: the DuckDB database file does not exist")
    from sqlalchemy import text

    engine = _reading_engine(url, shown)
    columns = config.feature_columns + [
        c for c in (config.data.id_column, config.data.compare_with) if c]
    from .data_files import check_header

    try:
        with engine.connect() as connection:
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
    except DataError:
        raise
    except ImportError as error:  # a dialect imports its driver on first connect
        raise _driver_missing(shown, error) from None
    except Exception as error:  # noqa: BLE001 - every driver has its own error classes
        raise _database_error(shown, error, secret) from None
    finally:
        engine.dispose()
    return Fetched(frame=frame, server_version=version, sql=sql)


def _reading_engine(url, shown: str):
    """An engine that only reads (DuckDB files opened read-only); a missing driver is a
    clear error naming the fix."""
    from sqlalchemy import create_engine, exc

    try:
        connect_args = {"read_only": True} if url.get_backend_name() == "duckdb" else {}
        return create_engine(url, connect_args=connect_args)
    except (exc.NoSuchModuleError, ImportError) as error:
        raise _driver_missing(shown, error) from None


def read_sample(template: str, table: str, rows: int) -> pd.DataFrame:
    """The first `rows` rows of a table, every column (for `init --sql`)."""
    shown = redact(template)
    url = expand(template)
    if duckdb_file(template) is not None and not Path(url.database).is_file():
        raise DataError(f"{shown}: the DuckDB database file does not exist")
    from sqlalchemy import literal_column, select
    from sqlalchemy import table as table_clause

    engine = _reading_engine(url, shown)
    schema, _, name = table.rpartition(".")
    try:
        with engine.connect() as connection:
            found = table_clause(name, schema=schema or None)
            sample = select(literal_column("*")).select_from(found).limit(rows)
            result = connection.execute(sample)
            return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()),
                                             coerce_float=True)
    except ImportError as error:
        raise _driver_missing(shown, error) from None
    except Exception as error:  # noqa: BLE001 - every driver has its own error classes
        raise _database_error(shown, error, url.password or None) from None
    finally:
        engine.dispose()


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
    from .data import table_dataset

    fetched = fetch(config)
    shown = redact(config.data.sql.url)
    if fetched.frame.empty:
        raise DataError(f"{shown}: the query returned no rows")
    dataset = table_dataset(fetched.frame, config, label=shown, file_format="sql",
                            source=public_url(config.data.sql.url),
                            sha256=rows_sha256(fetched.frame))
    dataset.sql = provenance(config, fetched)
    return dataset


def data_fingerprint(dataset) -> str:
    """A fetched dataset's identity for the caches: the SHA-256 of its rows."""
    return "sql:" + dataset.sha256


# --------------------------------------------------------------------------- writing


def write_customers(template: str, table: str, chunks, *, overwrite: bool = False) -> int:
    """Load Arrow tables (`chunks`) into a new table, in one transaction: the table appears
    complete or not at all. Refuses an existing table unless `overwrite`. Returns the rows."""
    shown = redact(template)
    url = expand(template)
    from sqlalchemy import create_engine, exc, inspect

    try:
        engine = create_engine(url)
    except (exc.NoSuchModuleError, ImportError) as error:
        raise _driver_missing(shown, error) from None
    schema, _, name = table.rpartition(".")
    rows = 0
    try:
        with engine.begin() as connection:
            if inspect(connection).has_table(name, schema=schema or None):
                if not overwrite:
                    raise DataError(f"{shown}: table {table!r} already exists; pass --force "
                                    "to replace it")
                quoted = _quote(connection.dialect.identifier_preparer, table)
                connection.exec_driver_sql(f"DROP TABLE {quoted}")
            for index, chunk in enumerate(chunks):
                _append(connection, table, chunk, create=index == 0)
                rows += chunk.num_rows
    except DataError:
        raise
    except ImportError as error:
        raise _driver_missing(shown, error) from None
    except Exception as error:  # noqa: BLE001 - every driver has its own error classes
        raise _database_error(shown, error, url.password or None) from None
    finally:
        engine.dispose()
    return rows


def _append(connection, table: str, chunk, *, create: bool) -> None:
    quoted = _quote(connection.dialect.identifier_preparer, table)
    driver = connection.connection.driver_connection
    if connection.dialect.name == "duckdb":
        driver.register("kmeans_chunk", chunk)
        verb = f"CREATE TABLE {quoted} AS" if create else f"INSERT INTO {quoted}"
        driver.execute(f"{verb} SELECT * FROM kmeans_chunk")
        driver.unregister("kmeans_chunk")
        return
    frame = chunk.to_pandas()
    if create:  # the table's columns and types, from an empty frame
        frame.head(0).to_sql(table.rpartition(".")[2], connection,
                             schema=table.rpartition(".")[0] or None, index=False)
    if connection.dialect.driver == "psycopg":  # COPY: many times faster than INSERTs
        columns = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in frame.columns)
        with driver.cursor() as cursor, cursor.copy(f"COPY {quoted} ({columns}) FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row(row)
        return
    frame.to_sql(table.rpartition(".")[2], connection, schema=table.rpartition(".")[0] or None,
                 index=False, if_exists="append", chunksize=10_000)
