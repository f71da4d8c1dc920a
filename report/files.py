"""The file-system helpers of the tool, in one place that knows nothing of the science (so
editing them never invalidates the analysis cache): write a folder all at once (build it
beside the target, then swap it into place), owned temporary folders and the clean-up of
those a killed run left, and hard-link-or-copy.

A failure while building leaves the previous folder exactly as it was, and no half-written
folder behind. Replacing a folder deletes what was in it, so only folders this tool wrote
(they carry a marker file) are ever replaced: a mistyped `--out` pointing at a source tree,
a home folder or a parent of the working directory is refused before any work is done.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

MARKER = ".kmeans-report-output"
MARKER_TEXT = "This folder was written by kmeans-report and is replaced as a whole on each run.\n"


def check_replaceable(target: Path, option: str = "output folder") -> Path:
    """Raise OutputError unless target is absent, empty, or a folder this tool wrote."""
    target = Path(target).absolute()
    resolved = target.resolve()
    cwd = Path.cwd().resolve()
    if resolved == Path(resolved.anchor) or resolved == cwd or resolved in cwd.parents:
        raise OutputError(
            f"{option} {target}: refusing to replace the filesystem root, the working folder "
            "or one of its parents; choose a new sub-folder such as _site"
        )
    if resolved == Path.home().resolve():
        raise OutputError(f"{option} {target}: refusing to replace the home folder")
    if not target.exists():
        return target
    if not target.is_dir():
        raise OutputError(f"{option} {target}: exists and is not a folder")
    if (target / MARKER).is_file() or not any(target.iterdir()):
        return target
    raise OutputError(
        f"{option} {target}: the folder is not empty and was not written by kmeans-report "
        f"(no {MARKER} file in it), so it will not be replaced; choose a new or empty folder"
    )


def owned_temp_dir(parent: Path | None, prefix: str) -> Path:
    """A new private folder whose name carries this process's id (see `remove_stale`)."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def remove_stale(parent: Path | None, prefix: str) -> None:
    """Remove folders `owned_temp_dir` made for processes that no longer run: what a killed
    build left behind. Folders of running processes (a concurrent build) are kept."""
    parent = Path(parent or tempfile.gettempdir())
    for folder in parent.glob(f"{prefix}*"):
        pid = folder.name[len(prefix):].split("-", 1)[0]
        if not (pid.isdigit() and folder.is_dir()) or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive, owned by another user
            pass


@contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder on the target's filesystem; on success it becomes target."""
    target = check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for kind in ("staging", "old"):
        remove_stale(target.parent, f".{target.name}.{kind}-")
    staging = owned_temp_dir(target.parent, f".{target.name}.staging-")
    try:
        yield staging
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        make_readable(staging)
        swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def make_readable(root: Path) -> None:
    """Folders 0755 and files 0644, whatever the umask and mkdtemp's private 0700: a web
    server running as another user must be able to serve a published site."""
    os.chmod(root, 0o755)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


def replace_dir(new: Path, target: Path, aside: Path) -> Path | None:
    """Put `new` where `target` is, with renames only (atomic on one filesystem): the old
    target is renamed to `aside`, which is returned (None when there was no target) for the
    caller to delete once it no longer needs a way back. On failure nothing has moved.

    The one folder swap of the tool: output folders (`staged_dir`) and the published
    tree (report.publish's transaction) both go through it."""
    if not (target.exists() or target.is_symlink()):
        os.rename(new, target)
        return None
    os.rename(target, aside)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(aside, target)  # put the previous folder back before reporting the failure
        raise
    return aside


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace target with staging, then delete what it replaced."""
    check_replaceable(target)  # again, right before anything is moved
    old = owned_temp_dir(target.parent, f".{target.name}.old-")
    os.rmdir(old)  # only its unique name is wanted
    replaced = replace_dir(staging, target, old)
    if replaced is not None:
        shutil.rmtree(replaced, ignore_errors=True)


def link_or_copy(src: str | Path, dst: str | Path) -> None:
    """Hard-link a file when both sides share a filesystem, copy it otherwise.

    Downloads of a large table (a 10-million-row assignments CSV is ~380 MB) then cost no
    time or space per build; every file involved is written once and never modified.
    """
    try:
        Path(dst).unlink(missing_ok=True)
        Path(dst).hardlink_to(src)
    except OSError:
        shutil.copy2(src, dst)


def copy_tree(src: Path, dst: Path) -> None:
    """A folder (or one file) copied by `link_or_copy`, merged into `dst`."""
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True, copy_function=link_or_copy)
    elif src.is_file():
        dst.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(src, dst)


def copy_file(source: Path, target: Path) -> None:
    """Hard-link when possible (large assignment tables), copy otherwise, making the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(source, target)


def replace_file(target: Path, fill) -> None:
    """Replace `target` whole or not at all (readers and concurrent builds share caches):
    `fill(path)` writes a temporary file beside it, which then takes its name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        fill(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
