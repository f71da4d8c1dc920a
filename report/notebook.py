"""The "Reproduce" notebook: generated with nbformat, executed with nbclient at build time.

It re-runs the analysis with the kmeans-report package from the same effective config and
checks the headline numbers against the ones this report publishes.
"""

from __future__ import annotations

import pprint
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.results import Results

from .errors import RenderError
from .templating import md_escape

EXECUTION_TIMEOUT = 1800  # seconds per cell; the analysis of a large table takes minutes


def _expected(results: Results) -> dict[str, Any]:
    return {
        "chosen_k": results.selection.chosen_k,
        "silhouette": round(results.quality.silhouette, 6),
        "sizes": [s.size for s in results.segments],
        "total_revenue": round(results.roi.total_revenue, 2),
        "net_roi_pct": round(results.roi.net_roi_pct, 4),
    }


def build_notebook(results: Results) -> nbformat.NotebookNode:
    config = pprint.pformat(results.config, sort_dicts=False, width=88)
    expected = pprint.pformat(_expected(results), sort_dicts=False, width=88)
    title = md_escape(results.metadata.get("title", "K-Means report"))
    cells = [
        new_markdown_cell(
            f"# Reproduce: {title}\n\n"
            "Re-runs the analysis of this report with the `kmeans-report` package "
            "(`pip install -e .` in its repository) from the same configuration, then checks "
            "the headline numbers against the published ones."
        ),
        new_code_cell(
            "from analysis.config import validate_config\n"
            "from analysis.pipeline import run_analysis\n\n"
            f"CONFIG = {config}\n"
            "config = validate_config(CONFIG)"
        ),
        new_markdown_cell("## The K sweep"),
        new_code_cell(
            "results = run_analysis(config).results\n"
            "for row in results.sweep:\n"
            "    print(f\"K={row.k}: Inertia={row.inertia:.0f}, Silhouette={row.silhouette:.3f}\")\n"
            "print(f\"\\nChosen K: {results.selection.chosen_k} ({results.selection.reason})\")\n"
            "print(f\"Final silhouette score: {results.quality.silhouette:.3f}\")"
        ),
        new_markdown_cell("## Business insights"),
        new_code_cell(
            "for s in results.segments:\n"
            "    print(f\"Cluster {s.cluster}: {s.name}\")\n"
            "    print(f\"  Size: {s.size} customers ({s.share * 100:.1f}%)\")\n"
            "    print(f\"  Annual spending: ${s.avg_spending:,.0f}\")\n"
            "    print(f\"  Total cluster revenue: ${s.total_revenue:,.0f}\")"
        ),
        new_markdown_cell("## ROI"),
        new_code_cell(
            "roi = results.roi\n"
            "print(f\"Total customer revenue: ${roi.total_revenue:,.0f}\")\n"
            "print(f\"Estimated annual ROI: ${roi.estimated_annual_roi:,.0f}\")\n"
            "print(f\"Net ROI: {roi.net_roi_pct:.0f}%\")"
        ),
        new_markdown_cell("## Check against the published report"),
        new_code_cell(
            f"PUBLISHED = {expected}\n"
            "reproduced = {\n"
            "    \"chosen_k\": results.selection.chosen_k,\n"
            "    \"silhouette\": round(results.quality.silhouette, 6),\n"
            "    \"sizes\": [s.size for s in results.segments],\n"
            "    \"total_revenue\": round(results.roi.total_revenue, 2),\n"
            "    \"net_roi_pct\": round(results.roi.net_roi_pct, 4),\n"
            "}\n"
            "assert reproduced == PUBLISHED, (reproduced, PUBLISHED)\n"
            "print(\"All headline numbers match the published report.\")"
        ),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def execute_notebook(notebook: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel; a failing cell is a RenderError naming it."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(
        notebook, timeout=EXECUTION_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute(env=_kernel_env())
    except CellExecutionError as exc:
        raise RenderError(f"the Reproduce notebook failed while running: {str(exc)[:2000]}") from None
    except Exception as exc:  # kernel could not start: report how to fix it
        raise RenderError(
            f"the Reproduce notebook could not be executed ({type(exc).__name__}: {exc}); "
            "install a Jupyter kernel with `pip install ipykernel`"
        ) from None
    return notebook


def _kernel_env() -> dict[str, str]:
    """The kernel imports the same `analysis` code that produced the published numbers
    (a checkout or worktree run from source, not whichever copy is installed)."""
    import os

    import analysis

    env = dict(os.environ)
    root = str(Path(analysis.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def notebook_cells(notebook: nbformat.NotebookNode) -> list[dict[str, str]]:
    """Code and printed output of each cell, for the Reproduce page."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = cell.source
            if text.startswith("# "):  # the page has its own title
                continue
            cells.append({"kind": "markdown", "text": text, "output": ""})
            continue
        output = "".join(
            o.get("text", "") if o.get("output_type") == "stream"
            else "".join(o.get("data", {}).get("text/plain", ""))
            for o in cell.get("outputs", [])
        )
        cells.append({"kind": "code", "text": cell.source, "output": output.rstrip()})
    return cells
