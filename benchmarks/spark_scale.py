"""Benchmark: the Spark backend (PySpark, `local[2]`) against the local path, in one run.

1. Planted segments at 1M rows: `analyze` with each backend on the same table (a Parquet
   file for the local path, the same rows as a folder of Parquet parts for Spark): chosen K,
   ARI between the two assignments, final inertia ratio, wall time.
2. One Lloyd pass of MLlib's KMeans at 1M and 10M rows: (time of 11 iterations - time of 1)
   / 10 from the same poor start, per row: the figure docs/scale-out.md's cost model uses.
3. 10M rows: full `build` (pandoc engine) with the Spark backend and with the local path:
   wall time, peak RSS of the kmeans-report (driver) process, and peak RSS of Spark's JVM,
   sampled from /proc every 0.5 s.

Then issue 20's Spark targets in one table, each figure with the 1-minute load average
measured right after it: the 10M full build (<= 10 min), 1M `analyze` on Spark against the
local path in the same run (<= 3x local or <= 60 s, whichever is larger), the same K and
ARI >= 0.99 against the local path, driver RSS <= 1 GB.

Every analysis and build is a fresh process. Usage (--rows-1m / --rows-10m to check the
script on smaller tables; the working folder is KMEANS_BENCH_WORK or the system's temp):
    python benchmarks/spark_scale.py [quality] [lloyd] [build] [--rows-1m N] [--rows-10m N]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import REPO, print_table

WORK = Path(os.environ.get("KMEANS_BENCH_WORK", tempfile.gettempdir())) / "kmeans-report-bench-spark"
TARGETS: list[tuple[str, ...]] = []  # (what, measured, target, met, load average)
ENV = dict(os.environ)  # the editable install runs this checkout
CLI = [sys.executable, "-m", "kmeans_report.report.cli", "-q"]
DRIVER_MEMORY = "4g"  # local mode: the driver JVM is the executor too, and caches the table


def make_data(rows: int, parts: bool) -> Path:
    name = f"customers-{rows}-p4" + ("-parts" if parts else "") + ".parquet"
    path = WORK / name
    if not path.exists():
        extra = ["--parts"] if parts else []
        subprocess.run([*CLI, "make-data", "--rows", str(rows), "--out", str(path),
                        "--planted-segments", "4", *extra], cwd=REPO, env=ENV, check=True)
    return path


def write_config(rows: int, backend: str) -> Path:
    path = WORK / f"{backend}-{rows}.yml"
    text = (f"data: {{source: file, path: {make_data(rows, False).name}, "
            "id_column: customer_id}\n"
            f"clustering: {{chosen_k: auto, backend: {backend}}}\n")
    if backend == "spark":
        text += (f"spark: {{master: 'local[2]', path: {make_data(rows, True).name}, "
                 f"conf: {{spark.driver.memory: {DRIVER_MEMORY}}}}}\n")
    path.write_text(text, encoding="utf-8")
    return path


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                children = [int(c) for c in task.read_text().split()]
            except OSError:
                children = []
            found += children
            todo += children
    return found


def _is_java(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "java"
    except OSError:
        return False


def run_measured(args: list[str]) -> dict[str, float]:
    """Wall seconds, peak RSS (GB) of the command's own process and of its JVM descendants."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL)
    peaks = {"driver": 0, "jvm": 0}

    def sample():
        while process.poll() is None:
            peaks["driver"] = max(peaks["driver"], _rss_kb(process.pid))
            jvm = sum(_rss_kb(p) for p in _descendants(process.pid) if _is_java(p))
            peaks["jvm"] = max(peaks["jvm"], jvm)
            time.sleep(0.5)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    if process.wait() != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    seconds = time.perf_counter() - start
    watcher.join()
    return {"seconds": seconds, "driver_gb": peaks["driver"] / 1024**2,
            "jvm_gb": peaks["jvm"] / 1024**2}


def quality(rows: int = 1_000_000) -> None:
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    out, runs = {}, {}
    for backend in ("sklearn", "spark"):
        out[backend] = WORK / f"analyze-{backend}-{rows}"
        runs[backend] = run_measured([*CLI, "analyze", "--config", str(write_config(rows, backend)),
                                      "--out", str(out[backend])])
    results = {b: json.loads((out[b] / "results.json").read_text()) for b in out}
    local = pd.read_parquet(out["sklearn"] / "assignments.parquet")
    spark = pd.read_parquet(out["spark"] / "assignments.parquet")
    joined = local.merge(spark, on="customer_id", suffixes=("_l", "_s"))
    assert len(joined) == rows
    ari = adjusted_rand_score(joined.cluster_l, joined.cluster_s)
    ratio = results["spark"]["final_inertia"] / results["sklearn"]["final_inertia"]
    planted = {b: results[b]["stability"]["planted_ari"] for b in results}
    print(f"\n## Planted segments, {rows:,} rows (4 planted)\n")
    print_table([
        ("local (scikit-learn)", str(results["sklearn"]["selection"]["chosen_k"]),
         f"{runs['sklearn']['seconds']:.1f}", "1.0000", "—"),
        ("Spark (local[2])", str(results["spark"]["selection"]["chosen_k"]),
         f"{runs['spark']['seconds']:.1f}", f"{ratio:.5f}", f"{ari:.5f}"),
    ], ("analyze", "chosen K", "seconds", "inertia / local", "ARI vs local"))
    print(f"\nsilhouette: local {results['sklearn']['quality']['silhouette']:.4f}, Spark "
          f"{results['spark']['quality']['silhouette']:.4f} ± "
          f"{final_se(results['spark']):.4f}; planted ARI {planted}")
    load = f"{os.getloadavg()[0]:.1f}"
    local_s, spark_s = runs["sklearn"]["seconds"], runs["spark"]["seconds"]
    allowed = max(3 * local_s, 60.0)
    same_k = results["spark"]["selection"]["chosen_k"] == results["sklearn"]["selection"]["chosen_k"]
    TARGETS.extend([
        (f"{rows:,} analyze, Spark vs local (s)", f"{spark_s:.1f} vs {local_s:.1f}",
         f"<= {allowed:.0f}", _yes(spark_s <= allowed), load),
        ("same chosen K", f"{results['spark']['selection']['chosen_k']} / "
         f"{results['sklearn']['selection']['chosen_k']}", "equal", _yes(same_k), load),
        ("ARI vs local", f"{ari:.4f}", ">= 0.99", _yes(ari >= 0.99), load),
        ("driver RSS, Spark analyze (GB)", f"{runs['spark']['driver_gb']:.2f}", "<= 1",
         _yes(runs["spark"]["driver_gb"] <= 1.0), load),
    ])


