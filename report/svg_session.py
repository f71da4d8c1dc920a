"""One headless Chromium session, driven by kaleido 1.x, that draws plotly figures as SVG.

Starting Chromium costs seconds, far more than drawing a figure, so a build starts one
session in a background thread while the analysis runs and hands it every figure to draw.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import queue
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from kmeans_report.report.errors import RenderError

if TYPE_CHECKING:  # plotly loads in the session's thread (kaleido), not before Chromium starts
    import plotly.graph_objects as go

INSTALL_HINT = "install it with `apt-get install chromium` (Debian/Ubuntu)"

# name, figure (a plotly Figure or its dict), SVG path, width, height
Job: TypeAlias = "tuple[str, go.Figure | dict, Path, int, int]"

# Resolves once kaleido's page has loaded, with whether its drawing script is there.
_PAGE_LOADED = (
    "new Promise(done => { const ready = () => done(typeof kaleido_scopes);"
    " document.readyState === 'complete' ? ready() : addEventListener('load', ready); })"
)


def find_chromium() -> str:
    """Path of the Chromium kaleido drives, or a RenderError saying how to install it."""
    for candidate in (os.environ.get("BROWSER_PATH"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    raise RenderError(
        "Static figures for the PDF need the Chromium browser, which was not found on PATH: "
        f"{INSTALL_HINT}, or set BROWSER_PATH to a Chrome/Chromium executable."
    )


async def _script_state(tab, timeout: float) -> str | None:
    """`typeof kaleido_scopes` in the tab's recorded page context once that page has loaded
    (None when the recorded context is gone)."""
    reply = await asyncio.wait_for(tab.tab.send_command("Runtime.evaluate", params={
        "expression": _PAGE_LOADED, "contextId": tab._current_js_id,
        "awaitPromise": True, "returnByValue": True,
    }), timeout)
    return reply.get("result", {}).get("result", {}).get("value")


async def wait_for_pages(k, timeout: float) -> None:
    """Hold back the first figure until each kaleido tab's page has really loaded.

    kaleido takes the first "load" event after it navigates a new tab as its own page's; on
    a busy machine that event can belong to the blank page the tab started with, and the
    first figure then reaches a page whose script has not run yet ("kaleido_scopes is not
    defined"). Waiting for the page's own load closes that gap. If the recorded context is
    not the page's at all, a reload (with the runtime already watched) records the right one.
    """
    tabs = [k.tabs_ready.get_nowait() for _ in range(k.tabs_ready.qsize())]
    try:
        for tab in tabs:
            if await _script_state(tab, timeout) == "object":
                continue
            await asyncio.wait_for(tab.reload(), timeout)
            state = await _script_state(tab, timeout)
            if state != "object":
                raise RenderError(
                    "kaleido's drawing page in Chromium did not load its script "
                    f"(typeof kaleido_scopes is {state!r} after a reload); "
                    "is the kaleido package complete?")
    finally:
        for tab in tabs:
            k.tabs_ready.put_nowait(tab)


class SvgSession:
    """One kaleido/Chromium session in a background thread, started before it is needed.

    Figures are drawn one after the other in the session's single tab (two cores: parallel
    tabs do not pay), so a failure names its figure.
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
        """Draw queued jobs until `close` queues None."""
        import kaleido  # imported late: only builds that draw SVGs need it

        # mathjax=False: the figures use no LaTeX, and its default is a CDN URL (no network)
        async with kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, path=self.browser) as k:
            await wait_for_pages(k, self.timeout)
            while (item := await asyncio.to_thread(self._requests.get)) is not None:
                jobs, done = item
                try:
                    for name, fig, path, width, height in jobs:
                        self._current = name
                        await k.write_fig_from_object(
                            {"fig": fig, "path": str(path),
                             "opts": {"format": "svg", "width": width, "height": height, "scale": 1}},
                            cancel_on_error=True,
                        )
                    done.set_result(None)
                except Exception as exc:  # noqa: BLE001 - handed to the waiting caller
                    done.set_exception(exc)

    def draw(self, jobs: list[Job]) -> None:
        self.wait(self.submit(jobs))

    def submit(self, jobs: list[Job]) -> concurrent.futures.Future:
        """Queue jobs to be drawn while the caller goes on; `wait` for the outcome."""
        done: concurrent.futures.Future = concurrent.futures.Future()
        if not jobs:
            done.set_result(None)
            return done
        if self._thread is None:
            self.start()
        self._requests.put((jobs, done))
        return done

    def wait(self, done: concurrent.futures.Future) -> None:
        """Until submitted jobs are drawn; a failure as a RenderError naming the figure."""
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
            if self._current:
                raise RenderError(
                    f"drawing the static figures with Chromium ({self.browser}) failed at "
                    f"figure {self._current!r}: {_reason(exc)}"
                ) from exc
            raise RenderError(
                f"starting Chromium ({self.browser}) to draw the static figures failed: "
                f"{_reason(exc)}. If Chromium is missing or broken, {INSTALL_HINT}."
            ) from exc

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._requests.put(None)
            self._thread.join(timeout=30)


def _reason(exc: BaseException) -> str:
    """The exception in one line: the DevTools protocol's own message, not its raw reply."""
    reply = exc.args[0] if exc.args else None
    if isinstance(reply, dict) and isinstance(reply.get("error"), dict):
        return f"{type(exc).__name__}: {reply['error'].get('message', reply['error'])}"
    return f"{type(exc).__name__}: {exc}"
