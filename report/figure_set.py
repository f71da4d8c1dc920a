"""Build step: the report's figures (plotly JSON + static SVG), as a cached set."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

from kmeans_report.analysis.progress import Progress
from kmeans_report.analysis.results import Results
from kmeans_report.report.files import MARKER, staged_dir

from . import cache
from .context import FigureRef


class FigureSet:
    """The figures' references, known as soon as the figures are built; their files are in
    project/figures once `finish()` returns. The SVGs are drawn in the browser meanwhile (the
    pages need only the references), so a build can write and render pages before waiting.

    They depend only on the analysis and the figure code, so a build whose analysis is
    cached copies the whole set (no plotly, no browser). `session`: a Chromium session
    started early (see svg_session.SvgSession)."""

    def __init__(self, results: Results, key: str, project: Path, cache_dir: Path,
                 progress: Progress, session=None):
        self.project, self.progress = project, progress
        self.folder = cache_dir / "figure-sets" / cache.figure_set_key(key)
        self._drawing = None
        self._staging = contextlib.ExitStack()
        self._finished = False
        index = self.folder / "figures.json"
        if index.is_file():
            progress.note("• Figures unchanged: using the cached set")
            self._records = json.loads(index.read_text(encoding="utf-8"))
        else:
            self._records = self._start(results, cache_dir, session)
        self.refs = _refs(self._records)

    def _start(self, results: Results, cache_dir: Path, session) -> list[dict]:
        from kmeans_report.analysis.figures import each_figure

        from .figure_export import start_figures

        specs = {}

        def built():  # each figure handed to Chromium as soon as it is built
            for spec in each_figure(results):
                specs[spec.name] = spec
                yield spec

        self._folder = self._staging.enter_context(staged_dir(self.folder))
        try:
            with self.progress.stage("figures", "Figures (interactive HTML + static SVG)"):
                self._drawing = start_figures(built(), self._folder,
                                              cache_dir=cache_dir / "figures", session=session)
        except BaseException:
            self.close()
            raise
        return [{"name": n, "title": sp.title, "caption": sp.caption, "alt": sp.alt,
                 "json": self._drawing.files[n].json.name,
                 "svg": self._drawing.files[n].svg.name, "width": sp.width, "height": sp.height}
                for n, sp in specs.items()]

    def finish(self) -> None:
        """Wait for the SVGs, keep the set in the cache and copy it into the project. Once."""
        if self._finished:
            return
        if self._drawing is not None:
            try:
                with self.progress.stage("svg", "Waiting for the static figures (Chromium)"):
                    self._drawing.finish()
                (self._folder / "figures.json").write_text(
                    json.dumps(self._records, indent=1), encoding="utf-8")
            except BaseException:
                self.close()
                raise
            self._staging.close()  # the complete set replaces the cache folder
        self._finished = True
        shutil.copytree(self.folder, self.project / "figures", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(MARKER, "figures.json"))

    def close(self) -> None:
        """Give up: stop the drawing and leave the cache as it was (no-op once finished)."""
        if self._finished:
            return
        if self._drawing is not None:
            self._drawing.close()
        self._staging.__exit__(RuntimeError, RuntimeError("figure set abandoned"), None)
        self._finished = True


def _refs(refs: list[dict]) -> dict[str, FigureRef]:
    return {
        ref["name"]: FigureRef(
            name=ref["name"], title=ref["title"], caption=ref["caption"], alt=ref["alt"],
            json=f"figures/{ref['json']}", svg=f"figures/{ref['svg']}",
            width=ref["width"], height=ref["height"],
        )
        for ref in refs
    }
