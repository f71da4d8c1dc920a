"""Benchmark: the local path at scale, and the large-data path against the notebook's method.

`local` (issue 20's table): for each size (1M and 10M customers, 4 planted segments,
Parquet) a full `kmeans-report build --timings` with the pandoc engine from a cold cache:
wall time, each stage's time, peak RSS, then an unchanged rebuild; at 1M the quality checks
(final inertia against scikit-learn `KMeans(n_init=10)` on all rows in float64, ARI against
the planted segments); at 20,000 customers the sampled silhouette against the exact one.
Each size runs in a process of its own, and the build in a process of its own inside it, so
peak RSS belongs to one build; the load average and the date are printed with the table.

`baseline`: the notebook's method (exact silhouette for every K, `notebook_baseline.py N`)
at 10k and 40k customers against `analyze` and `build` on the same data. `dtype`: the sweep
and refine with a float32 against a float64 matrix at 1M. `silhouette`: sampled against
exact silhouette at 20k rows.

Usage:
    python benchmarks/bench_scale.py [local] [baseline] [dtype] [silhouette]
        [--sizes 1000000,10000000] [--work DIR] [--checkout DIR]
`--work`: the folder for data and builds (default: a new temporary folder; pass one to keep
the generated tables between runs). `--checkout`: the kmeans-report sources to measure
(default: this checkout), e.g. an export of another commit, to compare before and after in
one run with the same tables.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, checkout_env, print_table

MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, "
    "text=True); sys.stderr.write(p.stderr); "
    "print(p.returncode, time.perf_counter() - t, "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)
TARGETS = {1_000_000: (10.0, None), 10_000_000: (20.0, 2.0)}  # build seconds, peak RSS (GB)
QUALITY_ROWS = 1_000_000  # where inertia and ARI are checked against a full scikit-learn fit


class Bench:
    """Where the benchmark works and which sources it measures."""

    def __init__(self, work: Path, checkout: Path):
        self.work = work
        self.checkout = checkout
        self.env = checkout_env(checkout)
        self.cli = [sys.executable, "-m", "kmeans_report.report.cli"]

    def measure(self, args: list[str]) -> tuple[float, float, str]:
        """(seconds, peak RSS in GB, stderr) of a command run in a fresh wrapper process;
        peak RSS is the largest process of its tree (getrusage(RUSAGE_CHILDREN))."""
        done = subprocess.run([sys.executable, "-c", MEASURE, *args], cwd=self.work,
                              env=self.env, check=True, capture_output=True, text=True)
        code, seconds, rss = done.stdout.split()
        if code != "0":
            raise SystemExit(f"failed ({code}): {' '.join(args)}\n{done.stderr}")
        return float(seconds), int(rss) / 1024**2, done.stderr

    def make_data(self, rows: int, planted: int | None) -> Path:
        name = f"customers-{rows}" + (f"-p{planted}" if planted else "") + ".parquet"
        path = self.work / name
        if not path.exists():
            extra = ["--planted-segments", str(planted)] if planted else []
            subprocess.run([*self.cli, "-q", "make-data", "--rows", str(rows), "--out",
                            str(path), *extra], cwd=self.work, env=self.env, check=True)
        return path

    def build_args(self, config: Path, tag: str, *extra: str) -> list[str]:
        return [*self.cli, "build", "--config", str(config), "--engine", "pandoc",
                "--out", str(self.work / f"site-{tag}"),
                "--cache-dir", str(self.work / f"cache-{tag}"), *extra]

    def fresh(self, tag: str) -> None:
        import shutil

        for name in (f"site-{tag}", f"cache-{tag}"):
            shutil.rmtree(self.work / name, ignore_errors=True)


def write_config(data: Path, chosen_k: str) -> Path:
    path = data.with_suffix(".yml")
    path.write_text(
        f"data: {{source: file, path: {data.name}, id_column: customer_id}}\n"
        f"clustering: {{chosen_k: {chosen_k}}}\n", encoding="utf-8")
    return path


def stage_seconds(timings: str) -> dict[str, float]:
    """The `--timings` table (stage, wall s, CPU s) as {stage: wall seconds}."""
    stages = {}
    for line in timings.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] != "stage":
            try:
                stages[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return stages


def one_size(bench: Bench, rows: int) -> dict:
    """A cold full build of `rows` planted customers, then an unchanged rebuild; quality at
    QUALITY_ROWS. Runs in a process of its own (see `local`)."""
    data = bench.make_data(rows, 4)
    config = write_config(data, "auto")
    tag = f"local-{rows}"
    bench.fresh(tag)
    load_before = os.getloadavg()
    seconds, rss, stderr = bench.measure(bench.build_args(config, tag, "-q", "--timings"))
    unchanged, _, _ = bench.measure(bench.build_args(config, tag, "-q"))
    outcome = {"rows": rows, "seconds": seconds, "rss_gb": rss, "unchanged": unchanged,
               "stages": stage_seconds(stderr), "load": [load_before, os.getloadavg()]}
    if rows == QUALITY_ROWS:
        outcome["quality"] = quality_1m(data, bench.work / f"site-{tag}")
    return outcome


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


def silhouette_check(checkout: Path) -> list[dict]:
    """Sampled (10,000 and 2,000 rows) against exact silhouette of the same labels, 20k rows."""
    sys.path.insert(0, str(checkout))
    from sklearn.metrics import silhouette_score

    from kmeans_report.analysis.cluster import make_scaler
    from kmeans_report.analysis.config import validate_config
    from kmeans_report.analysis.pipeline import run_analysis
    from kmeans_report.analysis.sources import load_dataset

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
            X = make_scaler("standard").fit_transform(load_dataset(config).frame.to_numpy())
            exact = silhouette_score(X, out.assignments["cluster"].to_numpy())
            rows.append({"data": f"{'planted 4' if planted else 'notebook'}", "sample": size,
                         "exact": float(exact), "sampled": out.results.quality.silhouette,
                         "se": out.results.final.silhouette_se})
    return rows


def dtype_check(checkout: Path) -> list[tuple[str, ...]]:
    """The large path's K sweep + refine with a float32 vs a float64 matrix, 1M customers."""
    sys.path.insert(0, str(checkout))
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    from kmeans_report.analysis import scale
    from kmeans_report.analysis.backends.base import SweepRows
    from kmeans_report.analysis.cluster import make_scaler
    from kmeans_report.analysis.config import validate_config
    from kmeans_report.analysis.pipeline import DriverSilhouette, sweep
    from kmeans_report.analysis.progress import Progress
    from kmeans_report.analysis.sources.synthetic import planted_customers

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


