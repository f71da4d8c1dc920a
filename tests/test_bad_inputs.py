"""The bad-input corpus, through the command line: every case exits with code 2 and one
paragraph naming the file and the column, row or key, shows no traceback without --debug, and
creates or changes no file (everything the test wrote is hashed before and after).

Inputs are generated here, small, into pytest's tmp_path; outputs also go under tmp_path.
Finer checks of each message live in tests/analysis/sources/test_files.py, tests/analysis/test_config.py and
tests/report/test_publish.py, test_versions.py; this file proves the whole path end to end.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kmeans_report.report.cli import main
from tests.helpers import hash_tree

REPO = Path(__file__).resolve().parent.parent
FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]


def frame(n: int = 40, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer": [f"C{i:03d}" for i in range(n)],
        "annual_spending": rng.gamma(2, 15000, n),
        "visit_frequency": rng.poisson(8, n).astype(float),
        "avg_transaction": rng.lognormal(4, 0.5, n),
        "loyalty_years": rng.exponential(2, n),
    })


def csv_lines(n: int = 40) -> list[str]:
    return frame(n).to_csv(index=False).splitlines()


def set_cell(lines: list[str], line: int, column: str, value: str) -> list[str]:
    """Replace one cell; `line` counts the header as line 1, as the messages do."""
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    return lines


class Workspace:
    """A temporary folder with inputs in in/ and an earlier output in out/ (written by us)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inputs = root / "in"
        self.inputs.mkdir()
        self.out = root / "out"
        from kmeans_report.report.files import staged_dir

        with staged_dir(self.out) as staging:
            (staging / "results.json").write_text("{}", encoding="utf-8")

    def data(self, name: str, content: str | bytes | pd.DataFrame) -> Path:
        path = self.inputs / name
        if isinstance(content, pd.DataFrame):
            content.to_parquet(path, index=False)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def config(self, data: dict | None = None, *, raw: str | None = None, **sections) -> Path:
        path = self.inputs / "report.yml"
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
            return path
        body: dict = {}
        if data is not None:
            body["data"] = {"source": "file", "id_column": "customer", **data}
            body["features"] = [{"column": c} for c in FEATURES]
        body.update(sections)
        path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
        return path


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path)


