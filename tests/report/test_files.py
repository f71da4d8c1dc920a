"""Output folders are replaced all at once, and only when this tool wrote them."""

import pytest

from kmeans_report.report.errors import OutputError
from kmeans_report.report.files import MARKER, check_replaceable, staged_dir
from tests.helpers import hash_tree


def test_new_and_own_folders_are_replaced(tmp_path):
    target = tmp_path / "out"
    with staged_dir(target) as staging:
        (staging / "a.txt").write_text("one")
    assert (target / MARKER).is_file() and (target / "a.txt").read_text() == "one"
    with staged_dir(target) as staging:
        (staging / "b.txt").write_text("two")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "b.txt"]


def test_a_foreign_folder_is_never_replaced(tmp_path):
    target = tmp_path / "project"
    (target / "src").mkdir(parents=True)
    (target / "src" / "main.py").write_text("precious")
    before = hash_tree(tmp_path)
    with pytest.raises(OutputError, match="was not written by kmeans-report"):
        with staged_dir(target) as staging:
            (staging / "x").write_text("x")
    assert hash_tree(tmp_path) == before


def test_empty_folder_is_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    assert check_replaceable(tmp_path / "empty") == tmp_path / "empty"


@pytest.mark.parametrize("where", ["cwd", "parent", "root", "home"])
def test_working_folder_its_parents_root_and_home_are_refused(tmp_path, monkeypatch, where):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    target = {"cwd": work, "parent": tmp_path, "root": tmp_path.anchor, "home": "~"}[where]
    from pathlib import Path

    with pytest.raises(OutputError, match="refusing"):
        check_replaceable(Path(target).expanduser())


def test_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        check_replaceable(tmp_path / "f")


def test_staging_folders_of_a_killed_build_are_removed_by_the_next(tmp_path):
    """A build killed mid-way (SIGKILL: no cleanup runs) leaves its staging folder; the next
    build into the same target removes it, but never a folder of a build still running."""
    import subprocess
    import sys

    code = ("import os, sys; from kmeans_report.report.files import staged_dir\n"
            "with staged_dir(sys.argv[1]) as s:\n"
            "    open(os.path.join(s, 'x'), 'w').write('x'); os.kill(os.getpid(), 9)\n")
    target = tmp_path / "site"
    killed = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path.parent)
    assert killed.returncode == -9
    leftovers = list(tmp_path.glob(".site.staging-*"))
    assert len(leftovers) == 1
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = tmp_path / f".site.staging-{running.pid}-abc"
        alive.mkdir()
        with staged_dir(target) as staging:
            (staging / "y").write_text("y")
        assert not leftovers[0].exists()
        assert alive.is_dir()
        assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "site"]
    finally:
        running.kill()
        running.wait()
