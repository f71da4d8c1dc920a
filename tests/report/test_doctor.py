"""`kmeans-report doctor`: what the build uses, which engine `auto` picks, and how to fix
what is missing or broken (exit 1 when the default build cannot run); the optional pieces
apart."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kmeans_report.report import doctor
from kmeans_report.report.cli import main


def test_everything_found_names_each_piece_and_exits_0(capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    for name in ("Quarto", "pandoc", "typst", "Chromium", "pagefind", "Jupyter kernel"):
        assert name in out
    # This machine has what the default build needs (the e2e builds prove it too).
    assert code == 0 and "The default build can run." in out


def test_without_quarto_auto_uses_pandoc_and_the_fix_is_named(monkeypatch, capsys):
    monkeypatch.setattr("kmeans_report.report.engines.quarto.find_quarto", lambda: None)
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0
    assert "MISSING Quarto" in out and "pip install 'quarto-cli>=1.5'" in out
    assert "`--engine auto` uses: pandoc" in out
    assert "--engine quarto: cannot run" in out


def test_missing_chromium_means_no_build_can_run(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr("kmeans_report.report.figure_export.shutil.which", lambda name: None)
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "MISSING Chromium" in out and "apt-get install chromium" in out
    assert "The default build cannot run" in out


# Each check against fake executables on PATH (shell scripts in a temporary folder).


def fake(folder: Path, name: str, script: str) -> Path:
    """An executable `name` in `folder` running the shell script."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    """A folder first on PATH for fake tools, and no JAVA_HOME to look elsewhere."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    return folder


def only(name: str) -> doctor.Check:
    probe = next(p for p in doctor.PROBES if p[0] == name)
    found, fix, broken = doctor._probe(probe[3])
    return doctor.Check(name, probe[1], probe[2], found, fix, broken)


def test_a_quarto_that_fails_to_start_is_broken_with_its_first_useful_line(bin_dir, capsys):
    quarto = fake(bin_dir, "quarto", "echo 'ERROR: Deno could not start: bad CPU type' >&2\n"
                                     "echo 'Stack trace:' >&2\necho '    at main (file.ts:1)' >&2\n"
                                     "exit 1\n")
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert f"BROKEN  Quarto          {quarto}: Deno could not start: bad CPU type" in out
    assert "Stack trace" not in out and "file.ts" not in out
    assert "Quarto is not installed" not in out
    assert "`--engine auto` uses: pandoc (Quarto is installed but broken" in out
    assert "--engine quarto: cannot run" in out and "--engine pandoc: can run" in out
    assert code == 0  # auto passes the broken Quarto by, so the default build can run


def test_a_quarto_that_cannot_be_executed_is_broken(bin_dir):
    fake(bin_dir, "quarto", "").write_bytes(b"\x7fELF\x02not a real program")
    check = only("Quarto")
    assert check.state == "BROKEN" and "cannot" in check.broken.lower()
    assert "--engine pandoc" in check.fix


def test_a_quarto_too_old_is_broken(bin_dir):
    fake(bin_dir, "quarto", "echo 1.3.450\n")
    check = only("Quarto")
    assert check.state == "BROKEN" and "1.3.450 is too old" in check.broken


def test_java_missing_is_named_with_its_debian_package(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH, no java anywhere
    monkeypatch.delenv("JAVA_HOME", raising=False)
    check = only("Java")
    assert check.state == "MISSING" and "openjdk-17-jre-headless" in check.fix


@pytest.mark.parametrize("banner, state, shown", [
    ('openjdk version "17.0.15" 2025-04-15', "ok", "Java 17"),
    ('openjdk version "21" 2023-09-19', "ok", "Java 21"),
    ('openjdk version "11.0.2" 2019-01-15', "BROKEN", "Java 11 is too old"),
    ('java version "1.8.0_392"', "BROKEN", "Java 8 is too old"),
])
def test_java_version_is_read_from_its_banner(bin_dir, banner, state, shown):
    fake(bin_dir, "java", f"echo '{banner}' >&2\n")
    check = only("Java")
    assert check.state == state
    assert shown in (check.found if state == "ok" else check.broken)


def test_java_home_is_used_before_path(bin_dir, tmp_path, monkeypatch):
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    fake(home / "bin", "java", "echo 'openjdk version \"17.0.1\"' >&2\n")
    fake(bin_dir, "java", "echo 'openjdk version \"11.0.1\"' >&2\n")
    monkeypatch.setenv("JAVA_HOME", str(home))
    assert only("Java").found == f"Java 17 ({home / 'bin' / 'java'})"


def test_npm_found_missing_and_broken(bin_dir, monkeypatch, tmp_path):
    fake(bin_dir, "npm", "echo 10.9.2\n")
    assert only("npm").found == f"npm 10.9.2 ({bin_dir / 'npm'})"
    fake(bin_dir, "npm", "echo 'node: not found' >&2\nexit 127\n")
    broken = only("npm")
    assert broken.state == "BROKEN" and broken.broken == "node: not found"
    monkeypatch.setenv("PATH", str(tmp_path))
    assert only("npm").state == "MISSING" and "apt-get install npm" in only("npm").fix


def test_python3_without_venv_support_is_named(bin_dir):
    fake(bin_dir, "python3", 'case "$2" in *ensurepip*) echo "No module named ensurepip" >&2;'
                             ' exit 1;; esac\n')
    check = only("python3-venv")
    assert check.state == "MISSING" and "apt-get install python3-venv" in check.fix
    fake(bin_dir, "python3", "exit 0\n")
    assert only("python3-venv").ok


def test_sql_drivers_and_pyspark_name_what_is_missing(monkeypatch):
    real = doctor.installed_version
    monkeypatch.setattr(doctor, "installed_version",
                        lambda name: None if name in {"psycopg", "pyspark"} else real(name))
    sql, spark = only("SQL drivers"), only("PySpark")
    assert sql.state == "MISSING" and "not installed: psycopg" in sql.fix
    assert "pip install -e '.[sql]'" in sql.fix
    assert spark.state == "MISSING" and "pip install -e '.[spark]'" in spark.fix


def test_optional_pieces_missing_do_not_stop_the_default_build(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(doctor, "installed_version", lambda name: None)
    code = main(["doctor"])
    out = capsys.readouterr().out
    optional = out.split("Optional:", 1)[1]
    assert "MISSING PySpark" in optional and "MISSING SQL drivers" in optional
    assert code == 0 and "The default build can run." in out


def test_first_useful_line_skips_blank_lines_and_stack_frames():
    text = "\n\nTraceback (most recent call last):\n  File \"x.py\", line 1\nerror: boom\n"
    assert doctor.first_useful_line(text) == "boom"
    assert doctor.first_useful_line("") == "it exits with an error and prints nothing"
