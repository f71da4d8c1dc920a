"""`kmeans-report publish`: build a site and install it as one version of a published tree."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from kmeans_report.report.build import build_site, configured_version
from kmeans_report.report.errors import PublishError
from kmeans_report.report.files import owned_temp_dir, remove_stale
from kmeans_report.report.publish import PublishResult, list_versions, publish_site
from kmeans_report.report.publish.names import Pep440, validate_version
from kmeans_report.report.publish.versions import Version

TEMP_PREFIX = "kmeans-report-publish-"


@dataclass(frozen=True)
class Release:
    site_root: Path
    version: str | None = None  # None: the report's own (report.version)
    title: str | None = None
    aliases: tuple[str, ...] = ("latest",)
    force: bool = False


def default_version(config: Path | None) -> str:
    """The report's own version (`report.version` of its config); there is no other default:
    a report is never published under kmeans-report's version or a guess."""
    version = configured_version(config)
    if version is None:
        where = config or "report.yml"
        raise PublishError(f"no version to publish: pass --version, or set report.version in "
                           f"{where}")
    return version


def publish(release: Release, *, config: Path | None = None, from_dir: Path | None = None,
            engine: str = "auto", **build_options) -> tuple[str, PublishResult]:
    """Check the version, build the site (or take `from_dir`'s), install it; nothing in the
    published tree changes unless every step succeeds. `build_options` go to `build_site`."""
    # An explicitly empty --version (say, an unset CI variable) is an error, not the default.
    version = validate_version(default_version(config) if release.version is None
                               else release.version)
    root = release.site_root
    if root.is_dir() and not release.force and version in list_versions(root):
        raise PublishError(f"version {version} is already published in {root}/; "
                           "pass --force to replace it")
    install = dict(title=release.title, aliases=release.aliases, force=release.force)
    if from_dir is not None:
        return version, publish_site(from_dir, root, version, **install)
    published = list(list_versions(root)) if root.exists() else []
    remove_stale(None, TEMP_PREFIX)
    work = owned_temp_dir(None, TEMP_PREFIX)
    try:
        site = work / "site"
        this = Version(version, release.title or version, _today())
        build_site(config, site, engine, force=True, versions=published, publishing=this,
                   previous_release=previous_version(root, published, version), **build_options)
        return version, publish_site(site, root, version, date=this.date, **install)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _today() -> str:
    """Today in UTC, the date publish_site records by default."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def previous_version(root: Path, published: list, version: str) -> Path | None:
    """The published version just before `version`, which a release is compared with by
    default (None: the first release)."""
    earlier = [v.version for v in published if Pep440(v.version) < Pep440(version)
               and (root / v.version).is_dir()]
    return root / max(earlier, key=Pep440) if earlier else None
