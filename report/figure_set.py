"""Build step: the report's figures (plotly JSON + static SVG), as a cached set."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

from kmeans_report.analysis.progress import Progress
from kmeans_report.analysis.results import Results
from kmeans_report.report.files import MARKER, staged_dir

from . import cache
from .context import FigureRef


@contextlib.contextmanager
def figure_set(results: Results, key: str, project: Path, cache_dir: Path, progress: Progress,
               session=None) -> Iterator[dict[str, FigureRef]]:
    """The figures' references, known as soon as the figures are built; their files are in
    project/figures once the `with` block ends. The SVGs are drawn in the browser while the
    block runs (the pages need only the references), and waited for at its end.

    They depend only on the analysis and the figure code, so a build whose analysis is
    cached copies the whole set (no plotly, no browser). `session`: a Chromium session
    started early (see svg_session.SvgSession)."""
    folder = cache_dir / "figure-sets" / cache.figure_set_key(key)
    index = folder / "figures.json"
    if index.is_file():
        progress.note("• Figures unchanged: using the cached set")
        yield _refs(json.loads(index.read_text(encoding="utf-8")))
    else:
        from kmeans_report.analysis.figures import each_figure

        from .figure_export import start_figures

        specs = {}

        def built():  # each figure handed to Chromium as soon as it is built
            for spec in each_figure(results):
                specs[spec.name] = spec
                yield spec

        with staged_dir(folder) as staging:
            with progress.stage("figures", "Figures (interactive HTML + static SVG)"):
                drawing = start_figures(built(), staging, cache_dir=cache_dir / "figures",
                                        session=session)
            try:
                refs = [{"name": n, "title": sp.title, "caption": sp.caption, "alt": sp.alt,
                         "json": drawing.files[n].json.name, "svg": drawing.files[n].svg.name,
                         "width": sp.width, "height": sp.height}
                        for n, sp in specs.items()]
                yield _refs(refs)
                with progress.stage("svg", "Waiting for the static figures (Chromium)"):
                    drawing.finish()
            finally:
                drawing.close()
            (staging / "figures.json").write_text(json.dumps(refs, indent=1), encoding="utf-8")
    shutil.copytree(folder, project / "figures", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(MARKER, "figures.json"))


def _refs(refs: list[dict]) -> dict[str, FigureRef]:
    return {
        ref["name"]: FigureRef(
            name=ref["name"], title=ref["title"], caption=ref["caption"], alt=ref["alt"],
            json=f"figures/{ref['json']}", svg=f"figures/{ref['svg']}",
            width=ref["width"], height=ref["height"],
        )
        for ref in refs
    }