def run_bad(ws: Workspace, argv: list[str], *expected: str, capsys) -> str:
    """Run the CLI on bad input: exit 2, one message containing `expected`, nothing written."""
    before = hash_tree(ws.root)
    code = main(["-q", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("kmeans-report: error: ") and err.count("kmeans-report: error:") == 1
    assert "Traceback" not in err
    for text in expected:
        assert text in err, f"{text!r} not in {err!r}"
    assert hash_tree(ws.root) == before, "bad input changed or created files"
    return err


def analyze(config: Path, ws: Workspace) -> list[str]:
    return ["analyze", "--config", str(config), "--out", str(ws.out)]


# -- data ---------------------------------------------------------------------------------------

# name -> (file name, content maker, extra data settings, expected message parts)
DATA_CASES: dict[str, tuple[str, Callable[[], str | bytes | pd.DataFrame], dict, tuple[str, ...]]] = {
    "missing file": ("none.csv", None, {}, ("none.csv: data file not found (data.path)",)),
    "empty file": ("c.csv", lambda: "", {}, ("c.csv: the file is empty (0 bytes)",)),
    "blank lines only": ("c.csv", lambda: "\n\n", {}, ("c.csv: the file is empty (no header row)",)),
    "header only": ("c.csv", lambda: csv_lines()[0] + "\n", {}, ("c.csv: the file has a header but no data rows",)),
    "one row": ("c.csv", lambda: "\n".join(csv_lines(1)) + "\n", {},
                ("c.csv: 1 usable row(s), fewer than the largest K (clustering.k_max = 10)",)),
    "fewer rows than k_max": ("c.csv", lambda: "\n".join(csv_lines(6)) + "\n", {},
                              ("c.csv: 6 usable row(s)", "clustering.k_max = 10")),
    "non-numeric value": ("c.csv", lambda: "\n".join(set_cell(csv_lines(), 9, "visit_frequency", "nine")),
                          {}, ("c.csv: column 'visit_frequency' has non-numeric values at line 9",
                               "'nine'")),
    "NaN, fail": ("c.csv", lambda: "\n".join(set_cell(csv_lines(), 5, "avg_transaction", "")), {},
                  ("c.csv: 1 row(s) have missing", "avg_transaction: 1", "line 5",
                   "data.missing: drop")),
    "inf, fail": ("c.csv", lambda: "\n".join(set_cell(csv_lines(), 7, "loyalty_years", "inf")), {},
                  ("c.csv: 1 row(s)", "loyalty_years: 1", "line 7")),
    "-inf, fail": ("c.csv", lambda: "\n".join(set_cell(csv_lines(), 3, "annual_spending", "-inf")),
                   {}, ("c.csv: 1 row(s)", "annual_spending: 1", "line 3")),
    "NaN everywhere, drop": (
        "c.csv",
        lambda: "\n".join([csv_lines()[0]] + [
            ",".join(line.split(",")[:2] + ["nan"] + line.split(",")[3:])
            for line in csv_lines()[1:]]),
        {"missing": "drop"}, ("c.csv: 0 usable row(s)",)),
    "too large for float64": ("c.csv", lambda: "\n".join(set_cell(csv_lines(), 4, "annual_spending", "1e400")),
                              {}, ("c.csv", "too-large", "annual_spending: 1", "line 4")),
    "constant column": ("c.csv", lambda: frame().assign(loyalty_years=2.0).to_csv(index=False), {},
                        ("c.csv: column(s) 'loyalty_years' have the same value in every row",)),
    "duplicate column names": ("c.csv", lambda: frame().to_csv(index=False).replace(
        "avg_transaction", "annual_spending", 1), {},
        ("c.csv: column name(s) appear more than once: annual_spending",)),
    "missing column": ("c.csv", lambda: frame().rename(columns={"loyalty_years": "loyalty"}).to_csv(index=False),
                       {}, ("c.csv: missing column(s) 'loyalty_years' (did you mean 'loyalty'?)",)),
    "duplicate customer ids": ("c.csv", lambda: "\n".join(set_cell(csv_lines(), 12, "customer", "C002")),
                               {}, ("c.csv: id column 'customer' has duplicate ids ('C002') at lines 4, 12",)),
    "extra field on a line": ("c.csv", lambda: "\n".join(csv_lines()[:6] + [csv_lines()[6] + ",7"]
                                                         + csv_lines()[7:]),
                              {}, ("c.csv: line 7 has 6 fields but the header has 5",)),
    "latin-1 bytes as utf-8": ("c.csv", lambda: "\n".join(set_cell(csv_lines(), 20, "customer", "Müller"))
                               .encode("latin-1"), {},
                               ("c.csv: line 20 is not valid utf-8 text", "data.csv.encoding")),
    "semicolons with a comma delimiter": ("c.csv", lambda: frame().to_csv(index=False, sep=";"),
                                          {"csv": {"delimiter": ","}},
                                          ("c.csv: missing column(s) 'annual_spending'",)),
    "parquet with wrong types": ("c.parquet", lambda: frame().assign(
        visit_frequency=pd.Timestamp("2024-01-01")), {},
        ("c.parquet: column 'visit_frequency' has type datetime64",)),
    "parquet with text numbers": ("c.parquet", lambda: frame().assign(
        avg_transaction=["a"] * 40), {}, ("c.parquet: column 'avg_transaction' has non-numeric values at rows 1, 2",)),
    "0-byte parquet": ("c.parquet", lambda: b"", {}, ("c.parquet: the file is empty (0 bytes)",)),
    "truncated parquet": ("c.parquet", lambda: _parquet_bytes()[:300], {},
                          ("c.parquet: not a readable Parquet file",)),
    "unknown extension": ("c.xlsx", lambda: "x", {}, ("c.xlsx: cannot tell the file format",
                                                      "data.format")),
    "a folder as data": ("folder.csv", None, {}, ("folder.csv: data.path is not a file",)),
}


def _parquet_bytes() -> bytes:
    import io

    buffer = io.BytesIO()
    frame().to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(DATA_CASES))
def test_bad_data(ws, capsys, case):
    name, content, settings, expected = DATA_CASES[case]
    if content is not None:
        ws.data(name, content())
    elif case == "a folder as data":
        (ws.inputs / name).mkdir()
    config = ws.config({"path": name, **settings})
    run_bad(ws, analyze(config, ws), *expected, capsys=capsys)


@pytest.mark.parametrize("variant", ["bom", "semicolon", "latin-1 configured"])
def test_encodings_and_delimiters_that_are_handled(ws, capsys, variant):
    text = frame().assign(customer=[f"Müller-{i}" for i in range(40)]).to_csv(index=False)
    content, settings = {
        "bom": (b"\xef\xbb\xbf" + text.encode("utf-8"), {}),
        "semicolon": (text.replace(",", ";").encode("utf-8"), {}),
        "latin-1 configured": (text.encode("latin-1"), {"csv": {"encoding": "latin-1"}}),
    }[variant]
    ws.data("c.csv", content)
    assert main(["-q", *analyze(ws.config({"path": "c.csv", **settings}), ws)]) == 0
    assignments = pd.read_csv(ws.out / "assignments.csv")
    assert assignments.iloc[0, 0] == "Müller-0"


def test_bad_data_through_build_writes_nothing(ws, capsys):
    ws.data("c.csv", "\n".join(set_cell(csv_lines(), 9, "visit_frequency", "nine")))
    config = ws.config({"path": "c.csv"})
    run_bad(ws, ["build", "--config", str(config), "--engine", "pandoc", "--out", str(ws.out),
                 "--cache-dir", str(ws.root / "cache")],
            "c.csv: column 'visit_frequency' has non-numeric values at line 9", capsys=capsys)
    assert not (ws.root / "cache" / "analysis").exists()


# -- config -------------------------------------------------------------------------------------

CONFIG_CASES: dict[str, tuple[dict | str, tuple[str, ...]]] = {
    "malformed YAML": ("clustering:\n  k_min: [2\n  k_max: 4\n", ("malformed YAML at line",)),
    "tab-indented YAML": ("clustering:\n\tk_min: 2\n", ("malformed YAML at line 2",)),
    "impossible date": ("report:\n  date: 2025-13-45\n", ("malformed YAML", "month must be in 1..12")),
    "top level a list": ("- 1\n- 2\n", ("the top level must be a mapping",)),
    "unknown key": ({"clustering": {"k_mx": 4}}, ("clustering.k_mx: unknown key; did you mean 'k_max'?",)),
    "unknown section": ({"rio": {}}, ("rio: unknown key; did you mean 'roi'?",)),
    "wrong type": ({"clustering": {"n_init": "ten"}}, ("clustering.n_init: Input should be a valid integer",)),
    "list instead of mapping": ({"roi": [1, 2]}, ("roi: Input should be",)),
    "K range empty": ({"clustering": {"k_min": 6, "k_max": 3, "chosen_k": "auto"}},
                      ("clustering.k_min (6) is greater than clustering.k_max (3): the K range is empty",)),
    "K below 2": ({"clustering": {"k_min": 1}}, ("clustering.k_min: Input should be greater than or equal to 2",)),
    "chosen K outside": ({"clustering": {"chosen_k": 12}}, ("clustering.chosen_k (12) is outside the K range 2..10",)),
    "chosen K not a number": ({"clustering": {"chosen_k": "best"}}, ("clustering.chosen_k",)),
    "negative ROI cost": ({"roi": {"implementation_cost": -5}}, ("roi.implementation_cost: Input should be greater than 0",)),
    "zero ROI cost": ({"roi": {"implementation_cost": 0}}, ("roi.implementation_cost: Input should be greater than 0",)),
    "infinite ROI cost": ({"roi": {"implementation_cost": float("inf")}}, ("roi.implementation_cost: Input should be a finite number",)),
    "efficiency above 1": ({"roi": {"targeting_efficiency": 1.5}}, ("roi.targeting_efficiency: Input should be less than or equal to 1",)),
    "efficiency 0": ({"roi": {"targeting_efficiency": 0}}, ("roi.targeting_efficiency: Input should be greater than 0",)),
    "sensitivity outside 0..1": ({"roi": {"sensitivity": {"impact_shares": [0.1, 2]}}}, ("roi.sensitivity.impact_shares.1",)),
    "huge random_state": ({"clustering": {"random_state": 10**30}}, ("clustering.random_state: Input should be less than or equal to 4294967295",)),
    "huge seed": ({"data": {"synthetic": {"seed": 2**33}}}, ("data.synthetic.seed",)),
    "huge n_customers": ({"data": {"synthetic": {"n_customers": 10**12}}}, ("data.synthetic.n_customers: Input should be less than or equal to 100000000",)),
    "NUL in a title": ({"report": {"title": "a\x00b"}}, ("report.title: contains the control character",)),
    "file source without path": ({"data": {"source": "file"}}, ("data.path is required",)),
    "role naming no feature": ({"roles": {"spending": "anual_spending", "frequency": "visit_frequency"}},
                               ("roles.spending", "did you mean 'annual_spending'")),
    "unknown encoding": ({"data": {"csv": {"encoding": "klingon"}}}, ("data.csv.encoding", "unknown text encoding 'klingon'")),
}


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_bad_config(ws, capsys, case):
    body, expected = CONFIG_CASES[case]
    config = ws.config(raw=body) if isinstance(body, str) else ws.config(**body)
    run_bad(ws, analyze(config, ws), f"invalid configuration in {config}", *expected, capsys=capsys)


def test_missing_config_file(ws, capsys):
    run_bad(ws, analyze(ws.inputs / "nope.yml", ws), "nope.yml", "the file does not exist", capsys=capsys)


def test_every_config_problem_is_listed_once(ws, capsys):
    config = ws.config(roi={"implementation_cost": -1, "targeting_efficiency": 7},
                       clustering={"n_inti": 3})
    err = run_bad(ws, analyze(config, ws), "roi.implementation_cost", "roi.targeting_efficiency",
                  "clustering.n_inti: unknown key; did you mean 'n_init'?", capsys=capsys)
    assert err.count("\n  - ") == 3


@pytest.mark.parametrize("command", ["analyze", "build"])
def test_debug_shows_the_traceback(ws, command):
    from kmeans_report.analysis.errors import ConfigError

    config = ws.config(clustering={"k_mx": 4})
    with pytest.raises(ConfigError):
        main(["--debug", "-q", command, "--config", str(config), "--out", str(ws.out)])


# -- output folders ------------------------------------------------------------------------------


def test_output_folder_that_holds_the_data_is_refused(ws, capsys):
    ws.data("c.csv", frame().to_csv(index=False))
    config = ws.config({"path": "c.csv"})
    for out in (ws.inputs, ws.root):
        run_bad(ws, ["analyze", "--config", str(config), "--out", str(out)],
                f"--out {out}", "contains the input data", capsys=capsys)
    run_bad(ws, ["build", "--config", str(config), "--out", str(ws.inputs), "--engine", "pandoc"],
            "contains the input data", capsys=capsys)


def test_output_folder_that_is_the_data_file_is_refused(ws, capsys):
    data = ws.data("c.csv", frame().to_csv(index=False))
    config = ws.config({"path": "c.csv"})
    run_bad(ws, ["analyze", "--config", str(config), "--out", str(data)], "contains the input data",
            capsys=capsys)


@pytest.fixture
def fake_repo(ws, monkeypatch):
    """A stand-in for the repository (source folders with files) the CLI must never replace."""
    repo = ws.root / "repo"
    for name in ("analysis", "report", "templates", "tests", ".git"):
        (repo / name).mkdir(parents=True)
        (repo / name / "keep.txt").write_text(name, encoding="utf-8")
    import kmeans_report.report.paths  # noqa: F401 (loads the module named below)
    from kmeans_report import report

    monkeypatch.setattr(report.paths, "REPO", repo)
    return repo


@pytest.mark.parametrize("where", ["repo", "analysis", "templates/sub", ".git", "tests"])
@pytest.mark.parametrize("command", ["analyze", "build"])
def test_repository_and_source_folders_are_refused(ws, capsys, fake_repo, where, command):
    target = fake_repo if where == "repo" else fake_repo / where
    config = ws.config()
    run_bad(ws, [command, "--config", str(config), "--out", str(target)],
            f"--out {target}", "repository" if where == "repo" else "inside the source folder",
            capsys=capsys)


def test_other_output_options_are_checked_too(ws, capsys, fake_repo):
    config = ws.config()
    run_bad(ws, ["build", "--config", str(config), "--out", str(ws.root / "site"),
                 "--keep-project", str(fake_repo / "report"), "--engine", "pandoc"],
            str(fake_repo / "report"), capsys=capsys)


def test_a_foreign_folder_and_a_file_are_refused_as_output(ws, capsys):
    config = ws.config()
    (ws.root / "notes").mkdir()
    (ws.root / "notes" / "todo.txt").write_text("keep me", encoding="utf-8")
    (ws.root / "file").write_text("x", encoding="utf-8")
    run_bad(ws, ["analyze", "--config", str(config), "--out", str(ws.root / "notes")],
            "was not written by kmeans-report", capsys=capsys)
    run_bad(ws, ["analyze", "--config", str(config), "--out", str(ws.root / "file")],
            "exists and is not a folder", capsys=capsys)


# -- the citation file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "CITATION.cff not found"),
        ("title: [unclosed\n", "malformed YAML"),
        ("cff-version: 1.2.0\nmessage: m\ntitle: t\n", "missing required CITATION.cff field(s): authors"),
        ("cff-version: 1.2.0\nmessage: m\ntitle: t\nauthors: [just a name]\n", "authors item 1"),
        (b"\xff\xfe", "not valid UTF-8"),
    ],
)
def test_bad_citation_file(ws, capsys, content, expected):
    if isinstance(content, bytes):
        ws.data("CITATION.cff", content)
    elif content is not None:
        ws.data("CITATION.cff", content)
    config = ws.config(report={"citation_file": "CITATION.cff"})
    run_bad(ws, ["build", "--config", str(config), "--out", str(ws.out), "--engine", "pandoc",
                 "--cache-dir", str(ws.root / "cache")],
            f"{ws.inputs / 'CITATION.cff'}: ", expected, capsys=capsys)


