"""Helpers shared by the test suites: tree hashing, a local HTTP server, browser launch.

Fixtures built on these live in tests/conftest.py; import the plain functions from here.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kmeans_report.report.engines.quarto import find_quarto

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

ENGINES = ("pandoc", "quarto")
QUARTO_MISSING = (
    "Quarto is not installed (not on PATH nor beside Python): .ci/setup installs the offline "
    "kit when ../shared/tools/quarto exists, or pip install -e '.[quarto]' in the checkout"
)
needs_quarto = pytest.mark.skipif(find_quarto() is None, reason=QUARTO_MISSING)


def engine_param(name: str):
    """A pytest param for one render engine; the Quarto one skips (saying why) without Quarto."""
    marks = [needs_quarto, pytest.mark.quarto] if name == "quarto" else []
    return pytest.param(name, marks=marks, id=name)


def hash_tree(root: str | Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (and a marker for every folder) under root.

    Two equal results mean the trees are byte-for-byte the same, empty folders included.
    Symlinks are recorded by their target, not followed.
    """
    root = Path(root)
    result: dict[str, str] = {}
    if not root.exists():
        return result
    if root.is_file():
        return {".": hashlib.sha256(root.read_bytes()).hexdigest()}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            result[rel] = "symlink:" + str(path.readlink())
        elif path.is_dir():
            result[rel] = "dir"
        else:
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # keep test output clean; requests are checked in the browser instead


@contextlib.contextmanager
def serve(directory: str | Path) -> Iterator[str]:
    """Serve `directory` over HTTP on 127.0.0.1 (a free port) in a thread; yields the base URL
    (ending in '/'). Only the loopback address is bound, so nothing leaves the machine."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def chromium_path() -> str | None:
    """The Debian chromium Playwright drives here (Playwright's own browsers are not installed)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def settle(page) -> None:
    """Wait until a page has loaded. (Not "networkidle": on Quarto's pages anchor.js requests
    a `data:` font Chromium never reports finished.)"""
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)


def copy_checkout(target: Path) -> Path:
    """A copy of the code, templates and site files a build reads, for tests that edit them
    (run builds in it with `checkout_env(target)`)."""
    from kmeans_report.report.resources import CHECKOUT

    for name in ("analysis", "report", "templates"):
        shutil.copytree(CHECKOUT / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__", "_data"))
    for name in ("_quarto.yml", "CITATION.cff", "CHANGELOG.md", "report.yml",
                 "notebook-changelog.md"):
        shutil.copyfile(CHECKOUT / name, target / name)
    # The copy's folders under the installed names (kmeans_report.analysis, .report), found
    # before the editable install's mapping to the checkout.
    namespace = target / IMPORT_FOLDER / "kmeans_report"
    namespace.mkdir(parents=True)
    for name in ("analysis", "report"):
        (namespace / name).symlink_to(target / name, target_is_directory=True)
    return target


IMPORT_FOLDER = "_import"


def checkout_env(copy: Path, **extra: str) -> dict[str, str]:
    """The environment that runs a copy made by `copy_checkout` (its notebook kernel too)."""
    return {**os.environ, "PYTHONPATH": str(copy / IMPORT_FOLDER), **extra}
