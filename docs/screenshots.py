"""The manual's pictures, made by the build itself: the default report is built in a temporary
folder, its home page photographed in Chromium (Playwright) and its PDF's cover drawn by
pdftoppm (the README's two pictures); a table unlike the notebook's (the tests' wholesale
look-alike: six spend categories) goes through `init`, the edit and `build`, and its Business
insights page is photographed (docs/own-data.md).

    .venv/bin/python docs/screenshots.py   # writes docs/images/site-home.png, pdf-cover.png,
                                           # own-data-insights.png

Needs the test set-up (`bash .ci/setup --tests`: Playwright, poppler-utils) and Debian's
chromium. `--engine pandoc` photographs the pure-pip engine's site instead of the default.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "images"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
WIDTH, HEIGHT = 1280, 860  # a laptop screen: the header, the headline numbers, the first chart


def build(work: Path, engine: str) -> Path:
    """The default report (the notebook's example configuration), built as a user would."""
    site = work / "site"
    subprocess.run([sys.executable, "-m", "kmeans_report.report.cli", "-q", "build", "--engine", engine,
                    "--out", str(site), "--cache-dir", str(work / "cache")],
                   cwd=work, check=True)
    return site


def build_own_data(work: Path, engine: str) -> Path:
    """A user's report on their own table, the three steps of the README: `init`, the edit
    (the six columns are spend categories, a title of theirs), `build`."""
    import yaml

    sys.path.insert(0, str(REPO))  # the wholesale look-alike lives with the tests' tables
    from tests import tables

    own = work / "own"
    own.mkdir()
    tables.wholesale().to_csv(own / "wholesale.csv", index=False)
    cli = [sys.executable, "-m", "kmeans_report.report.cli", "-q"]
    subprocess.run([*cli, "init", "wholesale.csv", "--out", "report.yml"], cwd=own, check=True)
    config = yaml.safe_load((own / "report.yml").read_text(encoding="utf-8"))
    config["roles"] = {"spending": [f["column"] for f in config["features"]]}
    config["report"]["title"] = "Wholesale customers"
    (own / "report.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    subprocess.run([*cli, "build", "--config", "report.yml", "--engine", engine, "--out", "site",
                    "--cache-dir", str(work / "cache")], cwd=own, check=True)
    return own / "site"


def photograph(site: Path, page_name: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from kmeans_report.report.serve import make_server

    server = make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{page_name}",
                      wait_until="networkidle")
            page.screenshot(path=str(out))
            browser.close()
    finally:
        server.shutdown()


def draw_cover(pdf: Path, out: Path) -> None:
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto", choices=("auto", "quarto", "pandoc"))
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT.name}/)")
    args = parser.parse_args(argv)
    for tool in ("chromium", "pdftoppm"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not on PATH (bash .ci/setup --tests installs it)")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kmeans-report-screenshots-") as tmp:
        site = build(Path(tmp), args.engine)
        photograph(site, "index.html", args.out / "site-home.png")
        draw_cover(site / "downloads" / "report.pdf", args.out / "pdf-cover.png")
        own = build_own_data(Path(tmp), args.engine)
        photograph(own, "insights.html", args.out / "own-data-insights.png")
    for name in ("site-home.png", "pdf-cover.png", "own-data-insights.png"):
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