# -- versions and site roots ----------------------------------------------------------------------


@pytest.fixture
def built(ws):
    """A tiny built site to publish with --from (the real build is covered in tests/e2e)."""
    site = ws.root / "built"
    for rel in ("index.html", "data.html", "assets/version-switcher.js", "downloads/report.pdf"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel, encoding="utf-8")
    public = ws.root / "public"
    assert main(["-q", "publish", "--from", str(site), "--site-root", str(public),
                 "--version", "1.0.0"]) == 0
    return site, public


@pytest.mark.parametrize("bad", ["..", "../evil", "/abs/1.0", "/", "a/b", "1.0/..", "a\\b", "",
                                 " ", "   ", "\t", "latest", "v1.0", "1.0\n"])
def test_bad_versions_are_refused(ws, capsys, built, bad):
    site, public = built
    err = run_bad(ws, ["publish", "--from", str(site), "--site-root", str(public), "--version", bad],
                  "ersion", capsys=capsys)
    assert repr(bad) in err or "empty" in err
    run_bad(ws, ["unpublish", bad, "--site-root", str(public)], "ersion", capsys=capsys)
    assert not (ws.root / "evil").exists() and not Path("/abs").exists()


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "1.0", ".."])
def test_bad_aliases_are_refused(ws, capsys, built, bad):
    site, public = built
    run_bad(ws, ["publish", "--from", str(site), "--site-root", str(public), "--version", "2.0.0",
                 "--alias", bad], "alias", capsys=capsys)


