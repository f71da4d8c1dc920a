"""`kmeans-report doctor`: which external pieces a build uses, what was found, how to fix it.

Each check returns what it found (a version, a path) or the exact command that installs the
missing piece. The default build (`--engine auto`) can run when the engine `auto` picks and
the pieces every build needs (Chromium, pagefind, a Jupyter kernel) are all there.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from .errors import RenderError

QUARTO_KIT_FIX = (
    "bash .ci/setup (installs the offline Quarto kit when ../shared/tools/quarto exists), "
    "or python3 -m pip install 'quarto-cli>=1.5'"
)


@dataclass(frozen=True)
class Check:
    name: str
    purpose: str
    needed_by: frozenset[str]  # engines that need it: "quarto", "pandoc" (both: every build)
    found: str | None = None  # what was found (version, path), None when missing
    fix: str = ""


def _probe(probe: Callable[[], str]) -> tuple[str | None, str]:
    """(what was found, "") or (None, the fix named by the failure)."""
    try:
        return probe(), ""
    except RenderError as exc:
        message = str(exc)
        return None, message.split("fix: ", 1)[-1] if "fix: " in message else message


def _quarto() -> str:
    from .engines.quarto import QuartoEngine, find_quarto

    path = find_quarto()
    if path is None:
        raise RenderError(f"not installed; fix: {QUARTO_KIT_FIX}")
    return f"Quarto {QuartoEngine(path).version()} ({path})"


def _pandoc() -> str:
    from .engines.pandoc_run import pandoc_path, pandoc_version

    return f"pandoc {pandoc_version()} ({pandoc_path()})"


def _typst() -> str:
    from .engines.typst_pdf import typst_version

    return f"typst {typst_version()} (Python package)"


def _chromium() -> str:
    from .svg_session import find_chromium

    return find_chromium()


def _pagefind() -> str:
    from .engines.sitefiles import PAGEFIND_FIX

    try:
        out = subprocess.run([sys.executable, "-m", "pagefind", "--version"],
                             capture_output=True, text=True, timeout=60, check=False)
    except OSError as exc:
        raise RenderError(f"cannot run ({exc}); fix: {PAGEFIND_FIX}") from None
    if out.returncode != 0:
        raise RenderError(f"not installed; fix: {PAGEFIND_FIX}")
    return out.stdout.strip()


def _kernel() -> str:
    fix = "python3 -m pip install ipykernel"
    try:
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError:
        raise RenderError(f"jupyter_client is not installed; fix: {fix}") from None
    specs = KernelSpecManager().find_kernel_specs()
    if "python3" not in specs:
        raise RenderError(f"no python3 kernel; fix: {fix}")
    return f"python3 kernel ({specs['python3']})"


BOTH = frozenset({"quarto", "pandoc"})
PROBES = (
    ("Quarto", "the publishing engine: renders the site and the typst PDF",
     frozenset({"quarto"}), _quarto),
    ("pandoc", "pure-pip engine: pages and the PDF source", frozenset({"pandoc"}), _pandoc),
    ("typst", "pure-pip engine: compiles the PDF", frozenset({"pandoc"}), _typst),
    ("Chromium", "draws the static figures of the PDF (kaleido)", BOTH, _chromium),
    ("pagefind", "the site's search index", BOTH, _pagefind),
    ("Jupyter kernel", "executes the Reproduce notebook", BOTH, _kernel),
)


def run_checks() -> list[Check]:
    checks = []
    for name, purpose, needed_by, probe in PROBES:
        found, fix = _probe(probe)
        checks.append(Check(name, purpose, needed_by, found, fix))
    return checks


def auto_engine(checks: list[Check]) -> str:
    """The engine `--engine auto` picks: Quarto when it is installed, else pandoc."""
    quarto = next(c for c in checks if c.name == "Quarto")
    return "quarto" if quarto.found else "pandoc"


def can_build(checks: list[Check], engine: str) -> bool:
    return all(c.found for c in checks if engine in c.needed_by)


def report(checks: list[Check]) -> tuple[str, bool]:
    """The doctor's text, and whether the default build can run."""
    engine = auto_engine(checks)
    lines = ["kmeans-report doctor: what a build uses", ""]
    for c in checks:
        mark = "ok     " if c.found else "MISSING"
        lines.append(f"  {mark} {c.name:<15} {c.found or ''}".rstrip())
        lines.append(f"          {'':<15} {c.purpose}")
        if not c.found:
            lines.append(f"          {'':<15} fix: {c.fix}")
    lines.append("")
    ok = can_build(checks, engine)
    lines.append(f"`--engine auto` uses: {engine}"
                 + ("" if engine == "quarto" else " (Quarto is not installed)"))
    for other in ("quarto", "pandoc"):
        state = "can run" if can_build(checks, other) else "cannot run (see MISSING above)"
        lines.append(f"  --engine {other}: {state}")
    lines.append("The default build can run." if ok
                 else "The default build cannot run: install what is MISSING above.")
    return "\n".join(lines), ok
