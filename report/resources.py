"""Where the files a build reads live: templates, the site configuration, the examples.

In a source checkout they sit at its top level, where maintainers edit them. An installed
wheel carries copies as package data (`kmeans_report/report/_data/`, put there by setup.py when the wheel
is built), found with importlib.resources, so `pip install kmeans-report` can build anywhere.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files(__package__))).resolve()  # a linked folder: where it is
CHECKOUT = PACKAGE_DIR.parent


def _root() -> Path:
    if (CHECKOUT / "templates").is_dir() and (CHECKOUT / "_quarto.yml").is_file():
        return CHECKOUT
    return PACKAGE_DIR / "_data"


ROOT = _root()
TEMPLATES_DIR = ROOT / "templates"
QUARTO_CONFIG = ROOT / "_quarto.yml"
DEFAULT_CONFIG = ROOT / "report.yml"  # the notebook's own report: the built-in example
ASSETS_DIR = PACKAGE_DIR / "assets"
ANALYSIS_DIR = Path(str(files("kmeans_report.analysis")))
