"""Pandoc engine, PDF half: report.qmd -> typst (pandoc + our template) -> PDF (typst wheel)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kmeans_report.report.engines.pandoc_run import run_pandoc
from kmeans_report.report.engines.siteconfig import front_matter
from kmeans_report.report.errors import RenderError
from kmeans_report.report.resources import TEMPLATES_DIR

TYPST_FIX = "python3 -m pip install typst"
TEMPLATE = TEMPLATES_DIR / "typst" / "report.typ"
FILTERS = [TEMPLATES_DIR / "filters" / name
           for name in ("callouts.lua", "links.lua", "typst-literal.lua")]
# typst fetches `@preview/...` packages from the network on first use; the build must not.
_PACKAGE_IMPORT = re.compile(r'#?(import|include)\s+"@[\w-]+/')
# Raw text (```block``` and `inline`) is shown verbatim, never run: a report that quotes an
# import, e.g. a title in the BibTeX block, is not importing anything.
_RAW = re.compile(r"(?<!`)(`{3,})(?!`)[\s\S]*?(?<!`)\1(?!`)|(?<![`\\])`[^`]*`")
# Options of Quarto's typst format that are not pandoc template variables.
_NOT_VARIABLES = {"template-partials", "template", "keep-typ", "toc", "toc-depth", "output-file",
                  "filters"}


def typst_version() -> str:
    try:
        import typst
    except ImportError as exc:
        raise RenderError(f"typst is not installed; fix: {TYPST_FIX}") from exc
    return str(getattr(typst, "__version__", "unknown"))


def typst_options(site_typst: dict[str, Any], report_meta: dict[str, Any]) -> dict[str, Any]:
    """_quarto.yml's `format: typst:` options, overridden by report.qmd's own, A4 by default."""
    options = {"papersize": "a4", **site_typst}
    fmt = report_meta.get("format")
    if isinstance(fmt, dict) and isinstance(fmt.get("typst"), dict):
        options.update(fmt["typst"])
    return options


def pandoc_typst_args(options: dict[str, Any]) -> list[str]:
    args = ["--from", "markdown", "--to", "typst", "--template", str(TEMPLATE)]
    for lua in FILTERS:
        args += ["--lua-filter", str(lua)]
    if options.get("toc"):
        args += ["--toc", f"--toc-depth={int(options.get('toc-depth', 3))}"]
    for key, value in options.items():
        if key in _NOT_VARIABLES or isinstance(value, dict | list) or value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else ""
        args += ["--variable", f"{key}={value}"]
    return args


def report_to_typst(project_dir: Path, source_name: str, site_typst: dict[str, Any]) -> str:
    meta = front_matter(project_dir / source_name)
    args = pandoc_typst_args(typst_options(site_typst, meta))
    source = run_pandoc([*args, source_name], cwd=project_dir)
    found = _PACKAGE_IMPORT.search(_RAW.sub("", source))
    if found:
        raise RenderError(
            f"{source_name} imports a typst package ({found.group(0)}...); the PDF must build "
            "offline, so typst packages are not allowed"
        )
    return source


def compile_pdf(source: str, project_dir: Path, pdf_path: Path) -> None:
    """Compile with the project as typst's root, so figures/x.svg resolve and nothing outside
    the project can be read."""
    typst_version()
    import typst

    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pdf = typst.compile(source.encode("utf-8"), root=str(project_dir))
    except typst.TypstError as exc:
        raise RenderError(f"typst could not compile the PDF report:\n{exc}") from exc
    except RuntimeError as exc:  # older typst wheels raise RuntimeError
        raise RenderError(f"typst could not compile the PDF report:\n{exc}") from exc
    pdf_path.write_bytes(pdf)
