"""Shared fixtures: the default analysis (run once per session) and config-file helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def default_config():
    from analysis.config import load_config

    return load_config(REPO / "report.yml")


@pytest.fixture(scope="session")
def default_output(default_config):
    from analysis.pipeline import run_analysis

    return run_analysis(default_config)


@pytest.fixture(scope="session")
def default_results(default_output):
    return default_output.results


@pytest.fixture
def write_config(tmp_path):
    """Write a config file: the default report.yml with some sections replaced or merged."""

    def write(
        overrides: dict | None = None, *, name: str = "report.yml", raw: str | None = None
    ) -> Path:
        path = tmp_path / name
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
            return path
        data = yaml.safe_load((REPO / "report.yml").read_text(encoding="utf-8"))
        for key, value in (overrides or {}).items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write