def test_a_site_root_that_is_a_file(ws, capsys, built):
    site, _ = built
    root_file = ws.root / "public.txt"
    root_file.write_text("I am a file", encoding="utf-8")
    for argv in (["publish", "--from", str(site), "--version", "2.0.0"], ["versions"],
                 ["unpublish", "1.0.0"]):
        run_bad(ws, [*argv, "--site-root", str(root_file)], str(root_file), capsys=capsys)


def test_a_read_only_site_root(ws, capsys, built, monkeypatch):
    # Tests run as root, which chmod cannot stop: refuse renames as a read-only mount would.
    site, public = built

    def refuse(src, dst, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(src))

    monkeypatch.setattr(os, "rename", refuse)
    monkeypatch.setattr(os, "replace", refuse)
    run_bad(ws, ["publish", "--from", str(site), "--site-root", str(public), "--version", "2.0.0"],
            "Permission denied", "writable", capsys=capsys)
    run_bad(ws, ["unpublish", "1.0.0", "--force", "--site-root", str(public)],
            "Permission denied", capsys=capsys)


def test_publishing_a_version_twice_or_a_missing_site(ws, capsys, built):
    site, public = built
    run_bad(ws, ["publish", "--from", str(site), "--site-root", str(public), "--version", "1.0.0"],
            "version 1.0.0 is already published", "--force", capsys=capsys)
    run_bad(ws, ["publish", "--from", str(ws.root / "nowhere"), "--site-root", str(public),
                 "--version", "2.0.0"], "nowhere", "does not exist", capsys=capsys)


