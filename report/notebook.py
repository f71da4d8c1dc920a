"""The "Reproduce" notebook: generated with nbformat, executed with nbclient at build time.

It re-runs the analysis with the kmeans-report package from the same effective config and
checks the headline numbers against the ones this report publishes.
"""

from __future__ import annotations

import contextlib
import os
import pprint
import queue
import signal
import threading
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.results import Results

from .errors import RenderError
from .escape import md_escape

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # holds analysis/ and report/
EXECUTION_TIMEOUT = 1800  # seconds per cell; the analysis of a large table takes minutes


def expected_numbers(results: Results) -> dict[str, Any]:
    """The headline numbers the notebook's last cell checks against the published report."""
    expected = {
        "chosen_k": results.selection.chosen_k,
        "silhouette": round(results.quality.silhouette, 6),
        "sizes": [s.size for s in results.segments],
    }
    if results.roi is not None:
        expected["total_revenue"] = round(results.roi.total_revenue, 2)
        expected["net_roi_pct"] = round(results.roi.net_roi_pct, 4)
    return expected


def check_cell_source(expected: dict[str, Any]) -> str:
    published = pprint.pformat(expected, sort_dicts=False, width=88)
    return (
        f"PUBLISHED = {published}\n"
        "reproduced = {\n"
        "    \"chosen_k\": results.selection.chosen_k,\n"
        "    \"silhouette\": round(results.quality.silhouette, 6),\n"
        "    \"sizes\": [s.size for s in results.segments],\n"
        "}\n"
        "if results.roi is not None:\n"
        "    reproduced[\"total_revenue\"] = round(results.roi.total_revenue, 2)\n"
        "    reproduced[\"net_roi_pct\"] = round(results.roi.net_roi_pct, 4)\n"
        "assert reproduced == PUBLISHED, (reproduced, PUBLISHED)\n"
        "print(\"All headline numbers match the published report.\")"
    )


def _data_note(config: dict[str, Any], sha256: str | None) -> str:
    data = config["data"]
    if data["source"] == "sql":
        return sql_note(data["sql"])
    if data["source"] != "file":
        return "It uses the built-in synthetic data, generated again from its seed."
    digest = f" (SHA-256 `{sha256}`)" if sha256 else ""
    return (f"It reads the customer table `{md_escape(data['path'])}`{digest}: put that file "
            "in the same folder as this notebook before running it.")


def sql_note(sql: dict[str, Any]) -> str:
    from analysis.sql_source import VARIABLE, duckdb_file

    what = f"the table `{md_escape(sql['table'])}`" if sql.get("table") else "the configured query"
    if duckdb_file(sql["url"]):
        return (f"It reads {what} from the DuckDB file `{md_escape(duckdb_file(sql['url']))}`: "
                "put that file in the same folder as this notebook before running it.")
    names = sorted(set(VARIABLE.findall(sql["url"])))
    needs = (f" Set the environment variable(s) {', '.join(f'`{n}`' for n in names)} first: "
             "the URL takes them from the environment." if names else "")
    return f"It reads {what} from the database in `CONFIG['data']['sql']['url']`.{needs}"


