"""Reading a customer file (data.path): CSV or Parquet, only the configured columns.

Each problem is a DataError naming the file and the line, column or byte: a wrong
encoding, a missing or repeated column, a line with a stray delimiter. The values are
validated afterwards, alike for every source (analysis.sources.rules).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import DataError
from .base import Dataset, NotebookNeeds, SparkInput

if TYPE_CHECKING:  # pandas loads where a table is read: a fingerprint is a file hash
    import pandas as pd


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes: what provenance and the Reproduce notebook state."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_fingerprint(path: Path) -> str:
    """A fast hash of the file's bytes (xxHash's XXH3, 128 bits) for the build cache, which
    reads the file on every build, changed or not: a tenth of SHA-256's time on a large
    table. Provenance and the Reproduce notebook keep the SHA-256 (`file_sha256`)."""
    import xxhash

    digest = xxhash.xxh3_128()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "xxh3-128:" + digest.hexdigest()


def file_row_count(path: Path, file_format: str) -> int | None:
    """Rows of a Parquet file (its metadata) or data lines of a CSV file (line breaks after
    the header; a quoted field that spans lines counts more than once: an upper bound).
    None when the file cannot tell."""
    try:
        if file_format == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        lines = 0
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                lines += chunk.count(b"\n")
                last = chunk
        return max(lines - (1 if last.endswith(b"\n") else 0), 0) if lines else 0
    except Exception:  # noqa: BLE001 - a hint only; reading the table reports real problems
        return None


def detect_format(path: Path, configured: str) -> str:
    if configured != "auto":
        return configured
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return "csv"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    raise DataError(
        f"{path}: cannot tell the file format from the extension {suffix or '(none)'!r}; "
        "use .csv or .parquet, or set data.format"
    )


def csv_encoding(encoding: str) -> str:
    # A UTF-8 byte-order mark (Excel writes one) must not end up in the first column name.
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


def _decode_error(path: Path, encoding: str, configured: str) -> DataError:
    """A DataError naming the line (and byte) where the file stops being `encoding` text."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                start = max(exc.start, 0)
                line += block[:start].count(b"\n")
                bad = exc.object[exc.start : exc.end]
                byte = f"byte 0x{bad[0]:02x} " if bad else ""
                return DataError(
                    f"{path}: line {line} is not valid {configured} text ({byte}at offset "
                    f"{offset + start}: {exc.reason}); set data.csv.encoding to the file's "
                    "encoding (for example latin-1 or cp1252)"
                )
            line += block.count(b"\n")
            offset += len(block)
    return DataError(
        f"{path}: the file ends in the middle of a {configured} character; set "
        "data.csv.encoding to the file's encoding (for example latin-1 or cp1252)"
    )


def read_header(path: Path, encoding: str, delimiter: str, configured: str) -> tuple[list[str], str]:
    with path.open("rb") as handle:
        raw = handle.readline()
    try:
        first = raw.decode(encoding)
    except UnicodeDecodeError:
        raise _decode_error(path, encoding, configured) from None
    if not first.strip():
        raise DataError(f"{path}: the file is empty (no header row)")
    if delimiter == "auto":
        counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
        delimiter = max(counts, key=counts.get)
    header = next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter))
    return [h.strip() for h in header], delimiter


def _check_structure(
    path: Path, encoding: str, delimiter: str, n_fields: int, configured: str
) -> None:
    """Every data line has as many fields as the header. pandas checks this only when it reads
    every column; reading just the configured ones (usecols) it would silently shift or drop
    values of a line with a stray delimiter."""
    shown = {"\t": "tab"}.get(delimiter, repr(delimiter))
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, skipinitialspace=True)
            next(reader, None)  # the header, already checked
            for row in reader:
                if row and len(row) != n_fields:
                    raise DataError(
                        f"{path}: line {reader.line_num} has {len(row)} fields but the header "
                        f"has {n_fields} (delimiter {shown}); a value may contain an unquoted "
                        "delimiter, or data.csv.delimiter is wrong"
                    )
    except UnicodeDecodeError:
        raise _decode_error(path, encoding, configured) from None
    except csv.Error as exc:
        raise DataError(f"{path}: cannot be parsed as CSV near line {reader.line_num}: {exc}") from None


