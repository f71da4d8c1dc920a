"""Benchmark: `kmeans-report analyze` on the default data vs the notebook's own loop.

Both run as fresh processes (imports included), in the same run, median of 3.
Usage: python benchmarks/bench_analyze.py
"""

from __future__ import annotations

import sys

from _common import REPO, WORK, kmeans_report, print_table, time_command


def main() -> None:
    WORK.mkdir(exist_ok=True)
    baseline = time_command([sys.executable, str(REPO / "benchmarks" / "notebook_baseline.py")])
    ours = time_command(
        [*kmeans_report(), "-q", "analyze", "--config", str(REPO / "report.yml"),
         "--out", str(WORK / "analyze")],
        cwd=REPO,
    )
    print_table(
        [
            ("notebook loop (plain script)", f"{baseline:.2f}", "1.00"),
            ("kmeans-report analyze", f"{ours:.2f}", f"{ours / baseline:.2f}"),
        ],
        ("default data, 1,000 customers", "seconds", "ratio to notebook"),
    )


if __name__ == "__main__":
    main()
