"""`kmeans-report`: one function per command, each handing the work to analysis/ and report/
modules; the grammar is in report.cli_parser."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from kmeans_report.analysis.errors import AnalysisError

from .cli_parser import build_parser
from .errors import ReportError

EXIT_BAD_INPUT = 2


def _config(path: Path | None) -> Path | None:
    """The configuration a command reads: the one given, ./report.yml, or the bundled example
    (the notebook's report.yml, shipped with the package), so that an installed tool builds
    the notebook's report from any folder."""
    from kmeans_report.analysis.config import DEFAULT_CONFIG_NAME

    from .resources import DEFAULT_CONFIG

    if path is not None or Path(DEFAULT_CONFIG_NAME).exists():
        return path

    return DEFAULT_CONFIG


def cmd_analyze(args: argparse.Namespace) -> int:
    from kmeans_report.analysis.config import load_config
    from kmeans_report.analysis.pipeline import run_analysis
    from kmeans_report.analysis.progress import Progress
    from kmeans_report.report.paths import check_output_dir

    from .analysis_step import write_analysis
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
    from kmeans_report.analysis.progress import Progress
    from kmeans_report.analysis.sources.generate import make_customers, make_customers_sql

    if _one_of(args, "--out", args.out, "--to-sql", args.to_sql) == "--to-sql":
        from kmeans_report.analysis.sources import shown_database_url

        rows = make_customers_sql(args.to_sql, _table(args, "--to-sql"), args.rows,
                                  planted_segments=args.planted_segments, seed=args.seed,
                                  chunk_rows=args.chunk_rows, overwrite=args.force,
                                  progress=Progress(enabled=not args.quiet))
        print(f"Loaded {rows:,} customers into table {args.table} of {shown_database_url(args.to_sql)}")
        return 0
    path = make_customers(args.out, args.rows, planted_segments=args.planted_segments,
                          seed=args.seed, chunk_rows=args.chunk_rows, overwrite=args.force,
                          parts=args.parts, progress=Progress(enabled=not args.quiet))
    print(f"Wrote {args.rows:,} customers to {path}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from kmeans_report.analysis.init_config import init_config, init_sql_config

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
    from kmeans_report.analysis.errors import DataError

    if (a is None) == (b is None):
        raise DataError(f"{args.command}: give either {name_a} or {name_b}")
    return name_a if a is not None else name_b


def _table(args, option: str) -> str:
    from kmeans_report.analysis.errors import DataError

    if not args.table:
        raise DataError(f"{args.command} {option}: --table NAME is required")
    return args.table


def cmd_build(args: argparse.Namespace) -> int:
    from kmeans_report.analysis.progress import Progress

    from .build import build_site

    progress = Progress(enabled=not args.quiet)
    wall, cpu = time.perf_counter(), time.process_time()
    result = build_site(_config(args.config), args.out, args.engine, cache_dir=args.cache_dir,
                        progress=progress, force=args.rebuild, project_dir=args.keep_project,
                        compare_with=args.compare_with)
    if args.timings:
        print(progress.timings_table(time.perf_counter() - wall, time.process_time() - cpu),
              file=sys.stderr)
    if not result.up_to_date:
        print(f"Built {args.out}/ with {result.engine} ({result.engine_version}): "
              f"{len(result.pages)} pages, PDF at {result.pdf}")
    else:
        print(f"{args.out}/ is up to date (use --rebuild to render again)")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    import asyncio

    from .preview import PreviewOptions, preview

    options = PreviewOptions(config=_config(args.config), out=args.out, engine=args.engine,
                             cache_dir=args.cache_dir, port=args.port, quiet=args.quiet,
                             debug=args.debug)
    try:
        asyncio.run(preview(options))
    except KeyboardInterrupt:  # Ctrl+C is how a preview ends; the last build stays in --out
        print(f"Preview stopped; {args.out}/ holds the last good build", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    serve_forever(args.dir, args.port)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from kmeans_report.analysis.progress import Progress

    from .publish.release import Release, publish

    release = Release(site_root=args.site_root, version=args.version, title=args.title,
                      aliases=() if args.no_alias else tuple(args.alias or ("latest",)),
                      force=args.force)
    version, result = publish(release, config=_config(args.config), from_dir=args.from_dir,
                              engine=args.engine, cache_dir=args.cache_dir,
                              progress=Progress(enabled=not args.quiet),
                              project_dir=args.keep_project, compare_with=args.compare_with)
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


def cmd_assign(args: argparse.Namespace) -> int:
    from .assign import assign_command

    print(assign_command(args.model, args.data, args.out, sql=args.sql, table=args.table,
                         dialect=args.dialect, force=args.force, id_column=args.id_column))
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import report, run_checks

    text, ok = report(run_checks())
    print(text)
    return 0 if ok else 1


COMMANDS = {
    "analyze": cmd_analyze, "make-data": cmd_make_data, "init": cmd_init, "build": cmd_build,
    "preview": cmd_preview, "serve": cmd_serve, "publish": cmd_publish, "versions": cmd_versions,
    "unpublish": cmd_unpublish, "doctor": cmd_doctor, "assign": cmd_assign,
}


def main(argv: list[str] | None = None) -> int:
    # OpenMP threads (scikit-learn's K-Means) that wait by spinning burn whole cores while the
    # build's other processes (Chromium, pandoc, a notebook kernel) need them: measured on a
    # busy two-core machine, a 1M-row analysis took 87 s spinning against 21 s passive. Set
    # before scikit-learn loads its OpenMP runtime; an explicit setting is kept.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
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
