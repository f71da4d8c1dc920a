"""The Methods and Model selection pages say exactly what the large-data path sampled (and
nothing on small data)."""

from __future__ import annotations

import pytest

from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.pipeline import run_analysis
from kmeans_report.report.context import FigureRef, SiteInfo, build_context
from kmeans_report.report.templating import make_environment


class Figures(dict):
    """Any figure a page names, as a placeholder (these tests read the text only)."""

    def __missing__(self, name: str) -> FigureRef:
        return FigureRef(name, name, "", "", f"{name}.json", f"{name}.svg", 10, 10)


def page_markdown(results, section: str) -> str:
    site = SiteInfo(engine="pandoc", engine_version="test", citation={}, releases=[], downloads=[])
    context = build_context(results, Figures(), site)
    template = make_environment().get_template(f"sections/{section}.md.j2")
    return template.render(target="html", **context).replace("\\", "")  # markdown escapes


def page_text(results, section: str = "methods") -> str:
    return " ".join(page_markdown(results, section).split())


def methods_text(results) -> str:
    return page_text(results, "methods")


@pytest.fixture(scope="module")
def large_results():
    config = validate_config({
        "data": {"synthetic": {"n_customers": 6_000, "planted_segments": 3}},
        "clustering": {
            "chosen_k": "auto", "k_max": 5,
            "large_data": {"mode": "on", "sweep_sample_size": 2_000},
            "silhouette": {"exact_max_rows": 1_000, "sample_size": 1_500},
            "stability": {"n_reseeds": 1, "n_bootstrap": 1, "max_rows": 1_000},
        },
    })
    return run_analysis(config).results


def test_large_data_section_states_every_sample(large_results):
    text = methods_text(large_results)
    assert "Large data: what was sampled" in text
    assert "set in the configuration" in text
    assert "uniform random sample of **2,000 customers** (without replacement, seed 43)" in text
    assert ("scored on a second uniform random sample of as many other customers (seed 44)"
            in text)
    assert "Only the chosen K is scored on every customer" in text
    assert "sample of 1,500 customers (standard error" in text
    assert "refined on **all 6,000 customers**" in text
    assert f"({large_results.run.refine_n_iter} iterations)" in text
    assert "uniform sample of 1,000 customers" in text
    assert "float32" in text
    # the algorithm comparison names the rows it was fitted on: the sweep sample
    assert "on the same 2,000 customers" in text


def test_no_large_data_section_on_the_default_data(default_results):
    text = methods_text(default_results)
    assert "Large data" not in text and "on the same 1,000 customers" in text


def test_model_selection_labels_the_sampled_rows(large_results):
    text = page_text(large_results, "model-selection")
    k = large_results.selection.chosen_k
    assert ('"Sample estimate" marks a K scored on a uniform random sample of 2,000 of the 6,000 '
            "customers") in text
    assert f"The chosen K = {k} is computed on all 6,000 customers." in text
    # the note is a paragraph of its own: the table after it still starts a block
    assert "customers.\n\n| K | Inertia |" in page_markdown(large_results, "model-selection")
    lines = page_markdown(large_results, "model-selection").splitlines()
    for row in large_results.sweep:
        line = next(line for line in lines if line.startswith(f"| {row.k} | "))
        inertia, *_, notes = [cell.strip() for cell in line.split("|")[2:-1]]
        if row.k == k:  # exact: no standard error, no label
            assert "±" not in inertia and "sample estimate" not in notes
        else:
            assert " ± " in inertia and "sample estimate" in notes


def test_model_selection_has_no_sample_label_on_the_default_data(default_results):
    text = page_text(default_results, "model-selection")
    assert "Sample estimate" not in text and "±" not in text
