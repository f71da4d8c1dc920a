"""Typed, validated settings: the one source of every number the seed notebook hard-codes.

`load_config(path)` reads YAML, validates it once and reports *all* problems together, each
with its key path (e.g. ``clustering.k_max``) and a "did you mean" hint for misspelled keys.

The modules: fields (what every section shares: strict keys, number bounds), inputs (the
customer table: data, spark, features, roles), method (preprocessing, clustering, segments,
roi), meta (report), root (`Config`: cross-section checks, the published form, fingerprints),
problems (validation errors as readable lines), loading (YAML in, paths made relative to it).
"""

from ..errors import ConfigError
from .fields import MAX_ROWS, MAX_SEED, Fraction, Fraction01, RowCount, Seed
from .inputs import (
    SYNTHETIC_COLUMNS,
    CsvOptions,
    DataConfig,
    Feature,
    Roles,
    SparkOptions,
    SqlOptions,
    SyntheticOptions,
)
from .loading import DEFAULT_CONFIG_NAME, load_config, validate_config
from .meta import Contributor, ReportMeta, build_date
from .method import (
    Clustering,
    LargeDataOptions,
    Preprocessing,
    RoiConfig,
    SegmentRules,
    Sensitivity,
    SilhouetteOptions,
    StabilityOptions,
)
from .root import Config

__all__ = [
    "DEFAULT_CONFIG_NAME",
    "MAX_ROWS",
    "MAX_SEED",
    "SYNTHETIC_COLUMNS",
    "Clustering",
    "Config",
    "ConfigError",
    "Contributor",
    "CsvOptions",
    "DataConfig",
    "Feature",
    "Fraction",
    "Fraction01",
    "LargeDataOptions",
    "Preprocessing",
    "ReportMeta",
    "Roles",
    "RoiConfig",
    "RowCount",
    "Seed",
    "SegmentRules",
    "Sensitivity",
    "SilhouetteOptions",
    "SparkOptions",
    "SqlOptions",
    "StabilityOptions",
    "SyntheticOptions",
    "build_date",
    "load_config",
    "validate_config",
]
