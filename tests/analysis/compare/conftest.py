"""The two planted releases (tests/releases.py) analysed, as `analyze` would write them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.report.analysis_step import write_analysis
from tests.releases import planted_tables, release_config


@dataclass
class Planted:
    before: Path  # analysis folders (results.json + assignments)
    now: Path
    before_groups: pd.Series  # id -> planted group
    now_groups: pd.Series


@pytest.fixture(scope="session")
def planted(tmp_path_factory) -> Planted:
    folder = tmp_path_factory.mktemp("releases")
    first, second, before, now = planted_tables(folder)
    analyses = [write_analysis(run_analysis(validate_config(release_config(data, k, version))),
                               folder / f"release-{version}")
                for data, k, version in ((first, 3, "1.0"), (second, 4, "1.1"))]
    return Planted(*analyses, before, now)
