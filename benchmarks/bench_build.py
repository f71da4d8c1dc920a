"""Benchmark: `kmeans-report build` with each engine (pandoc; Quarto when installed) cold,
unchanged, and after a template-only change, against the notebook executed with
`jupyter nbconvert --execute` in the same run.

Runs on a copy of the repository (benchmarks/_work/repo) so that the template change never
touches your checkout. Usage: python benchmarks/bench_build.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from _common import REPO, WORK, print_table

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


def copy_repo(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


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


def engine_runs(repo: Path, engine: str, baseline: float) -> list[tuple[str, ...]]:
    """Cold, unchanged and template-only builds with one engine (its own cache and output)."""
    build = [sys.executable, "-m", "report.cli", "build", "--engine", engine,
             "--out", f"_site-{engine}", "--cache-dir", f".bench-cache-{engine}"]
    cold = timed(build, repo)
    unchanged = timed(build, repo)
    template = repo / "templates" / "sections" / "roi.md.j2"
    template.write_text(template.read_text() + f"\nA sentence added for the {engine} run.\n")
    after_template = timed(build, repo)
    pages = sorted((repo / f"_site-{engine}").glob("*.html"), key=lambda p: p.stat().st_size)
    print(f"{engine}: largest HTML page {pages[-1].name}, {pages[-1].stat().st_size / 1024:.0f} KB")
    ratio = lambda t: f"{t / baseline:.2f}"  # noqa: E731
    return [
        (f"{engine}: build, cold (empty cache)", f"{cold:.2f}", ratio(cold)),
        (f"{engine}: build, nothing changed", f"{unchanged:.2f}", ratio(unchanged)),
        (f"{engine}: build, after a template-only change", f"{after_template:.2f}",
         ratio(after_template)),
    ]


def main() -> None:
    WORK.mkdir(exist_ok=True)
    repo = WORK / "repo"
    copy_repo(repo)
    from report.engines.quarto import find_quarto

    engines = ["pandoc"] + (["quarto"] if find_quarto() else [])
    baseline = notebook_baseline(WORK)
    rows = [("notebook via nbconvert --execute (baseline)", f"{baseline:.2f}", "1.00")]
    for engine in engines:
        rows += engine_runs(repo, engine, baseline)
    print_table(rows, ("default data", "seconds", "ratio to nbconvert"))
    if "quarto" not in engines:
        print("\n(Quarto is not installed: its rows are missing; see `kmeans-report doctor`.)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.path.insert(0, str(REPO))
    main()