# -- databases (data.source: sql) ----------------------------------------------------------------


def sql_config(ws: Workspace, url: str, table: str | None = "customers", query: str | None = None,
               **data) -> Path:
    sql = {"url": url, **({"query": query} if query else {"table": table})}
    path = ws.inputs / "report.yml"
    body = {"data": {"source": "sql", "sql": sql, "id_column": "customer", **data},
            "features": [{"column": c} for c in FEATURES]}
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


def duckdb_with(ws: Workspace, table: pd.DataFrame, name: str = "customers") -> str:
    import duckdb

    path = ws.inputs / "crm.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("frame", table)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM frame")
    return f"duckdb:///{path}"


def _with_cell(column: str, row: int, value) -> pd.DataFrame:
    table = frame().astype({column: object})
    table.loc[row, column] = value
    return table


# name -> (table, extra data settings or a query, expected message parts); rows are positions
# in the result (1-based), as a database has no lines.
DUCKDB_CASES = {
    "text in a number column": (_with_cell("visit_frequency", 8, "nine"), {},
                                ("column 'visit_frequency' has non-numeric values at row 9", "'nine'")),
    "NULL, fail": (frame().assign(avg_transaction=lambda f: f.avg_transaction.where(f.index != 4)), {},
                   ("1 row(s) have missing", "avg_transaction: 1", "row 5", "data.missing: drop")),
    "duplicate ids": (frame().assign(customer=lambda f: f.customer.where(f.index != 11, "C002")), {},
                      ("id column 'customer' has duplicate ids ('C002') at rows 3, 4",)),  # ordered by id
    "a date column": (frame().assign(loyalty_years=pd.Timestamp("2024-01-01")), {},
                      ("column 'loyalty_years' has type datetime64",)),
    "too few rows": (frame(6), {}, ("6 usable row(s), fewer than the largest K",)),
    "no rows": (frame(), {"query": "SELECT * FROM customers WHERE annual_spending < 0"},
                ("the query returned no rows",)),
    "missing column": (frame().rename(columns={"loyalty_years": "loyalty_yrs"}), {},
                       ("missing column(s) 'loyalty_years' (did you mean 'loyalty_yrs'?)",)),
    "missing table": (frame(), {"table": "clients"}, ("the table does not exist", "clients")),
    "SQL syntax error": (frame(), {"query": "SELEC * FROM customers"},
                         ("the SQL has a syntax error (data.sql.query)",)),
}


