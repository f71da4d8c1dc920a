"""Benchmark: Lighthouse 12 scores of every page of the default site, both engines, desktop
and mobile, as readers would load it (served by `kmeans-report serve`, Debian Chromium).

Installs npm `lighthouse@12` into the benchmark work folder on first use. Prints one table
row per engine and page kind (chart pages, text pages): the lowest score of each category
and the largest transfer size before any interactive chart is loaded.

Usage: python benchmarks/lighthouse.py [--engines pandoc quarto]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from _common import REPO, WORK, print_table

PAGES = ["index", "data", "methods", "model-selection", "clusters", "insights", "roi",
         "reproduce", "citation", "provenance", "versions", "downloads"]
CHART_PAGES = {"data", "model-selection", "clusters", "insights", "roi"}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --no-first-run")
TARGETS = "a11y, best practices, SEO 100; perf ≥ 95 desktop, ≥ 85 mobile (pandoc) / ≥ 75 (Quarto)"


def lighthouse() -> Path:
    folder = WORK / "lighthouse"
    exe = folder / "node_modules" / ".bin" / "lighthouse"
    if not exe.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(folder), "lighthouse@12"], check=True)
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(engine: str) -> Path:
    out = WORK / f"lighthouse-site-{engine}"
    subprocess.run([sys.executable, "-m", "kmeans_report.report.cli", "-q", "build", "--engine", engine,
                    "--out", str(out), "--cache-dir", str(WORK / "lighthouse-cache")],
                   cwd=REPO, check=True)
    return out


def audit(exe: Path, url: str, preset: str) -> dict:
    report = WORK / "lighthouse-report.json"
    args = [str(exe), url, "--output=json", f"--output-path={report}", "--quiet",
            f"--chrome-flags={CHROME_FLAGS}"]
    if preset == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "chromium"}
    subprocess.run(args, check=True, env=env)
    data = json.loads(report.read_text())
    scores = {k: round(v["score"] * 100) for k, v in data["categories"].items()}
    scores["bytes"] = data["audits"]["total-byte-weight"]["numericValue"]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", nargs="+", default=["pandoc", "quarto"])
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    exe = lighthouse()
    rows = []
    for engine in args.engines:
        site, port = build(engine), free_port()
        server = subprocess.Popen([sys.executable, "-m", "kmeans_report.report.cli", "-q", "serve", "--dir",
                                   str(site), "--port", str(port)], cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.5)
            for kind, pages in (("chart pages", [p for p in PAGES if p in CHART_PAGES]),
                                ("text pages", [p for p in PAGES if p not in CHART_PAGES])):
                results = {preset: [audit(exe, f"http://127.0.0.1:{port}/{p}.html", preset)
                                    for p in pages] for preset in ("desktop", "mobile")}
                low = {key: min(r[key] for rs in results.values() for r in rs)
                       for key in ("accessibility", "best-practices", "seo")}
                rows.append((
                    engine, kind,
                    str(min(r["performance"] for r in results["desktop"])),
                    str(min(r["performance"] for r in results["mobile"])),
                    str(low["accessibility"]), str(low["best-practices"]), str(low["seo"]),
                    f"{max(r['bytes'] for rs in results.values() for r in rs) / 1024:,.0f} KB",
                ))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print_table(rows, ("engine", "pages", "perf desktop (min)", "perf mobile (min)",
                       "a11y (min)", "best practices (min)", "SEO (min)", "largest transfer"))
    print(f"\nTargets: {TARGETS}. Load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.path.insert(0, str(REPO))
    main()
