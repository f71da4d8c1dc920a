"""`kmeans-report assign`: new customers into a published model's segments, written to a
file, or the SELECT statement that does it inside a database. Every input is checked before
anything is written; the output file appears whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kmeans_report.analysis.errors import DataError
from kmeans_report.analysis.model.apply import assign_dataset
from kmeans_report.analysis.model.document import portable_model

OUT_FORMATS = {".parquet": "parquet", ".csv": "csv"}


def assign_command(model_path: Path, data: Path | None, out: Path | None, *, sql: bool = False,
                   table: str = "customers", dialect: str = "duckdb", force: bool = False,
                   id_column: str | None = None) -> str:
    """What the command prints: the SELECT (--sql), or a line saying what was written."""
    model = portable_model(model_path)
    if sql:
        if data is not None or out is not None:
            raise DataError("assign --sql prints a SELECT for the database's own table (--table); "
                            "leave out DATA and --out")
        from kmeans_report.analysis.model.sql import assignment_select

        return assignment_select(model, table, dialect)
    if data is None or out is None:
        raise DataError("assign: give the DATA file to assign and --out FILE.parquet|csv "
                        "(or --sql to print a SELECT instead)")
    out_format = _check_out(Path(out), force)
    assigned = assign_dataset(model, Path(data), id_column)
    _write_whole(assigned, Path(out), out_format)
    counts = assigned["segment"].value_counts()
    sizes = ", ".join(f"{name}: {counts.get(name, 0):,}" for name in model.names)
    return f"Wrote {len(assigned):,} assignments to {out} ({sizes})"


def _check_out(out: Path, force: bool) -> str:
    out_format = OUT_FORMATS.get(out.suffix.lower())
    if out_format is None:
        raise DataError(f"{out}: --out must end in .parquet or .csv")
    if out.is_dir():
        raise DataError(f"{out}: --out is a folder; give a file name")
    if out.exists() and not force:
        raise DataError(f"{out}: already exists; use --force to replace it")
    if not out.parent.is_dir():
        raise DataError(f"{out.parent}: the folder for --out does not exist")
    return out_format


def _write_whole(frame, out: Path, out_format: str) -> None:
    """Write next to `out`, then rename into place: no partial file, ever."""
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        if out_format == "parquet":
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_csv(temporary, index=False)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
