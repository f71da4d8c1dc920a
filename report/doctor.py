"""`kmeans-report doctor`: which external pieces a build uses, what was found, how to fix it.

Each check returns what it found (a version, a path), or says the piece is missing, or that
it is there but broken (it fails to start: the first useful line of its error is shown),
with the exact command that installs or repairs it. The default build (`--engine auto`) can
run when the engine `auto` picks and the pieces every build needs (Chromium, pagefind, a
Jupyter kernel) all work. Optional pieces (Spark, the SQL drivers, the set-up and test
tools) are listed apart: only the feature named beside each needs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from .errors import RenderError, first_useful_line

QUARTO_KIT_FIX = (
    "bash .ci/setup (installs the offline Quarto kit when KMEANS_REPORT_QUARTO_KIT names it or "
    "../shared/tools/quarto holds it), or python3 -m pip install 'quarto-cli>=1.5'"
)
TOOL_TIMEOUT = 60  # seconds for a `--version`; a tool that hangs longer is broken
MIN_JAVA = 17  # PySpark 4 needs Java 17 or later


@dataclass(frozen=True)
class Check:
    name: str
    purpose: str
    needed_by: frozenset[str]  # engines that need it: "quarto", "pandoc" (both: every build)
    found: str | None = None  # what was found (version, path), None when missing
    fix: str = ""
    broken: str = ""  # found but not working: the first useful line of its error

    @property
    def ok(self) -> bool:
        return self.found is not None and not self.broken

    @property
    def state(self) -> str:
        return "ok" if self.ok else "BROKEN" if self.broken else "MISSING"


class Missing(Exception):
    """The piece is not there; the message is the command that installs it."""


class Broken(Exception):
    """The piece is there (`where`) but does not work (`detail`); `fix` repairs it."""

    def __init__(self, where: str, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.where, self.detail, self.fix = where, detail, fix


def run_version(command: list[str], fix: str) -> str:
    """The combined output of `command` (a `--version` call), or Broken with the first
    useful line when it cannot start, fails or hangs."""
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=TOOL_TIMEOUT,
                             check=False)
    except OSError as exc:
        raise Broken(command[0], f"cannot start: {exc.strerror or exc}", fix) from None
    except subprocess.TimeoutExpired:
        raise Broken(command[0], f"no answer to {command[-1]} within {TOOL_TIMEOUT} s",
                     fix) from None
    if out.returncode != 0:
        raise Broken(command[0], first_useful_line(out.stderr or out.stdout), fix)
    return (out.stdout + out.stderr).strip()


def _probe(probe: Callable[[], str]) -> tuple[str | None, str, str]:
    """(what was found, the fix, what is broken) for one check."""
    try:
        return probe(), "", ""
    except Broken as exc:
        return exc.where, exc.fix, exc.detail
    except Missing as exc:
        return None, str(exc), ""
    except RenderError as exc:
        message = str(exc)
        return None, message.split("fix: ", 1)[-1] if "fix: " in message else message, ""


# What every build (or one engine) uses.

def _quarto() -> str:
    from .engines import start_quarto
    from .engines.quarto import find_quarto

    path = find_quarto()
    if path is None:
        raise Missing(QUARTO_KIT_FIX)
    try:
        version = start_quarto(path).version()
    except RenderError as exc:
        raise Broken(path, str(exc), f"reinstall Quarto ({QUARTO_KIT_FIX}), or build with "
                     "--engine pandoc") from None
    return f"Quarto {version} ({path})"


def _pandoc() -> str:
    from .engines.pandoc_run import pandoc_path, pandoc_version

    return f"pandoc {pandoc_version()} ({pandoc_path()})"


def _typst() -> str:
    from .engines.typst_pdf import typst_version

    return f"typst {typst_version()} (Python package)"


def _chromium() -> str:
    from .svg_session import INSTALL_HINT, find_chromium

    path = find_chromium()
    version = first_useful_line(run_version([path, "--version"], f"reinstall it: {INSTALL_HINT}"))
    return f"{version} ({path})"


def _pagefind() -> str:
    from .engines.sitefiles import PAGEFIND_FIX

    try:
        out = subprocess.run([sys.executable, "-m", "pagefind", "--version"],
                             capture_output=True, text=True, timeout=TOOL_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Broken("pagefind", f"cannot run ({exc})", PAGEFIND_FIX) from None
    if out.returncode != 0:
        raise Missing(PAGEFIND_FIX)
    return out.stdout.strip()


def _kernel() -> str:
    fix = "python3 -m pip install ipykernel"
    try:
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError:
        raise Missing(fix) from None
    specs = KernelSpecManager().find_kernel_specs()
    if "python3" not in specs:
        raise Missing(fix)
    return f"python3 kernel ({specs['python3']})"


# Optional pieces: only the feature named in their purpose needs them.

def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _distributions(names: tuple[str, ...], fix: str) -> str:
    versions = {name: installed_version(name) for name in names}
    missing = [name for name, version in versions.items() if version is None]
    if missing:
        raise Missing(f"{fix} (not installed: {', '.join(missing)})")
    return ", ".join(f"{name} {version}" for name, version in versions.items())


def _pyspark() -> str:
    return _distributions(("pyspark",), "pip install -e '.[spark]' in the checkout")


def _java() -> str:
    fix = "apt-get install openjdk-17-jre-headless (or set JAVA_HOME to a Java 17+ runtime)"
    home = os.environ.get("JAVA_HOME", "").strip()
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise Missing(fix)
    text = run_version([java, "-version"], fix)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if match is None:
        raise Broken(java, f"cannot read its version from {first_useful_line(text)!r}", fix)
    major = int(match[1]) if match[1] != "1" else int(match[2] or 0)  # "1.8" is Java 8
    if major < MIN_JAVA:
        raise Broken(java, f"Java {major} is too old: Spark needs {MIN_JAVA} or later", fix)
    return f"Java {major} ({java})"


def _sql_drivers() -> str:
    return _distributions(("SQLAlchemy", "duckdb", "duckdb-engine", "psycopg",
                           "adbc-driver-postgresql"), "pip install -e '.[sql]' in the checkout")


def _npm() -> str:
    fix = "apt-get install npm, then bash .ci/setup --tests"
    npm = shutil.which("npm")
    if npm is None:
        raise Missing(fix)
    return f"npm {first_useful_line(run_version([npm, '--version'], fix))} ({npm})"


def _venv() -> str:
    """`python3 -m venv` works: Debian ships ensurepip, which venv needs, as python3-venv."""
    fix = "apt-get install python3-venv"
    python = shutil.which("python3")
    if python is None:
        raise Missing("apt-get install python3 python3-venv")
    try:
        out = subprocess.run([python, "-c", "import ensurepip, venv"], capture_output=True,
                             text=True, timeout=TOOL_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Broken(python, f"cannot run ({exc})", fix) from None
    if out.returncode != 0:
        raise Missing(f"{fix} ({python} has no ensurepip)")
    return f"python3 -m venv ({python})"


BOTH = frozenset({"quarto", "pandoc"})
OPTIONAL = frozenset()
PROBES = (
    ("Quarto", "the publishing engine: renders the site and the typst PDF",
     frozenset({"quarto"}), _quarto),
    ("pandoc", "pure-pip engine: pages and the PDF source", frozenset({"pandoc"}), _pandoc),
    ("typst", "pure-pip engine: compiles the PDF", frozenset({"pandoc"}), _typst),
    ("Chromium", "draws the static figures of the PDF (kaleido)", BOTH, _chromium),
    ("pagefind", "the site's search index", BOTH, _pagefind),
    ("Jupyter kernel", "executes the Reproduce notebook", BOTH, _kernel),
    ("PySpark", "clustering.backend: spark", OPTIONAL, _pyspark),
    ("Java", "clustering.backend: spark (Spark runs in a Java 17+ JVM)", OPTIONAL, _java),
    ("SQL drivers", "data.source: sql (SQLAlchemy, DuckDB, PostgreSQL)", OPTIONAL, _sql_drivers),
    ("npm", "the tests' workflow linter and accessibility checks", OPTIONAL, _npm),
    ("python3-venv", "creating virtual environments (bash .ci/setup)", OPTIONAL, _venv),
)


def run_checks() -> list[Check]:
    checks = []
    for name, purpose, needed_by, probe in PROBES:
        found, fix, broken = _probe(probe)
        checks.append(Check(name, purpose, needed_by, found, fix, broken))
    return checks


def auto_engine(checks: list[Check]) -> str:
    """The engine `--engine auto` picks: Quarto when it starts, else pandoc (as
    report.engines.get_engine does)."""
    quarto = next(c for c in checks if c.name == "Quarto")
    return "quarto" if quarto.ok else "pandoc"


def can_build(checks: list[Check], engine: str) -> bool:
    return all(c.ok for c in checks if engine in c.needed_by)


def _lines(check: Check) -> list[str]:
    shown = f"{check.found}: {check.broken}" if check.broken else check.found or ""
    lines = [f"  {check.state:<7} {check.name:<15} {shown}".rstrip(),
             f"          {'':<15} {check.purpose}"]
    if not check.ok:
        lines.append(f"          {'':<15} fix: {check.fix}")
    return lines


def report(checks: list[Check]) -> tuple[str, bool]:
    """The doctor's text, and whether the default build can run."""
    engine = auto_engine(checks)
    lines = ["kmeans-report doctor: what a build uses", ""]
    for check in checks:
        if check.needed_by:
            lines += _lines(check)
    lines += ["", "Optional: only what is named beside each piece needs it", ""]
    for check in checks:
        if not check.needed_by:
            lines += _lines(check)
    lines.append("")
    ok = can_build(checks, engine)
    quarto = next(c for c in checks if c.name == "Quarto")
    note = ("" if quarto.ok else " (Quarto is not installed)" if not quarto.found
            else " (Quarto is installed but broken: repair it to render with Quarto)")
    lines.append(f"`--engine auto` uses: {engine}{note}")
    for other in ("quarto", "pandoc"):
        state = "can run" if can_build(checks, other) else "cannot run (see above)"
        lines.append(f"  --engine {other}: {state}")
    lines.append("The default build can run." if ok
                 else "The default build cannot run: install or repair what is marked above.")
    return "\n".join(lines), ok
