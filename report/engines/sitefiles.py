"""Site steps both engines share: static files in, search index out."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from kmeans_report.report.errors import RenderError
from kmeans_report.report.files import copy_tree
from kmeans_report.report.resources import ASSETS_DIR

PAGEFIND_FIX = "python3 -m pip install 'pagefind[extended]'"
PLOTLY_FIX = "python3 -m pip install plotly"


def plotly_js_path() -> Path:
    """plotly.min.js as shipped inside the plotly package: the site never loads it from a CDN.
    Found without importing plotly (a rebuild that draws no figure never loads it)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RenderError(f"plotly is not installed; fix: {PLOTLY_FIX}")
    path = Path(spec.submodule_search_locations[0]) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RenderError(f"plotly.min.js is missing from the plotly package; fix: {PLOTLY_FIX}")
    return path


def copy_resources(project_dir: Path, site_dir: Path, resources: list[str]) -> None:
    """Copy `project.resources` (downloads/, figures/, assets/ ...) as-is into the site."""
    for res in resources:
        name = res.rstrip("/")
        if any(ch in name for ch in "*?["):
            for match in sorted(project_dir.glob(name)):
                copy_tree(match, site_dir / match.relative_to(project_dir))
        else:
            copy_tree(project_dir / name, site_dir / name)


def install_site_assets(site_dir: Path, *, with_plotly: bool) -> None:
    """Our stylesheet and scripts (report/assets/) plus, when a page needs it, plotly.min.js.

    The project's own assets/ were copied first; files of the same name there win, because
    the generated project is the more specific source.
    """
    dst = site_dir / "assets"
    dst.mkdir(parents=True, exist_ok=True)
    for src in sorted(ASSETS_DIR.glob("*")):
        if src.is_file() and not (dst / src.name).exists():
            shutil.copy2(src, dst / src.name)
    if with_plotly and not (dst / "plotly.min.js").exists():
        shutil.copy2(plotly_js_path(), dst / "plotly.min.js")


def build_search_index(site_dir: Path) -> Path:
    """Run pagefind over the finished site; its index and UI land in site_dir/pagefind/."""
    # A fresh index: a page-by-page rebuild starts from the earlier site, whose index files
    # would otherwise linger (or, being hard links, be written through into the live site).
    shutil.rmtree(site_dir / "pagefind", ignore_errors=True)
    # Run through this interpreter so the pagefind wheel installed next to us is the one used.
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    except OSError as exc:
        raise RenderError(f"could not run pagefind ({exc}); fix: {PAGEFIND_FIX}") from exc
    if out.returncode != 0:
        detail = (out.stderr or out.stdout).strip()
        if "No module named pagefind" in detail:
            raise RenderError(f"pagefind is not installed; fix: {PAGEFIND_FIX}")
        raise RenderError(f"pagefind failed to index {site_dir}:\n{detail[-2000:]}")
    index = site_dir / "pagefind"
    if not (index / "pagefind.js").is_file():
        raise RenderError(f"pagefind ran but wrote no index into {index}")
    return index