@pytest.mark.parametrize("case", list(DUCKDB_CASES))
def test_bad_duckdb_source(ws, capsys, case):
    pytest.importorskip("duckdb_engine", reason="bash .ci/setup --tests installs it, or pip install -e '.[sql]' in the checkout")
    table, settings, expected = DUCKDB_CASES[case]
    url = duckdb_with(ws, table)
    config = sql_config(ws, url, **settings)
    run_bad(ws, analyze(config, ws), "crm.duckdb: ", *expected, capsys=capsys)


def test_missing_duckdb_file_is_not_created(ws, capsys):
    pytest.importorskip("duckdb_engine", reason="bash .ci/setup --tests installs it, or pip install -e '.[sql]' in the checkout")
    url = f"duckdb:///{ws.inputs / 'nowhere.duckdb'}"
    run_bad(ws, analyze(sql_config(ws, url), ws), f"{url}: the DuckDB database file does not exist",
            capsys=capsys)


def test_output_folder_holding_the_duckdb_file_is_refused(ws, capsys):
    pytest.importorskip("duckdb_engine", reason="bash .ci/setup --tests installs it, or pip install -e '.[sql]' in the checkout")
    config = sql_config(ws, duckdb_with(ws, frame()))
    run_bad(ws, ["analyze", "--config", str(config), "--out", str(ws.inputs)],
            "contains the input data", capsys=capsys)


