"""Write figures to disk: a static SVG (shown first on the site, and in the PDF) and the
figure's plotly JSON, which the site turns into the interactive chart on demand.

SVGs are drawn by kaleido 1.x in headless Chromium; all figures of a build share one
browser session, because starting Chromium costs far more than drawing a figure. Each
figure has a content hash, so an SVG drawn before for the same figure is reused from a
cache folder instead of being drawn again. Plotly names the SVG's clip paths after a random
id; it is replaced by one derived from the hash, so the same figure gives the same bytes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import plotly.graph_objects as go

from analysis.figures import FigureSpec
from report.errors import RenderError

# The interactive chart: no plotly logo, fits its column, and no toolbar over the legend
# (hover tooltips, zoom by dragging and double-click to reset still work).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
INSTALL_HINT = "install it with `apt-get install chromium` (Debian/Ubuntu)"


@dataclass(frozen=True)
class FigureFiles:
    """What `write_figures` wrote for one figure."""

    name: str
    json: Path  # plotly JSON (data, layout, config) of the interactive chart
    svg: Path  # static image: the site's first view and the PDF's figure
    hash: str  # content hash of the figure (JSON + export size + renderer versions)
    cached: bool  # True when the SVG was copied from the cache instead of drawn


def _renderer_versions() -> str:
    versions = []
    for package in ("plotly", "kaleido"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} ?")
    return "; ".join(versions)


def figure_hash(fig: go.Figure, width: int | None = None, height: int | None = None) -> str:
    """SHA-256 of everything that decides what the static image looks like."""
    digest = hashlib.sha256()
    digest.update(f"{_renderer_versions()}; {width}x{height}\n".encode())
    digest.update(fig.to_json(validate=False, pretty=False, remove_uids=True).encode())
    return digest.hexdigest()


def figure_json(spec: FigureSpec) -> str:
    """The interactive chart as JSON: plotly's data and layout plus our config."""
    import plotly.io as pio

    payload = json.loads(pio.to_json(spec.figure, validate=False, remove_uids=True))
    payload["config"] = dict(PLOTLY_CONFIG)
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


_SVG_UID = re.compile(r'id="defs-([0-9a-f]{6})"')


def _with_stable_uids(fig: go.Figure, digest: str) -> go.Figure:
    """A copy whose traces carry uids from the figure hash: plotly names each trace's SVG
    group after its uid, which it would otherwise draw at random."""
    copy = go.Figure(fig.to_dict())  # a real copy: subplot figures share state otherwise
    for i, trace in enumerate(copy.data):
        trace.uid = f"{digest[:6]}{i}"
    return copy


def stable_svg_ids(path: Path, digest: str) -> None:
    """Replace plotly's random per-render id in an SVG by one taken from the figure hash."""
    text = path.read_text(encoding="utf-8")
    found = _SVG_UID.search(text)
    if found and found.group(1) != digest[:6]:
        path.write_text(text.replace(found.group(1), digest[:6]), encoding="utf-8")


