"""The wheel of the kmeans-report that builds a report, shipped in its downloads: a reader
re-runs the report with exactly that code (the Reproduce notebook installs it), whether or not
any package index serves it.

From a source checkout the wheel is built from a copy of the package's sources (setuptools
writes build/ and *.egg-info beside what it builds) and cached by their digest, with fixed
timestamps so the same sources give the same bytes. From an installed wheel it is put back
together from the files the installation recorded (its RECORD, whose hashes pip checks again
when the wheel is installed).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .errors import RenderError
from .files import copy_file
from .resources import CHECKOUT

DISTRIBUTION = "kmeans-report"
# What a wheel is built from: the package folders and the top-level files setup.py bundles or
# pyproject.toml reads (never the checkout's data, outputs or virtual environment).
SOURCE_FOLDERS = ("analysis", "report", "templates")
SOURCE_FILES = ("*.toml", "*.py", "*.md", "*.cff", "*.yml", "*.in")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "_data", "*.egg-info")
BUILD_BACKEND = (
    "import sys, setuptools, setuptools.build_meta as backend\n"
    "major = int(setuptools.__version__.split('.')[0])\n"
    "sys.exit(f'setuptools {setuptools.__version__} is too old') if major < 77 else None\n"
    "backend.build_wheel(sys.argv[1])\n")
FIXED_TIME = "315532800"  # 1980-01-01, the earliest time a zip file can hold
# Written by the installer, not part of the wheel (PEP 376 / PEP 610).
INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


@dataclass(frozen=True)
class Wheel:
    path: Path  # where it is now: the cache, or the build's own folder until `store`
    sha256: str
    cached: Path  # where it is kept between builds

    @property
    def name(self) -> str:
        return self.path.name

    def store(self) -> None:
        """Keep a wheel made by this build in the cache: called once the build has
        succeeded, so a build that fails on bad input writes nothing there."""
        if self.path == self.cached or self.cached.is_file():
            return
        self.cached.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cached.with_name(self.cached.name + ".partial")  # never half a wheel
        shutil.copyfile(self.path, partial)
        partial.replace(self.cached)


def source_checkout() -> Path | None:
    """The source checkout this code runs from (an editable install), or None when it runs
    from an installed wheel."""
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "setup.py").is_file():
        return CHECKOUT
    return None


def package_wheel(cache_dir: Path, workdir: Path) -> Wheel:
    """This kmeans-report as a wheel file: the cached one, or one made in `workdir` (a folder
    of the build's own) for `Wheel.store` to keep."""
    checkout = source_checkout()
    if checkout is not None:
        return _built(checkout, cache_dir, workdir)
    return _repacked(cache_dir, workdir)


def _sources(checkout: Path) -> list[Path]:
    files = [p for pattern in SOURCE_FILES for p in checkout.glob(pattern) if p.is_file()]
    for folder in SOURCE_FOLDERS:
        files += [p for p in (checkout / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and "_data" not in p.parts
                  and not any(part.endswith(".egg-info") for part in p.parts)]
    return sorted(files)


def _built(checkout: Path, cache_dir: Path, workdir: Path) -> Wheel:
    sources = _sources(checkout)  # listed once: the digest and the copy see the same files
    digest = hashlib.sha256()
    for path in sources:
        digest.update(str(path.relative_to(checkout)).encode() + b"\0" + path.read_bytes())
    folder = cache_dir / "wheels" / digest.hexdigest()[:32]
    found = sorted(folder.glob("*.whl")) if folder.is_dir() else []
    if found:
        return _described(found[0], found[0])
    source = workdir / "source"
    for path in sources:  # hard links: setuptools only reads them, writing beside them
        copy_file(path, source / path.relative_to(checkout))
    out = workdir / "dist"
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_TIME}
    # setuptools' PEP 517 backend called directly, offline, with this environment's setuptools
    # (a third of pip's time: it sits on the path of every build after a template edit); else
    # pip with an isolated backend it fetches.
    done = subprocess.run([sys.executable, "-c", BUILD_BACKEND, str(out)], cwd=source,
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                               "--disable-pip-version-check", "-q", "-w", str(out), str(source)],
                              capture_output=True, text=True, env=env)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        reason = next((line.strip() for line in lines if "error" in line.lower()), lines[-1])
        raise RenderError(
            f"could not build the kmeans-report wheel for the downloads from {checkout}: "
            f"{reason} (it needs setuptools 77 or newer; bash .ci/setup installs it)")
    wheel = next(out.glob("*.whl"))
    return _described(wheel, folder / wheel.name)


def _repacked(cache_dir: Path, workdir: Path) -> Wheel:
    """The installed files listed in RECORD, zipped again as the wheel they came from."""
    dist = metadata.distribution(DISTRIBUTION)
    record = dist.read_text("RECORD") or ""
    info_dir = f"{dist.metadata['Name'].replace('-', '_')}-{dist.version}.dist-info"
    rows = []
    for row in csv.reader(io.StringIO(record)):
        if not row:
            continue
        name = row[0]
        if name.startswith("..") or "__pycache__" in name or name.endswith(".pyc"):
            continue  # scripts made from entry points, bytecode made at install time
        if name.startswith(info_dir + "/") and name.split("/", 1)[1] in INSTALLER_FILES:
            continue
        rows.append(row)
    version = dist.version
    wheel_name = f"kmeans_report-{version}-py3-none-any.whl"
    cached = cache_dir / "wheels" / f"installed-{version}" / wheel_name
    if cached.is_file():
        return _described(cached, cached)
    made = workdir / wheel_name
    workdir.mkdir(parents=True, exist_ok=True)
    record_out = io.StringIO()
    writer = csv.writer(record_out, lineterminator="\n")
    with zipfile.ZipFile(made, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            data = Path(dist.locate_file(row[0])).read_bytes()
            archive.writestr(zipfile.ZipInfo(row[0], (1980, 1, 1, 0, 0, 0)), data,
                             zipfile.ZIP_DEFLATED)
            writer.writerow([row[0], _record_hash(data), len(data)])
        writer.writerow([f"{info_dir}/RECORD", "", ""])
        archive.writestr(zipfile.ZipInfo(f"{info_dir}/RECORD", (1980, 1, 1, 0, 0, 0)),
                         record_out.getvalue(), zipfile.ZIP_DEFLATED)
    return _described(made, cached)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def _described(path: Path, cached: Path) -> Wheel:
    return Wheel(path, hashlib.sha256(path.read_bytes()).hexdigest(), cached)
