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
    return [sys.executable, "-m", "kmeans_report.report.cli"]


def print_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def checkout_env(checkout: Path) -> dict[str, str]:
    """The environment that runs the code of `checkout` (a copy, or another version's
    sources): its folders linked under the installed names (kmeans_report.analysis, .report)
    in a folder of its own, put first on the import path (the notebook's kernel too)."""
    checkout = Path(checkout).resolve()
    if checkout == REPO.resolve():
        return dict(os.environ)  # the editable install maps the names to this checkout
    namespace = checkout / "_import" / "kmeans_report"
    namespace.mkdir(parents=True, exist_ok=True)
    for name in ("analysis", "report"):
        if not (namespace / name).exists():
            (namespace / name).symlink_to(checkout / name, target_is_directory=True)
    return {**os.environ, "PYTHONPATH": str(checkout / "_import")}