@pytest.fixture
def pg_customers(postgres, pg_url):
    """Table `customers` (the 40 rows of `frame()`) in the session's PostgreSQL cluster."""
    import pyarrow as pa

    from kmeans_report.analysis.sources.sql.write import write_customers

    write_customers(pg_url, "customers", [pa.Table.from_pandas(frame())], overwrite=True)
    return pg_url


def _pg_cases(url: str, port: int) -> dict:
    from tests.conftest import PG_PASSWORD_VAR
    from tests.pg_cluster import free_port

    return {
        "server unreachable": (url.replace(f":{port}/", f":{free_port()}/"), {}, {},
                               ("the database server cannot be reached",)),
        "authentication failed": (url, {PG_PASSWORD_VAR: "wrong"}, {},
                                  ("authentication failed", "report:***@127.0.0.1")),
        "database missing": (url.rsplit("/", 1)[0] + "/nodb", {}, {},
                             ("the database does not exist",)),
        "table missing": (url, {}, {"table": "clients"}, ("the table does not exist",)),
        "SQL syntax error": (url, {}, {"query": "SELECT FROM WHERE customers"},
                             ("the SQL has a syntax error",)),
        "configured column missing": (url, {}, {"query": "SELECT customer, annual_spending, "
                                      "visit_frequency, avg_transaction FROM customers"},
                                      ("missing column(s) 'loyalty_years'",)),
        "variable not set": (url.replace(PG_PASSWORD_VAR, "KMEANS_REPORT_UNSET_VAR"), {}, {},
                             ("the environment variable KMEANS_REPORT_UNSET_VAR used in "
                              "data.sql.url is not set",)),
    }