def _yes(met: bool) -> str:
    return "yes" if met else "no"


def final_se(results: dict) -> float:
    k = results["selection"]["chosen_k"]
    return next(r["silhouette_se"] for r in results["sweep"] if r["k"] == k)


def lloyd(sizes=(1_000_000, 10_000_000)) -> None:
    """Seconds per row of one MLlib Lloyd pass, in one local[2] session."""
    from types import SimpleNamespace

    import numpy as np
    from pyspark.ml.feature import StandardScaler, VectorAssembler

    from kmeans_report.analysis.backends.spark.kmeans import refine
    from kmeans_report.analysis.backends.spark.session import start_session
    from kmeans_report.analysis.config import SparkOptions

    spark = start_session(SparkOptions(master="local[2]",
                                       conf={"spark.driver.memory": DRIVER_MEMORY}))
    columns = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]
    rows = []
    for n in sizes:
        raw = spark.read.parquet(str(make_data(n, True))).select(
            *[spark_col(c) for c in columns])
        assembled = VectorAssembler(inputCols=columns, outputCol="raw").transform(raw)
        scaled = StandardScaler(withMean=True, withStd=True, inputCol="raw",
                                outputCol="features").fit(assembled).transform(assembled)
        frame = scaled.select("features").cache()
        frame.count()
        start = np.array([[3.0, 3.0, 3.0, 3.0], [-3, -3, -3, -3], [3, -3, 3, -3], [-3, 3, -3, 3]])
        timings = {}
        for iterations in (1, 11):
            opts = SimpleNamespace(max_iter=iterations, random_state=42)
            fitted = refine(spark, frame, 4, start, opts)
            timings[iterations] = (fitted.seconds, fitted.n_iter)
        passes = timings[11][1] - timings[1][1]
        per_pass = (timings[11][0] - timings[1][0]) / passes
        rows.append((f"{n:,}", str(passes), f"{per_pass:.2f}", f"{per_pass / n * 1e9:.0f}"))
        frame.unpersist()
    spark.stop()
    print("\n## One MLlib Lloyd pass (local[2], 4 features, K = 4)\n")
    print_table(rows, ("rows", "passes timed", "seconds per pass", "ns per row"))


def spark_col(name: str):
    import pyspark.sql.functions as F

    return F.col(name).cast("double").alias(name)


def build(rows: int = 10_000_000) -> None:
    import shutil

    table = []
    for backend in ("spark", "sklearn"):
        site, cache = WORK / f"site-{backend}-{rows}", WORK / f"cache-{backend}-{rows}"
        for folder in (site, cache):
            shutil.rmtree(folder, ignore_errors=True)
        run = run_measured([*CLI, "build", "--config", str(write_config(rows, backend)),
                            "--engine", "pandoc", "--out", str(site), "--cache-dir", str(cache)])
        results = json.loads((site / "downloads" / "results.json").read_text())
        table.append((backend, f"{run['seconds']:.1f}", f"{run['driver_gb']:.2f}",
                      f"{run['jvm_gb']:.2f}" if backend == "spark" else "—",
                      str(results["selection"]["chosen_k"]),
                      json.dumps({k: round(v) for k, v in results["run"]["seconds"].items()})))
        if backend == "spark":
            TARGETS.append((f"{rows:,} full build, Spark (s)", f"{run['seconds']:.1f}", "<= 600",
                            _yes(run["seconds"] <= 600), f"{os.getloadavg()[0]:.1f}"))
            TARGETS.append(("driver RSS, Spark build (GB)", f"{run['driver_gb']:.2f}", "<= 1",
                            _yes(run["driver_gb"] <= 1.0), f"{os.getloadavg()[0]:.1f}"))
    print(f"\n## Full build, {rows:,} rows (pandoc engine)\n")
    print_table(table, ("backend", "seconds", "driver RSS (GB)", "JVM RSS (GB)", "K",
                        "analysis steps (s)"))


def main() -> None:
    args = sys.argv[1:]
    rows_1m, rows_10m = 1_000_000, 10_000_000
    if "--rows-1m" in args:
        rows_1m = int(args[args.index("--rows-1m") + 1])
    if "--rows-10m" in args:
        rows_10m = int(args[args.index("--rows-10m") + 1])
    chosen = [a for a in args if a in ("quality", "lloyd", "build")] or ["quality", "lloyd", "build"]
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    if "quality" in chosen:
        quality(rows_1m)
    if "lloyd" in chosen:
        lloyd((rows_1m, rows_10m))
    if "build" in chosen:
        build(rows_10m)
    if TARGETS:
        print("\n## Issue 20's Spark targets (local[2])\n")
        print_table(TARGETS, ("what", "measured", "target", "met", "load average"))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
