"""The README and docs/ say what is true: every shell block is marked as run here or says why
not, and the marked ones run as written, page by page, in a fresh folder, as a reader would
type them; every link resolves; every command and option is documented; the README stays a
front door."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kmeans_report.report.cli_parser import build_parser

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"(?P<marker><!--(?P<note>[^>]*)-->\n)?```sh\n(?P<body>.*?)```", re.DOTALL)
MAX_README_LINES = 150


def shell_blocks(page: Path) -> list[tuple[int, str, str]]:
    """(line, marker note, body) of each ```sh block."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, (m["note"] or "").strip(), m["body"])
            for m in FENCE.finditer(text)]


def runnable(page: Path) -> list[tuple[int, str]]:
    return [(line, body) for line, note, body in shell_blocks(page) if note == "runnable"]


def test_every_shell_block_is_run_or_says_why_not():
    for page in PAGES:
        for line, note, _ in shell_blocks(page):
            where = f"{page.relative_to(REPO)}:{line}"
            assert note == "runnable" or re.match(r"not run: \S.{10,}", note), (
                f"{where}: mark the block <!-- runnable --> (tests/test_docs.py runs it) or "
                "<!-- not run: why -->")
    assert sum(len(runnable(page)) for page in PAGES) >= 8


def test_the_readme_is_a_front_door():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_README_LINES
    for picture in re.findall(r'src="(docs/images/[^"]+\.png)"', text):
        assert (REPO / picture).stat().st_size > 5_000, picture
    assert "docs/images/site-home.png" in text and "docs/images/pdf-cover.png" in text


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_link_between_pages_resolves():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text)
        for target in targets:
            if re.match(r"[a-z]+:", target):
                continue  # http(s): and mailto: links
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            assert resolved.exists(), f"{page.relative_to(REPO)}: {target} does not exist"
            if anchor and resolved.suffix == ".md":
                assert anchor in _anchors(resolved), f"{page.relative_to(REPO)}: {target}"


def test_every_command_and_option_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    reference = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    sections = {m[1]: m[2] for m in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", reference,
                                                 flags=re.MULTILINE | re.DOTALL)}
    for name, command in commands.items():
        assert f"kmeans-report {name}" in readme or f"/ `{name}" in readme, name
        section = next(text for title, text in sections.items() if f"`{name}`" in title)
        for action in command._actions:
            for option in action.option_strings:
                if option in ("-h", "--help", "-q", "--quiet", "--debug"):
                    continue
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", section), \
                    f"{name} {option} is not in docs/commands.md"
    assert "go before the command or after it" in reference


# The runnable blocks, page by page: what each page's blocks leave behind, checked after
# they ran, so that a block that "succeeds" without doing its job fails too.
EXPECTED = {
    "README.md": ["customers.csv", "my-report.yml", "my-site/index.html",
                  "my-site/downloads/report.pdf"],
    "docs/commands.md": ["results/results.json", "parts", "assigned.csv", "assign.sql"],
    "docs/sql.md": ["crm.duckdb", "report.yml", "results/results.json"],
    "docs/publishing.md": ["public/versions.json", "public/1.0.0/index.html",
                           "public/1.1.0/index.html", "public/latest/index.html"],
    "docs/scale-out.md": ["site/index.html", "site/downloads/report.pdf"],
    "docs/engines.md": [],
}


def test_the_pages_with_runnable_blocks_are_the_ones_checked_below():
    pages = {str(p.relative_to(REPO)) for p in PAGES if runnable(p)}
    assert pages == set(EXPECTED)


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_runnable_blocks_run_as_written(name, tmp_path):
    page = REPO / name
    venv = Path(sys.prefix)
    assert (venv / "bin" / "kmeans-report").exists(), (
        f"the tests run from an environment without kmeans-report's command ({venv}); run "
        "them as the README says: bash .ci/setup --tests && .venv/bin/python -m pytest")
    if name == "docs/scale-out.md":
        if importlib.util.find_spec("pyspark") is None:
            pytest.skip("PySpark is not installed (bash .ci/setup --tests installs it)")
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            pytest.skip("no Java on PATH (bash .ci/setup --tests installs it)")
    work = tmp_path / "reader"
    work.mkdir()
    (work / ".venv").symlink_to(venv)  # the checkout's .venv, as the README's commands expect
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(venv), "EDITOR": "true", "HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    for line, body in runnable(page):
        proc = subprocess.run(["bash", "-e", "-u", "-o", "pipefail", "-c", body], cwd=work,
                              env=env, capture_output=True, text=True, timeout=1200)
        assert proc.returncode == 0, (
            f"{name}:{line} failed (exit {proc.returncode}):\n{body}\n"
            f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}")
    for expected in EXPECTED[name]:
        assert (work / expected).exists(), f"{name}: the blocks left no {expected}"
    if name == "docs/scale-out.md":  # the config names no master: spark-submit's is kept
        provenance = (work / "site" / "provenance.html").read_text(encoding="utf-8")
        assert re.search(r"Spark master</td>\s*<td[^>]*>local\[2\]<", provenance)
    if name == "docs/publishing.md":
        versions = (work / "public" / "versions.json").read_text(encoding="utf-8")
        assert '"1.1.0: new data"' in versions
    if name == "docs/scale-out.md":
        methods = (work / "site" / "methods.html").read_text(encoding="utf-8")
        assert "Apache Spark" in methods and "local[2]" in methods