def in_own_process(bench: Bench, *child: str) -> object:
    """Run this script's `--child ...` in a fresh process; its JSON answer."""
    done = subprocess.run([sys.executable, __file__, "--work", str(bench.work), "--checkout",
                           str(bench.checkout), "--child", *child],
                          env=bench.env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def local_table(bench: Bench, sizes: list[int]) -> None:
    """Issue 20's table: each size's full build, stages, peak RSS, quality, against targets."""
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    outcomes = [in_own_process(bench, "size", str(n)) for n in sizes]
    silhouette = in_own_process(bench, "silhouette")
    stages = [s for o in outcomes for s in o["stages"] if s != "total"]
    stages = list(dict.fromkeys(stages))  # in the order they ran, once each
    rows = []
    for o in outcomes:
        seconds_target, rss_target = TARGETS.get(o["rows"], (None, None))
        verdict = []
        if seconds_target is not None:
            verdict.append(f"≤ {seconds_target:g} s: {'yes' if o['seconds'] <= seconds_target else 'NO'}")
        if rss_target is not None:
            verdict.append(f"≤ {rss_target:g} GB: {'yes' if o['rss_gb'] <= rss_target else 'NO'}")
        load = "/".join(f"{value:.1f}" for value in (o["load"][0][0], o["load"][1][0]))
        rows.append((f"{o['rows']:,}", f"{o['seconds']:.1f}",
                     *(f"{o['stages'][s]:.2f}" if s in o["stages"] else "—" for s in stages),
                     f"{o['rss_gb']:.2f}", f"{o['unchanged']:.1f}", load, "; ".join(verdict)))
    print(f"Local path, 4 planted segments, Parquet, pandoc engine, cold `build`; {when}; "
          f"sources {bench.checkout}")
    print_table(rows, ("customers", "full build (s)", *stages, "peak RSS (GB)",
                       "rebuild, unchanged (s)", "load before/after", "targets"))
    print(flush=True)
    quality = [("final inertia / scikit-learn KMeans(n_init=10, float64), all rows, "
                f"{o['rows']:,}", f"{o['quality']['inertia_ratio']:.5f}", "≤ 1.005")
               for o in outcomes if "quality" in o]
    quality += [(f"ARI against the 4 planted segments, {o['rows']:,}",
                 f"{o['quality']['ari']:.4f}", "≥ 0.95") for o in outcomes if "quality" in o]
    quality += [(f"sampled − exact silhouette, 20,000 customers ({r['data']}, sample "
                 f"{r['sample']:,}: {r['sampled']:.4f} ± {r['se']:.4f} vs {r['exact']:.4f})",
                 f"{r['sampled'] - r['exact']:+.4f}", "within ±0.01") for r in silhouette]
    print_table(quality, ("quality", "value", "target"))
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", metavar="part",
                        help="local (the default), baseline, dtype, silhouette")
    parser.add_argument("--sizes", default="1000000,10000000",
                        help="customers per `local` build, comma-separated")
    parser.add_argument("--work", type=Path, help="folder for data and builds (default: new)")
    parser.add_argument("--checkout", type=Path, default=REPO, help="the sources to measure")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.parts = args.parts or ["local"]
    unknown = set(args.parts) - {"local", "baseline", "dtype", "silhouette"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    work = args.work or Path(tempfile.mkdtemp(prefix="kmeans-report-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work.resolve(), args.checkout.resolve())
    if args.child:
        kind, *rest = args.child
        answer = one_size(bench, int(rest[0])) if kind == "size" else silhouette_check(
            bench.checkout)
        print(json.dumps(answer))
        return
    print(f"work folder: {bench.work}", flush=True)
    if "local" in args.parts:
        local_table(bench, [int(n) for n in args.sizes.split(",")])
    if "baseline" in args.parts:
        baseline_table(bench)
    if "dtype" in args.parts:
        print_table(dtype_check(bench.checkout), ("1M customers, sweep + refine", "seconds",
                                                  "matrix (MB)", "chosen K",
                                                  "final inertia (float64 sum)"))
        print(flush=True)
    if "silhouette" in args.parts:
        rows = [(f"{r['data']}, sample {r['sample']:,}", f"{r['exact']:.4f}",
                 f"{r['sampled']:.4f} ± {r['se']:.4f}", f"{r['sampled'] - r['exact']:+.4f}")
                for r in in_own_process(bench, "silhouette")]
        print_table(rows, ("20,000 customers", "exact silhouette", "sampled (± SE)",
                           "difference"))


def baseline_table(bench: Bench) -> None:
    """The notebook's method against ours on the same data."""
    rows = []
    for n in (10_000, 40_000):
        config = write_config(bench.make_data(n, None), "3")
        base, _, _ = bench.measure([sys.executable,
                                    str(bench.checkout / "benchmarks" / "notebook_baseline.py"),
                                    str(n)])
        analyze, _, _ = bench.measure([*bench.cli, "-q", "analyze", "--config", str(config),
                                       "--out", str(bench.work / f"analyze-{n}")])
        bench.fresh(str(n))
        build, _, _ = bench.measure(bench.build_args(config, str(n), "-q"))
        rows.append((f"{n:,}", f"{base:.1f}", f"{analyze:.1f}", f"{analyze / base:.2f}",
                     f"{build:.1f}", f"{build / base:.2f}"))
    print_table(rows, ("customers", "notebook method (s)", "analyze (s)", "ratio",
                       "full build (s)", "ratio"))
    print(flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
