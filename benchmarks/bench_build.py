"""Benchmark: the maintainer's loop and cold builds, each against its target, in one run.

For each engine (pandoc; Quarto when installed), medians over --repeats runs of:
- a build with nothing changed (target ≤ 0.3 s);
- a build after a template-only change (an added sentence in the ROI section's template;
  targets: pandoc ≤ 0.5 s, Quarto ≤ 2 s), and after a wording change in report.yml (the
  report's title; same targets);
- a cold build (empty cache) against, in the same run, the seed notebook's code executed by
  `jupyter nbconvert --execute` (pandoc: ≤ 1.0×) or a bare `quarto render` of the same
  generated project, kept with --keep-project (Quarto: ≤ 1.1×);
- a preview reload: from the end of the rebuild `preview` runs after a template edit to the
  open page showing the edit, in headless Chromium (≤ 1 s), and from the save.

Works on a copy of the repository (the templates and report.yml are edited there), under the
system temp folder. Prints a table with the load average and the date.
Usage: python benchmarks/bench_build.py [--repeats 3] [--engines pandoc quarto] [--no-preview]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from _common import REPO, WORK, checkout_env, print_table

NOTEBOOK_PLOT = '''
import plotly.graph_objects as go
from plotly.subplots import make_subplots
fig = make_subplots(rows=2, cols=2)
fig.add_trace(go.Scatter(x=list(range(2, 11)), y=[models[k].inertia_ for k in range(2, 11)]), row=1, col=1)
for c in range(3):
    part = data[data["cluster"] == c]
    fig.add_trace(go.Scatter(x=part["annual_spending"], y=part["visit_frequency"], mode="markers"), row=2, col=1)
fig.show()
'''
TEMPLATE = Path("templates") / "sections" / "roi.md.j2"


def copy_repo(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in files:
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)


def env_for(repo: Path) -> dict[str, str]:
    return checkout_env(repo)


def timed(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def notebook_baseline(folder: Path) -> float:
    """The seed notebook's code cells (data, K loop, dashboard) executed by nbconvert."""
    code = (REPO / "benchmarks" / "notebook_baseline.py").read_text()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code.split('"""', 2)[2]),
                                         nbformat.v4.new_code_cell(NOTEBOOK_PLOT)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "notebook.ipynb"
    nbformat.write(nb, path)
    return timed([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute",
                  str(path)], cwd=folder)


class Builds:
    """`kmeans-report build` with one engine in the repository copy."""

    def __init__(self, repo: Path, engine: str) -> None:
        self.repo, self.engine = repo, engine
        self.edits = 0

    def command(self, out: str, cache: str, *extra: str) -> list[str]:
        return [sys.executable, "-m", "kmeans_report.report.cli", "-q", "build", "--engine", self.engine,
                "--out", out, "--cache-dir", cache, *extra]

    def run(self, *extra: str, out: str = "", cache: str = "") -> float:
        return timed(self.command(out or f"_site-{self.engine}",
                                  cache or f".bench-cache-{self.engine}", *extra),
                     self.repo, env_for(self.repo))

    def edit_template(self, what: str = "build") -> str:
        """Adds a sentence found nowhere else in the site; returns it."""
        self.edits += 1
        sentence = f"Sentence {self.edits} of the {self.engine} {what} run."
        path = self.repo / TEMPLATE
        path.write_text(path.read_text() + f"\n{sentence}\n")
        return sentence

    def edit_title(self) -> None:
        self.edits += 1
        path = self.repo / "report.yml"
        text = re.sub(r'^  title: ".*"$', f'  title: "Segments, take {self.edits}"',
                      path.read_text(), count=1, flags=re.M)
        path.write_text(text)


