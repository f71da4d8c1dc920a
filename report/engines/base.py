"""What every render engine promises: the Engine interface, its result, and shared checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kmeans_report.report.errors import RenderError

Progress = Callable[[str], None]



@dataclass(frozen=True)
class RenderResult:
    """What a render produced: which engine (and version), the site pages, and the PDF."""

    engine: str
    version: str
    pages: list[str]  # site-relative HTML paths, in project.render order
    pdf: Path  # site_dir / "downloads" / "report.pdf"


class Engine(Protocol):
    name: str

    def version(self) -> str:
        """The renderer's version, cheap enough to record in provenance before rendering."""
        ...

    def render(
        self, project_dir: Path, site_dir: Path, *, progress: Progress | None = None,
        figures: Callable[[], None] | None = None,
    ) -> RenderResult:
        """Render the Quarto project in `project_dir` into the empty or absent `site_dir`.
        `figures()`, when given, returns once the project's figures/ folder is complete
        (static figures may still be drawing when the render starts): called before
        anything reads it."""
        ...

    def render_pages(
        self, project_dir: Path, site_dir: Path, pages: list[str], *, pdf: bool,
        progress: Progress | None = None,
    ) -> None:
        """Render only `pages` (sources in the project) and, when `pdf`, the PDF, over
        `site_dir`, which holds this engine's complete render of an earlier version of the
        project (its files may be hard links: replace them, never write into them); then
        index the site for search again when a page changed."""
        ...


def report_progress(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def prepare_site_dir(site_dir: Path) -> None:
    """The caller stages into a fresh folder and swaps it in; refuse to mix with old output."""
    if site_dir.exists():
        if not site_dir.is_dir():
            raise RenderError(f"site folder {site_dir} exists and is not a folder")
        if any(site_dir.iterdir()):
            raise RenderError(f"site folder {site_dir} is not empty; render into a fresh folder")
    site_dir.mkdir(parents=True, exist_ok=True)


def check_project_dir(project_dir: Path) -> None:
    if not (project_dir / "_quarto.yml").is_file():
        raise RenderError(f"{project_dir} is not a Quarto project: _quarto.yml is missing")
    if not (project_dir / "report.qmd").is_file():
        raise RenderError(f"{project_dir} has no report.qmd (the PDF report document)")


def write_new(path: Path, text: str) -> None:
    """Write a file as a new one: the old file may be a hard link shared with the live site."""
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")
