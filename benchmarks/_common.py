"""Small helpers for the benchmark scripts: timing commands in the same run, median of repeats."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Outside the repository: kmeans-report refuses to write output into its own source folders.
WORK = Path(os.environ.get("KMEANS_BENCH_WORK", Path(tempfile.gettempdir()) / "kmeans-report-bench"))


def time_command(args: list[str], repeats: int = 3, **kwargs) -> float:
    """Median wall time of a command over `repeats` runs (seconds); fails loudly on error."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def kmeans_report() -> list[str]:
    return [sys.executable, "-m", "report.cli"]


def print_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
