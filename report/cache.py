"""Content-addressed caches that make rebuilds cheap.

- analysis: keyed by the data's fingerprint (its source's), the analysis settings (every config section but
  `report`) and the analysis code except the figure modules (a chart's colour never re-runs
  K-Means); holds the outputs folder (results.json + tables), and model.onnx converted
  once per analysis (report.downloads).
- notebook: the executed Reproduce notebook, keyed by the analysis key and the notebook code.
- figures: SVGs keyed by the figure's own content hash (see report.figure_export).
- build stamp: a digest of every input of a build; an unchanged stamp means nothing to do.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kmeans_report.analysis import __version__ as TOOL_VERSION
from kmeans_report.analysis.config import Config

from .resources import ANALYSIS_DIR, CHECKOUT, PACKAGE_DIR, ROOT

REPO = CHECKOUT  # file names in digests are relative to it, so a moved checkout keeps its caches
ANALYSIS_SECTIONS = ("data", "features", "roles", "preprocessing", "clustering", "segments", "roi",
                     "spark")


def tree_digest(*paths: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """SHA-256 over the names and bytes of files (folders walked in sorted order)."""
    digest = hashlib.sha256()
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" in path.parts or (suffixes and path.suffix not in suffixes):
                continue
            if not path.exists():
                continue
            digest.update(str(path.relative_to(REPO) if path.is_relative_to(REPO) else path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def analysis_key(config: Config, data_id: str) -> str:
    parts = [
        TOOL_VERSION,
        data_id,
        config.fingerprint(sections=ANALYSIS_SECTIONS),
        tree_digest(*analysis_code()),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def analysis_code() -> list[Path]:
    """The modules the numbers come from: the analysis package (its config sub-package too)
    but its figures sub-package."""
    figures = ANALYSIS_DIR / "figures"
    return sorted(p for p in ANALYSIS_DIR.rglob("*.py") if figures not in p.parents)


def notebook_key(analysis: str, extra: str = "") -> str:
    code = tree_digest(PACKAGE_DIR / "notebook.py", ROOT / "templates" / "notebook")
    return hashlib.sha256(f"{analysis}\n{code}\n{extra}".encode()).hexdigest()[:32]


def figure_set_key(analysis: str) -> str:
    """Figures are a function of the analysis results and the figure code only."""
    code = tree_digest(
        ANALYSIS_DIR / "figures", PACKAGE_DIR / "figure_export.py", PACKAGE_DIR / "svg_session.py"
    )
    return hashlib.sha256(f"{analysis}\n{code}".encode()).hexdigest()[:32]


def build_stamp(config: Config, data_id: str, engine: str, extra: dict[str, str]) -> str:
    parts = {
        "tool": TOOL_VERSION,
        "config": config.fingerprint(),
        "data": data_id,
        "engine": engine,
        "code": tree_digest(ANALYSIS_DIR, PACKAGE_DIR, suffixes=(".py", ".js", ".css", ".lua")),
        "templates": tree_digest(ROOT / "templates"),
        "site": tree_digest(ROOT / "_quarto.yml", ROOT / "CITATION.cff"),
        **extra,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def renderer_key(engine: str) -> str:
    """The engine (name and version) and everything of ours that shapes every rendered page:
    the engines' code, the site assets, the HTML layout, Lua filters, typst and theme files.
    A page-by-page rebuild is only valid while this is unchanged."""
    code = tree_digest(PACKAGE_DIR / "engines", PACKAGE_DIR / "assets",
                       *(ROOT / "templates" / name for name in ("layout", "filters", "typst",
                                                                 "quarto")))
    return hashlib.sha256(f"{engine}\n{code}".encode()).hexdigest()[:32]