PG_CASES = ["server unreachable", "authentication failed", "database missing", "table missing",
            "SQL syntax error", "configured column missing", "variable not set"]


@pytest.mark.parametrize("case", PG_CASES)
def test_bad_postgres_source(ws, capsys, monkeypatch, postgres, pg_customers, case):
    from tests.conftest import PG_PASSWORD

    url, env, settings, expected = _pg_cases(pg_customers, postgres.port)[case]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    err = run_bad(ws, analyze(sql_config(ws, url, **settings), ws), "postgresql+psycopg://report:***@",
                  *expected, capsys=capsys)
    assert PG_PASSWORD not in err and "p@ss" not in err
    assert err.count("\n") == 1  # one paragraph


@pytest.mark.parametrize("url", ["postgresql+psycopg://report:${PW}@127.0.0.1/crm",
                                 "notadialect+nodriver://u@h/db"])
def test_database_driver_not_installed(ws, capsys, monkeypatch, url):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    monkeypatch.setenv("PW", "x")
    run_bad(ws, analyze(sql_config(ws, url), ws), "the database driver is not installed",
            "pip install -e '.[sql]'", capsys=capsys)


def test_password_in_the_config_is_refused(ws, capsys):
    config = sql_config(ws, "postgresql+psycopg://report:hunter2@db/crm")
    err = run_bad(ws, analyze(config, ws), "data.sql.url holds a password", capsys=capsys)
    assert "hunter2" not in err


def test_bad_sql_source_through_build_writes_nothing(ws, capsys):
    pytest.importorskip("duckdb_engine", reason="bash .ci/setup --tests installs it, or pip install -e '.[sql]' in the checkout")
    url = duckdb_with(ws, _with_cell("visit_frequency", 8, "nine"))
    run_bad(ws, ["build", "--config", str(sql_config(ws, url)), "--engine", "pandoc", "--out",
                 str(ws.out), "--cache-dir", str(ws.root / "cache")],
            "column 'visit_frequency' has non-numeric values at row 9", capsys=capsys)


def test_make_data_to_sql_refuses_an_existing_table_and_ambiguous_options(ws, capsys):
    pytest.importorskip("duckdb_engine", reason="bash .ci/setup --tests installs it, or pip install -e '.[sql]' in the checkout")
    url = duckdb_with(ws, frame())
    run_bad(ws, ["make-data", "--rows", "10", "--to-sql", url, "--table", "customers"],
            "table 'customers' already exists; pass --force", capsys=capsys)
    run_bad(ws, ["make-data", "--rows", "10", "--to-sql", url, "--out", str(ws.root / "x.csv"),
                 "--table", "t"], "give either --out or --to-sql", capsys=capsys)
    run_bad(ws, ["make-data", "--rows", "10", "--to-sql", url], "--table NAME is required",
            capsys=capsys)
    run_bad(ws, ["init", "--sql", url, "--table", "nope", "--out", str(ws.root / "r.yml")],
            "the table does not exist", capsys=capsys)
    run_bad(ws, ["init", "--sql", "postgresql+psycopg://u:hunter2@h/db", "--table", "t",
                 "--out", str(ws.root / "r.yml")], "write the password as ${VARIABLE}",
            capsys=capsys)


def test_make_data_to_sql_replaces_a_table_whole_with_force(ws):
    pytest.importorskip("duckdb_engine", reason="bash .ci/setup --tests installs it, or pip install -e '.[sql]' in the checkout")
    import duckdb

    url = duckdb_with(ws, frame())
    assert main(["-q", "make-data", "--rows", "25", "--to-sql", url, "--table", "customers",
                 "--force"]) == 0
    with duckdb.connect(str(ws.inputs / "crm.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), min(customer_id), max(customer_id) FROM customers"
                           ).fetchone() == (25, 1, 25)
