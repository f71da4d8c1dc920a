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

from kmeans_report.report.cli import main
from tests import tables

pytestmark = pytest.mark.e2e

# Words that belong to the notebook's data or metadata, never to these tables' reports
# (a role's own name may appear when the configuration gives that role).
FOREIGN = ["visit", "loyal", "transaction", "dollar", r"\byears\b", "Deloatch", "Quipu", "Brandon"]
ROLE_WORDS = {"transaction": "transaction", "loyalty": "loyal"}
CASES = {
    "wholesale": (tables.wholesale, "Delicatessen"),
    "two-features": (tables.two_features, "Basket"),
    "twelve-features": (tables.twelve_features, "Score 11"),
    "planted": (lambda: tables.planted_lognormal()[0], "App Spend"),
    "mall": (tables.mall_like, "Spending Score (1-100)"),
    "rfm": (lambda: tables.rfm()[0], "Recency"),
    "wholesale-eur": (tables.wholesale_eur, "Detergents Paper"),
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


_BUILT: dict[str, tuple] = {}


def _built(case: str, tmp_path_factory) -> tuple:
    """`init` then `build` (unchanged config) for one case, once per test session."""
    if case not in _BUILT:
        make, label = CASES[case]
        root = tmp_path_factory.mktemp(f"own-{case}")
        data = tables.write_table(make(), root / "data", f"{case}.csv")
        config = root / "data" / "report.yml"
        assert main(["-q", "init", str(data), "--out", str(config)]) == 0
        assert main(["-q", "build", "--config", str(config), "--engine", "pandoc",
                     "--out", str(root / "site"), "--cache-dir", str(root / "cache")]) == 0
        _BUILT[case] = root, root / "site", yaml.safe_load(config.read_text()), label
    return _BUILT[case]


@pytest.fixture(scope="module", params=sorted(CASES))
def own_site(request, tmp_path_factory):
    return _built(request.param, tmp_path_factory)


BUSINESS_PAGES = ("index", "data", "clusters", "insights", "roi")


def pages_text(site, *names: str) -> str:
    """The visible text of some site pages (tags, scripts and styles taken out)."""
    parts = []
    for name in names:
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
        parts.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    return "\n".join(parts)


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
    from kmeans_report.analysis.results import Results
    from tests.analysis.test_any_table import assert_names_agree_with_numbers

    _, site, _, _ = own_site
    assert_names_agree_with_numbers(Results.load(site / "downloads" / "results.json"))


def test_the_id_is_never_clustered_on(own_site):
    root, site, config, _ = own_site
    import pandas as pd

    frame = pd.read_csv(next((root / "data").glob("*.csv")))
    ids = [c for c in frame.columns if c.lower().replace("_", "") in {"customerid", "clientid",
                                                                        "memberno"}]
    features = [f["column"] for f in config["features"]]
    assert not set(ids) & set(features)
    if ids:
        assert config["data"]["id_column"] == ids[0]
    results = json.loads((site / "downloads" / "results.json").read_text())
    names = " ".join(s["name"] for s in results["segments"])
    assert not any(i in names for i in ids)


def test_no_roi_is_stated_on_assumptions_nobody_made(own_site):
    """init leaves the ROI assumptions to the user: no estimate, no net ROI, anywhere."""
    _, site, config, _ = own_site
    assert not {"targeting_efficiency", "impact_share", "implementation_cost"} & set(
        config.get("roi") or {})
    pdf = subprocess.run(["pdftotext", str(site / "downloads" / "report.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    text = pages_text(site, *BUSINESS_PAGES) + pdf  # (the Reproduce page shows code)
    for phrase in ("Estimated annual ROI", "Net ROI", "net ROI", "75,000", "930%"):
        assert phrase not in text, phrase
    results = json.loads((site / "downloads" / "results.json").read_text())
    assert results["roi"] is None or results["roi"]["net_roi_pct"] is None


def test_a_score_is_never_money(tmp_path_factory):
    """The mall-like table: a 1-100 score named "Spending ..." is no revenue; income in
    thousands of dollars is shown as dollars."""
    _, site, config, _ = _built("mall", tmp_path_factory)
    assert not config["roles"]  # no spending role: no revenue from a sum of scores
    text = pages_text(site, *BUSINESS_PAGES)
    assert "Total revenue" not in text and "Spending Score (1-100)" in text
    results = json.loads((site / "downloads" / "results.json").read_text())
    income = next(f for f in results["data"]["features"] if f["column"] == "Annual Income (k$)")
    assert income["unit"] == "k$" and income["label"] == "Annual Income"
    assert f"${income['mean'] * 1000:,.0f}" in pages_text(site, "data")
    assert "$ (thousands in the table)" in pages_text(site, "data")


def test_rfm_reads_recency_the_right_way_round(tmp_path_factory):
    _, site, config, _ = _built("rfm", tmp_path_factory)
    assert config["roles"] == {"recency": "Recency", "frequency": "Frequency",
                               "spending": "Monetary"}
    text = pages_text(site, "index", "insights")
    assert "Recency stands out" not in text
    assert "Win them back: Recency is" in text and "Follow up while their last purchase" in text
    results = json.loads((site / "downloads" / "results.json").read_text())
    lapsed = max(results["segments"], key=lambda s: s["avg_recency"])
    recent = min(results["segments"], key=lambda s: s["avg_recency"])
    assert lapsed["name"].startswith("Lapsed") and recent["name"].startswith("Recent")


def test_euro_amounts_are_shown_in_euros(tmp_path_factory):
    _, site, config, _ = _built("wholesale-eur", tmp_path_factory)
    assert config["roi"]["currency"] == "€" and len(config["roles"]["spending"]) == 6
    text = pages_text(site, *BUSINESS_PAGES)
    assert "€" in text and "$" not in text
