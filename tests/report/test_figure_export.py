"""Figure export: HTML fragments without CDN, valid SVGs from one browser session, cache."""

from __future__ import annotations

import json
import shutil
import time
import types
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from kmeans_report.analysis.config import load_config
from kmeans_report.analysis.figures import build_all
from kmeans_report.analysis.figures import style as st
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.report import figure_export, svg_session
from kmeans_report.report.errors import RenderError, ReportError
from kmeans_report.report.figure_export import figure_hash, figure_json, write_figures

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium not on PATH (apt-get install chromium)")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def results():
    return run_analysis(load_config(ROOT / "report.yml")).results


@pytest.fixture(scope="module")
def specs(results):
    return build_all(results)


def _count_browser_launches(mp: pytest.MonkeyPatch) -> list[int]:
    import kaleido

    launches: list[int] = []
    original = kaleido.Kaleido.open

    async def counting_open(self):
        launches.append(1)
        return await original(self)

    mp.setattr(kaleido.Kaleido, "open", counting_open)
    return launches


@pytest.fixture(scope="module")
def exported(specs, tmp_path_factory):
    """All figures exported once (cold cache), counting browser launches and time."""
    if CHROMIUM is None:
        pytest.skip("Debian chromium not on PATH (apt-get install chromium)")
    out = tmp_path_factory.mktemp("figures")
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        launches = _count_browser_launches(mp)
        start = time.perf_counter()
        files = write_figures(specs, out, cache_dir=cache)
        seconds = time.perf_counter() - start
    return {"files": files, "out": out, "cache": cache, "launches": launches, "seconds": seconds}


def _svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()  # raises on invalid XML
    assert root.tag == f"{SVG}svg"
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


# ------------------------------------------------------------------ interactive JSON


def test_chart_json_is_data_with_our_config_and_no_url(specs):
    for name, spec in specs.items():
        payload = json.loads(figure_json(spec))
        assert set(payload) == {"data", "layout", "config"}, name
        assert payload["config"] == {"displaylogo": False, "responsive": True,
                                     "displayModeBar": False}
        text = figure_json(spec)
        assert "http://" not in text and "https://" not in text, name
        assert all("uid" not in trace for trace in payload["data"])  # stable bytes


def test_figure_hash_is_stable_and_content_sensitive(results, specs):
    again = build_all(results)
    for name, spec in specs.items():
        assert figure_hash(spec.figure, spec.width, spec.height) == figure_hash(
            again[name].figure, spec.width, spec.height)
    elbow = specs["elbow"]
    assert figure_hash(elbow.figure, 760, 440) != figure_hash(elbow.figure, 800, 440)
    changed = replace(results, selection=replace(results.selection, chosen_k=4))
    assert figure_hash(build_all(changed)["elbow"].figure, 760, 440) != figure_hash(
        elbow.figure, 760, 440)


def test_missing_chromium_raises_render_error_with_the_fix(specs, tmp_path, monkeypatch):
    monkeypatch.setattr(figure_export.shutil, "which", lambda name: None)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    with pytest.raises(RenderError, match=r"apt-get install chromium") as info:
        write_figures({"elbow": specs["elbow"]}, tmp_path)
    assert isinstance(info.value, ReportError)


# ------------------------------------------------------------------ SVGs (need chromium)


@needs_chromium
def test_every_figure_is_written_as_json_and_valid_svg(exported, specs):
    files = exported["files"]
    assert list(files) == list(specs)
    for name, item in files.items():
        assert json.loads(item.json.read_text(encoding="utf-8"))["data"]
        assert item.svg.stat().st_size > 1000
        assert item.hash == figure_hash(specs[name].figure, specs[name].width, specs[name].height)
        assert not item.cached
        _svg_text(item.svg)


@needs_chromium
def test_svgs_carry_the_expected_text(exported, results):
    files = exported["files"]
    k = results.selection.chosen_k
    elbow = _svg_text(files["elbow"].svg)
    assert "Number of clusters (K)" in elbow and f"chosen K = {k}" in elbow
    scatter = _svg_text(files["segments-scatter"].svg)
    for seg in results.segments:
        assert f"Cluster {seg.cluster} — {seg.name}" in scatter
    assert "Davies–Bouldin (lower is better)" in _svg_text(files["validity-indices"].svg)
    assert f"{results.roi.net_roi_pct:,.0f}%" in _svg_text(files["roi-sensitivity"].svg)
    root = ET.parse(files["elbow"].svg).getroot()
    assert float(root.get("width")) == st.WIDTH


@needs_chromium
def test_all_figures_share_one_browser_session(exported):
    # Chromium is started once for all figures (~2.5 s to start, ~0.3 s per figure after
    # that on the dev machine). Counted rather than timed: wall time depends on machine load.
    assert len(exported["launches"]) == 1


