"""Install a built site as one version of a published, versioned site tree (mike-style).

    public/
      index.html      redirects to latest/ (meta refresh + script + a plain link)
      versions.json   the list `report.publish.versions` models, newest first
      latest/         alias: a full copy of the version it points to
      1.3.0/ 1.2.0/   one complete built site each, never touched by later publishes
      .publish.lock   serialises publishers; .nojekyll stops GitHub Pages' Jekyll step

Why aliases are full copies: GitHub Pages serves static files only, with no symlinks and no
server-side redirects. Redirect stubs would have to exist for every page, figure, download
and search-index file of the aliased version, and a stub can only redirect HTML, never
`latest/downloads/report.pdf` or the pagefind index. A copy costs disk space (a site is a
few MB) but every deep link under `latest/` keeps working, and the version switcher script
recognises the alias folder through versions.json.

How a publish stays atomic: everything is validated before the first file is touched; the
new version and its alias copies are staged in `.publish-new-*` folders inside site_root (same
file system, so the final step is a rename); existing folders are renamed aside to
`.publish-old.<name>.<token>` rather than deleted, and every step registers its undo, so a
failure rolls the tree back to exactly what it was. versions.json, the aliases and the root
index are written last, each by writing a temporary file and `os.replace`. A publish killed
half-way leaves only dot-folders behind; the next publish restores any folder that was
moved aside and deletes the rest.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kmeans_report.report.errors import PublishError
from kmeans_report.report.publish.names import validate_alias, validate_date, validate_version
from kmeans_report.report.publish.transaction import Locked, Transaction, recover_leftovers
from kmeans_report.report.publish.versions import Version, VersionList

VERSIONS_FILE = "versions.json"
INDEX_FILE = "index.html"
DEFAULT_ALIAS = "latest"
PDF_IN_SITE = "downloads/report.pdf"
SWITCHER_IN_SITE = "assets/version-switcher.js"


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: the version's folder, its aliases and the new versions list."""

    version: str
    version_dir: Path
    aliases: tuple[str, ...]
    versions: VersionList
    replaced: bool
    warnings: tuple[str, ...] = ()


def list_versions(site_root: str | os.PathLike) -> VersionList:
    """The published versions of `site_root` (empty when nothing is published yet)."""
    root = Path(site_root)
    if root.exists() and not root.is_dir():
        raise PublishError(f"Site root {root} is a file, not a folder.")
    return _read_versions(root)


def publish_site(
    site_dir: str | os.PathLike,
    site_root: str | os.PathLike,
    version: str,
    *,
    title: str | None = None,
    aliases: Iterable[str] = (DEFAULT_ALIAS,),
    date: str | _dt.date | None = None,
    force: bool = False,
    lock_timeout: float = 120.0,
) -> PublishResult:
    """Install the built site `site_dir` as `site_root/<version>/` and point `aliases` at it.

    An existing version is replaced only with `force`. On any error a `PublishError` is
    raised and the published tree is left exactly as it was.
    """
    # 1. Validate every input before anything is created.
    version = validate_version(version)
    if isinstance(aliases, str):
        aliases = (aliases,)
    aliases = tuple(dict.fromkeys(validate_alias(a) for a in aliases))
    date = validate_date(date if date is not None else _dt.datetime.now(_dt.UTC).date())
    site = Path(site_dir)
    root = Path(site_root)
    _check_site_dir(site, root)
    entry = Version(
        version=version,
        title=title if title is not None else version,
        date=date,
        aliases=aliases,
        pdf=f"{version}/{PDF_IN_SITE}" if (site / PDF_IN_SITE).is_file() else None,
    )
    _ensure_root(root)

    with Locked(root, lock_timeout):
        recover_leftovers(root)
        # 2. Work out the new state, still without writing.
        old = _read_versions(root)
        new = old.copy()
        new.add(entry, force=force)
        target = root / version
        if target.exists() and version not in old and not force:
            raise PublishError(
                f"Folder {target} exists but {VERSIONS_FILE} does not list it (left by an "
                f"interrupted or manual publish?); pass force to replace it."
            )
        warnings = _warnings(site, new, entry)

        # 3. Stage, then swap; every change registers its undo.
        with Transaction(root) as tx:
            staged = tx.stage_copy(site)
            tx.swap_dir(staged, target)
            _write_state(tx, root, old, new)
        return PublishResult(
            version=version,
            version_dir=target,
            aliases=aliases,
            versions=new,
            replaced=version in old,
            warnings=warnings,
        )


