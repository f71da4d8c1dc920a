"""Where output may go: checked before any work, so bad input writes nothing."""

from __future__ import annotations

from pathlib import Path

from kmeans_report.analysis.config import Config
from kmeans_report.analysis.sources import source_for

from .errors import OutputError
from .files import check_replaceable

REPO = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("analysis", "report", "templates", "tests", "benchmarks", ".git", ".ci", ".github")


def check_output_dir(out_dir: Path, config: Config, *, option: str = "--out") -> Path:
    """Checked before any work: the output folder is replaced as a whole, so it must not be
    (or be inside) the source tree, must not contain the input data, and must be a folder
    this tool wrote, an empty one, or a new one."""
    out = Path(out_dir).absolute().resolve()
    if out == REPO.resolve() or REPO.resolve().is_relative_to(out):
        raise OutputError(f"{option} {out_dir}: would replace the repository {REPO}; choose a sub-folder such as _site")
    for name in SOURCE_FOLDERS:
        folder = (REPO / name).resolve()
        if out == folder or out.is_relative_to(folder):
            raise OutputError(f"{option} {out_dir}: inside the source folder {folder}; choose another output folder")
    for data_file in source_for(config).input_files():  # a data file, a DuckDB database
        data = Path(data_file).absolute().resolve()
        if data == out or data.is_relative_to(out):
            raise OutputError(
                f"{option} {out_dir}: the output folder contains the input data {data}; "
                "replacing it would delete the data"
            )
    check_replaceable(out, option)
    return out
