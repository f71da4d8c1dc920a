"""The shape of the code: imports go one way and never in a circle.

The import graph is read from the source with `ast` (every import, including those inside
functions: an import moved into a function to break a cycle still is one), so these tests
need nothing installed and import nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("analysis", "report")
NAMESPACE = "kmeans_report."  # installed as kmeans_report.analysis, kmeans_report.report


def short(name: str) -> str:
    """A module as its folder names it (kmeans_report.analysis.x -> analysis.x)."""
    return name.removeprefix(NAMESPACE)
# Modules that reach a database or Spark: the report asks the source or the backend through
# their interfaces (analysis.sources, analysis.pipeline), never these.
SQL_OR_SPARK = ("analysis.sources.sql", "analysis.sources.spark_path", "analysis.backends.spark",
                "sqlalchemy", "duckdb", "psycopg", "adbc_driver_postgresql", "pyspark")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
            if "__pycache__" not in p.parts and "_data" not in p.parts}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module `path` imports (absolute names; `from x import y` counts y when y is a
    module of ours, else x)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(short(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = short(node.module)
            for alias in node.names:
                child = f"{target}.{alias.name}"
                found.add(child if child in known else target)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imported(path, name, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm),
    and modules importing themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_graph_reader_sees_imports_inside_functions_and_relative_ones():
    edges = graph()
    assert "analysis.config" in edges["analysis.pipeline"]  # relative: from .config import
    assert "analysis.backends.spark.backend" in edges["analysis.backends"]  # inside a function
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}}) == [["a"]] and cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycles(package):
    edges = {m: {t for t in targets if within(t, [package])}
             for m, targets in graph().items() if within(m, [package])}
    assert cycles(edges) == []


def test_analysis_never_imports_report():
    offenders = {m: sorted(t for t in targets if within(t, ["report"]))
                 for m, targets in graph().items() if within(m, ["analysis"])}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_report_reaches_sql_and_spark_only_through_interfaces():
    offenders = {m: sorted(t for t in targets if within(t, SQL_OR_SPARK))
                 for m, targets in graph().items() if within(m, ["report"])}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_publishing_imports_nothing_from_the_analysis():
    offenders = {m: sorted(t for t in targets if within(t, ["analysis"]))
                 for m, targets in graph().items() if within(m, ["report.publish"])}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_file_system_helpers_stay_out_of_the_science():
    """report.files (folder swap, owned temporary folders, copies) imports nothing of the
    analysis, and the analysis none of it: editing it never invalidates the analysis cache,
    whose code hash covers analysis/ only."""
    edges = graph()
    assert not any(within(t, ["analysis"]) for t in edges["report.files"])
    assert not any("report.files" in targets for m, targets in edges.items()
                   if within(m, ["analysis"]))
