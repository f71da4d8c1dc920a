"""Write figures to disk: a static SVG (shown first on the site, and in the PDF) and the
figure's plotly JSON, which the site turns into the interactive chart on demand.

SVGs are drawn in one headless Chromium session (report/svg_session.py). Each figure has a
content hash, so an SVG drawn before for the same figure is reused from a cache folder
instead of being drawn again. Plotly names the SVG's clip paths after a random
id; it is replaced by one derived from the hash, so the same figure gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import plotly.graph_objects as go

from kmeans_report.analysis.figures import FigureSpec
from kmeans_report.report.files import replace_file
from kmeans_report.report.svg_session import Job, SvgSession

# The interactive chart: no plotly logo, fits its column, and no toolbar over the legend
# (hover tooltips, zoom by dragging and double-click to reset still work).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


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


def _drawable(payload: str, digest: str) -> dict:
    """The figure to draw, from its JSON (no second copy through plotly's validation), with
    trace uids taken from the figure hash: plotly names each trace's SVG group after its
    uid, which it would otherwise draw at random."""
    figure = json.loads(payload)
    figure.pop("config", None)
    for i, trace in enumerate(figure.get("data", [])):
        trace["uid"] = f"{digest[:6]}{i}"
    return figure


def stable_svg_ids(path: Path, digest: str) -> None:
    """Replace plotly's random per-render id in an SVG by one taken from the figure hash."""
    text = path.read_text(encoding="utf-8")
    found = _SVG_UID.search(text)
    if found and found.group(1) != digest[:6]:
        path.write_text(text.replace(found.group(1), digest[:6]), encoding="utf-8")


def _copy_atomic(source: Path, target: Path) -> None:
    replace_file(target, lambda tmp: shutil.copyfile(source, tmp))


def write_figures(specs: Mapping[str, FigureSpec], out_dir: Path, *,
                  cache_dir: Path | None = None,
                  browser_path: str | None = None,
                  session: SvgSession | None = None) -> dict[str, FigureFiles]:
    """Write `<name>.json` (interactive) and `<name>.svg` for every figure into `out_dir`.

    SVGs whose hash is found in `cache_dir` are copied from there; the rest are drawn in
    one browser session and then stored in `cache_dir` for next time. Chromium is only
    needed (and only looked for) when at least one SVG has to be drawn.
    """
    return start_figures(specs, out_dir, cache_dir=cache_dir, browser_path=browser_path,
                         session=session).finish()


class Drawing:
    """Figures whose JSON is written and whose SVGs are being drawn, each queued as soon as
    it is added: `finish()` waits for them, makes their ids stable and stores them in the
    cache."""

    def __init__(self, cache: Path | None, browser_path: str | None,
                 session: SvgSession | None) -> None:
        self.files: dict[str, FigureFiles] = {}
        self.cache = cache
        self._browser_path, self._session, self._own = browser_path, session, None
        self._queued: list = []

    def add(self, item: FigureFiles, job: Job | None) -> None:
        """A figure's files; `job` draws its SVG (None: copied from the cache)."""
        self.files[item.name] = item
        if job is None:
            return
        if self._session is None:  # no early session: one just for these figures
            self._own = self._session = SvgSession(self._browser_path).start()
        self._queued.append(self._session.submit([job]))

    def finish(self) -> dict[str, FigureFiles]:
        try:
            for done in self._queued:
                self._session.wait(done)
        finally:
            self.close()
        for item in self.files.values():
            if not item.cached:
                stable_svg_ids(item.svg, item.hash)
                if self.cache is not None:
                    _copy_atomic(item.svg, self.cache / f"{item.hash}.svg")
        return self.files

    def close(self) -> None:
        """Stop the browser session this drawing started (a caller's session is theirs)."""
        if self._own is not None:
            self._own.close()


def start_figures(specs: Mapping[str, FigureSpec] | Iterable[FigureSpec], out_dir: Path, *,
                  cache_dir: Path | None = None,
                  browser_path: str | None = None,
                  session: SvgSession | None = None) -> Drawing:
    """`write_figures` without the wait: each figure's JSON is written and its SVG, unless
    cached, queued in the browser session as soon as the figure is built (`specs` may be a
    generator), so Chromium draws the first while the next is built."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = Path(cache_dir) if cache_dir is not None else None
    drawing = Drawing(cache, browser_path, session)
    try:
        for spec in (specs.values() if isinstance(specs, Mapping) else specs):
            name = spec.name
            digest = figure_hash(spec.figure, spec.width, spec.height)
            json_path, svg_path = out_dir / f"{name}.json", out_dir / f"{name}.svg"
            payload = figure_json(spec)
            json_path.write_text(payload + "\n", encoding="utf-8")
            cached = cache is not None and (cache / f"{digest}.svg").is_file()
            job = None
            if cached:
                _copy_atomic(cache / f"{digest}.svg", svg_path)
            else:
                job = (name, _drawable(payload, digest), svg_path, spec.width, spec.height)
            drawing.add(FigureFiles(name, json_path, svg_path, digest, cached), job)
    except BaseException:
        drawing.close()
        raise
    return drawing
