"""`kmeans-report`: argument parsing only; the work is done by analysis/ and report/ modules."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analysis.errors import AnalysisError

from .errors import ReportError

EXIT_BAD_INPUT = 2


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help="YAML configuration (default: ./report.yml, or else the built-in example: the "
             "notebook's own report)",
    )


def _config(path: Path | None) -> Path | None:
    """The configuration a command reads: the one given, ./report.yml, or the bundled example
    (the notebook's report.yml, shipped with the package), so that an installed tool builds
    the notebook's report from any folder."""
    from analysis.config import DEFAULT_CONFIG_NAME

    from .resources import DEFAULT_CONFIG

    if path is not None or Path(DEFAULT_CONFIG_NAME).exists():
        return path

    return DEFAULT_CONFIG


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kmeans-report",
        description="Publish a K-Means customer segmentation as a versioned static report.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
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
    analyze.set_defaults(func=cmd_analyze)

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
    make_data.set_defaults(func=cmd_make_data)

    init = sub.add_parser("init", help="write a commented configuration for your own data table")
    init.add_argument("data_file", type=Path, nargs="?", default=None, metavar="DATA_FILE",
                      help="a CSV or Parquet table")
    init.add_argument("--sql", default=None, metavar="URL",
                      help="describe a database table instead (SQLAlchemy URL; needs --table)")
    init.add_argument("--table", default=None, metavar="NAME", help="table for --sql")
    init.add_argument("--out", type=Path, default=Path("report.yml"), metavar="PATH",
                      help="configuration to write (default: report.yml)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(func=cmd_init)

    build = sub.add_parser("build", help="run the analysis and render the site and PDF")
    _add_config(build)
    _add_build_options(build)
    build.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR",
                       help="site folder, replaced as a whole when the build succeeds (default: _site/)")
    build.add_argument("--timings", action="store_true",
                       help="print the wall and CPU time of each stage at the end")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="preview a built site on http://127.0.0.1:PORT/")
    serve.add_argument("--dir", type=Path, default=Path("_site"), help="folder to serve (default: _site/)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.set_defaults(func=cmd_serve)

    publish = sub.add_parser("publish", help="build (or take --from) and publish as one version")
    _add_config(publish)
    _add_build_options(publish)
    publish.add_argument("--version", default=None,
                         help="version to publish (PEP 440; default: the project version)")
    publish.add_argument("--alias", action="append", default=None, metavar="NAME",
                         help="alias to point at this version (repeatable; default: latest)")
    publish.add_argument("--no-alias", action="store_true", help="publish without moving any alias")
    publish.add_argument("--title", default=None, help="title shown in the version menu")
    publish.add_argument("--site-root", type=Path, default=Path("public"), metavar="DIR",
                         help="published tree (default: public/)")
    publish.add_argument("--from", dest="from_dir", type=Path, default=None, metavar="DIR",
                         help="publish this already built site instead of building")
    publish.add_argument("--force", action="store_true", help="replace an existing version")
    publish.set_defaults(func=cmd_publish)

    versions = sub.add_parser("versions", help="list the published versions")
    versions.add_argument("--site-root", type=Path, default=Path("public"), metavar="DIR")
    versions.set_defaults(func=cmd_versions)

    doctor = sub.add_parser("doctor", help="check the external tools a build uses and how to fix them")
    doctor.set_defaults(func=cmd_doctor)

    unpublish = sub.add_parser("unpublish", help="remove one published version")
    unpublish.add_argument("version")
    unpublish.add_argument("--site-root", type=Path, default=Path("public"), metavar="DIR")
    unpublish.add_argument("--force", action="store_true",
                           help="also remove the only version an alias points to")
    unpublish.set_defaults(func=cmd_unpublish)
    return parser


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    from .engines import ENGINE_NAMES

    parser.add_argument("--engine", choices=ENGINE_NAMES, default="auto",
                        help="renderer: quarto when installed (auto; the publishing engine), "
                             "or the built-in pure-pip pandoc engine")
    parser.add_argument("--cache-dir", type=Path, default=Path(".kmeans-cache"), metavar="DIR",
                        help="cache of analysis results, figures and the executed notebook")
    parser.add_argument("--rebuild", action="store_true",
                        help="render again even when no input changed")
    parser.add_argument("--keep-project", type=Path, default=None, metavar="DIR",
                        help="keep the generated Quarto project in DIR (for `quarto render` by hand)")


def cmd_analyze(args: argparse.Namespace) -> int:
    from analysis.config import load_config
    from analysis.outputs import write_analysis
    from analysis.paths import check_output_dir
    from analysis.pipeline import run_analysis
    from analysis.progress import Progress

    from .summary import text_summary

    config = load_config(_config(args.config))
    check_output_dir(args.out, config)  # before any work: nothing is written on bad input
    output = run_analysis(config, Progress(enabled=not args.quiet))
    out_dir = write_analysis(output, args.out)
    print(text_summary(output.results))
    written = sorted(p.name + ("/" if p.is_dir() else "") for p in out_dir.iterdir()
                     if not p.name.startswith("."))
    print(f"\nWrote {out_dir}/: {', '.join(written)}")
    return 0


def cmd_make_data(args: argparse.Namespace) -> int:
    from analysis.generate import make_customers, make_customers_sql
    from analysis.progress import Progress

    if _one_of(args, "--out", args.out, "--to-sql", args.to_sql) == "--to-sql":
        from analysis.sql_url import redact

        rows = make_customers_sql(args.to_sql, _table(args, "--to-sql"), args.rows,
                                  planted_segments=args.planted_segments, seed=args.seed,
                                  chunk_rows=args.chunk_rows, overwrite=args.force,
                                  progress=Progress(enabled=not args.quiet))
        print(f"Loaded {rows:,} customers into table {args.table} of {redact(args.to_sql)}")
        return 0
    path = make_customers(args.out, args.rows, planted_segments=args.planted_segments,
                          seed=args.seed, chunk_rows=args.chunk_rows, overwrite=args.force,
                          parts=args.parts, progress=Progress(enabled=not args.quiet))
    print(f"Wrote {args.rows:,} customers to {path}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from analysis.init_config import init_config, init_sql_config

    if _one_of(args, "DATA_FILE", args.data_file, "--sql", args.sql) == "--sql":
        out, plan = init_sql_config(args.sql, _table(args, "--sql"), args.out, force=args.force)
    else:
        out, plan = init_config(args.data_file, args.out, force=args.force)
    roles = ", ".join(f"{role}: {', '.join(cols)}" for role, cols in plan.roles.items()) or "none"
    print(f"Wrote {out}: {len(plan.features)} features, id column "
          f"{plan.id_column or 'none'}, roles {roles}.")
    print(f"Check the labels, units and roles in it, then run:\n"
          f"  kmeans-report build --config {out}")
    return 0


def _one_of(args, name_a: str, a, name_b: str, b) -> str:
    """Which of two alternative options was given (exactly one must be)."""
    from analysis.errors import DataError

    if (a is None) == (b is None):
        raise DataError(f"{args.command}: give either {name_a} or {name_b}")
    return name_a if a is not None else name_b


def _table(args, option: str) -> str:
    from analysis.errors import DataError

    if not args.table:
        raise DataError(f"{args.command} {option}: --table NAME is required")
    return args.table


def cmd_build(args: argparse.Namespace) -> int:
    from analysis.progress import Progress

    from .build import build_site

    progress = Progress(enabled=not args.quiet)
    wall, cpu = time.perf_counter(), time.process_time()
    result = build_site(_config(args.config), args.out, args.engine, cache_dir=args.cache_dir,
                        progress=progress, force=args.rebuild, project_dir=args.keep_project)
    if args.timings:
        print(progress.timings_table(time.perf_counter() - wall, time.process_time() - cpu),
              file=sys.stderr)
    if not result.up_to_date:
        print(f"Built {args.out}/ with {result.engine} ({result.engine_version}): "
              f"{len(result.pages)} pages, PDF at {result.pdf}")
    else:
        print(f"{args.out}/ is up to date (use --rebuild to render again)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    serve_forever(args.dir, args.port)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from analysis.progress import Progress

    from .publish.release import Release, publish

    release = Release(site_root=args.site_root, version=args.version, title=args.title,
                      aliases=() if args.no_alias else tuple(args.alias or ("latest",)),
                      force=args.force)
    version, result = publish(release, config=_config(args.config), from_dir=args.from_dir,
                              engine=args.engine, cache_dir=args.cache_dir,
                              progress=Progress(enabled=not args.quiet),
                              project_dir=args.keep_project)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Published {version} to {result.version_dir}"
          + (f" (aliases: {', '.join(result.aliases)})" if result.aliases else ""))
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    from .publish import list_versions

    versions = list_versions(args.site_root)
    print(versions.format_table() if len(versions) else f"nothing published in {args.site_root}/")
    return 0


def cmd_unpublish(args: argparse.Namespace) -> int:
    from .publish import unpublish

    unpublish(args.site_root, args.version, force=args.force)
    print(f"Removed {args.version} from {args.site_root}/")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import report, run_checks

    text, ok = report(run_checks())
    print(text)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (AnalysisError, ReportError) as exc:
        if args.debug:
            raise
        print(f"kmeans-report: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("kmeans-report: interrupted; earlier output left as it was", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
