"""`kmeans-report preview` in a browser: an open page follows the edits of a template and of
report.yml without a manual reload, and a broken template shows its error over the last good
page, which stays served. Runs on a copy of the checkout, with each engine."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import ENGINES, checkout_env, copy_checkout, engine_param, settle

pytestmark = pytest.mark.e2e
BUILD_TIMEOUT = 600  # seconds; a cold Quarto build on a busy machine takes minutes
OVERLAY = "#kmeans-report-preview-error"


class Session:
    """A running preview: its checkout, URL and the log lines it has printed."""

    def __init__(self, repo: Path, engine: str) -> None:
        self.repo = repo
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kmeans_report.report.cli", "preview", "--engine", engine, "--port", "0",
             "--cache-dir", ".cache"],
            cwd=repo, env=checkout_env(repo), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()
        self.url = re.search(r"at (http://127\.0\.0\.1:\d+/)", self.wait_for("Previewing"))[1]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, after: int = 0, timeout: float = BUILD_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if text in line:
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"preview never printed {text!r}; its log:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture(params=[engine_param(name) for name in ENGINES])
def session(request, tmp_path):
    preview = Session(copy_checkout(tmp_path / "checkout"), request.param)
    try:
        preview.wait_for("preview: rebuilt")
        yield preview
    finally:
        assert preview.stop() == 0, "\n".join(preview.lines)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_open_pages_follow_edits_and_show_a_broken_template(session, page):
    template = session.repo / "templates" / "sections" / "roi.md.j2"
    good = template.read_text(encoding="utf-8")
    timeout = BUILD_TIMEOUT * 1000

    page.goto(session.url + "roi.html")
    settle(page)
    page.evaluate("() => { window.notReloaded = true; }")  # gone once the page reloads
    template.write_text(good + "\nA sentence the preview shows.\n", encoding="utf-8")
    page.wait_for_function(
        "() => (document.body?.innerText || '').includes('A sentence the preview shows')",
        timeout=timeout)
    assert page.evaluate("() => window.notReloaded === undefined")

    page.goto(session.url)
    settle(page)
    edit(session.repo / "report.yml", 'title: "Tier 4: K-Means Clustering"',
         'title: "Spring segments"')
    page.wait_for_function(  # the page's heading: the report's title
        "() => (document.querySelector('h1')?.innerText || '').includes('Spring segments')",
        timeout=timeout)

    page.goto(session.url + "roi.html")
    settle(page)
    mark = len(session.lines)
    template.write_text(good + "\nA sentence the preview shows.\n[% if %]\n", encoding="utf-8")
    overlay = page.wait_for_selector(OVERLAY, timeout=timeout)
    assert "roi.md.j2" in overlay.inner_text() and "TemplateSyntaxError" in overlay.inner_text()
    assert "roi.md.j2" in session.wait_for("kmeans-report preview: error", after=mark)
    assert "A sentence the preview shows" in page.inner_text("body")  # the last good page
    # ... which is what the server still serves, error shown to a page opened now too.
    page.goto(session.url + "roi.html")
    assert "roi.md.j2" in page.wait_for_selector(OVERLAY, timeout=timeout).inner_text()
    assert "A sentence the preview shows" in page.inner_text("main")

    template.write_text(good, encoding="utf-8")  # fixed: the page reloads without the overlay
    page.wait_for_function(
        "() => document.body && !document.body.innerText.includes('A sentence the preview shows')",
        timeout=timeout)
    assert page.query_selector(OVERLAY) is None
    assert page.watch.page_errors == [] and page.watch.external_requests == []