@needs_chromium
def test_cache_reuses_svgs_without_a_browser(exported, specs, tmp_path, monkeypatch):
    cache = exported["cache"]
    assert {p.stem for p in cache.glob("*.svg")} == {f.hash for f in exported["files"].values()}
    launches = _count_browser_launches(monkeypatch)
    monkeypatch.setattr(figure_export.shutil, "which", lambda name: None)  # no browser needed
    files = write_figures(specs, tmp_path, cache_dir=cache)
    assert launches == []
    assert all(item.cached for item in files.values())
    for name, item in files.items():
        assert item.svg.read_bytes() == exported["files"][name].svg.read_bytes()


@needs_chromium
def test_only_changed_figures_are_drawn(exported, results, tmp_path, monkeypatch):
    changed = replace(results, selection=replace(results.selection, elbow_k=None))  # elbow only
    specs = build_all(changed)
    launches = _count_browser_launches(monkeypatch)
    files = write_figures(specs, tmp_path, cache_dir=exported["cache"])
    assert launches == [1]
    assert [n for n, f in files.items() if not f.cached] == ["elbow"]
    assert "no clear elbow detected" in _svg_text(files["elbow"].svg)


@needs_chromium
def test_hostile_label_is_literal_text_in_the_svg(results, tmp_path):
    hostile = replace(results.segments[0], name="<script>alert(1)</script> & co")
    changed = replace(results, segments=[hostile, *results.segments[1:]])
    spec = build_all(changed)["segment-sizes"]
    files = write_figures({"segment-sizes": spec}, tmp_path)
    svg = files["segment-sizes"].svg
    root = ET.parse(svg).getroot()
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    # shown as text (axis ticks cut long names at 40 characters; tooltips keep them whole)
    assert "Cluster 0 — <script>alert(1)</script> &…" in _svg_text(svg)
    data = json.loads(files["segment-sizes"].json.read_text(encoding="utf-8"))["data"]
    # plotly shows labels as escaped text: the JSON holds entities, never a live tag
    assert "&lt;script&gt;" in json.dumps(data) and "<script>" not in json.dumps(data)


class _FakeTab:
    """A kaleido tab whose page answers `typeof kaleido_scopes` from a script of states."""

    def __init__(self, states):
        self.states, self.reloads = list(states), 0
        self.tab = self
        self._current_js_id = 1

    async def send_command(self, command, params):
        assert command == "Runtime.evaluate" and params["awaitPromise"]
        assert params["contextId"] == self._current_js_id
        state = self.states.pop(0)
        return {"error": {"message": "Cannot find context"}} if state is None else \
            {"result": {"result": {"type": "string", "value": state}}}

    async def reload(self):
        self.reloads += 1
        self._current_js_id += 1


def _wait_for(tab):
    import asyncio
    import concurrent.futures

    k = types.SimpleNamespace(tabs_ready=asyncio.Queue())
    k.tabs_ready.put_nowait(tab)
    # in a thread of its own: the browser tests leave an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, svg_session.wait_for_pages(k, timeout=5)).result()
    assert k.tabs_ready.qsize() == 1  # the tab is handed back for drawing, whatever happened


def test_a_loaded_page_is_drawn_on_without_a_reload():
    tab = _FakeTab(["object"])
    _wait_for(tab)
    assert tab.reloads == 0


@pytest.mark.parametrize("first", [None, "undefined"], ids=["context gone", "blank page"])
def test_a_tab_recorded_on_the_wrong_page_is_reloaded_before_the_first_figure(first):
    tab = _FakeTab([first, "object"])
    _wait_for(tab)
    assert tab.reloads == 1


def test_a_page_without_kaleidos_script_is_named_as_the_cause():
    with pytest.raises(RenderError, match="did not load its script.*kaleido_scopes"):
        _wait_for(_FakeTab(["undefined", "undefined"]))


@needs_chromium
def test_a_tab_whose_page_is_still_loading_waits_and_draws(specs, tmp_path, monkeypatch):
    """The start-up race made real: kaleido's tab is sent to its page again, without waiting,
    so the first figure would meet a page that is loading (or a context that is gone)."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    original = _KaleidoTab.navigate
    raced = []

    async def navigate_and_race(self, url=""):
        await original(self, url)
        await self.tab.send_command("Page.navigate", params={"url": url})
        raced.append(url)

    monkeypatch.setattr(_KaleidoTab, "navigate", navigate_and_race)
    files = write_figures({"segment-sizes": specs["segment-sizes"]}, tmp_path)
    assert raced and "Cluster 0" in _svg_text(files["segment-sizes"].svg)


@needs_chromium
def test_many_export_sessions_in_a_row_all_draw(specs, tmp_path):
    """Starting the export again and again (as builds do) never fails on start-up."""
    for attempt in range(8):
        out = tmp_path / str(attempt)
        files = write_figures({"segment-sizes": specs["segment-sizes"]}, out)
        _svg_text(files["segment-sizes"].svg)
