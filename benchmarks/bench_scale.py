"""Benchmark: the large-data path, against the notebook's method, in one run.

1. The notebook's method (exact silhouette for every K, `notebook_baseline.py N`) at 10k and
   40k customers, and `kmeans-report analyze` / `build` on the same data (`make-data --seed 42`
   of that size is the notebook's own draw).
2. 1M and 10M customers (4 planted segments, Parquet): full `build` (pandoc engine) wall time
   and peak RSS, then a rebuild with nothing changed and a forced re-render (`--rebuild`,
   analysis, figures and notebook cached).
3. Quality at 1M: final inertia against scikit-learn `KMeans(n_init=10)` on all rows (float64),
   ARI against the planted segments; sampled against exact silhouette at 20k rows.

Every command is a fresh process; peak RSS is the largest of its process tree
(getrusage(RUSAGE_CHILDREN) of a wrapper per command). Usage:
    python benchmarks/bench_scale.py [baseline] [large] [dtype] [silhouette] [--skip-10m]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, print_table

# Outside the repository: build and analyze refuse output folders inside source folders.
WORK = Path(tempfile.gettempdir()) / "kmeans-report-bench-scale"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}  # the Reproduce notebook's kernel too
CLI = [sys.executable, "-m", "report.cli", "-q"]
MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in GB) of a command run in a fresh wrapper process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *args], cwd=REPO, env=ENV,
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024**2


def make_data(rows: int, planted: int | None) -> Path:
    name = f"customers-{rows}" + (f"-p{planted}" if planted else "") + ".parquet"
    path = WORK / "scale" / name
    if not path.exists():
        extra = ["--planted-segments", str(planted)] if planted else []
        subprocess.run([*CLI, "make-data", "--rows", str(rows), "--out", str(path), *extra],
                       cwd=REPO, env=ENV, check=True)
    return path


def write_config(data: Path, chosen_k: str) -> Path:
    path = data.with_suffix(".yml")
    path.write_text(
        f"data: {{source: file, path: {data.name}, id_column: customer_id}}\n"
        f"clustering: {{chosen_k: {chosen_k}}}\n", encoding="utf-8")
    return path


def build_args(config: Path, tag: str, *extra: str) -> list[str]:
    folder = WORK / "scale"
    return [*CLI, "build", "--config", str(config), "--engine", "pandoc",
            "--out", str(folder / f"site-{tag}"), "--cache-dir", str(folder / f"cache-{tag}"),
            *extra]


def fresh(tag: str) -> None:
    import shutil

    for name in (f"site-{tag}", f"cache-{tag}"):
        shutil.rmtree(WORK / "scale" / name, ignore_errors=True)


def quality_1m(data: Path, site: Path) -> dict[str, float]:
    import numpy as np
    import pyarrow.parquet as pq
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    results = json.loads((site / "downloads" / "results.json").read_text())
    table = pq.read_table(data)
    columns = [f["column"] for f in results["data"]["features"]]
    X = StandardScaler().fit_transform(np.column_stack([table[c].to_numpy() for c in columns]))
    start = time.perf_counter()
    full = KMeans(results["selection"]["chosen_k"], n_init=10, random_state=42).fit(X)
    full_seconds = time.perf_counter() - start
    ours = pq.read_table(site / "downloads" / "assignments.parquet", columns=["cluster"])
    return {
        "k": results["selection"]["chosen_k"],
        "inertia_ratio": results["final_inertia"] / full.inertia_,
        "ari": adjusted_rand_score(table["planted_segment"].to_numpy(),
                                   ours["cluster"].to_numpy()),
        "full_fit_seconds": full_seconds,
        "analysis_seconds": sum(results["run"]["seconds"].values()),
    }


def silhouette_check() -> list[tuple[str, ...]]:
    """Sampled (10,000 and 2,000 rows) against exact silhouette of the same labels, 20k rows."""
    sys.path.insert(0, str(REPO))
    from sklearn.metrics import silhouette_score

    from analysis.config import validate_config
    from analysis.pipeline import run_analysis

    rows = []
    for planted in (None, 4):
        for size in (10_000, 2_000):
            config = validate_config({
                "data": {"synthetic": {"n_customers": 20_000, "planted_segments": planted}},
                "clustering": {"chosen_k": "auto" if planted else 3,
                               "large_data": {"mode": "on", "sweep_sample_size": 10_000},
                               "silhouette": {"exact_max_rows": 1_000, "sample_size": size}},
            })
            out = run_analysis(config)
            from analysis.cluster import make_scaler
            from analysis.sources import load_dataset

            frame = load_dataset(config).frame.to_numpy()
            X = make_scaler("standard").fit_transform(frame)
            exact = silhouette_score(X, out.assignments["cluster"].to_numpy())
            sampled, se = out.results.quality.silhouette, out.results.final.silhouette_se
            rows.append((f"{'planted 4' if planted else 'notebook'}, sample {size:,}",
                         f"{exact:.4f}", f"{sampled:.4f} ± {se:.4f}", f"{sampled - exact:+.4f}"))
    return rows


def dtype_check() -> list[tuple[str, ...]]:
    """The large path's K sweep + refine with a float32 vs a float64 matrix, 1M customers."""
    sys.path.insert(0, str(REPO))
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    from analysis import scale
    from analysis.backends.base import SweepRows
    from analysis.cluster import make_scaler
    from analysis.config import validate_config
    from analysis.pipeline import DriverSilhouette, sweep
    from analysis.progress import Progress
    from analysis.sources.synthetic import planted_customers

    opts = validate_config({"clustering": {"chosen_k": "auto"}}).clustering
    frame, _ = planted_customers(1_000_000, 4, 42)
    X64 = make_scaler("standard").fit_transform(frame.to_numpy(np.float64))
    rows, labels = [], {}
    for dtype in (np.float64, np.float32):
        X = np.ascontiguousarray(X64, dtype=dtype)
        start = time.perf_counter()
        sample = scale.sweep_sample_index(len(X), opts.large_data.sweep_sample_size, 42)
        held_out = scale.score_sample_index(len(X), sample, len(sample), 42)
        sweep_rows = SweepRows(X[sample].astype(np.float64), sample,
                               X[held_out].astype(np.float64))
        swept, models = sweep(sweep_rows, len(X), DriverSilhouette(X, len(X), True, opts),
                              opts, Progress(enabled=False))
        k = max(swept, key=lambda r: r.silhouette).k
        refined = scale.refine(X, k, models[k].cluster_centers_, opts)
        seconds = time.perf_counter() - start
        inertia, _, _ = scale.score_partition(X64, refined.labels, refined.model.cluster_centers_)
        labels[dtype] = refined.labels
        rows.append((np.dtype(dtype).name, f"{seconds:.1f}", f"{X.nbytes / 1e6:.0f}", str(k),
                     f"{inertia:,.1f}"))
    ari = adjusted_rand_score(labels[np.float64], labels[np.float32])
    rows.append(("agreement (ARI)", "", "", "", f"{ari:.6f}"))
    return rows


