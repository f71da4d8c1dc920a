"""Fixtures shared by every test suite (see tests/helpers.py for the plain helpers)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.helpers import CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; skips when it cannot be had."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not on PATH (Debian package 'chromium'; .ci/setup installs it)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class PageWatch:
    """What a page did that a test may want to forbid: console errors, page errors, and
    requests to any host but 127.0.0.1 (those are blocked as well as recorded)."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external_requests: list[str] = []


@pytest.fixture
def page(browser):
    """A fresh page (own context) that blocks and records any request leaving 127.0.0.1.
    `page.watch` is a PageWatch with the console errors, page errors and external requests."""
    context = browser.new_context()
    watch = PageWatch()

    def guard(route):
        url = route.request.url
        host = urlsplit(url).hostname
        if urlsplit(url).scheme in ("data", "blob", "about") or host == "127.0.0.1":
            route.continue_()
        else:
            watch.external_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    new_page = context.new_page()

    def on_console(msg):
        if msg.type == "error":
            watch.console_errors.append(msg.text)

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))
    new_page.watch = watch
    try:
        yield new_page
    finally:
        context.close()
