"""Shared fixtures: the default analysis (run once per session), config-file helpers, and a
headless Chromium for browser tests (see tests/helpers.py for the plain helpers)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.helpers import CHROMIUM_ARGS, ENGINES, chromium_path, engine_param

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def default_config():
    from kmeans_report.analysis.config import load_config

    return load_config(REPO / "report.yml")


@pytest.fixture(scope="session")
def default_output(default_config):
    from kmeans_report.analysis.pipeline import run_analysis

    return run_analysis(default_config)


@pytest.fixture(scope="session")
def default_results(default_output):
    return default_output.results


@pytest.fixture
def write_config(tmp_path):
    """Write a config file: the default report.yml with some sections replaced or merged."""

    def write(
        overrides: dict | None = None, *, name: str = "report.yml", raw: str | None = None
    ) -> Path:
        path = tmp_path / name
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
            return path
        data = yaml.safe_load((REPO / "report.yml").read_text(encoding="utf-8"))
        for key, value in (overrides or {}).items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        # report.yml cites the CITATION.cff and names the changelog beside it
        for beside in ("CITATION.cff", "notebook-changelog.md"):
            if not (path.parent / beside).exists():
                (path.parent / beside).write_bytes((REPO / beside).read_bytes())
        return path

    return write

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
        self.requests: list[str] = []  # every URL the page asked for


@pytest.fixture
def page(browser):
    """A fresh page (own context) that blocks and records any request leaving 127.0.0.1.
    `page.watch` is a PageWatch with the console errors, page errors and external requests."""
    context = browser.new_context()
    watch = PageWatch()

    def guard(route):
        url = route.request.url
        watch.requests.append(url)
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


@pytest.fixture(scope="session")
def site_builder(tmp_path_factory):
    """Builds the default report once per render engine: (site folder, project folder).
    The engines share one cache, so the analysis and figures are computed once."""
    from kmeans_report.analysis.progress import Progress
    from kmeans_report.report.build import build_site

    cache = tmp_path_factory.mktemp("shared-cache")
    built: dict[str, tuple[Path, Path]] = {}

    def build(engine: str) -> tuple[Path, Path]:
        if engine not in built:
            root = tmp_path_factory.mktemp(f"built-{engine}")
            result = build_site(
                REPO / "report.yml", root / "_site", engine, cache_dir=cache,
                progress=Progress(enabled=False), project_dir=root / "project",
            )
            built[engine] = (result.out_dir, root / "project")
        return built[engine]

    build.cache = cache
    return build


@pytest.fixture(scope="session")
def built_site(site_builder):
    """The default report built with the pandoc engine: (site folder, project folder)."""
    return site_builder("pandoc")


@pytest.fixture(scope="module", params=[engine_param(name) for name in ENGINES])
def engine_site(request, site_builder):
    """The default report built with each engine in turn (Quarto skips without Quarto):
    (site folder, project folder, engine name)."""
    site, project = site_builder(request.param)
    return site, project, request.param


# -- databases for the SQL source (data.source: sql) ---------------------------------------------

PG_PASSWORD = "kr-Test:p@ss/w0rd"  # holds :, @ and / on purpose: ${VAR} expansion must cope
PG_PASSWORD_VAR = "KMEANS_REPORT_TEST_PGPASSWORD"


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for the session (tests/pg_cluster.py), stopped after."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (bash .ci/setup --tests installs it, or pip install -e '.[sql]' in the checkout)")
    from tests.pg_cluster import PgCluster, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    cluster = PgCluster(password=PG_PASSWORD).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(postgres, monkeypatch):
    """The cluster's URL with the password as ${VAR}, the variable set for this test."""
    monkeypatch.setenv(PG_PASSWORD_VAR, PG_PASSWORD)
    return (f"postgresql+psycopg://{postgres.user}:${{{PG_PASSWORD_VAR}}}@127.0.0.1:"
            f"{postgres.port}/{postgres.database}")
@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session for every Spark test (the backend reuses an active session);
    skips, saying why, where PySpark or Java cannot be had."""
    import shutil

    pytest.importorskip("pyspark", reason="PySpark is not installed: bash .ci/setup --tests installs it, or pip install -e '.[spark]' in the checkout")
    if shutil.which("java") is None:
        pytest.skip("no Java on PATH (Debian: openjdk-17-jre-headless; bash .ci/setup --tests installs it)")
    from kmeans_report.analysis.backends.spark.session import start_session
    from kmeans_report.analysis.config import SparkOptions

    spark = start_session(SparkOptions(master="local[2]", app_name="kmeans-report-tests",
                                       conf={"spark.sql.shuffle.partitions": 4}))
    try:
        yield spark
    finally:
        spark.stop()
