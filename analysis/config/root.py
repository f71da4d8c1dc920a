"""The whole of report.yml: `Config`, the checks across its sections and what is derived
from it (the published form, fingerprints)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from .fields import Strict
from .inputs import SYNTHETIC_COLUMNS, DataConfig, Feature, Roles, SparkOptions
from .meta import ReportMeta
from .method import Clustering, Preprocessing, RoiConfig, SegmentRules
from .problems import did_you_mean


class Config(Strict):
    data: DataConfig = DataConfig()
    """Where the customer table is read from and how its rows are checked."""
    features: Annotated[list[Feature], Field(min_length=1)] = [
        Feature(column="annual_spending", label="Annual Spending", unit="$"),
        Feature(column="visit_frequency", label="Visit Frequency", unit="visits/year"),
        Feature(column="avg_transaction", label="Avg Transaction", unit="$"),
        Feature(column="loyalty_years", label="Loyalty Years", unit="years"),
    ]
    """The numeric columns K-Means clusters on, one entry each (the default: the synthetic
    data's four columns)."""
    roles: Roles = Roles()
    """Which feature plays which business role in the insights and the ROI; every role is
    optional."""
    preprocessing: Preprocessing = Preprocessing()
    """What happens to the features before clustering."""
    clustering: Clustering = Clustering()
    """The K range, how K is chosen, the K-Means settings and the quality checks."""
    segments: SegmentRules = SegmentRules()
    """How the segments are named and typed."""
    roi: RoiConfig = RoiConfig()
    """The ROI model: the author's assumptions and the sensitivity grid."""
    report: ReportMeta = ReportMeta()
    """Who and what the report is: title, author, version, date, license, citation."""
    spark: SparkOptions = SparkOptions()
    """Apache Spark, for `clustering.backend: spark` (see docs/scale-out.md)."""

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        # A section whose keys are all commented out (`roles:` alone) reads as null in YAML:
        # it is an empty section, so uncommenting one key under it just works.
        if isinstance(data, dict):
            sections = {name for name, field in cls.model_fields.items()
                        if isinstance(field.annotation, type)
                        and issubclass(field.annotation, BaseModel)}
            return {k: v for k, v in data.items() if not (k in sections and v is None)}
        return data

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        columns = [f.column for f in self.features]
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        if duplicates:
            raise ValueError(f"features: column(s) listed twice: {', '.join(duplicates)}")
        for role, role_columns in self.roles.columns().items():
            for column in role_columns:
                if column not in columns:
                    hint = did_you_mean(column, columns)
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

    def with_report_version(self, version: str) -> Config:
        """This config as the release `version` of its report (what `publish` builds)."""
        return self.model_copy(update={"report": self.report.model_copy(update={"version": version})})

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def public_dict(self) -> dict[str, Any]:
        """The config as published (results.json, the Reproduce notebook): file paths are
        reduced to their names, so no folder of the build machine is ever shown."""
        data = self.to_dict()
        for section, key in (("data", "path"), ("report", "citation_file"),
                             ("report", "changelog")):
            if data[section][key] is not None:
                data[section][key] = Path(data[section][key]).name
        duckdb_file = self.data.sql.duckdb_file if self.data.sql else None
        if duckdb_file:  # a DuckDB file, like a data file, by its name
            data["data"]["sql"]["url"] = "duckdb:///" + Path(duckdb_file).name
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
