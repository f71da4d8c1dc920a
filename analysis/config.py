"""Typed, validated settings: the one source of every number the seed notebook hard-codes.

`load_config(path)` reads YAML, validates it once and reports *all* problems together, each
with its key path (e.g. ``clustering.k_max``) and a "did you mean" hint for misspelled keys.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import ConfigError

DEFAULT_CONFIG_NAME = "report.yml"

# Upper bounds keep every number inside what numpy, scikit-learn and memory can take, so a
# typo such as `n_customers: 10000000000000` is a config error, not a crash half-way.
MAX_SEED = 2**32 - 1  # numpy RandomState / scikit-learn random_state
MAX_ROWS = 100_000_000  # rows of generated data, sample and refit sizes
RowCount = Annotated[int, Field(gt=0, le=MAX_ROWS)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
Fraction = Annotated[float, Field(gt=0, le=1)]
Fraction01 = Annotated[float, Field(ge=0, le=1)]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored. NaN and infinity are
    never valid numbers here (results.json could not hold them, comparisons go wrong)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CsvOptions(_Strict):
    delimiter: Literal["auto", ",", ";", "\t", "|"] = "auto"
    encoding: str = "utf-8"

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise ValueError(f"unknown text encoding {value!r}") from exc
        return value


class SyntheticOptions(_Strict):
    n_customers: RowCount = 1000
    seed: Seed = 42
    planted_segments: Annotated[int, Field(ge=2, le=12)] | None = None


class SqlOptions(_Strict):
    """A database table or query (data.source: sql); see analysis.sql_source."""

    # SQLAlchemy 2 URL; ${VAR} is taken from the environment when connecting.
    url: Annotated[str, Field(min_length=1)]
    query: Annotated[str, Field(min_length=1)] | None = None
    table: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_source_no_secret(self) -> SqlOptions:
        from .sql_source import literal_password

        if (self.query is None) == (self.table is None):
            raise ValueError("data.sql needs exactly one of query or table")
        if literal_password(self.url):
            raise ValueError(
                "data.sql.url holds a password; write it as ${VARIABLE} (e.g. "
                "postgresql+psycopg://user:${PGPASSWORD}@host/db) and set it in the "
                "environment, so it is never published with the report"
            )
        return self


class DataConfig(_Strict):
    source: Literal["synthetic", "file", "sql"] = "synthetic"
    path: Path | None = None
    format: Literal["auto", "csv", "parquet"] = "auto"
    id_column: str | None = None
    # A label column the segments are compared with (e.g. a sales channel); never a feature.
    compare_with: str | None = None
    missing: Literal["fail", "drop"] = "fail"
    csv: CsvOptions = CsvOptions()
    synthetic: SyntheticOptions = SyntheticOptions()
    sql: SqlOptions | None = None

    @model_validator(mode="after")
    def _path_matches_source(self) -> DataConfig:
        if self.source == "file" and self.path is None:
            raise ValueError("data.path is required when data.source is 'file'")
        if self.source == "sql" and self.sql is None:
            raise ValueError("data.sql (url and query or table) is required when data.source is 'sql'")
        return self


class Feature(_Strict):
    column: Annotated[str, Field(min_length=1)]
    label: str | None = None
    unit: str = ""
    # Applied before scaling, for clustering only (profiles stay in original units):
    # log1p for skewed non-negative amounts, asinh for skewed values of either sign.
    transform: Literal["none", "log1p", "asinh"] = "none"

    @property
    def display(self) -> str:
        return self.label or self.column


class Roles(_Strict):
    """Which feature plays which business role in insights and ROI; every role is optional.

    `spending` is one column or a list of spend columns (spend = their per-customer sum,
    revenue = the sum over customers); without it the report has no revenue and no ROI.
    """

    spending: str | Annotated[list[str], Field(min_length=1)] | None = None
    frequency: str | None = None
    transaction: str | None = None
    loyalty: str | None = None

    @property
    def spending_columns(self) -> list[str]:
        if self.spending is None:
            return []
        return [self.spending] if isinstance(self.spending, str) else list(self.spending)

    def columns(self) -> dict[str, list[str]]:
        """Role -> the feature columns it names (spending may name several)."""
        out = {"spending": self.spending_columns}
        for role in ("frequency", "transaction", "loyalty"):
            value = getattr(self, role)
            out[role] = [value] if value is not None else []
        return {role: cols for role, cols in out.items() if cols}


class Preprocessing(_Strict):
    scaler: Literal["standard", "minmax", "robust", "none"] = "standard"
    # Clip each feature (after its transform, before scaling) to these quantiles, so a few
    # extreme customers cannot pull a centre of their own; null: no clipping.
    clip_quantiles: tuple[Fraction01, Fraction01] | None = None

    @field_validator("clip_quantiles")
    @classmethod
    def _ordered(cls, value):
        if value is not None and not value[0] < value[1]:
            raise ValueError("the lower quantile must be below the upper one, e.g. [0.01, 0.99]")
        return value


class SilhouetteOptions(_Strict):
    exact_max_rows: RowCount = 10_000
    sample_size: Annotated[int, Field(ge=100, le=MAX_ROWS)] = 10_000


class StabilityOptions(_Strict):
    n_reseeds: Annotated[int, Field(ge=0, le=100)] = 10
    n_bootstrap: Annotated[int, Field(ge=0, le=200)] = 20
    bootstrap_fraction: Fraction = 0.8
    max_rows: Annotated[int, Field(ge=100, le=MAX_ROWS)] = 20_000


class LargeDataOptions(_Strict):
    """The large-data path: sweep K on a uniform sample, then refine the chosen K on all rows."""

    mode: Literal["auto", "on", "off"] = "auto"
    min_rows: Annotated[int, Field(ge=100)] = 200_000  # auto: large path from this many rows
    sweep_sample_size: Annotated[int, Field(ge=100)] = 50_000


class Clustering(_Strict):
    k_min: Annotated[int, Field(ge=2)] = 2
    k_max: Annotated[int, Field(ge=2, le=50)] = 10
    chosen_k: int | Literal["auto"] = "auto"
    auto_method: Literal["silhouette", "elbow"] = "silhouette"
    # A K whose smallest cluster holds less than this share of customers is flagged, and
    # `auto` does not pick it (unless no K qualifies, which the report then says).
    min_cluster_share: Annotated[float, Field(ge=0, lt=0.5)] = 0.02
    # `auto` does not pick a K whose bootstrap ARI is more than this below a neighbouring
    # K's (K ± 1); the steadier neighbour is chosen instead.
    auto_stability_margin: Annotated[float, Field(ge=0, le=1)] = 0.10
    algorithm: Literal["lloyd", "minibatch"] = "lloyd"
    # Where K-Means runs: scikit-learn on this machine, or Apache Spark MLlib (see `spark:`).
    backend: Literal["sklearn", "spark"] = "sklearn"
    init: Literal["k-means++", "random"] = "k-means++"
    n_init: Annotated[int, Field(ge=1, le=100)] = 10
    random_state: Seed = 42
    max_iter: Annotated[int, Field(ge=1, le=1_000_000)] = 300
    minibatch_batch_size: Annotated[int, Field(ge=16, le=MAX_ROWS)] = 1024
    silhouette: SilhouetteOptions = SilhouetteOptions()
    stability: StabilityOptions = StabilityOptions()
    large_data: LargeDataOptions = LargeDataOptions()

    @model_validator(mode="after")
    def _k_range(self) -> Clustering:
        if self.k_min > self.k_max:
            raise ValueError(
                f"clustering.k_min ({self.k_min}) is greater than clustering.k_max "
                f"({self.k_max}): the K range is empty"
            )
        if isinstance(self.chosen_k, int) and not self.k_min <= self.chosen_k <= self.k_max:
            raise ValueError(
                f"clustering.chosen_k ({self.chosen_k}) is outside the K range "
                f"{self.k_min}..{self.k_max}; widen the range or use 'auto'"
            )
        return self

    @property
    def k_values(self) -> list[int]:
        return list(range(self.k_min, self.k_max + 1))

    def use_large_path(self, n_rows: int) -> bool:
        """Whether `n_rows` customers take the sampled-sweep path (see analysis.scale)."""
        mode = self.large_data.mode
        if mode == "auto":
            return n_rows >= self.large_data.min_rows and n_rows > self.large_data.sweep_sample_size
        return mode == "on" and n_rows > self.large_data.sweep_sample_size


class SparkOptions(_Strict):
    """Apache Spark for `clustering.backend: spark` (analysis.spark_backend)."""

    master: Annotated[str, Field(min_length=1)] = "local[*]"
    app_name: Annotated[str, Field(min_length=1)] = "kmeans-report"
    # Extra Spark settings, passed to the session as given (e.g. spark.driver.memory: 4g).
    conf: dict[str, str | int | float | bool] = {}
    # Any path Spark reads: a Parquet file, a folder of Parquet parts, a glob, hdfs://,
    # s3a://, ... (passed through untouched); None: the table `data:` names.
    path: Annotated[str, Field(min_length=1)] | None = None
    format: Literal["auto", "parquet", "csv"] = "auto"  # auto: csv when the path ends in .csv

    @property
    def is_uri(self) -> bool:
        return self.path is not None and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", self.path) is not None


class SegmentRules(_Strict):
    """How segments are described. Names are always data-relative (the features on which a
    segment stands furthest from the overall mean); `rules: notebook` adds the notebook's
    segment types, decided by its thresholds, checked in this order (first match wins)."""

    rules: Literal["data", "notebook"] = "data"
    # A feature "stands out" when the segment's mean is at least this many overall standard
    # deviations from the overall mean.
    min_difference: Annotated[float, Field(gt=0, le=5)] = 0.5
    vip_min_spending: float = 40_000
    vip_min_frequency: float = 15
    high_value_min_spending: float = 25_000
    frequent_min_frequency: float = 10


class Sensitivity(_Strict):
    efficiencies: Annotated[list[Fraction], Field(min_length=1)] = [
        0.05,
        0.10,
        0.15,
        0.20,
        0.25,
        0.30,
        0.40,
        0.50,
    ]
    impact_shares: Annotated[list[Fraction], Field(min_length=1)] = [
        0.02,
        0.05,
        0.10,
        0.15,
        0.20,
    ]


class RoiConfig(_Strict):
    targeting_efficiency: Fraction = 0.25
    impact_share: Fraction = 0.10
    implementation_cost: Annotated[float, Field(gt=0)] = 75_000
    currency: str = "$"
    sensitivity: Sensitivity = Sensitivity()


class Contributor(_Strict):
    role: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]


def _package_version() -> str:
    from . import __version__

    return __version__


def build_date() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH (reproducible builds)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


class ReportMeta(_Strict):
    """Who and what the report is. The defaults are neutral: no author, the package version,
    the build date; the notebook's own metadata lives only in the repository's report.yml."""

    title: Annotated[str, Field(min_length=1)] = "Customer segmentation report"
    subtitle: str = ""
    author: str | None = None
    affiliation: str | None = None
    version: Annotated[str, Field(min_length=1)] = Field(default_factory=_package_version)
    date: dt.date = Field(default_factory=build_date)
    license: str | None = None
    notebook_id: str | None = None
    contributors: list[Contributor] = []
    # A CITATION.cff to cite (relative to the config); None: the citation is built from this
    # section (title, author, version, date, license).
    citation_file: Path | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # YAML reads `version: 1.3` as a float; the report wants the text the user wrote.
        return str(value) if isinstance(value, int | float) else value


class Config(_Strict):
    data: DataConfig = DataConfig()
    features: Annotated[list[Feature], Field(min_length=1)] = [
        Feature(column="annual_spending", label="Annual Spending", unit="$"),
        Feature(column="visit_frequency", label="Visit Frequency", unit="visits/year"),
        Feature(column="avg_transaction", label="Avg Transaction", unit="$"),
        Feature(column="loyalty_years", label="Loyalty Years", unit="years"),
    ]
    roles: Roles = Roles()
    preprocessing: Preprocessing = Preprocessing()
    clustering: Clustering = Clustering()
    segments: SegmentRules = SegmentRules()
    roi: RoiConfig = RoiConfig()
    report: ReportMeta = ReportMeta()
    spark: SparkOptions = SparkOptions()

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        columns = [f.column for f in self.features]
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        if duplicates:
            raise ValueError(f"features: column(s) listed twice: {', '.join(duplicates)}")
        for role, role_columns in self.roles.columns().items():
            for column in role_columns:
                if column not in columns:
                    hint = _did_you_mean(column, columns)
                    raise ValueError(
                        f"roles.{role} names column {column!r}, which is not one of the "
                        f"configured features ({', '.join(columns)}){hint}"
                    )
        spend = self.roles.spending_columns
        if len(set(spend)) != len(spend):
            raise ValueError("roles.spending lists a column twice")
        if self.data.id_column is not None and self.data.id_column in columns:
            raise ValueError(f"data.id_column {self.data.id_column!r} is also listed as a feature")
        compare = self.data.compare_with
        if compare is not None:
            if compare in columns or compare == self.data.id_column:
                raise ValueError(
                    f"data.compare_with {compare!r} is a feature or the id column; it must be "
                    "a separate label column (e.g. a sales channel) the segments are compared with"
                )
            if self.data.source == "synthetic" and not self.reads_spark_path:
                raise ValueError("data.compare_with needs data.source: file (the synthetic "
                                 "data compares with its planted segments by itself)")
        if self.segments.rules == "notebook" and not (self.roles.spending and self.roles.frequency):
            raise ValueError(
                "segments.rules: notebook needs roles.spending and roles.frequency (its types "
                "are spending and visit thresholds); use segments.rules: data otherwise"
            )
        if self.clustering.backend == "spark" and self.clustering.algorithm == "minibatch":
            raise ValueError("clustering.algorithm: minibatch is not available with "
                             "clustering.backend: spark (MLlib's KMeans is Lloyd's algorithm)")
        if (self.data.source == "synthetic" and not self.reads_spark_path
                and columns != list(SYNTHETIC_COLUMNS)):
            raise ValueError(
                "features: the synthetic data set has exactly the columns "
                f"{', '.join(SYNTHETIC_COLUMNS)}; use data.source: file for other columns"
            )
        return self

    @property
    def reads_spark_path(self) -> bool:
        """Spark reads the customer table from `spark.path` (not from `data:`)."""
        return self.clustering.backend == "spark" and self.spark.path is not None

    @property
    def feature_columns(self) -> list[str]:
        return [f.column for f in self.features]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def public_dict(self) -> dict[str, Any]:
        """The config as published (results.json, the Reproduce notebook): file paths are
        reduced to their names, so no folder of the build machine is ever shown."""
        data = self.to_dict()
        for section, key in (("data", "path"), ("report", "citation_file")):
            if data[section][key] is not None:
                data[section][key] = Path(data[section][key]).name
        sql = data["data"].get("sql")
        if sql and _duckdb_file(sql["url"]):  # a DuckDB file, like a data file, by its name
            sql["url"] = "duckdb:///" + Path(_duckdb_file(sql["url"])).name
        spark_path = data["spark"]["path"]
        if spark_path is not None and not self.spark.is_uri:
            data["spark"]["path"] = Path(spark_path).name
        # Roles the table does not have are left out, not listed as None.
        data["roles"] = {role: v for role, v in data["roles"].items() if v is not None}
        return data

    def fingerprint(self, *, sections: tuple[str, ...] | None = None) -> str:
        """SHA-256 of the effective config (or some sections), stable across key order."""
        data = self.to_dict()
        if sections is not None:
            data = {k: data[k] for k in sections}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


SYNTHETIC_COLUMNS = ("annual_spending", "visit_frequency", "avg_transaction", "loyalty_years")


def _duckdb_file(url: str) -> str | None:
    from .sql_source import duckdb_file

    return duckdb_file(url)


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Names of the keys allowed at a location, for "did you mean" hints on unknown keys."""
    model: Any = Config
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _format_error(err: dict[str, Any]) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    # pydantic reports union members as separate loc parts ("int", "literal[...]"); drop them.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"int", "str"})))
    path = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        hint = _did_you_mean(str(loc[-1]), _fields_at(loc[:-1]))
        return f"{path}: unknown key{hint}"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
        # Cross-field messages already name their keys.
        if loc == () or message.startswith(path):
            return message
    given = err.get("input")
    shown = "" if isinstance(given, dict | list) or given is None else f" (got {given!r})"
    return f"{path}: {message}{shown}"


