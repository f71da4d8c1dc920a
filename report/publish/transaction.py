"""The publish transaction: a lock on the site root, changes that roll back on any error,
and recovery of what a killed publish left behind (only ever dot-named entries of ours)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from kmeans_report.report.errors import PublishError
from kmeans_report.report.files import replace_dir

LOCK_FILE = ".publish.lock"
_NEW, _OLD, _TMP = ".publish-new-", ".publish-old.", ".publish-tmp-"


class Locked:
    """The site root's lock file, held for the whole read-change-write of a publish."""

    def __init__(self, root: Path, timeout: float) -> None:
        self.path = root / LOCK_FILE
        self.lock = FileLock(str(self.path), timeout=timeout)

    def __enter__(self) -> None:
        try:
            self.lock.acquire()
        except Timeout:
            raise PublishError(
                f"Another publish holds the lock {self.path}; try again when it has finished."
            ) from None
        except OSError as exc:
            raise PublishError(
                f"Cannot write to the site root {self.path.parent} (lock file {self.path}): "
                f"{exc.strerror or exc}. Is it read-only?"
            ) from None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def recover_leftovers(root: Path) -> None:
    """Undo what a killed publish left behind (only ever dot-named entries of ours)."""
    try:
        _recover(root)
    except OSError as exc:
        raise PublishError(
            f"Cannot clean up what an interrupted publish left in {root}: "
            f"{exc.strerror or exc} ({exc.filename}). Remove the .publish-* entries by hand."
        ) from None


def _recover(root: Path) -> None:
    for entry in sorted(root.iterdir()):
        name = entry.name
        if name.startswith(_OLD):
            # `.publish-old.<name>.<token>`: if <name> is missing the killed publish was
            # between its two renames, so the moved-aside folder is the live one.
            original = root / name[len(_OLD) :].rsplit(".", 1)[0]
            if not original.exists() and original.name:
                os.rename(entry, original)
            else:
                remove(entry)
        elif name.startswith((_NEW, _TMP)):
            remove(entry)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class Transaction:
    """Changes to the site root that roll back on any error and clean up on success.

    Nothing is deleted until the end: replaced entries are renamed aside and removed only
    after every step succeeded, so undo is a few renames.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.undo: list[Callable[[], None]] = []
        self.garbage: list[Path] = []

    def _token(self) -> str:
        return secrets.token_hex(6)

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            for path in self.garbage:
                remove(path)  # a failure here only leaves a dot-folder for the next publish
            return False
        for step in reversed(self.undo):
            try:
                step()
            except OSError:
                pass  # keep undoing the rest; leftovers are recovered by the next publish
        for path in self.garbage:
            if path.name.startswith((_NEW, _TMP)):
                remove(path)
        if isinstance(exc, OSError):
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            raise PublishError(
                f"Publishing into {self.root} failed and was rolled back: "
                f"{exc.strerror or exc}{where}. Is the site root writable?"
            ) from exc
        return False

    def stage_copy(self, source: Path) -> Path:
        staged = self.root / f"{_NEW}{self._token()}"
        self.garbage.append(staged)
        # symlinks=True: copy links as links, so a link in a built site cannot pull files
        # from elsewhere on the machine into the published tree.
        shutil.copytree(source, staged, symlinks=True)
        return staged

    def _aside(self, path: Path) -> Path:
        return self.root / f"{_OLD}{path.name}.{self._token()}"

    def move_aside(self, path: Path) -> None:
        aside = self._aside(path)
        os.rename(path, aside)
        self.undo.append(lambda: os.rename(aside, path))
        self.garbage.append(aside)

    def swap_dir(self, staged: Path, target: Path) -> None:
        aside = replace_dir(staged, target, self._aside(target))
        if aside is not None:
            self.undo.append(lambda: os.rename(aside, target))
            self.garbage.append(aside)
        self.undo.append(lambda: os.rename(target, staged))

    def write_file(self, path: Path, text: str) -> None:
        tmp = self.root / f"{_TMP}{self._token()}"
        self.garbage.append(tmp)
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            # Keep the old bytes beside it for undo, and replace the live file in one step so
            # it never goes missing (a rename-aside would leave a gap).
            aside = self._aside(path)
            self.garbage.append(aside)
            shutil.copy2(path, aside)
            # Undo first: if the replace fails, putting the copy back is still right.
            self.undo.append(lambda: os.replace(aside, path))
            os.replace(tmp, path)
        else:
            os.replace(tmp, path)
            self.undo.append(lambda: remove(path))