def engine_rows(repo: Path, engine: str, repeats: int, baseline: float) -> list[tuple[str, ...]]:
    from kmeans_report.report.engines.quarto import find_quarto

    builds = Builds(repo, engine)
    colds, bares = [], []
    for i in range(repeats):
        cache, out, project = f".cold-cache-{i}", f"_cold-{i}", f"_cold-project-{i}"
        colds.append(builds.run("--keep-project", project, out=out, cache=cache))
        if engine == "quarto":
            bare = repo / f"_bare-{i}"
            shutil.copytree(repo / project, bare)
            bares.append(timed([find_quarto(), "render"], bare))
            shutil.rmtree(bare)
        shutil.rmtree(repo / cache)
        shutil.rmtree(repo / out)
        shutil.rmtree(repo / project)
    builds.run()  # a warm site and cache for the rebuilds below
    unchanged = [builds.run() for _ in range(repeats)]
    template, wording = [], []
    for _ in range(repeats):
        builds.edit_template()
        template.append(builds.run())
        builds.edit_title()
        wording.append(builds.run())
    pages = sorted((repo / f"_site-{engine}").glob("*.html"), key=lambda p: p.stat().st_size)
    print(f"{engine}: largest HTML page {pages[-1].name}, {pages[-1].stat().st_size / 1024:.0f} KB")
    quick = 0.5 if engine == "pandoc" else 2.0
    cold = median(colds)
    rows = []
    if engine == "pandoc":
        rows.append(("pandoc: cold build, site + PDF", f"{cold:.2f}",
                     f"{cold / baseline:.2f}× nbconvert", "≤ 1.0× nbconvert"))
    else:
        bare = median(bares)
        rows.append(("quarto: bare `quarto render` of the kept project", f"{bare:.2f}", "", ""))
        rows.append(("quarto: cold build, site + PDF", f"{cold:.2f}",
                     f"{cold / bare:.2f}× bare render", "≤ 1.1× bare render"))
    rows += [
        (f"{engine}: nothing changed", f"{median(unchanged):.2f}", "", "≤ 0.3 s"),
        (f"{engine}: template-only change", f"{median(template):.2f}", "", f"≤ {quick} s"),
        (f"{engine}: config wording change (title)", f"{median(wording):.2f}", "",
         f"≤ {quick} s"),
    ]
    return rows


def preview_latency(repo: Path, engine: str, repeats: int) -> tuple[float, float]:
    """(rebuild done -> page shows it, save -> page shows it), medians, in seconds."""
    from playwright.sync_api import sync_playwright

    lines: list[tuple[float, str]] = []
    process = subprocess.Popen(
        [sys.executable, "-m", "kmeans_report.report.cli", "preview", "--engine", engine, "--port", "0",
         "--out", f"_preview-{engine}", "--cache-dir", f".bench-cache-{engine}"],
        cwd=repo, env=env_for(repo), text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    threading.Thread(target=lambda: [lines.append((time.perf_counter(), line))
                                     for line in process.stdout], daemon=True).start()

    def wait_line(text: str, after: int) -> tuple[int, float, str]:
        deadline = time.perf_counter() + 900
        while time.perf_counter() < deadline:
            for index in range(after, len(lines)):
                if text in lines[index][1]:
                    return index, *lines[index]
            time.sleep(0.01)
        raise RuntimeError(f"preview never printed {text!r}")

    after_reload, after_save = [], []
    try:
        index, _, line = wait_line("Previewing", 0)
        url = re.search(r"(http://127\.0\.0\.1:\d+/)", line)[1]
        index, _, _ = wait_line("preview: rebuilt", index)
        builds = Builds(repo, engine)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(url + "roi.html")
            page.wait_for_load_state("load")
            for _ in range(repeats):
                sentence = builds.edit_template("preview")
                saved = time.perf_counter()
                page.wait_for_function(f"() => document.body.innerText.includes({sentence!r})",
                                       timeout=900_000)
                shown = time.perf_counter()
                index, rebuilt, _ = wait_line("preview: rebuilt", index + 1)
                after_reload.append(shown - rebuilt)
                after_save.append(shown - saved)
            browser.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
    return median(after_reload), median(after_save)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engines", nargs="+", default=None, choices=["pandoc", "quarto"])
    parser.add_argument("--no-preview", action="store_true", help="skip the browser reload row")
    args = parser.parse_args()
    from kmeans_report.report.engines.quarto import find_quarto

    engines = args.engines or ["pandoc"] + (["quarto"] if find_quarto() else [])
    WORK.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(dir=WORK, prefix="build-") as scratch:
        repo = Path(scratch) / "repo"
        copy_repo(repo)
        baseline = median([notebook_baseline(Path(scratch)) for _ in range(args.repeats)])
        rows = [("seed notebook via nbconvert --execute", f"{baseline:.2f}", "1.00", "")]
        for engine in engines:
            rows += engine_rows(repo, engine, args.repeats, baseline)
            if not args.no_preview:
                reload, save = preview_latency(repo, engine, args.repeats)
                rows.append((f"{engine}: preview, rebuild done -> page shows it", f"{reload:.2f}",
                             "", "≤ 1 s"))
                rows.append((f"{engine}: preview, save -> page shows it", f"{save:.2f}", "", ""))
    load_after = os.getloadavg()
    print(f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; medians of {args.repeats} "
          f"runs; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
          f"({os.cpu_count()} cores)")
    print_table(rows, ("default data", "seconds", "ratio", "target"))
    if args.engines is None and "quarto" not in engines:
        print("\n(Quarto is not installed: its rows are missing; see `kmeans-report doctor`.)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.path.insert(0, str(REPO))
    main()
