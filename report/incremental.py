"""What a rebuild must render again: the generated project compared with the one the
current site was rendered from.

Every build records, beside its site, a manifest of the project it rendered (each file's
SHA-256, the navbar every page shows) and the renderer it used. The next build writes its
project, compares, and re-renders only the pages whose source changed, the PDF only when
its source did, and copies changed downloads as they are. Anything that reaches every page
(the site configuration, the navbar, whose entries can take page titles, the renderer, a
figure) means a full render, as does a missing or unreadable manifest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import xxhash

from .engines.siteconfig import load_site_config
from .pages import PAGES, PDF_SOURCE

PAGE_SOURCES = tuple(p.source for p in PAGES)
# Project files copied into the site as they are; the pages link them by name, so a new
# version of one changes no page.
AS_IS = ("downloads/",)
# Where a full render costs less than page-by-page renders (Quarto starts per page).
MAX_PAGES = 4


@dataclasses.dataclass(frozen=True)
class RenderPlan:
    """A partial render: these page sources, the PDF or not, and files copied as they are."""

    pages: tuple[str, ...]
    pdf: bool
    files: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.pages or self.pdf or self.files)


def project_manifest(project: Path) -> dict[str, Any]:
    """A hash of every generated file (not the notebook's scratch folder) and the navbar
    as the pages show it (its entries take page titles)."""
    files = {}
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project).as_posix()
        if path.is_file() and not rel.startswith(("_", ".")):
            with path.open("rb") as handle:  # XXH3: the downloads of a large table are GBs
                files[rel] = hashlib.file_digest(handle, xxhash.xxh3_128).hexdigest()
    site = load_site_config(project)
    navbar = [dataclasses.asdict(item) for item in (*site.nav_left, *site.nav_right)]
    return {"files": files, "navbar": json.loads(json.dumps(navbar))}


def read_record(path: Path) -> dict[str, Any]:
    """The build record beside a site ({} when there is none or it cannot be read)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def plan_render(previous: dict[str, Any], renderer: str,
                manifest: dict[str, Any]) -> RenderPlan | None:
    """The partial render that brings the previous site up to `manifest`, or None when only
    a full render will do."""
    before = previous.get("project") or {}
    if previous.get("renderer") != renderer or before.get("navbar") != manifest["navbar"]:
        return None
    old, new = before.get("files") or {}, manifest["files"]
    changed = sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    pages = tuple(name for name in changed if name in PAGE_SOURCES)
    files = tuple(name for name in changed if name.startswith(AS_IS) and name in new)
    others = set(changed) - set(pages) - set(files) - {PDF_SOURCE}
    if others or len(pages) > MAX_PAGES:
        return None
    return RenderPlan(pages, PDF_SOURCE in changed, files)
