"""The command line of `kmeans-report`: its commands, options and help texts.

Only the grammar; report.cli runs the command that was parsed (`args.command`).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help="YAML configuration (default: ./report.yml, or else the built-in example: the "
             "notebook's own report)",
    )


def _tool_version() -> str:
    from kmeans_report.analysis import __version__

    return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kmeans-report",
        description="Publish a K-Means customer segmentation as a versioned static report.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_tool_version()}",
                        help="show the version of kmeans-report and exit")
    _add_global_options(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = sub.add_parser("analyze", help="run the analysis and write results.json + tables")
    _add_config(analyze)
    analyze.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        metavar="DIR",
        help="output folder, replaced as a whole (default: results/)",
    )

    make_data = sub.add_parser("make-data", help="write a large synthetic customer table (CSV or Parquet)")
    make_data.add_argument("--rows", type=int, required=True, help="number of customers")
    make_data.add_argument("--out", type=Path, default=None, metavar="PATH",
                           help="output file; .parquet or .csv chooses the format")
    make_data.add_argument("--to-sql", default=None, metavar="URL",
                           help="load into a database instead (SQLAlchemy URL, ${VAR} from the "
                                "environment; needs --table)")
    make_data.add_argument("--table", default=None, metavar="NAME", help="table for --to-sql")
    make_data.add_argument("--planted-segments", type=int, default=None, metavar="K",
                           help="draw customers around K real segments (2-12; true labels kept "
                                "in the planted_segment column)")
    make_data.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    make_data.add_argument("--chunk-rows", type=int, default=1_000_000, metavar="N",
                           help="rows generated and written at a time (default: 1,000,000)")
    make_data.add_argument("--force", action="store_true", help="replace an existing file")
    make_data.add_argument("--parts", action="store_true",
                           help="write --out as a folder of Parquet part files, one per chunk "
                                "(for clustering.backend: spark)")

    init = sub.add_parser("init", help="write a commented configuration for your own data table")
    init.add_argument("data_file", type=Path, nargs="?", default=None, metavar="DATA_FILE",
                      help="a CSV or Parquet table")
    init.add_argument("--sql", default=None, metavar="URL",
                      help="describe a database table instead (SQLAlchemy URL; needs --table)")
    init.add_argument("--table", default=None, metavar="NAME", help="table for --sql")
    init.add_argument("--out", type=Path, default=Path("report.yml"), metavar="PATH",
                      help="configuration to write (default: report.yml)")
    init.add_argument("--force", action="store_true", help="replace an existing file")

    build = sub.add_parser("build", help="run the analysis and render the site and PDF")
    _add_config(build)
    _add_build_options(build)
    build.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR",
                       help="site folder, replaced as a whole when the build succeeds (default: _site/)")
    build.add_argument("--timings", action="store_true",
                       help="print the wall and CPU time of each stage at the end")

    preview = sub.add_parser(
        "preview", help="build, serve on http://127.0.0.1:PORT/, and rebuild and reload the "
                        "open pages whenever the config, data, templates or _quarto.yml change")
    _add_config(preview)
    _add_engine_options(preview)
    preview.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR",
                         help="site folder, as for build (default: _site/)")
    preview.add_argument("--port", type=int, default=8000,
                         help="port (default: 8000; 0 picks a free one)")

    serve = sub.add_parser("serve", help="serve a built site on http://127.0.0.1:PORT/")
    serve.add_argument("--dir", type=Path, default=Path("_site"), help="folder to serve (default: _site/)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")

    publish = sub.add_parser("publish", help="build (or take --from) and publish as one version")
    _add_config(publish)
    _add_build_options(publish)
    publish.add_argument("--version", default=None,
                         help="version to publish (PEP 440; default: the report's report.version)")
    publish.add_argument("--alias", action="append", default=None, metavar="NAME",
                         help="alias to point at this version (repeatable; default: latest)")
    publish.add_argument("--no-alias", action="store_true", help="publish without moving any alias")
    publish.add_argument("--title", default=None, help="title shown in the version menu")
    publish.add_argument("--site-root", type=Path, default=Path("public"), metavar="DIR",
                         help="published tree (default: public/)")
    publish.add_argument("--from", dest="from_dir", type=Path, default=None, metavar="DIR",
                         help="publish this already built site instead of building")
    publish.add_argument("--force", action="store_true", help="replace an existing version")

    assign = sub.add_parser("assign", help="put customers into a published model's segments "
                                           "(no refit), or print the SQL that does")
    assign.add_argument("--model", type=Path, required=True, metavar="PATH",
                        help="model.json, results.json, or a published version's folder")
    assign.add_argument("data", type=Path, nargs="?", default=None, metavar="DATA",
                        help="CSV or Parquet table with the model's feature columns")
    assign.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="assignments to write: .parquet or .csv (id, cluster, segment)")
    assign.add_argument("--id-column", default=None, metavar="NAME",
                        help="DATA's column to copy into the output as the customer id "
                             "(default: the model's id column when DATA has it)")
    assign.add_argument("--sql", action="store_true",
                        help="print one SELECT that assigns every row in the database instead")
    assign.add_argument("--table", default="customers", metavar="NAME",
                        help="table the SELECT reads (--sql; default: customers)")
    assign.add_argument("--dialect", default="duckdb", metavar="NAME",
                        help="SQL dialect of the SELECT (--sql; duckdb, postgres, or any "
                             "SQLGlot dialect; default: duckdb)")
    assign.add_argument("--force", action="store_true", help="replace an existing --out file")

    versions = sub.add_parser("versions", help="list the published versions")
    versions.add_argument("--site-root", type=Path, default=Path("public"), metavar="DIR")

    sub.add_parser("doctor", help="check the external tools a build uses and how to fix them")

    unpublish = sub.add_parser("unpublish", help="remove one published version")
    unpublish.add_argument("version")
    unpublish.add_argument("--site-root", type=Path, default=Path("public"), metavar="DIR")
    unpublish.add_argument("--force", action="store_true",
                           help="also remove the only version an alias points to")
    for command in sub.choices.values():  # `kmeans-report doctor --debug` works too
        _add_global_options(command, default=argparse.SUPPRESS)
    return parser


def _add_global_options(parser: argparse.ArgumentParser, default) -> None:
    """-q and --debug, before the command or after it. A command's own copies default to
    SUPPRESS, so one given before the command is not reset by the command's parser."""
    parser.add_argument("--debug", action="store_true", default=default,
                        help="show Python tracebacks on errors")
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="no progress output")


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    from .engines import ENGINE_NAMES

    parser.add_argument("--engine", choices=ENGINE_NAMES, default="auto",
                        help="renderer: quarto when installed (auto; the publishing engine), "
                             "or the built-in pure-pip pandoc engine")
    parser.add_argument("--cache-dir", type=Path, default=Path(".kmeans-cache"), metavar="DIR",
                        help="cache of analysis results, figures and the executed notebook")


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    _add_engine_options(parser)
    parser.add_argument("--rebuild", action="store_true",
                        help="render the whole site again, even when no input changed "
                             "(by default a build renders only what its changes touch)")
    parser.add_argument("--compare-with", type=Path, default=None, metavar="PATH",
                        help="compare with an earlier release: its results.json or published "
                             "version folder (publish: default the previous published version)")
    parser.add_argument("--keep-project", type=Path, default=None, metavar="DIR",
                        help="keep the generated Quarto project in DIR (for `quarto render` by hand)")
