"""Large synthetic customer tables for `kmeans-report make-data`, written chunk by chunk.

Each chunk is drawn with the notebook's distributions (`synthetic.notebook_customers`) or around
planted segments (`synthetic.planted_customers`, true labels kept in `planted_segment`), so memory
stays flat at any size. Chunk 0 uses the seed itself — a table that fits in one chunk is the
built-in synthetic data, value for value — and chunk i > 0 a seed derived from (seed, i).
The output is Parquet (one row group per chunk) or CSV, by extension, and appears only when
complete.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import DataError
from ..progress import Progress
from .synthetic import notebook_customers, planted_customers

CHUNK_ROWS = 1_000_000
FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def output_format(path: Path) -> str:
    try:
        return FORMATS[Path(path).suffix.lower()]
    except KeyError:
        raise DataError(
            f"{path}: cannot tell the output format from the extension; use .parquet or .csv"
        ) from None


def chunk_seed(seed: int, index: int) -> int:
    if index == 0:
        return seed
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def customer_chunk(
    start: int, size: int, seed: int, planted_segments: int | None = None
) -> pa.Table:
    """Rows start+1..start+size of the table (customer_id, the four features[, planted])."""
    if planted_segments:
        frame, labels = planted_customers(size, planted_segments, seed)
    else:
        frame, labels = notebook_customers(size, seed), None
    columns = {
        "customer_id": pa.array(np.arange(start + 1, start + size + 1, dtype=np.int64)),
        "annual_spending": pa.array(frame["annual_spending"].to_numpy(np.float64)),
        # Poisson counts: whole numbers, so a compact integer type loses nothing.
        "visit_frequency": pa.array(frame["visit_frequency"].to_numpy(np.int32)),
        "avg_transaction": pa.array(frame["avg_transaction"].to_numpy(np.float64)),
        "loyalty_years": pa.array(frame["loyalty_years"].to_numpy(np.float64)),
    }
    if labels is not None:
        columns["planted_segment"] = pa.array(labels.astype(np.int8))
    return pa.table(columns)


def _check_sizes(rows: int, planted_segments: int | None) -> None:
    if rows < 1:
        raise DataError(f"--rows {rows}: must be at least 1")
    if planted_segments is not None and not 2 <= planted_segments <= 12:
        raise DataError(f"--planted-segments {planted_segments}: must be between 2 and 12")


def make_customers(
    out: Path,
    rows: int,
    *,
    planted_segments: int | None = None,
    seed: int = 42,
    chunk_rows: int = CHUNK_ROWS,
    overwrite: bool = False,
    parts: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Write `rows` synthetic customers to `out` (.parquet or .csv); returns the path.
    `parts`: `out` is a folder of Parquet files, one per chunk (what Spark reads and writes)."""
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    progress = progress or Progress(enabled=False)
    out = Path(out)
    fmt = "parquet" if parts else output_format(out)
    _check_sizes(rows, planted_segments)
    if out.exists() and not overwrite:
        raise DataError(f"{out}: already exists; pass --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    starts = range(0, rows, chunk_rows)
    if parts:
        return _write_parts(out, partial, rows, starts, chunk_rows, seed, planted_segments,
                            overwrite, progress)
    writer = None
    try:
        for index in progress.iter(range(len(starts)), f"writing {out.name}", len(starts)):
            start = starts[index]
            size = min(chunk_rows, rows - start)
            table = customer_chunk(start, size, chunk_seed(seed, index), planted_segments)
            if writer is None:
                writer = (
                    pq.ParquetWriter(partial, table.schema)
                    if fmt == "parquet"
                    else pa_csv.CSVWriter(partial, table.schema)
                )
            writer.write_table(table)
        writer.close()
        os.replace(partial, out)
    except BaseException:
        if writer is not None:
            writer.close()
        partial.unlink(missing_ok=True)
        raise
    return out


def make_customers_sql(
    url: str,
    table: str,
    rows: int,
    *,
    planted_segments: int | None = None,
    seed: int = 42,
    chunk_rows: int = CHUNK_ROWS,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> int:
    """Load `rows` synthetic customers (the same rows `make_customers` writes) into a new
    database table (`make-data --to-sql URL --table NAME`); returns the rows written."""
    from .sql.write import write_customers

    progress = progress or Progress(enabled=False)
    _check_sizes(rows, planted_segments)
    starts = range(0, rows, chunk_rows)
    chunks = (
        customer_chunk(starts[i], min(chunk_rows, rows - starts[i]), chunk_seed(seed, i),
                       planted_segments)
        for i in progress.iter(range(len(starts)), f"loading {table}", len(starts))
    )
    return write_customers(url, table, chunks, overwrite=overwrite)


def _write_parts(out: Path, partial: Path, rows: int, starts: range, chunk_rows: int, seed: int,
                 planted_segments: int | None, overwrite: bool, progress: Progress) -> Path:
    """The same rows as one file would hold, as part-NNNNN.parquet files in a folder that
    appears (or replaces the old one) only when complete."""
    import shutil

    import pyarrow.parquet as pq

    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        for index in progress.iter(range(len(starts)), f"writing {out.name}/", len(starts)):
            size = min(chunk_rows, rows - starts[index])
            table = customer_chunk(starts[index], size, chunk_seed(seed, index), planted_segments)
            pq.write_table(table, partial / f"part-{index:05d}.parquet")
        if out.exists() and overwrite:
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        os.replace(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return out
