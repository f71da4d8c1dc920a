"""`kmeans-report preview`: build, serve on 127.0.0.1, and rebuild when an input changes.

    serve the site folder (report.preview.server) -> build -> watch the inputs (watchfiles)
    -> on each change: build again (only what the change touches: report.build's caches and
    page-by-page render) -> tell the open pages to reload, or show them the error

A failed build leaves the last good site in place (builds swap a finished site in), so the
pages stay readable and the error shows over them and in the terminal until a build succeeds.
The process stays warm: the analysis stack is imported once, not at every rebuild.
"""

from __future__ import annotations

import asyncio
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
DEBOUNCE_MS = 50  # editors write a file in several steps; one rebuild for them all


@dataclass(frozen=True)
class PreviewOptions:
    config: Path | None  # None: the built-in example (as `build`)
    out: Path
    engine: str
    cache_dir: Path
    port: int
    quiet: bool = False
    debug: bool = False


def watched_files(config_path: Path | None) -> tuple[set[Path], set[Path]]:
    """(single files, folders watched as a whole) a build reads and a maintainer edits: the
    config, the local files its source reads (a data file, a DuckDB file, Spark's local
    parts), its citation file and changelog, _quarto.yml, templates/. An unreadable config
    still has its own file watched, so fixing it rebuilds."""
    from kmeans_report.analysis.config import DEFAULT_CONFIG_NAME, load_config
    from kmeans_report.analysis.errors import DataError
    from kmeans_report.analysis.sources import source_for

    from ..resources import QUARTO_CONFIG, TEMPLATES_DIR

    files = {QUARTO_CONFIG, Path(config_path or DEFAULT_CONFIG_NAME)}
    try:
        config = load_config(config_path)
    except Exception:  # noqa: BLE001 - the build reports it; the config file stays watched
        config = None
    if config is not None:
        try:
            files.update(source_for(config).input_files())
        except DataError:  # a source the backend cannot read: the build says so
            pass
        if config.report.citation_file is not None:
            files.add(Path(config.report.citation_file))
        if config.report.changelog is not None:  # the report's own release notes
            files.add(Path(config.report.changelog))
    return {f.absolute() for f in files}, {TEMPLATES_DIR.absolute()}


def watch_folders(files: set[Path], trees: set[Path]) -> list[Path]:
    """Folders to watch, non-recursively: each file's folder (editors often save by writing a
    new file and renaming it over the old one) and every folder of each tree."""
    folders = {f.parent for f in files if f.parent.is_dir()}
    for tree in trees:
        folders.add(tree)
        folders.update(p for p in tree.rglob("*") if p.is_dir() and "__pycache__" not in p.parts)
    return sorted(folders)


def error_text(exc: BaseException) -> str:
    from kmeans_report.analysis.errors import AnalysisError

    from ..errors import ReportError

    if isinstance(exc, AnalysisError | ReportError):
        return str(exc)
    where = ""
    if getattr(exc, "filename", None) and getattr(exc, "lineno", None):  # a template's error
        where = f"{exc.filename}, line {exc.lineno}: "
    return f"{where}{type(exc).__name__}: {exc}"


class Rebuilder:
    """Runs one build at a time off the event loop and tells the open pages the outcome."""

    def __init__(self, options: PreviewOptions, hub, log: Callable[[str], None]) -> None:
        self.options = options
        self.hub = hub
        self.log = log
        self.builds = 0

    def _build(self):
        from kmeans_report.analysis.progress import Progress

        from ..build import build_site

        return build_site(self.options.config, self.options.out, self.options.engine,
                          cache_dir=self.options.cache_dir,
                          progress=Progress(enabled=not self.options.quiet))

    async def rebuild(self, reason: str) -> None:
        self.log(f"preview: {reason}: building")
        start = time.perf_counter()
        try:
            result = await asyncio.get_running_loop().run_in_executor(None, self._build)
        except Exception as exc:  # noqa: BLE001 - every failure is shown; the site stays
            message = error_text(exc)
            if self.options.debug:
                traceback.print_exc()
            print(f"kmeans-report preview: error: {message}", file=sys.stderr, flush=True)
            print("preview: the last good site is still served; fix the input and save",
                  file=sys.stderr, flush=True)
            self.hub.error = message
            self.hub.send({"type": "error", "message": message})
            return
        self.builds += 1
        recovered, self.hub.error = self.hub.error is not None, None
        seconds = time.perf_counter() - start
        if result.up_to_date:
            self.log(f"preview: nothing changed ({seconds:.2f} s)")
            if recovered:
                self.hub.send({"type": "ok"})
            return
        self.log(f"preview: rebuilt in {seconds:.2f} s; reloading the open pages")
        self.hub.send({"type": "reload"})


async def preview(options: PreviewOptions, ready: Callable[[str], None] | None = None) -> None:
    """Serve, build, then rebuild on every change until cancelled (Ctrl+C)."""
    import tornado.httpserver
    import tornado.netutil
    import watchfiles

    from ..errors import ReportError
    from .server import Hub, make_app

    def log(message: str) -> None:
        if not options.quiet:
            print(message, file=sys.stderr, flush=True)

    hub = Hub()
    try:
        sockets = tornado.netutil.bind_sockets(options.port, HOST)
    except OSError as exc:
        raise ReportError(f"cannot listen on {HOST}:{options.port}: {exc.strerror}; "
                          "try --port 0") from None
    server = tornado.httpserver.HTTPServer(make_app(Path(options.out).absolute(), hub))
    server.add_sockets(sockets)
    url = f"http://{HOST}:{sockets[0].getsockname()[1]}/"
    print(f"Previewing {options.out}/ at {url} (Ctrl+C to stop)", flush=True)
    if ready is not None:
        ready(url)
    rebuilder = Rebuilder(options, hub, log)
    changes: asyncio.Queue = asyncio.Queue()
    restart = asyncio.Event()  # the watched set follows the config (a new data file ...)

    async def watch() -> None:
        while True:
            files, trees = watched_files(options.config)

            def relevant(change, path: str, files=files, trees=trees) -> bool:
                p = Path(path)
                if p.name.startswith(".") or p.name.endswith("~"):  # editors' scratch files
                    return False
                return p in files or any(p.is_relative_to(t) for t in trees)

            async for batch in watchfiles.awatch(*watch_folders(files, trees),
                                                 watch_filter=relevant, debounce=DEBOUNCE_MS,
                                                 recursive=False, stop_event=restart):
                changes.put_nowait(batch)
            restart.clear()

    # Watching starts before the first build: a save during it is not lost.
    watcher = asyncio.create_task(watch())
    watcher.add_done_callback(_report_watch_failure)
    await asyncio.sleep(0)
    try:
        watched = watched_files(options.config)
        await rebuilder.rebuild("first build")
        while True:
            batch = await changes.get()
            while not changes.empty():  # saves during the last build: one build for them all
                batch |= changes.get_nowait()
            names = sorted({Path(path).name for _, path in batch})
            await rebuilder.rebuild(f"{', '.join(names)} changed")
            if watched_files(options.config) != watched:
                watched = watched_files(options.config)
                restart.set()
    finally:
        watcher.cancel()
        server.stop()


def _report_watch_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        print(f"kmeans-report preview: error: watching for changes stopped: "
              f"{task.exception()}; restart the preview", file=sys.stderr, flush=True)
