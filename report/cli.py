"""`kmeans-report`: argument parsing only; the work is done by analysis/ and report/ modules."""

from __future__ import annotations

import argparse
import sys
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
        help="YAML configuration (default: ./report.yml, or built-in defaults if absent)",
    )


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
    return parser


def cmd_analyze(args: argparse.Namespace) -> int:
    from analysis.config import load_config
    from analysis.outputs import write_analysis
    from analysis.pipeline import run_analysis
    from analysis.progress import Progress

    from .summary import text_summary

    config = load_config(args.config)
    output = run_analysis(config, Progress(enabled=not args.quiet))
    out_dir = write_analysis(output, args.out)
    print(text_summary(output.results))
    print(f"\nWrote {out_dir}/: results.json, assignments.csv, assignments.parquet, profiles.csv")
    return 0


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
