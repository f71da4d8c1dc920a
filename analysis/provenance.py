"""Where a result came from: data and config hashes, seeds, software versions, git, time."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from . import __version__, clock
from .config import Config
from .run_records import Provenance

PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "kneed",
    "pyarrow",
    "plotly",
    "kaleido",
    "Jinja2",
    "pydantic",
    "PyYAML",
)
REPO_ROOT = Path(__file__).resolve().parent.parent


def build_time() -> str:
    """UTC build time; SOURCE_DATE_EPOCH (reproducible builds) wins when set."""
    return clock.build_moment().isoformat().replace("+00:00", "Z")


def package_versions(names=PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_state(root: Path = REPO_ROOT) -> tuple[str | None, bool | None]:
    """(commit, dirty) of the checkout the code runs from; (None, None) outside git."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit, dirty


def collect(config: Config, data_sha256: str) -> Provenance:
    commit, dirty = git_state()
    c = config.clustering
    seeds = {"clustering.random_state": c.random_state}
    if config.data.source == "synthetic":
        seeds["data.synthetic.seed"] = config.data.synthetic.seed
    return Provenance(
        data_sha256=data_sha256,
        config_sha256=config.fingerprint(),
        random_seeds=seeds,
        python=sys.version.split()[0],
        platform=platform.platform(),
        packages=package_versions(
            PACKAGES + (("pyspark",) if c.backend == "spark" else ())
        ),
        git_commit=commit,
        git_dirty=dirty,
        build_time=build_time(),
        tool_version=__version__,
    )
