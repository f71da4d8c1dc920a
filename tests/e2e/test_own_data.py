"""A maintainer's own table, as a new user would try it: `init`, then `build`, on tables
shaped unlike the notebook's. Every page, the PDF and the notebook must be true for them:
no visits, loyalty, transactions or notebook author unless configured, no folder of the
build machine anywhere."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from report.cli import main
from tests import tables

pytestmark = pytest.mark.e2e

# Words that belong to the notebook's data or metadata, never to these tables' reports
# (a role's own name may appear when the configuration gives that role).
FOREIGN = ["visit", "loyal", "transaction", "dollar", r"\byears\b", "Deloatch", "Quipu", "Brandon"]
ROLE_WORDS = {"transaction": "transaction", "loyalty": "loyal"}
CASES = {
    "wholesale": (tables.wholesale, "Delicatessen"),
    "two-features": (tables.two_features, "Basket Eur"),
    "twelve-features": (tables.twelve_features, "Score 11"),
    "planted": (lambda: tables.planted_lognormal()[0], "App Spend"),
}


def site_text(site, *, with_results: bool = False) -> str:
    """Every page's visible text, the PDF's text and the notebook (and results.json, whose
    key names are the schema's, not prose), as one string."""
    parts = []
    for page in sorted(site.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
        parts.append(re.sub(r"<[^>]+>", " ", html))
    parts.append(subprocess.run(["pdftotext", "-layout", str(site / "downloads" / "report.pdf"),
                                 "-"], capture_output=True, text=True, check=True).stdout)
    parts.append((site / "downloads" / "reproduce.ipynb").read_text(encoding="utf-8"))
    if with_results:
        parts.append((site / "downloads" / "results.json").read_text(encoding="utf-8"))
    return "\n".join(parts)


@pytest.fixture(scope="module", params=sorted(CASES))
def own_site(request, tmp_path_factory):
    make, label = CASES[request.param]
    root = tmp_path_factory.mktemp(f"own-{request.param}")
    data = tables.write_table(make(), root / "data", f"{request.param}.csv")
    config = root / "data" / "report.yml"
    assert main(["-q", "init", str(data), "--out", str(config)]) == 0
    assert main(["-q", "build", "--config", str(config), "--engine", "pandoc",
                 "--out", str(root / "site"), "--cache-dir", str(root / "cache")]) == 0
    return root, root / "site", yaml.safe_load(config.read_text()), label


def test_init_refuses_to_overwrite_without_force(own_site, capsys):
    root, _, _, _ = own_site
    config = root / "data" / "report.yml"
    data = next((root / "data").glob("*.csv"))
    before = config.read_text()
    assert main(["init", str(data), "--out", str(config)]) == 2
    assert "--force" in capsys.readouterr().err and config.read_text() == before
    assert main(["-q", "init", str(data), "--out", str(config), "--force"]) == 0


def test_pages_speak_of_the_tables_own_features_only(own_site):
    root, site, config, label = own_site
    text = site_text(site)
    assert label in text
    allowed = {ROLE_WORDS[r] for r in (config["roles"] or {}) if r in ROLE_WORDS}
    foreign = re.compile("|".join(w for w in FOREIGN if w not in allowed), re.I)
    found = sorted({m.group(0).lower() for m in foreign.finditer(text)})
    assert found == [], found


def test_no_folder_of_the_build_machine_is_published(own_site):
    root, site, _, _ = own_site
    text = site_text(site, with_results=True)
    for folder in (str(root), str(root.resolve()), str(tables.Path.home())):
        assert folder not in text
    notebook = json.loads((site / "downloads" / "reproduce.ipynb").read_text())
    source = "".join("".join(c["source"]) for c in notebook["cells"])
    name = next((root / "data").glob("*.csv")).name
    assert f"'path': '{name}'" in source  # read next to the notebook, by name


def test_revenue_is_the_sum_of_the_spend_columns(own_site):
    root, site, config, _ = own_site
    results = json.loads((site / "downloads" / "results.json").read_text())
    spend = config["roles"].get("spending") if config["roles"] else None
    if not spend:
        assert results["roi"] is None
        assert "no ROI estimate" in (site / "roi.html").read_text()
        return
    import pandas as pd

    frame = pd.read_csv(next((root / "data").glob("*.csv")))
    columns = [spend] if isinstance(spend, str) else spend
    assert results["roi"]["total_revenue"] == pytest.approx(frame[columns].to_numpy().sum())


def test_segment_names_agree_with_their_numbers(own_site):
    from analysis.results import Results
    from tests.analysis.test_any_table import assert_names_agree_with_numbers

    _, site, _, _ = own_site
    assert_names_agree_with_numbers(Results.load(site / "downloads" / "results.json"))
