"""report.yml in, a validated `Config` out: every problem reported together, and file paths
made relative to the config file rather than to the working directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import ConfigError
from .problems import control_characters, validation_problems
from .root import Config

DEFAULT_CONFIG_NAME = "report.yml"


def validate_config(raw: Any, source: str = "<config>") -> Config:
    """Validate a parsed YAML mapping; raise ConfigError listing every problem."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(
            source, [f"the top level must be a mapping of sections, not {type(raw).__name__}"]
        )
    control = control_characters(raw)
    if control:
        raise ConfigError(source, control)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(source, validation_problems(exc.errors(), Config, raw)) from None


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
    return _relative_to(path.parent, validate_config(raw, str(path)))


def _relative_to(folder: Path, config: Config) -> Config:
    """`config` with its relative file paths (data, DuckDB file, Spark input, citation,
    changelog) resolved against `folder`, the config file's."""
    if config.data.path is not None and not config.data.path.is_absolute():
        config = _replace(config, "data", path=(folder / config.data.path).resolve())
    sql = config.data.sql
    duckdb_path = sql.duckdb_file if sql else None
    if duckdb_path and not duckdb_path.startswith("$") and not Path(duckdb_path).is_absolute():
        url = "duckdb:///" + (folder / duckdb_path).resolve().as_posix()
        query = "".join(sql.url.partition("?")[1:])  # the URL's options, kept as written
        config = _replace(config, "data", sql=sql.model_copy(update={"url": url + query}))
    spark_path = config.spark.path
    if spark_path is not None and not config.spark.is_uri and not Path(spark_path).is_absolute():
        resolved = str((folder / spark_path).resolve())  # a glob stays a glob
        config = _replace(config, "spark", path=resolved)
    for key in ("citation_file", "changelog"):
        path = getattr(config.report, key)
        if path is not None and not path.is_absolute():
            config = _replace(config, "report", **{key: (folder / path).resolve()})
    return config


def _replace(config: Config, section: str, **values: Any) -> Config:
    """`config` with some keys of one section replaced (the models are frozen)."""
    return config.model_copy(
        update={section: getattr(config, section).model_copy(update=values)}
    )
