"""Opening a database from its URL template, and saying in plain words why it failed.

A driver's message names the cause (wrong password, unknown table, server down) in its own
words; `database_errors` turns any of them into a DataError that leads with the redacted URL
and the likely fix, and never shows the password.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from ...errors import DataError
from .url import INSTALL_HINT, duckdb_file, expand, redact

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


def open_engine(template: str, *, read_only: bool):
    """(shown, url, engine): the redacted URL for messages, the expanded one, and an engine
    (reading: a DuckDB file opened read-only, and it must exist). A missing driver is a clear
    error naming the fix."""
    shown = redact(template)
    url = expand(template)
    if read_only and duckdb_file(template) is not None and not Path(url.database).is_file():
        # DuckDB would create an empty database file: a missing one is an error, not a write.
        raise DataError(f"{shown}: the DuckDB database file does not exist")
    from sqlalchemy import create_engine, exc

    try:
        duckdb = read_only and url.get_backend_name() == "duckdb"
        return shown, url, create_engine(url, connect_args={"read_only": True} if duckdb else {})
    except (exc.NoSuchModuleError, ImportError) as error:
        raise _driver_missing(shown, error) from None


@contextmanager
def database_errors(shown: str, secret: str | None, engine):
    """Any failure inside as a DataError (our own pass through unchanged); the engine is
    disposed of either way."""
    try:
        yield
    except DataError:
        raise
    except ImportError as error:  # a dialect imports its driver on first connect
        raise _driver_missing(shown, error) from None
    except Exception as error:  # noqa: BLE001 - every driver has its own error classes
        raise _database_error(shown, error, secret) from None
    finally:
        engine.dispose()


def quote_name(preparer, name: str) -> str:
    """A table name, each part of `schema.table` quoted as the dialect requires."""
    return ".".join(preparer.quote(part) for part in name.split("."))