def build_notebook(config: dict[str, Any], title: str, version: str,
                   data_sha256: str | None = None) -> nbformat.NotebookNode:
    """The notebook without its last cell's numbers (known only once our analysis is done).
    `config` is the published config (the data file is named, never its folder); `version`
    is the kmeans-report version that built the report."""
    literal = pprint.pformat(config, sort_dicts=False, width=88)
    cells = [
        new_markdown_cell(
            f"# Reproduce: {md_escape(title)}\n\n"
            "Re-runs the analysis of this report with the `kmeans-report` package from the same "
            "configuration, then checks the headline numbers against the published ones. "
            f"Install the version that built it first: `pip install kmeans-report=={version}`. "
            + _data_note(config, data_sha256)
        ),
        new_code_cell(
            "from analysis.config import validate_config\n"
            "from analysis.pipeline import run_analysis\n\n"
            f"CONFIG = {literal}\n"
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
        new_markdown_cell("## Segments"),
        new_code_cell(
            "cur = config.roi.currency\n"
            "for s in results.segments:\n"
            "    print(f\"Cluster {s.cluster}: {s.name}\" + (f\" ({s.type})\" if s.type else \"\"))\n"
            "    print(f\"  Size: {s.size} customers ({s.share * 100:.1f}%)\")\n"
            "    if s.avg_spending is not None:\n"
            "        print(f\"  Average spend: {cur}{s.avg_spending:,.0f}\")\n"
            "        print(f\"  Total revenue: {cur}{s.total_revenue:,.0f}\")"
        ),
        new_markdown_cell("## ROI"),
        new_code_cell(
            "roi = results.roi\n"
            "if roi is None:\n"
            "    print(\"No spend column is configured (roles.spending): no revenue, no ROI.\")\n"
            "else:\n"
            "    print(f\"Total customer revenue: {cur}{roi.total_revenue:,.0f}\")\n"
            "    print(f\"Estimated annual ROI: {cur}{roi.estimated_annual_roi:,.0f}\")\n"
            "    print(f\"Net ROI: {roi.net_roi_pct:.0f}%\")"
        ),
        new_markdown_cell("## Check against the published report"),
        new_code_cell(check_cell_source({})),
    ]
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i}"  # stable ids: the same report gives the same notebook bytes
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


class NotebookRun:
    """Executes the notebook in a Jupyter kernel in the background, while the build goes on.

    Every cell but the last runs as soon as the run starts (they need only the config); the
    last one, which checks the published numbers, runs when `finish(expected)` gives them.
    """

    def __init__(self, notebook: nbformat.NotebookNode, workdir: Path):
        from nbclient import NotebookClient

        self.notebook = notebook
        self.client = NotebookClient(
            notebook, timeout=EXECUTION_TIMEOUT, kernel_name="python3",
            record_timing=False,  # no wall-clock times in the published notebook
            resources={"metadata": {"path": str(workdir)}},
            # The kernel's own start-up notices (e.g. about its local TCP transport) are
            # noise in a build log; real errors still surface as failed cells.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        self._expected: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="reproduce-notebook", daemon=True)

    def start(self) -> NotebookRun:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            # One OpenMP thread in the kernel: the build's own analysis runs on the other core.
            env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
            # The kernel imports the very analysis code that built this report (this
            # checkout first), not whichever copy happens to be installed.
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p
            )
            with self.client.setup_kernel(env=env):
                cells = self.notebook.cells
                for index, cell in enumerate(cells[:-1]):
                    self.client.execute_cell(cell, index)
                expected = self._expected.get()
                if expected is None:  # the build failed: stop quietly
                    return
                cells[-1].source = check_cell_source(expected)
                self.client.execute_cell(cells[-1], len(cells) - 1)
        except BaseException as exc:  # noqa: BLE001 - reported by finish() in the build thread
            self._error = exc

    def finish(self, expected: dict[str, Any]) -> nbformat.NotebookNode:
        self._expected.put(expected)
        self._thread.join()
        if self._error is not None:
            from nbclient.exceptions import CellExecutionError

            if isinstance(self._error, CellExecutionError):
                # The error itself, not the (long) cell source that precedes it in str().
                what = f"{self._error.ename}: {self._error.evalue}"
                raise RenderError(
                    f"the Reproduce notebook failed while running: {what[:2000]}"
                ) from None
            raise RenderError(
                f"the Reproduce notebook could not be executed ({type(self._error).__name__}: "
                f"{self._error}); install a Jupyter kernel with `pip install ipykernel`"
            ) from None
        return self.notebook

    def cancel(self) -> None:
        """The build failed: interrupt the running cell and let the thread shut the kernel down.

        The kernel manager is async and bound to the notebook thread's event loop, so the
        interrupt is sent as a plain SIGINT to the kernel process (what Ctrl-C in Jupyter
        does); a kernel still starting up simply finds the queue's None and stops.
        """
        km = getattr(self.client, "km", None)
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and self._thread.is_alive():
            with contextlib.suppress(OSError, ValueError):
                process.send_signal(signal.SIGINT)
        self._expected.put(None)
        self._thread.join(timeout=30)


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
