"""`kmeans-report publish`: build a site and install it as one version of a published tree."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from report.build import build_site
from report.errors import PublishError
from report.files import owned_temp_dir, remove_stale
from report.publish import PublishResult, list_versions, publish_site
from report.publish.names import validate_version
from report.resources import CHECKOUT

TEMP_PREFIX = "kmeans-report-publish-"


@dataclass(frozen=True)
class Release:
    site_root: Path
    package_version: str  # kmeans-report's version (the default when HEAD has no release tag)
    version: str | None = None  # None: the release tag on HEAD, else the package's version
    title: str | None = None
    aliases: tuple[str, ...] = ("latest",)
    force: bool = False


def default_version(package_version: str) -> str:
    """The release tag on HEAD (`v1.4.0` -> `1.4.0`) when there is one, else the package's."""
    try:
        tag = subprocess.run(
            ["git", "-C", str(CHECKOUT), "describe", "--tags", "--exact-match", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return package_version
    return tag[1:] if tag.startswith("v") else tag or package_version


def publish(release: Release, *, config: Path | None = None, from_dir: Path | None = None,
            engine: str = "auto", **build_options) -> tuple[str, PublishResult]:
    """Check the version, build the site (or take `from_dir`'s), install it; nothing in the
    published tree changes unless every step succeeds. `build_options` go to `build_site`."""
    # An explicitly empty --version (say, an unset CI variable) is an error, not the default.
    version = validate_version(default_version(release.package_version) if release.version is None else release.version)
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
        build_site(config, site, engine, force=True, versions=published,
                   previous_release=previous_version(root, published, version), **build_options)
        return version, publish_site(site, root, version, **install)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def previous_version(root: Path, published: list, version: str) -> Path | None:
    """The published version just before `version`, which a release is compared with by
    default (None: the first release)."""
    from packaging.version import Version

    earlier = [v.version for v in published if Version(v.version) < Version(version)
               and (root / v.version).is_dir()]
    return root / max(earlier, key=Version) if earlier else None
