"""Output folders are replaced all at once, and only when this tool wrote them."""

import pytest

from analysis.atomic import MARKER, check_replaceable, staged_dir
from analysis.errors import OutputError
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