def find_chromium() -> str:
    """Path of the Chromium kaleido drives, or a RenderError saying how to install it."""
    for candidate in (os.environ.get("BROWSER_PATH"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    raise RenderError(
        "Static figures for the PDF need the Chromium browser, which was not found on PATH: "
        f"{INSTALL_HINT}, or set BROWSER_PATH to a Chrome/Chromium executable."
    )


class SvgSession:
    """One kaleido/Chromium session in a background thread, started before it is needed.

    Starting Chromium costs seconds; a build starts the session while the analysis runs and
    draws the figures once they exist. Figures are drawn one after the other in the
    session's single tab (two cores: parallel tabs do not pay), so a failure names its figure.
    """

    def __init__(self, browser_path: str | None = None, timeout: float = 90):
        self.browser = browser_path or find_chromium()  # fails early, naming the fix
        self.timeout = timeout
        self._requests: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._current: str | None = None

    def start(self) -> SvgSession:
        self._thread = threading.Thread(target=self._run, name="kaleido-session", daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> SvgSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # noqa: BLE001 - reported by draw() in the caller's thread
            self._failure = exc
        # Anyone still waiting learns that the session is gone.
        while not self._requests.empty():
            item = self._requests.get_nowait()
            if item is not None:
                item[1].set_exception(self._failure or RuntimeError("session closed"))

    async def _serve(self) -> None:
        """Draw the queued jobs in one Chromium session (a new one if a tab proves broken)."""
        pending: tuple | None = None
        while True:
            pending = await self._session(pending)
            if pending is None:
                return

    async def _session(self, carried: tuple | None) -> tuple | None:
        """One browser session: serve requests until closed (returns None), or return the
        request in progress when the tab turned out not to be ready (see `_not_ready`)."""
        import kaleido  # imported late: only builds that draw SVGs need it

        # mathjax=False: the figures use no LaTeX, and its default is a CDN URL (no network)
        async with kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, path=self.browser) as k:
            while True:
                item = carried or await asyncio.to_thread(self._requests.get)
                carried = None
                if item is None:
                    return None
                jobs, done, attempt = item if len(item) == 3 else (*item, 0)
                drawn = 0
                try:
                    for name, fig, path, width, height in jobs:
                        self._current = name
                        await k.write_fig_from_object(
                            {"fig": fig, "path": str(path),
                             "opts": {"format": "svg", "width": width, "height": height, "scale": 1}},
                            cancel_on_error=True,
                        )
                        drawn += 1
                    done.set_result(None)
                except Exception as exc:  # noqa: BLE001 - handed to the waiting caller
                    if _not_ready(exc) and attempt < 2:
                        return (jobs[drawn:], done, attempt + 1)  # a fresh browser, same jobs
                    done.set_exception(exc)

    def draw(self, jobs: list[tuple[str, go.Figure, Path, int, int]]) -> None:
        if not jobs:
            return
        if self._thread is None:
            self.start()
        done: concurrent.futures.Future = concurrent.futures.Future()
        self._requests.put((jobs, done))
        try:
            while True:
                try:
                    done.result(timeout=0.2)
                    return
                except concurrent.futures.TimeoutError:
                    if not self._thread.is_alive() and not done.done():
                        raise self._failure or RuntimeError("the Chromium session ended") from None
        except RenderError:
            raise
        except Exception as exc:  # kaleido/choreographer raise many kinds; name the step
            if type(exc).__name__ == "KaleidoError" and self._current:
                # Chromium ran; plotly.js itself refused this figure (e.g. no room to draw).
                raise RenderError(
                    f"plotly could not draw figure {self._current!r} as SVG: {exc}"
                ) from exc
            where = f"figure {self._current!r}" if self._current else "starting Chromium"
            raise RenderError(
                f"drawing the static figures with Chromium ({self.browser}) failed at {where}: "
                f"{type(exc).__name__}: {exc}. If Chromium is missing or broken, {INSTALL_HINT}."
            ) from exc

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._requests.put(None)
            self._thread.join(timeout=30)


def _not_ready(exc: BaseException) -> bool:
    """kaleido sometimes records the execution context of the blank start page instead of
    its own page's (the two "context created" events race on a loaded machine); every call
    then fails with `kaleido_scopes is not defined`. A new browser session gets it right."""
    return type(exc).__name__ == "JavascriptError" and "kaleido_scopes is not defined" in str(exc)


def render_svgs(jobs: list[tuple[str, go.Figure, Path, int, int]],
                browser_path: str | None = None, timeout: float = 90,
                session: SvgSession | None = None) -> None:
    """Draw every (name, figure, path, width, height) job as SVG in ONE Chromium session:
    `session` when the caller started one early, else a session just for these jobs."""
    if not jobs:
        return
    if session is not None:
        session.draw(jobs)
        return
    with SvgSession(browser_path, timeout) as own:
        own.draw(jobs)


def _copy_atomic(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_figures(specs: Mapping[str, FigureSpec], out_dir: Path, *,
                  cache_dir: Path | None = None,
                  browser_path: str | None = None,
                  session: SvgSession | None = None) -> dict[str, FigureFiles]:
    """Write `<name>.json` (interactive) and `<name>.svg` for every figure into `out_dir`.

    SVGs whose hash is found in `cache_dir` are copied from there; the rest are drawn in
    one browser session and then stored in `cache_dir` for next time. Chromium is only
    needed (and only looked for) when at least one SVG has to be drawn.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = Path(cache_dir) if cache_dir is not None else None
    files: dict[str, FigureFiles] = {}
    jobs: list[tuple[str, go.Figure, Path, int, int]] = []
    for name, spec in specs.items():
        digest = figure_hash(spec.figure, spec.width, spec.height)
        json_path, svg_path = out_dir / f"{name}.json", out_dir / f"{name}.svg"
        json_path.write_text(figure_json(spec) + "\n", encoding="utf-8")
        cached = cache is not None and (cache / f"{digest}.svg").is_file()
        if cached:
            _copy_atomic(cache / f"{digest}.svg", svg_path)
        else:
            jobs.append((name, _with_stable_uids(spec.figure, digest), svg_path, spec.width,
                         spec.height))
        files[name] = FigureFiles(name, json_path, svg_path, digest, cached)

    render_svgs(jobs, browser_path, session=session)
    for item in files.values():
        if not item.cached:
            stable_svg_ids(item.svg, item.hash)

    if cache is not None:
        for item in files.values():
            if not item.cached:
                _copy_atomic(item.svg, cache / f"{item.hash}.svg")
    return files
