"""`kmeans-report init DATA_FILE`: a commented starting configuration for a user's own table.

It reads the table once and proposes: numeric columns as features (labels from the column
names, units left for the user, `log1p` for strongly skewed amounts), an id column when one
is unique and named like one, low-cardinality columns as `data.compare_with` candidates
(commented out), business roles guessed from column names, `chosen_k: auto` and neutral
report metadata. A build with the written file works unchanged.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .data_files import csv_encoding, detect_format, read_header
from .errors import DataError

SAMPLE_ROWS = 200_000  # rows read to describe the table (enough to see types and skew)
FEW_VALUES = 10  # integer columns with at most this many values are labels, not features
SKEWED = 1.0  # sample skewness above which a non-negative feature gets log1p
ROLE_PATTERNS = {
    "spending": r"spend|revenue|sales|amount|monetary|purchase_value|turnover",
    "frequency": r"frequen|visits?\b|orders?\b|n_purchases|purchase_count",
    "transaction": r"avg_transaction|basket|ticket|order_value|aov",
    "loyalty": r"loyal|tenure|years_customer|customer_since_years",
}
ID_PATTERN = r"(^|_)(id|key|code|number|no)$|^customer$|^client$"


@dataclass
class TablePlan:
    features: list[tuple[str, str, str, float]]  # column, label, transform, skewness
    id_column: str | None
    compare_candidates: list[tuple[str, int]]  # column, number of distinct values
    roles: dict[str, list[str]]
    n_rows: int
    currency: tuple[str, str] | None = None  # (symbol, the spending column that names it)


# Currency codes and words a money column's name may carry (revenue_eur, spend_gbp).
CURRENCY_WORDS = {"usd": "$", "dollars": "$", "eur": "€", "euro": "€", "euros": "€",
                  "gbp": "£", "jpy": "¥", "yen": "¥", "inr": "₹", "chf": "CHF "}


def _words(column: str) -> list[str]:
    return [w for w in re.split(r"[_\s.\-]+", column.strip()) if w]


def _currency(columns: list[str]) -> tuple[str, str] | None:
    """The currency named by a spending column (the first that names one), if any."""
    for column in columns:
        for word in _words(column):
            if word.lower() in CURRENCY_WORDS:
                return CURRENCY_WORDS[word.lower()], column
    return None


def _label(column: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in _words(column)) or column


def read_sample(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path}: data file not found")
    if detect_format(path, "auto") == "parquet":
        import pyarrow.parquet as pq

        table = pq.ParquetFile(path)
        batches = table.iter_batches(batch_size=SAMPLE_ROWS)
        return next(batches).to_pandas() if table.metadata.num_rows else pd.DataFrame()
    encoding = csv_encoding("utf-8")
    _, delimiter = read_header(path, encoding, "auto", "utf-8")
    try:
        return pd.read_csv(path, sep=delimiter, encoding=encoding, nrows=SAMPLE_ROWS,
                           skipinitialspace=True, low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read as CSV: {exc}") from None


def plan_table(frame: pd.DataFrame) -> TablePlan:
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    id_column = next((c for c in frame.columns if re.search(ID_PATTERN, str(c).lower())
                      and frame[c].notna().all() and frame[c].is_unique), None)
    features, candidates = [], []
    for column in frame.columns:
        if column == id_column:
            continue
        values = frame[column].dropna()
        distinct = int(values.nunique())
        is_integer = column in numeric and np.allclose(values, np.round(values))
        if column not in numeric or (is_integer and distinct <= FEW_VALUES):
            if 2 <= distinct <= max(FEW_VALUES, 20):
                candidates.append((str(column), distinct))
            continue
        if distinct < 2:
            continue  # constant: cannot separate customers
        skew = float(values.skew()) if len(values) > 2 else 0.0
        transform = "log1p" if skew > SKEWED and values.min() >= 0 else "none"
        features.append((str(column), _label(str(column)), transform, skew))
    roles: dict[str, list[str]] = {}
    for role, pattern in ROLE_PATTERNS.items():
        matched = [c for c, *_ in features if re.search(pattern, c.lower())]
        claimed = {c for cols in roles.values() for c in cols}
        matched = [c for c in matched if c not in claimed]
        if matched:
            roles[role] = matched if role == "spending" else matched[:1]
    return TablePlan(features, id_column, candidates, roles, len(frame),
                     _currency(roles.get("spending", [])))


def _q(text: str) -> str:
    """A YAML double-quoted string."""
    import json

    return json.dumps(text, ensure_ascii=False)


def render_config(plan: TablePlan, data_path: str, title: str,
                  sql: tuple[str, str] | None = None) -> str:
    """The config text; `sql` = (url, table) for a database table instead of a file."""
    source = [
        "  source: file",
        f"  path: {_q(data_path)}            # relative to this file",
    ] if sql is None else [
        "  source: sql",
        "  sql:",
        f"    url: {_q(sql[0])}   # ${{VAR}} is read from the environment",
        f"    table: {_q(sql[1])}           # or query: SELECT ... (one of the two)",
    ]
    lines = [
        "# kmeans-report configuration written by `kmeans-report init`. Edit it, then run",
        "#   kmeans-report build --config <this file>",
        "# Every key, its allowed values and default: docs/configuration.md in kmeans-report.",
        "",
        "data:",
        *source,
        f"  id_column: {_q(plan.id_column) if plan.id_column else 'null'}",
        "  missing: fail               # or drop: leave out rows with empty, NaN or infinite values",
    ]
    if plan.compare_candidates:
        lines.append("  # Compare the segments with an existing label column (never a feature):")
        for column, distinct in plan.compare_candidates:
            lines.append(f"  # compare_with: {_q(column)}   # {distinct} distinct values")
    lines += ["", "# One entry per feature K-Means clusters on. Units are for you to fill in "
              "(money columns", "# in roles.spending are shown in roi.currency).", "features:"]
    for column, label, transform, skew in plan.features:
        lines.append(f"  - column: {_q(column)}")
        lines.append(f"    label: {_q(label)}")
        lines.append('    unit: ""')
        note = f"   # skewness {skew:.1f}: log scale before clustering" if transform == "log1p" else ""
        lines.append(f"    transform: {transform}{note}")
    lines += ["", "# Business roles, guessed from the column names; each one is optional.",
              "# spending (one column or a list) gives revenue and the ROI page.", "roles:"]
    if not plan.roles:
        lines.append("  {}")
    for role, columns in plan.roles.items():
        value = _q(columns[0]) if len(columns) == 1 else "[" + ", ".join(map(_q, columns)) + "]"
        lines.append(f"  {role}: {value}")
    lines += [
        "",
        "clustering:",
        "  k_min: 2",
        "  k_max: 10",
        "  chosen_k: auto              # or a number once you have looked at Model selection",
        "",
        "segments:",
        "  rules: data                 # names from each segment's own numbers",
        "",
        "roi:",
        f"  currency: {_q(plan.currency[0])}   # from the column name {plan.currency[1]}"
        if plan.currency else '  currency: "$"               # the symbol money amounts are shown with',
        "",
        "report:",
        f"  title: {_q(title)}",
        "  # author: Your Name",
        "  # affiliation: Your Organisation",
        "  # license: CC-BY-4.0",
        "",
    ]
    return "\n".join(lines)


def init_config(data_file: Path, out: Path, *, force: bool = False) -> tuple[Path, TablePlan]:
    out = Path(out)
    if out.exists() and not force:
        raise DataError(f"{out}: already exists; pass --force to replace it")
    frame = read_sample(Path(data_file))
    if frame.empty:
        raise DataError(f"{data_file}: the table has no rows")
    plan = plan_table(frame)
    if not plan.features:
        raise DataError(f"{data_file}: no numeric column with varying values to cluster on")
    relative = os.path.relpath(Path(data_file).resolve(), out.resolve().parent)
    title = f"Customer segments: {_label(Path(data_file).stem)}"
    text = render_config(plan, Path(relative).as_posix(), title)
    _write(out, text)
    return out, plan


def _write(out: Path, text: str) -> None:
    partial = out.with_name(out.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)


def init_sql_config(url: str, table: str, out: Path, *, force: bool = False
                    ) -> tuple[Path, TablePlan]:
    """`init --sql URL --table NAME`: the same plan, from the first rows of a database table."""
    from .sql_source import read_sample
    from .sql_url import duckdb_file, literal_password, redact

    out = Path(out)
    if out.exists() and not force:
        raise DataError(f"{out}: already exists; pass --force to replace it")
    if literal_password(url):
        raise DataError(f"{redact(url)}: write the password as ${{VARIABLE}} (e.g. "
                        "'postgresql+psycopg://user:${PGPASSWORD}@host/db', in single quotes) "
                        "so it is read from the environment and never written into the config")
    frame = read_sample(url, table, SAMPLE_ROWS)
    if frame.empty:
        raise DataError(f"{redact(url)}: the table {table} has no rows")
    plan = plan_table(frame)
    if not plan.features:
        raise DataError(f"{redact(url)}: no numeric column with varying values to cluster on")
    path = duckdb_file(url)
    if path and not path.startswith("$"):  # relative to the config file, as data.path is
        relative = os.path.relpath(Path(path).resolve(), out.resolve().parent)
        url = "duckdb:///" + Path(relative).as_posix() + url.partition("?")[1] + url.partition("?")[2]
    text = render_config(plan, "", f"Customer segments: {_label(table.rpartition('.')[2])}",
                         sql=(url, table))
    _write(out, text)
    return out, plan
