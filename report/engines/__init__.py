"""Render engines: turn a generated Quarto project folder into a static site and a PDF.

    engine = get_engine("auto")          # quarto when it is installed, else pandoc
    engine.version()                     # e.g. "1.6.40" or "pandoc 3.9 + typst 0.15.2"
    result = engine.render(project_dir, site_dir, progress=print)
    result.pages, result.pdf             # ["index.html", ...], site_dir/downloads/report.pdf
"""

from __future__ import annotations

from kmeans_report.report.engines.base import Engine, Progress, RenderResult
from kmeans_report.report.errors import RenderError

ENGINE_NAMES = ("auto", "quarto", "pandoc")

__all__ = ["ENGINE_NAMES", "Engine", "Progress", "RenderResult", "get_engine"]


def get_engine(name: str = "auto") -> Engine:
    if name not in ENGINE_NAMES:
        choices = ", ".join(ENGINE_NAMES)
        raise RenderError(f"unknown render engine {name!r}; choose one of {choices}")
    from kmeans_report.report.engines.quarto import QuartoEngine, find_quarto

    if name == "auto":
        name = "quarto" if find_quarto() else "pandoc"
    if name == "quarto":
        return QuartoEngine()
    from kmeans_report.report.engines.pandoc import PandocEngine

    return PandocEngine()
