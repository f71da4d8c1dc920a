"""A database URL as the user writes it in data.sql.url: a SQLAlchemy 2 URL whose parts may
hold `${VAR}`, taken from the environment when connecting (`expand`) and only then.

Pages, results, errors and logs show the URL with its password hidden (`redact`), a DuckDB
file by its name alone (`public_url`). `literal_password` needs no SQLAlchemy, so the config
can refuse a written-out password even where the SQL extras are not installed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...errors import DataError

INSTALL_HINT = ("install the database drivers (the sql extra) in the kmeans-report checkout: "
                "pip install -e '.[sql]'")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SECRET_KEYS = re.compile(r"pass|secret|token|key", re.IGNORECASE)


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
