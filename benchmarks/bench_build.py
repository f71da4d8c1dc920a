"""Benchmark: `kmeans-report build` (pandoc engine) cold, unchanged, and after a template-only
change, against the notebook executed with `jupyter nbconvert --execute` in the same run.

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


def main() -> None:
    WORK.mkdir(exist_ok=True)
    repo = WORK / "repo"
    copy_repo(repo)
    build = [sys.executable, "-m", "report.cli", "build", "--engine", "pandoc",
             "--out", "_site", "--cache-dir", ".bench-cache"]
    baseline = notebook_baseline(WORK)
    cold = timed(build, repo)
    unchanged = timed(build, repo)
    template = repo / "templates" / "sections" / "roi.md.j2"
    template.write_text(template.read_text() + "\nA sentence added by the benchmark.\n")
    after_template = timed(build, repo)
    pages = sorted((repo / "_site").glob("*.html"), key=lambda p: p.stat().st_size)
    largest = pages[-1]
    rows = [
        ("notebook via nbconvert --execute (baseline)", f"{baseline:.2f}", "1.00", "—"),
        ("build, cold (empty cache)", f"{cold:.2f}", f"{cold / baseline:.2f}", "≤ 8 s"),
        ("build, nothing changed", f"{unchanged:.2f}", f"{unchanged / baseline:.2f}", "≤ 1 s"),
        ("build, after a template-only change", f"{after_template:.2f}",
         f"{after_template / baseline:.2f}", "≤ 2 s"),
    ]
    print_table(rows, ("default data, pandoc engine", "seconds", "ratio to nbconvert", "target"))
    print(f"\nLargest HTML page: {largest.name}, {largest.stat().st_size / 1024:.0f} KB (target ≤ 150 KB)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
