"""Running the pandoc binary from the pypandoc-binary wheel (pandoc 3.x, needed for typst)."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from kmeans_report.report.errors import RenderError

PANDOC_FIX = "python3 -m pip install pypandoc-binary"
MIN_PANDOC = (3, 1, 2)  # first pandoc with a typst writer that handles raw typst blocks


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    # Debian's own pandoc (2.x) may be on PATH; the wheel's binary is the one we trust.
    try:
        import pypandoc
    except ImportError as exc:
        raise RenderError(f"pandoc (pypandoc-binary) is not installed; fix: {PANDOC_FIX}") from exc
    try:
        path = pypandoc.get_pandoc_path()
    except OSError as exc:
        raise RenderError(f"pandoc binary not found; fix: {PANDOC_FIX}") from exc
    return str(path)


@lru_cache(maxsize=1)
def pandoc_version() -> str:
    out = run_pandoc(["--version"])
    first = out.splitlines()[0] if out else ""
    version = first.split()[-1] if first else "unknown"
    parts = tuple(int(p) for p in version.split(".")[:3] if p.isdigit())
    if parts and parts < MIN_PANDOC:
        raise RenderError(
            f"pandoc {version} is too old (need 3.1.2 or newer); fix: {PANDOC_FIX} --upgrade"
        )
    return version


def run_pandoc(args: list[str], *, cwd: Path | None = None, stdin: str | None = None) -> str:
    cmd = [pandoc_path(), *args]
    try:
        out = subprocess.run(
            cmd, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=600,
            check=False, encoding="utf-8",
        )
    except OSError as exc:
        raise RenderError(f"could not run pandoc ({exc}); fix: {PANDOC_FIX}") from exc
    if out.returncode != 0:
        raise RenderError(f"pandoc failed ({' '.join(args[:3])} ...):\n{out.stderr.strip()}")
    return out.stdout
