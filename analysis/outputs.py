"""Machine-readable outputs of an analysis: results.json, assignments (CSV, Parquet), profiles.

Written last, into a folder the caller provides (report.analysis_step stages it and swaps it
into place only when complete).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from .assembly import AnalysisOutput
from .results import Results

RESULTS_JSON = "results.json"
ASSIGNMENTS_CSV = "assignments.csv"
ASSIGNMENTS_PARQUET = "assignments.parquet"
PROFILES_CSV = "profiles.csv"
CHUNK_ROWS = 1_000_000  # assignments are written in slices so memory stays flat


def profiles_frame(results: Results) -> pd.DataFrame:
    """The notebook's cluster_summary as a flat table: one row per cluster."""
    by_cluster = {s.cluster: s for s in results.segments}
    rows = []
    for p in results.profiles:
        row = {
            "cluster": p.cluster,
            "segment": by_cluster[p.cluster].name,
            "segment_type": by_cluster[p.cluster].type,
            "size": p.size,
            "share": round(p.share, 6),
        }
        for column in p.mean:
            row[f"{column}_mean"] = p.mean[column]
            row[f"{column}_std"] = p.std[column]
            row[f"{column}_centre"] = p.centre[column]
        rows.append(row)
    return pd.DataFrame(rows)


def write_assignments(assignments: pd.DataFrame, folder: Path) -> None:
    """Both files in slices of CHUNK_ROWS; categorical columns (the segment) are held as a
    dictionary in memory and decoded to plain text one slice at a time."""
    table = pa.Table.from_pandas(assignments, preserve_index=False)
    schema = pa.schema(
        [pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
         for f in table.schema]
    )
    with (
        pq.ParquetWriter(folder / ASSIGNMENTS_PARQUET, schema) as parquet,
        pa_csv.CSVWriter(folder / ASSIGNMENTS_CSV, schema) as csv,
    ):
        for batch in table.to_batches(max_chunksize=CHUNK_ROWS):
            columns = [c.cast(f.type) for c, f in zip(batch.columns, schema, strict=True)]
            batch = pa.RecordBatch.from_arrays(columns, schema=schema)
            parquet.write_batch(batch)
            csv.write_batch(batch)


def write_outputs_into(output: AnalysisOutput, folder: Path) -> None:
    output.results.save(folder / RESULTS_JSON)
    spark_writer = getattr(output.assignments, "write_into", None)
    if spark_writer is not None:  # the Spark backend: Spark writes a folder of Parquet parts
        spark_writer(folder)
    else:
        write_assignments(output.assignments, folder)
    profiles_frame(output.results).to_csv(folder / PROFILES_CSV, index=False)