def _merge_alternatives(problems: list[str]) -> list[str]:
    """One line per key: a union type (e.g. int or 'auto') yields one error per member."""
    merged: dict[str, list[str]] = {}
    for problem in problems:
        path, _, message = problem.partition(": ")
        merged.setdefault(path, []).append(message)
    return [
        f"{path}: {' — or — '.join(msgs)}" if msgs[0] else path for path, msgs in merged.items()
    ]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control_characters(raw: Any, path: str = "") -> list[str]:
    """Keys and text values holding NUL or other control characters (tab and newline are
    fine): no file name, title or column name has them, and tools downstream choke on them."""
    problems: list[str] = []
    items = raw.items() if isinstance(raw, dict) else enumerate(raw) if isinstance(raw, list) else ()
    for key, value in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and _CONTROL.search(key):
            problems.append(f"{where!r}: a key contains a control character")
        elif isinstance(value, str) and _CONTROL.search(value):
            char = _CONTROL.search(value).group(0)
            problems.append(f"{where}: contains the control character {char!r}")
        else:
            problems += _control_characters(value, where)
    return problems


def validate_config(raw: Any, source: str = "<config>") -> Config:
    """Validate a parsed YAML mapping; raise ConfigError listing every problem."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(
            source, [f"the top level must be a mapping of sections, not {type(raw).__name__}"]
        )
    control = _control_characters(raw)
    if control:
        raise ConfigError(source, control)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = _merge_alternatives(list(dict.fromkeys(_format_error(e) for e in exc.errors())))
        raise ConfigError(source, problems) from None


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate a YAML config. `None` means ./report.yml, or the defaults if absent."""
    if path is None:
        default = Path(DEFAULT_CONFIG_NAME)
        if not default.exists():
            return Config()
        path = default
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), ["the file does not exist"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot be read: {exc}"]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(str(path), [f"malformed YAML{where}: {problem}"]) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # PyYAML's constructors raise plain errors, e.g. for a date such as 2025-13-45.
        raise ConfigError(str(path), [f"malformed YAML: a value cannot be read ({exc})"]) from None
    config = validate_config(raw, str(path))
    # Relative file paths are relative to the config file, not to the working directory.
    if config.data.path is not None and not config.data.path.is_absolute():
        resolved = (path.parent / config.data.path).resolve()
        config = config.model_copy(
            update={"data": config.data.model_copy(update={"path": resolved})}
        )
    sql = config.data.sql
    duckdb_path = _duckdb_file(sql.url) if sql else None
    if duckdb_path and not duckdb_path.startswith("$") and not Path(duckdb_path).is_absolute():
        # A DuckDB file, like data.path, is relative to the config file.
        url = "duckdb:///" + (path.parent / duckdb_path).resolve().as_posix()
        config = config.model_copy(update={"data": config.data.model_copy(
            update={"sql": sql.model_copy(update={"url": url + sql.url.partition("?")[1]
                                                  + sql.url.partition("?")[2]})})})
    spark_path = config.spark.path
    if spark_path is not None and not config.spark.is_uri and not Path(spark_path).is_absolute():
        resolved = str((path.parent / spark_path).resolve())  # a glob stays a glob
        config = config.model_copy(
            update={"spark": config.spark.model_copy(update={"path": resolved})}
        )
    cff = config.report.citation_file
    if cff is not None and not cff.is_absolute():
        resolved = (path.parent / cff).resolve()
        config = config.model_copy(
            update={"report": config.report.model_copy(update={"citation_file": resolved})}
        )
    return config
