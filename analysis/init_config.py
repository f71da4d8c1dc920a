"""`kmeans-report init DATA_FILE`: a commented starting configuration for a user's own table.

It reads the table once and writes what the column names and values support, and marks
every guess as one (a comment to check), so a build of the file unchanged states nothing
the table does not show:

- an id column is never a feature: ids are recognised by name (`Customer ID`, `cust-id`,
  `Client No`, any case and separator; see analysis.column_names) and by values (distinct
  consecutive whole numbers, distinct codes). A column that only might be an id (distinct
  whole numbers under a name that says nothing) is written commented out, with the reason;
- numeric columns become features (labels keep the column's words, units come from the
  name, `log1p` for strongly skewed amounts); small label columns are offered as
  `data.compare_with`;
- business roles come from names checked against values: recency, frequency, transaction,
  spending (money only: never a bounded score, rating, share or count) and loyalty; a name
  that suggests a role the values contradict is written commented out, with the reason;
- the ROI assumptions are the user's: written commented out, with what each number means;
- `data.missing: drop` when the rows read have empty values (with the count per column), so
  the file builds; constant columns are listed as left out;
- `clustering.k_max` fits the table's size; the title comes from the file name.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .column_names import (
    COUNT_WORDS,
    NOT_SPEND_WORDS,
    SCORE_WORDS,
    SPEND_WORDS,
    NameReading,
    read_name,
    title_from_file,
)
from .errors import DataError
from .money import money_unit
from .sources.files import csv_encoding, detect_format, read_header

SAMPLE_ROWS = 200_000  # rows read to describe the table (enough to see types and skew)
FEW_VALUES = 10  # integer columns with at most this many values are labels, not features
SKEWED = 1.0  # sample skewness above which a non-negative feature gets log1p
MAX_K = 10
ROWS_PER_SEGMENT = 10  # k_max leaves at least this many customers per segment on average
MIN_ID_ROWS = 10  # fewer rows than this say nothing about ids by their values
ROLES = ("recency", "frequency", "transaction", "spending", "loyalty")


@dataclass(frozen=True)
class FeaturePlan:
    column: str
    label: str
    unit: str
    transform: str  # none | log1p
    skew: float
    note: str = ""  # a comment for the config line (where the unit came from, a guess)


@dataclass(frozen=True)
class RolePlan:
    role: str
    columns: tuple[str, ...]
    note: str  # why: the names that suggested it, or why it is not set
    active: bool = True  # False: written commented out, for the user to decide


@dataclass
class TablePlan:
    features: list[FeaturePlan]
    id_column: str | None
    compare_candidates: list[tuple[str, int]]  # column, number of distinct values
    roles: dict[str, list[str]]  # the roles set (role -> columns)
    n_rows: int
    currency: tuple[str, str] | None = None  # (money unit, the names that state it)
    id_note: str = ""
    role_plans: list[RolePlan] = field(default_factory=list)  # set and commented out
    maybe_features: list[tuple[FeaturePlan, str]] = field(default_factory=list)  # and why not
    maybe_ids: list[tuple[str, str]] = field(default_factory=list)  # column, reason
    left_out: list[tuple[str, str]] = field(default_factory=list)  # column, reason
    k_max: int = MAX_K
    incomplete: dict[str, int] = field(default_factory=dict)  # feature -> rows without a value


def _distinct_integers(values: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
            and len(values) > 0 and bool(np.all(np.isfinite(values)))
            and bool(np.allclose(values, np.round(values))) and values.is_unique)


def _consecutive(values: pd.Series) -> bool:
    """Mostly consecutive whole numbers (a row number, ids handed out in turn)."""
    steps = np.diff(np.sort(values.to_numpy(dtype=float)))
    return len(steps) > 0 and float(np.mean(steps == 1)) >= 0.5


def _codes(values: pd.Series) -> bool:
    """Distinct short tokens with a digit ("C00017", "A-1043"): customer codes."""
    text = values.astype(str)
    return bool(text.str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-./#]{0,31}").all()
                and text.str.contains(r"\d").mean() > 0.9)


def _range_text(values: pd.Series) -> str:
    return f"{values.min():,.0f}..{values.max():,.0f}"


def _id_reading(reading: NameReading, values: pd.Series, complete: bool,
                meaningful: bool) -> tuple[str, str] | None:
    """("id" | "maybe" | "not", reason) when the column identifies rows rather than measures
    them; None for a column that is not id-like. `meaningful`: the name says what the column
    measures (a role, a unit, a measure word)."""
    n = len(values)
    unique = complete and values.is_unique
    numeric_ids = unique and _distinct_integers(values)
    if reading.says_id:
        if unique:
            return "id", "named like an id, every value distinct"
        if not complete:
            return "not", "named like an id, but some rows have no value"
        distinct = values.nunique()
        return "not", (f"named like an id, but only {distinct:,} distinct values in {n:,} rows "
                       "(one row per customer is expected)")
    if n < MIN_ID_ROWS:
        return None
    if reading.is_index and numeric_ids and _consecutive(values):
        return "id", f"an unnamed column of consecutive whole numbers ({_range_text(values)}): a saved row index"
    if not unique:
        return None
    if not pd.api.types.is_numeric_dtype(values):
        if _codes(values):
            return "id", "every value a distinct code"
        return "maybe", "every value distinct text: it may identify customers"
    if numeric_ids and not meaningful:
        kind = ("consecutive whole numbers" if _consecutive(values)
                else "distinct whole numbers")
        return "maybe", f"every value is one of {kind} ({_range_text(values)}), like an id"
    return None


def _doubt_as_money(reading: NameReading, values: pd.Series) -> str | None:
    """Why a column named like spend is not taken for money (None: it looks like money)."""
    if reading.bounds:
        lo, hi = (f"{b:g}" for b in reading.bounds)
        return f"its name gives a {lo}-{hi} scale: a score, not an amount of money"
    word = reading.has(SCORE_WORDS | COUNT_WORDS)
    if word:
        return f"its name says {word!r}: not an amount of money"
    whole = bool(np.allclose(values, np.round(values)))
    if not reading.currency and whole and values.min() >= 0 and values.max() <= 100:
        return (f"its values are whole numbers from {values.min():g} to {values.max():g}, like a "
                "score or a count; set it if it is an amount of money")
    if (values < 0).mean() > 0.5:
        return "most of its values are negative"
    return None


def _role_by_name(reading: NameReading) -> str | None:
    """The role a name suggests (its values are checked afterwards)."""
    w, text = set(reading.words), reading.text
    if "recency" in w or re.search(r"\bdays? since\b|\bsince (the )?last\b|\bdays? ago\b"
                                   r"|\blast (purchase|order|visit|transaction)s? days?\b", text):
        return "recency"
    if w & {"aov", "basket", "ticket"} or re.search(
            r"\b(avg|average|mean)\b.*\b(order|transaction|purchase|ticket|spend|spending|value"
            r"|amount|sale)s?\b|\b(order|transaction|purchase)s? (value|amount|size)\b"
            r"|\bper (order|transaction|purchase|visit)\b", text):
        return "transaction"
    if w & {"frequency", "freq", "visits", "orders", "purchases", "transactions", "trips",
            "sessions", "invoices"} or re.search(
            r"\b(number|num|count|no|n) (of )?(orders|purchases|visits|transactions)\b", text):
        return "frequency"
    if w & SPEND_WORDS:
        return "spending"
    if reading.currency and not w & NOT_SPEND_WORDS:
        return "spending"  # money under a name that says nothing else: spend, to check
    if (w & {"loyalty", "loyal", "tenure"} or re.search(
            r"\b(customer|member|client)s? since\b|\byears? (as|with) (a )?(customer|member"
            r"|client)\b|\bmembership (years|months|length|duration)\b", text)) \
            and not w & (SCORE_WORDS | {"card", "program", "programme"}):
        return "loyalty"
    return None


def _role_doubt(role: str, reading: NameReading, values: pd.Series) -> str | None:
    """Why the values contradict the role the name suggests (None: they agree)."""
    if role in ("spending", "transaction"):
        return _doubt_as_money(reading, values)
    if values.min() < 0:
        return f"it has negative values ({values.min():g}), which a {role} cannot have"
    return None


def plan_table(frame: pd.DataFrame, header: list[str] | None = None) -> TablePlan:
    """What to write for this table. `header`: the column names as the file spells them
    (an empty name is one a configuration cannot name)."""
    header = header if header is not None and len(header) == len(frame.columns) else None
    n_rows = len(frame)
    features: list[FeaturePlan] = []
    maybe_features: list[tuple[FeaturePlan, str]] = []
    candidates, maybe_ids, left_out = [], [], []
    id_column, id_note = None, ""
    role_of: dict[str, tuple[str, str | None]] = {}  # column -> (role, doubt)
    incomplete: dict[str, int] = {}  # feature column -> rows without a value
    for position, column in enumerate(frame.columns):
        name = str(column)
        reading = read_name(name)
        unnamed = header is not None and header[position] == ""
        values = frame[column].dropna()
        complete = len(values) == n_rows
        numeric = (pd.api.types.is_numeric_dtype(frame[column])
                   and not pd.api.types.is_bool_dtype(frame[column]))
        role = _role_by_name(reading) if numeric else None
        as_id = _id_reading(reading, frame[column] if complete else values, complete,
                            reading.has_meaning or role is not None)
        if as_id is not None and as_id[0] == "id":
            if unnamed:
                left_out.append(("(unnamed column)", as_id[1]))
            elif id_column is None:
                id_column, id_note = name, as_id[1]
            else:
                left_out.append((name, f"{as_id[1]}; another id beside {id_column}"))
            continue
        distinct = int(values.nunique())
        if as_id is not None and as_id[0] == "not":
            if 2 <= distinct <= 20:  # a few values: a label (a store, a region) to compare with
                candidates.append((name, distinct))
            else:
                left_out.append((name, as_id[1]))
            continue
        if numeric and distinct < 2:
            left_out.append((name, "the same value in every row"))
            continue
        whole = numeric and len(values) > 0 and bool(np.allclose(values, np.round(values)))
        if not numeric or (whole and distinct <= FEW_VALUES and role is None):
            if 2 <= distinct <= max(FEW_VALUES, 20):
                candidates.append((name, distinct))
            elif as_id is not None:
                maybe_ids.append((name, as_id[1]))
            continue
        if unnamed:
            left_out.append(("(unnamed column)", "a column without a name cannot be configured"))
            continue
        skew = float(values.skew()) if len(values) > 2 else 0.0
        transform = "log1p" if skew > SKEWED and values.min() >= 0 else "none"
        note = f"from the name: {reading.unit_note}" if reading.unit else ""
        if role == "recency" and not reading.unit:
            note = 'recency is often counted in days: write "days" if it is'
        plan = FeaturePlan(name, reading.label, reading.unit, transform, skew, note)
        if as_id is not None:  # distinct whole numbers under a name that says nothing
            maybe_features.append((plan, as_id[1]))
            maybe_ids.append((name, as_id[1]))
            continue
        features.append(plan)
        if not complete:
            incomplete[name] = n_rows - len(values)
        if role is not None:
            role_of[name] = (role, _role_doubt(role, reading, values))
    role_plans = _role_plans(role_of)
    roles = {p.role: list(p.columns) for p in role_plans if p.active}
    return TablePlan(
        features=features, id_column=id_column, compare_candidates=candidates, roles=roles,
        n_rows=n_rows, currency=_currency(features, roles), id_note=id_note,
        role_plans=role_plans, maybe_features=maybe_features, maybe_ids=maybe_ids,
        left_out=left_out, k_max=suited_k_max(n_rows), incomplete=incomplete,
    )


def _role_plans(role_of: dict[str, tuple[str, str | None]]) -> list[RolePlan]:
    """One line per role: set (the first column that fits; every spend column) or, when the
    values contradict the name, written commented out with the reason."""
    plans = []
    for role in ROLES:
        fitting = [c for c, (r, doubt) in role_of.items() if r == role and doubt is None]
        doubted = [(c, doubt) for c, (r, doubt) in role_of.items() if r == role and doubt]
        if fitting:
            columns = tuple(fitting if role == "spending" else fitting[:1])
            names = ", ".join(columns)
            plans.append(RolePlan(role, columns, f"guessed from the name{'s' * (len(columns) > 1)} "
                                                  f"{names}: check"))
        for column, doubt in doubted if not fitting else []:
            plans.append(RolePlan(role, (column,), f"not set: {doubt}", active=False))
    return plans


def _currency(features: list[FeaturePlan], roles: dict[str, list[str]]) -> tuple[str, str] | None:
    """The money unit of the spend columns, when their names state one."""
    units = {f.column: f.unit for f in features}
    spend = roles.get("spending", [])
    stated = [c for c in spend if money_unit(units.get(c, "")) is not None]
    if not stated:
        return None
    return units[stated[0]], ", ".join(stated)


def suited_k_max(n_rows: int) -> int:
    """The largest K worth trying: at least ROWS_PER_SEGMENT customers per segment on average,
    never more than MAX_K."""
    return max(2, min(MAX_K, n_rows // ROWS_PER_SEGMENT))


def _q(text: str) -> str:
    """A YAML double-quoted string."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    """Text as a one-line YAML comment (a column name may hold a line break)."""
    return " ".join(str(text).split())


def _feature_lines(plan: FeaturePlan, prefix: str = "  ") -> list[str]:
    transform_note = (f"   # skewness {plan.skew:.1f}: log scale before clustering"
                      if plan.transform == "log1p" else "")
    unit_note = f"   # {_comment(plan.note)}" if plan.note else ""
    return [f"{prefix}- column: {_q(plan.column)}",
            f"{prefix}  label: {_q(plan.label)}",
            f"{prefix}  unit: {_q(plan.unit)}{unit_note}",
            f"{prefix}  transform: {plan.transform}{transform_note}"]


def render_config(plan: TablePlan, data_path: str, title: str,
                  sql: tuple[str, str] | None = None, source_name: str = "") -> str:
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
    read = f" from {_comment(source_name)}" if source_name else ""
    lines = [
        f"# kmeans-report configuration written by `kmeans-report init`{read} ({plan.n_rows:,} "
        "rows read).",
        "# It builds as it is. What init read from the column names and values is marked in",
        "# the comments: check those lines, fill in what is yours (units, title, ROI), then run",
        "#   kmeans-report build --config <this file>",
        "# Every key, its allowed values and default: docs/configuration.md in kmeans-report.",
        "",
        "data:",
        *source,
    ]
    if plan.id_column:
        lines.append(f"  id_column: {_q(plan.id_column)}   # {_comment(plan.id_note)}")
    else:
        lines.append("  id_column: null             # no column is surely an id")
        for column, reason in plan.maybe_ids:
            lines.append(f"  # id_column: {_q(column)}   # {_comment(reason)}")
    if plan.incomplete:
        counts = "; ".join(f"{column}: {n:,}" for column, n in plan.incomplete.items())
        lines.append(f"  missing: drop               # rows without a value are left out "
                     f"({_comment(counts)} of the {plan.n_rows:,} rows read); or fail")
    else:
        lines.append("  missing: fail               # or drop: leave out rows with empty, NaN or infinite values")
    if plan.compare_candidates:
        lines.append("  # Compare the segments with an existing label column (never a feature):")
        for column, distinct in plan.compare_candidates:
            lines.append(f"  # compare_with: {_q(column)}   # {distinct} distinct values")
    if plan.left_out:
        lines += ["", "# Left out of the clustering:"]
        lines += [f"#   {_q(column)}: {_comment(reason)}" for column, reason in plan.left_out]
    lines += ["", "# One entry per feature K-Means clusters on. Units are for you to fill in where",
              "# the name gives none (money columns in roles.spending are shown in roi.currency).",
              "features:"]
    for feature in plan.features:
        lines += _feature_lines(feature)
    for feature, reason in plan.maybe_features:
        lines.append(f"  # Left out: {_comment(reason)}. Uncomment it if it is a measure:")
        lines += _feature_lines(feature, prefix="  # ")
    lines += ["", "# Business roles, each optional: recency (time since the last purchase; lower",
              "# is more recent), frequency, transaction (average purchase), spending (one",
              "# money column or a list: revenue and the ROI page) and loyalty (time as a customer)."]
    active = [p for p in plan.role_plans if p.active]
    lines.append("roles:" if active else "roles:                        # none recognised from the names")
    for role_plan in plan.role_plans:
        columns = role_plan.columns
        value = _q(columns[0]) if len(columns) == 1 else "[" + ", ".join(map(_q, columns)) + "]"
        line = f"{role_plan.role}: {value}   # {_comment(role_plan.note)}"
        lines.append(f"  {line}" if role_plan.active else f"  # {line}")
    lines += [
        "",
        "clustering:",
        "  k_min: 2",
        f"  k_max: {plan.k_max}                    # {plan.n_rows:,} rows: at least "
        f"{ROWS_PER_SEGMENT} customers per segment on average" if plan.k_max < MAX_K
        else f"  k_max: {plan.k_max}",
        "  chosen_k: auto              # or a number once you have looked at Model selection",
        "",
        "segments:",
        "  rules: data                 # names from each segment's own numbers",
        "",
        *_roi_lines(plan),
        "",
        "report:",
        f"  title: {_q(title)}   # from the {'table' if sql else 'file'} name: your report's title",
        "  # author: Your Name",
        "  # affiliation: Your Organisation",
        "  # license: CC-BY-4.0",
        '  # version: "1.0"           # unset: a draft; publish uses it as the version',
        "  # changelog: CHANGELOG.md  # your release notes (## 1.0 — 2026-01-31, then - notes)",
        "",
    ]
    return "\n".join(lines)


def _roi_lines(plan: TablePlan) -> list[str]:
    """The `roi:` block: the currency the names state, and the user's assumptions, commented
    out (without them the report makes no ROI estimate)."""
    if "spending" not in plan.roles:
        return ["# roi: needs roles.spending (the revenue); see roi in docs/configuration.md."]
    if plan.currency:
        unit, names = plan.currency
        currency = f"  currency: {_q(unit)}   # from the name(s) {_comment(names)}"
        in_unit = f"in {unit}"
    else:
        currency = ('  currency: ""   # no currency in the column names: write yours '
                    '(e.g. "$", "€", or "k$" for thousands of dollars)')
        in_unit = "in the currency above"
    return [
        "# Return on investment. Revenue is the spend (roles.spending) summed over all",
        "# customers. The three assumptions are yours: with all three the report estimates",
        "# the ROI; without them it shows the revenue and what better targeting would have",
        "# to achieve to pay for itself, and no ROI figure.",
        "roi:",
        currency,
        "  # targeting_efficiency: 0.10   # how much better targeting improves the marketing's"
        " effect (0-1; 0.10 = 10 %)",
        "  # impact_share: 0.05           # the share of revenue marketing can move (0-1)",
        f"  # implementation_cost: 50000   # what the targeting costs to build and run, {in_unit}",
    ]


def read_sample(path: Path) -> tuple[pd.DataFrame, list[str] | None]:
    """The first rows of a CSV or Parquet file, and a CSV's header as written."""
    if not path.is_file():
        raise DataError(f"{path}: data file not found")
    if detect_format(path, "auto") == "parquet":
        import pyarrow.parquet as pq

        table = pq.ParquetFile(path)
        batches = table.iter_batches(batch_size=SAMPLE_ROWS)
        frame = next(batches).to_pandas() if table.metadata.num_rows else pd.DataFrame()
        return frame, None
    encoding = csv_encoding("utf-8")
    header, delimiter = read_header(path, encoding, "auto", "utf-8")
    try:
        frame = pd.read_csv(path, sep=delimiter, encoding=encoding, nrows=SAMPLE_ROWS,
                            skipinitialspace=True, low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read as CSV: {exc}") from None
    return frame, header


def _checked_out(out: Path, force: bool) -> Path:
    out = Path(out)
    if out.exists() and not force:
        raise DataError(f"{out}: already exists; pass --force to replace it")
    return out


def init_config(data_file: Path, out: Path, *, force: bool = False) -> tuple[Path, TablePlan]:
    out = _checked_out(out, force)
    frame, header = read_sample(Path(data_file))
    if frame.empty:
        raise DataError(f"{data_file}: the table has no rows")
    plan = plan_table(frame, header)
    if not plan.features:
        raise DataError(f"{data_file}: no numeric column with varying values to cluster on")
    relative = os.path.relpath(Path(data_file).resolve(), out.resolve().parent)
    title = title_from_file(Path(data_file).stem)
    text = render_config(plan, Path(relative).as_posix(), title, source_name=Path(data_file).name)
    _write(out, text)
    return out, plan


def _write(out: Path, text: str) -> None:
    partial = out.with_name(out.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)


def init_sql_config(url: str, table: str, out: Path, *, force: bool = False
                    ) -> tuple[Path, TablePlan]:
    """`init --sql URL --table NAME`: the same plan, from the first rows of a database table."""
    from .sources.sql.read import read_sample as read_sql_sample
    from .sources.sql.url import duckdb_file, literal_password, redact

    out = _checked_out(out, force)
    if literal_password(url):
        raise DataError(f"{redact(url)}: write the password as ${{VARIABLE}} (e.g. "
                        "'postgresql+psycopg://user:${PGPASSWORD}@host/db', in single quotes) "
                        "so it is read from the environment and never written into the config")
    frame = read_sql_sample(url, table, SAMPLE_ROWS)
    if frame.empty:
        raise DataError(f"{redact(url)}: the table {table} has no rows")
    plan = plan_table(frame)
    if not plan.features:
        raise DataError(f"{redact(url)}: no numeric column with varying values to cluster on")
    path = duckdb_file(url)
    if path and not path.startswith("$"):  # relative to the config file, as data.path is
        relative = os.path.relpath(Path(path).resolve(), out.resolve().parent)
        url = "duckdb:///" + Path(relative).as_posix() + url.partition("?")[1] + url.partition("?")[2]
    text = render_config(plan, "", title_from_file(table.rpartition(".")[2]), sql=(url, table),
                         source_name=f"table {table}")
    _write(out, text)
    return out, plan
