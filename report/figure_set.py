"""Build step: the report's figures (plotly JSON + static SVG), as a cached set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from analysis.progress import Progress
from analysis.results import Results
from report.files import MARKER, staged_dir

from . import cache
from .context import FigureRef


def figure_set(results: Results, key: str, project: Path, cache_dir: Path, progress: Progress,
               session=None) -> dict[str, FigureRef]:
    """Figure files in project/figures. They depend only on the analysis and the figure code,
    so a build whose analysis is cached copies the whole set (no plotly, no browser).
    `session`: a Chromium session started early (see svg_session.SvgSession)."""
    folder = cache_dir / "figure-sets" / cache.figure_set_key(key)
    index = folder / "figures.json"
    if not index.is_file():
        from analysis.figures import build_all

        from .figure_export import write_figures

        with progress.stage("figures", "Figures (interactive HTML + static SVG)"):
            specs = build_all(results)
            with staged_dir(folder) as staging:
                files = write_figures(specs, staging, cache_dir=cache_dir / "figures", session=session)
                refs = [{"name": n, "title": sp.title, "caption": sp.caption, "alt": sp.alt,
                         "json": files[n].json.name, "svg": files[n].svg.name,
                         "width": sp.width, "height": sp.height}
                        for n, sp in specs.items()]
                (staging / "figures.json").write_text(json.dumps(refs, indent=1), encoding="utf-8")
    else:
        progress.note("• Figures unchanged: using the cached set")
    shutil.copytree(folder, project / "figures", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(MARKER, "figures.json"))
    refs = json.loads(index.read_text(encoding="utf-8"))
    return {
        ref["name"]: FigureRef(
            name=ref["name"], title=ref["title"], caption=ref["caption"], alt=ref["alt"],
            json=f"figures/{ref['json']}", svg=f"figures/{ref['svg']}",
            width=ref["width"], height=ref["height"],
        )
        for ref in refs
    }