def main() -> None:
    (WORK / "scale").mkdir(parents=True, exist_ok=True)
    parts = [a for a in sys.argv[1:] if not a.startswith("-")] or [
        "baseline", "large", "dtype", "silhouette"]
    if "baseline" in parts:
        baseline_table()
    if "large" in parts:
        large_tables([1_000_000] + ([] if "--skip-10m" in sys.argv else [10_000_000]))
    if "dtype" in parts:
        print_table(dtype_check(), ("1M customers, sweep + refine", "seconds", "matrix (MB)",
                                    "chosen K", "final inertia (float64 sum)"))
        print(flush=True)
    if "silhouette" in parts:
        print_table(silhouette_check(), ("20,000 customers", "exact silhouette",
                                         "sampled (± SE)", "difference"))


def baseline_table() -> None:
    """The notebook's method against ours on the same data."""
    rows = []
    for n in (10_000, 40_000):
        config = write_config(make_data(n, None), "3")
        base, base_rss = measure([sys.executable, str(REPO / "benchmarks" / "notebook_baseline.py"),
                                  str(n)])
        analyze, _ = measure([*CLI, "analyze", "--config", str(config),
                              "--out", str(WORK / "scale" / f"analyze-{n}")])
        fresh(str(n))
        build, build_rss = measure(build_args(config, str(n)))
        rows.append((f"{n:,}", f"{base:.1f}", f"{analyze:.1f}", f"{analyze / base:.2f}",
                     f"{build:.1f}", f"{build / base:.2f}"))
    print_table(rows, ("customers", "notebook method (s)", "analyze (s)", "ratio",
                       "full build (s)", "ratio"))
    print(flush=True)


def large_tables(sizes: list[int]) -> None:
    """1M and 10M builds, then the quality checks at 1M."""
    rows, quality = [], None
    for n in sizes:
        data = make_data(n, 4)
        config = write_config(data, "auto")
        tag = f"{n // 1_000_000}m"
        fresh(tag)
        cold, rss = measure(build_args(config, tag))
        unchanged, _ = measure(build_args(config, tag))
        rerender, _ = measure(build_args(config, tag, "--rebuild"))
        results = json.loads((WORK / "scale" / f"site-{tag}" / "downloads" / "results.json").read_text())
        analysis = sum(results["run"]["seconds"].values())
        rows.append((f"{n:,}", f"{cold:.1f}", f"{analysis:.1f}", f"{rss:.2f}",
                     f"{unchanged:.1f}", f"{rerender:.1f}"))
        if n == 1_000_000:
            quality = quality_1m(data, WORK / "scale" / f"site-{tag}")
    print_table(rows, ("customers", "full build (s)", "of which one analysis (s)",
                       "peak RSS (GB)", "rebuild, unchanged (s)", "re-render, cached (s)"))
    print(flush=True)
    if quality:
        print_table([
            ("final inertia / sklearn KMeans(n_init=10) on all rows",
             f"{quality['inertia_ratio']:.5f}", "≤ 1.005"),
            ("ARI against the 4 planted segments", f"{quality['ari']:.4f}", "≥ 0.95"),
            ("sklearn KMeans(n_init=10), chosen K only, all rows (s)",
             f"{quality['full_fit_seconds']:.1f}", "—"),
        ], ("quality at 1,000,000 customers", "value", "target"))
        print(flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