def unpublish(
    site_root: str | os.PathLike, version: str, *, force: bool = False, lock_timeout: float = 120.0
) -> VersionList:
    """Remove `version` from the published tree; returns the remaining versions.

    Refuses to remove the version an alias points to unless `force` (the alias is dropped).
    """
    version = validate_version(version)
    root = Path(site_root)
    if not root.is_dir():
        raise PublishError(f"Site root {root} does not exist or is not a folder.")
    with Locked(root, lock_timeout):
        recover_leftovers(root)
        old = _read_versions(root)
        new = old.copy()
        new.remove(version, force=force)
        with Transaction(root) as tx:
            if (root / version).exists():
                tx.move_aside(root / version)
            _write_state(tx, root, old, new)
        return new


# -- the new state of the tree --------------------------------------------------------------


def _write_state(tx: Transaction, root: Path, old: VersionList, new: VersionList) -> None:
    """Write versions.json, then the alias folders, then the root index (in that order)."""
    tx.write_file(root / VERSIONS_FILE, new.to_json())
    old_aliases, new_aliases = old.aliases(), new.aliases()
    for alias, target in new_aliases.items():
        # A full copy of the (already swapped-in) version folder; see the module docstring.
        # Re-copied on every publish: cheap, and it repairs an alias folder edited by hand.
        tx.swap_dir(tx.stage_copy(root / target), root / alias)
    for alias in old_aliases.keys() - new_aliases.keys():
        if (root / alias).exists():
            tx.move_aside(root / alias)
    if not (root / ".nojekyll").exists():
        tx.write_file(root / ".nojekyll", "")
    redirect = _redirect_target(new)
    if redirect is None:
        if (root / INDEX_FILE).exists():
            tx.move_aside(root / INDEX_FILE)
    else:
        tx.write_file(root / INDEX_FILE, _redirect_page(redirect))


def _redirect_target(versions: VersionList) -> str | None:
    if DEFAULT_ALIAS in versions.aliases():
        return DEFAULT_ALIAS + "/"
    newest = versions.newest()
    return newest.version + "/" if newest else None


def _redirect_page(target: str) -> str:
    url = html.escape(target, quote=True)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redirecting to {url}</title>
<meta http-equiv="refresh" content="0; url={url}">
<link rel="canonical" href="{url}">
<script>location.replace("{url}" + location.search + location.hash);</script>
</head>
<body>
<p>This report has moved to <a href="{url}">{url}</a>.</p>
</body>
</html>
"""


def _warnings(site: Path, new: VersionList, entry: Version) -> tuple[str, ...]:
    found = []
    if not (site / SWITCHER_IN_SITE).is_file():
        found.append(
            f"{site} has no {SWITCHER_IN_SITE}: its pages will show no version switcher."
        )
    newest = new.newest()
    if DEFAULT_ALIAS in entry.aliases and newest is not None and newest.version != entry.version:
        found.append(
            f"'{DEFAULT_ALIAS}' now points to {entry.version}, which is older than the "
            f"published {newest.version}."
        )
    return tuple(found)


# -- checks and reading ----------------------------------------------------------------------


def _check_site_dir(site: Path, root: Path) -> None:
    if not site.is_dir():
        raise PublishError(f"Built site {site} does not exist or is not a folder; build it first.")
    if not (site / INDEX_FILE).is_file():
        raise PublishError(
            f"Built site {site} has no {INDEX_FILE}; it does not look like a built site "
            f"(build it first, or point to the folder the build wrote)."
        )
    site_abs, root_abs = site.resolve(), root.resolve()
    if root_abs == site_abs or site_abs in root_abs.parents:
        raise PublishError(
            f"Site root {root} lies inside the built site {site}; publish to a folder outside it."
        )


def _ensure_root(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise PublishError(
            f"Site root {root} is a file, not a folder; choose a folder to publish to."
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"Cannot create the site root {root}: {exc.strerror or exc}.") from None


def _read_versions(root: Path) -> VersionList:
    path = root / VERSIONS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return VersionList()
    except OSError as exc:
        raise PublishError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return VersionList.from_json(text, source=str(path))

