"""Writing customers into a new database table (`make-data --to-sql`), all or nothing."""

from __future__ import annotations

from ...errors import DataError
from .connect import database_errors, open_engine, quote_name


def write_customers(template: str, table: str, chunks, *, overwrite: bool = False) -> int:
    """Load Arrow tables (`chunks`) into a new table, in one transaction: the table appears
    complete or not at all. Refuses an existing table unless `overwrite`. Returns the rows."""
    shown, url, engine = open_engine(template, read_only=False)
    from sqlalchemy import inspect

    schema, _, name = table.rpartition(".")
    rows = 0
    with database_errors(shown, url.password or None, engine), engine.begin() as connection:
        if inspect(connection).has_table(name, schema=schema or None):
            if not overwrite:
                raise DataError(f"{shown}: table {table!r} already exists; pass --force "
                                "to replace it")
            quoted = quote_name(connection.dialect.identifier_preparer, table)
            connection.exec_driver_sql(f"DROP TABLE {quoted}")
        for index, chunk in enumerate(chunks):
            _append(connection, table, chunk, create=index == 0)
            rows += chunk.num_rows
    return rows


def _append(connection, table: str, chunk, *, create: bool) -> None:
    quoted = quote_name(connection.dialect.identifier_preparer, table)
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
