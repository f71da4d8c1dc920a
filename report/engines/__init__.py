"""Render engines: turn a generated Quarto project folder into a static site and a PDF.

    engine = get_engine("auto")          # quarto when it starts, else pandoc (with a note)
    engine.version()                     # e.g. "1.6.40" or "pandoc 3.9 + typst 0.15.2"
    result = engine.render(project_dir, site_dir, progress=print)
    result.pages, result.pdf             # ["index.html", ...], site_dir/downloads/report.pdf
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from kmeans_report.report.engines.base import Engine, Progress, RenderResult
from kmeans_report.report.errors import RenderError, first_useful_line

ENGINE_NAMES = ("auto", "quarto", "pandoc")

__all__ = ["ENGINE_NAMES", "Engine", "Progress", "RenderResult", "get_engine", "start_quarto"]


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def get_engine(name: str = "auto", note: Callable[[str], None] = _to_stderr) -> Engine:
    """The engine called `name`. `auto` is Quarto when one is installed and works (answers
    `--version` with a version new enough), else pandoc; when an installed Quarto does not
    work, `note` gets one line saying so: the build goes on with pandoc rather than fail on
    a Quarto the user did not ask for. `quarto` fails on it, naming the fix."""
    if name not in ENGINE_NAMES:
        choices = ", ".join(ENGINE_NAMES)
        raise RenderError(f"unknown render engine {name!r}; choose one of {choices}")
    from kmeans_report.report.engines.quarto import QuartoEngine, find_quarto

    if name in ("auto", "quarto"):
        quarto = find_quarto()
        if quarto is None and name == "quarto":
            return QuartoEngine()  # its first call names the fix
        if quarto is not None:
            try:
                return start_quarto(quarto)
            except RenderError as exc:
                if name == "quarto":
                    raise RenderError(f"the Quarto at {quarto} does not work: {exc}; fix: "
                                      "reinstall Quarto (kmeans-report doctor says how), or "
                                      "build with --engine pandoc") from None
                note(f"note: rendering with pandoc, not the Quarto at {quarto}, which does not "
                     f"work: {exc}")
    from kmeans_report.report.engines.pandoc import PandocEngine

    return PandocEngine()


def start_quarto(executable: str) -> Engine:
    """The Quarto engine on `executable`, once `quarto --version` has answered with a version
    the engine supports; else a RenderError whose message is the one line saying why."""
    from kmeans_report.report.engines.quarto import QuartoEngine

    engine = QuartoEngine(executable)
    try:
        engine.version()
    except RenderError as exc:
        # "`quarto --version` failed:\n<its output>": keep the line of the output that says why
        head, _, detail = str(exc).partition(" failed:\n")
        raise RenderError(first_useful_line(detail or head).split("; fix: ")[0]) from None
    return engine
