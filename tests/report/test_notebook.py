"""The Reproduce notebook comes from a real notebook template (templates/notebook/): the
build injects the configuration into its `parameters` cell and the published numbers into its
`published` cell; the headline numbers are defined once (`Results.headline`)."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from kmeans_report.analysis import __version__
from kmeans_report.analysis.sources import NotebookNeeds
from kmeans_report.report.notebook import NOTEBOOK_TEMPLATE, build_notebook, with_published


def code_of(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "code")


def test_the_template_is_a_valid_notebook_an_analyst_can_open():
    template = nbformat.read(NOTEBOOK_TEMPLATE, as_version=4)
    nbformat.validate(template)
    tags = [t for c in template.cells for t in c.metadata.get("tags", [])]
    assert tags == ["intro", "parameters", "install", "published"]
    assert template.metadata["kernelspec"]["name"] == "python3"


def test_parameters_and_introduction_are_injected(default_config):
    config = default_config.public_dict()
    notebook = build_notebook(config, "Q3 *segments*", "9.9.9", NotebookNeeds(generated=True))
    intro, params = notebook.cells[0].source, notebook.cells[1].source
    assert intro.startswith("# Reproduce: Q3 \\*segments\\*")
    assert "`kmeans_report-9.9.9-py3-none-any.whl`" in intro and "kmeans-report 9.9.9" in intro
    assignments = {a.targets[0].id: ast.literal_eval(a.value) for a in ast.parse(params).body}
    assert assignments == {"CONFIG": config, "VERSION": "9.9.9",
                           "WHEEL": "kmeans_report-9.9.9-py3-none-any.whl"}
    assert "PUBLISHED = {}" in code_of(notebook)  # filled in only once the numbers exist


def test_the_notebook_reproduces_and_checks_the_published_numbers(default_config, default_results):
    """The code cells, run in order, reproduce the report's numbers and accept them; wrong
    published numbers make the check fail."""
    # the version installed here: the notebook's install cell leaves it as it is
    notebook = build_notebook(default_config.public_dict(), "t", __version__,
                              NotebookNeeds(generated=True))
    with_published(notebook, default_results.headline())
    namespace: dict = {}
    exec(compile(code_of(notebook), "reproduce.ipynb", "exec"), namespace)  # noqa: S102
    assert namespace["reproduced"] == default_results.headline()
    assert default_results.headline()["sizes"] == [604, 176, 220]

    index = with_published(notebook, {**default_results.headline(), "chosen_k": 4})
    checks = "\n\n".join(c.source for c in notebook.cells[index:])
    with pytest.raises(AssertionError):  # the analysis is not run again: only the check
        exec(compile(checks, "reproduce.ipynb", "exec"), namespace)  # noqa: S102


@pytest.mark.parametrize("needs, expected", [
    (NotebookNeeds(generated=True), "built-in synthetic data"),
    (NotebookNeeds(files=(Path("/data/shop/customers.csv"),), file_sha256="ab12"),
     "`customers.csv` (SHA-256 `ab12`)"),
    (NotebookNeeds(database=True, table="crm.customers", environment=("PGPASS",)),
     "the table `crm.customers` from the database in `CONFIG['data']['sql']['url']`. Set the "
     "environment variable(s) `PGPASS` first"),
    (NotebookNeeds(database=True, database_file="shop.duckdb"),
     "the configured query from the DuckDB file `shop.duckdb`"),
    (NotebookNeeds(spark_path="s3a://lake/customers/"), "Spark, which reads `s3a://lake/customers/`"),
])
def test_the_introduction_says_what_the_source_needs(default_config, needs, expected):
    intro = build_notebook(default_config.public_dict(), "t", "1", needs).cells[0].source
    # user strings pass through md_escape (its own tests cover how); compare the words
    assert expected in " ".join(intro.replace("\\", "").split())
    assert "/data/shop" not in intro  # a file by its name, never its folder