def check_header(path: Path, header: list[str], wanted: list[str]) -> None:
    seen: set[str] = set()
    dupes = sorted({h for h in header if h in seen or seen.add(h)})
    clashing = [d for d in dupes if d in wanted]
    if clashing:
        raise DataError(f"{path}: column name(s) appear more than once: {', '.join(clashing)}")
    missing = [w for w in wanted if w not in header]
    if missing:
        import difflib

        hints = []
        for name in missing:
            close = difflib.get_close_matches(name, header, n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise DataError(
            f"{path}: missing column(s) {', '.join(hints)}; the table has: {', '.join(header)}"
        )


def _read_csv(path: Path, config: Config, wanted: list[str]) -> pd.DataFrame:
    import pandas as pd

    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes)")
    configured = config.data.csv.encoding
    encoding = csv_encoding(configured)
    header, delimiter = read_header(path, encoding, config.data.csv.delimiter, configured)
    check_header(path, header, wanted)
    _check_structure(path, encoding, delimiter, len(header), configured)
    # ids and comparison labels stay text: "007" and "7" are different customers.
    text_columns = {c: str for c in (config.data.id_column, config.data.compare_with) if c}
    try:
        return pd.read_csv(
            path,
            sep=delimiter,
            encoding=encoding,
            usecols=wanted,
            skipinitialspace=True,
            dtype=text_columns or None,
            low_memory=False,
        )
    except UnicodeDecodeError:
        raise _decode_error(path, encoding, configured) from None
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        raise DataError(f"{path}: cannot be parsed as CSV: {exc}") from None


def _read_parquet(path: Path, wanted: list[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes)")
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    check_header(path, list(schema.names), wanted)
    try:
        table = pq.read_table(path, columns=wanted)
        # One block per column, each column's Arrow memory freed as it is converted, then
        # Arrow's pool told to give what it holds back: otherwise the table's size stays
        # resident through the whole analysis.
        frame = table.to_pandas(split_blocks=True, self_destruct=True)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"{path}: the Parquet data cannot be read ({exc})") from None
    del table
    pa.default_memory_pool().release_unused()
    return frame


def read_file(path: Path, config: Config, wanted: list[str]) -> tuple[pd.DataFrame, str]:
    """The `wanted` columns of data.path, and its format ("csv" or "parquet")."""
    if not path.exists():
        raise DataError(f"{path}: data file not found (data.path)")
    if not path.is_file():
        raise DataError(f"{path}: data.path is not a file")
    file_format = detect_format(path, config.data.format)
    raw = _read_csv(path, config, wanted) if file_format == "csv" else _read_parquet(path, wanted)
    if len(raw) == 0:
        raise DataError(f"{path}: the file has a header but no data rows")
    return raw, file_format


def spark_format(path: str, configured: str) -> str:
    """The format Spark reads a path in: as configured, else CSV by a .csv name, else Parquet
    (a folder of parts has no extension)."""
    if configured != "auto":
        return configured
    return "csv" if path.lower().rstrip("/").endswith(".csv") else "parquet"


class FileSource:
    """`data.source: file`: a CSV or Parquet file (data.path)."""

    backends = frozenset({"sklearn", "spark"})
    refusal = ""

    def __init__(self, config: Config):
        self.config = config
        self.path = Path(config.data.path)  # validated non-None for source: file
        self._sha256: str | None = None
        self._rows: int | None = None

    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = file_sha256(self.path)
        return self._sha256

    def load(self) -> Dataset:
        config, path = self.config, self.path
        extra = [c for c in (config.data.id_column, config.data.compare_with) if c]
        raw, file_format = read_file(path, config, config.feature_columns + extra)
        from .rules import table_dataset

        return table_dataset(raw, config, label=path, file_format=file_format, source=path.name,
                             sha256=self.sha256(), size_bytes=path.stat().st_size)

    def fingerprint(self) -> str:
        # A missing file is reported by `load`, with the rest of the data's problems.
        # XXH3, not the SHA-256: the cache reads the file on every build, changed or not.
        return file_fingerprint(self.path) if self.path.is_file() else f"missing:{self.path}"

    def description(self) -> str:
        return self.path.name

    def input_files(self) -> list[Path]:
        return [self.path]

    def notebook_needs(self) -> NotebookNeeds:
        return NotebookNeeds(files=(self.path,), file_sha256=self.sha256())

    def row_count(self) -> int | None:
        if self._rows is None and self.path.is_file():
            try:
                file_format = detect_format(self.path, self.config.data.format)
            except DataError:  # `load` reports it
                return None
            self._rows = file_row_count(self.path, file_format)
        return self._rows

    def spark_input(self) -> SparkInput:
        path = str(self.path)
        return SparkInput(shown=self.path.name, where=path, path=path,
                          format=spark_format(path, self.config.data.format),
                          local_files=(self.path,))
