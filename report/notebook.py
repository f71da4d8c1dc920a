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

from kmeans_report.analysis.sources import NotebookNeeds

from .errors import RenderError
from .escape import md_escape
from .resources import TEMPLATES_DIR

NOTEBOOK_TEMPLATE = TEMPLATES_DIR / "notebook" / "reproduce.ipynb"
EXECUTION_TIMEOUT = 1800  # seconds per cell; the analysis of a large table takes minutes


def _data_note(needs: NotebookNeeds) -> str:
    """What the reader must have at hand for the notebook to read the same data."""
    if needs.generated:
        return "It uses the built-in synthetic data, generated again from its seed."
    if needs.spark_path:
        return (f"It runs on Apache Spark, which reads `{md_escape(needs.spark_path)}` "
                "(`spark.path`) where it is.")
    if needs.database:
        what = f"the table `{md_escape(needs.table)}`" if needs.table else "the configured query"
        if needs.database_file:
            return (f"It reads {what} from the DuckDB file `{md_escape(needs.database_file)}`: "
                    "put that file in the same folder as this notebook before running it.")
        variables = ", ".join(f"`{n}`" for n in needs.environment)
        extra = (f" Set the environment variable(s) {variables} first: the URL takes them from "
                 "the environment." if variables else "")
        return f"It reads {what} from the database in `CONFIG['data']['sql']['url']`.{extra}"
    if not needs.files:
        return ""
    digest = f" (SHA-256 `{needs.file_sha256}`)" if needs.file_sha256 else ""
    return (f"It reads the customer table `{md_escape(needs.files[0].name)}`{digest}: put that "
            "file in the same folder as this notebook before running it.")


def _tagged(notebook: nbformat.NotebookNode, tag: str) -> int:
    for index, cell in enumerate(notebook.cells):
        if tag in cell.metadata.get("tags", []):
            return index
    raise RenderError(f"{NOTEBOOK_TEMPLATE}: no cell tagged {tag!r}; the template is damaged")


def build_notebook(config: dict[str, Any], title: str, version: str,
                   needs: NotebookNeeds) -> nbformat.NotebookNode:
    """The notebook template with this report's parameters injected (papermill's way: the
    cell tagged `parameters` holds them) and its introduction written; the `published` cell's
    numbers come later (`with_published`), once our own analysis is done. `config` is the
    published config (the data file is named, never its folder); `version` is the
    kmeans-report version that built the report; `needs`: what the source says the notebook
    needs to read the data."""
    return describe(nbformat.read(NOTEBOOK_TEMPLATE, as_version=4), config, title, version,
                    needs)


def describe(notebook: nbformat.NotebookNode, config: dict[str, Any], title: str,
             version: str, needs: NotebookNeeds) -> nbformat.NotebookNode:
    """Writes the introduction and the parameters cell (neither has output). A run taken
    from the cache gets the current report's: what the cells print depends only on the
    analysis settings, the data and kmeans-report's version, which key that cache, so a new
    title or author needs no new run."""
    notebook.cells[_tagged(notebook, "intro")].source = (
        f"# Reproduce: {md_escape(title)}\n\n"
        "Re-runs the analysis of this report with the `kmeans-report` package from the same "
        "configuration, then checks the headline numbers against the published ones. "
        f"Put the wheel `{wheel_name(version)}` from the report's downloads (its SHA-256 is "
        f"listed there) beside this notebook: the first cell installs kmeans-report {version}, "
        "the version that built the report, from it. "
        + _data_note(needs)
    )
    literal = pprint.pformat(config, sort_dicts=False, width=88)
    notebook.cells[_tagged(notebook, "parameters")].source = (
        f"CONFIG = {literal}\nVERSION = {version!r}\nWHEEL = {wheel_name(version)!r}")
    return notebook


def wheel_name(version: str) -> str:
    """The file name of kmeans-report's wheel at `version` (as report.wheel builds it)."""
    from packaging.version import Version

    return f"kmeans_report-{str(Version(version)).replace('-', '_')}-py3-none-any.whl"


def with_published(notebook: nbformat.NotebookNode, published: dict[str, Any]) -> int:
    """Writes the report's headline numbers (`Results.headline()`) into the `published` cell;
    returns that cell's index (it and the cells after it run once the numbers are known)."""
    index = _tagged(notebook, "published")
    literal = pprint.pformat(published, sort_dicts=False, width=88)
    notebook.cells[index].source = f"PUBLISHED = {literal}"
    return index


class NotebookRun:
    """Executes the notebook in a Jupyter kernel in the background, while the build goes on.

    The cells before the one tagged `published` run as soon as the run starts (they need
    only the config); it and the check after it run when `finish(expected)` gives the numbers.
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
            # The kernel is this Python's (ipykernel's own kernel spec), so it imports the
            # installed kmeans-report that is building the report.
            env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
            with self.client.setup_kernel(env=env):
                cells = self.notebook.cells
                published = _tagged(self.notebook, "published")
                for index in range(published):
                    self.client.execute_cell(cells[index], index)
                expected = self._expected.get()
                if expected is None:  # the build failed: stop quietly
                    return
                with_published(self.notebook, expected)
                for index in range(published, len(cells)):
                    self.client.execute_cell(cells[index], index)
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
