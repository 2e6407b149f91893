"""Command line: a thin wrapper over the library functions.

``claimscope validate`` is :func:`claimscope.dataset.load_dataset`, ``claimscope locate`` is
:func:`claimscope.dataset.locate_offsets`, ``claimscope build`` is
:func:`claimscope.build.build_reports`, ``claimscope export`` is
:func:`claimscope.export.export_claims`. Exit status 2 means bad input, 1 a failed report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimscope.build import add_build_command
from claimscope.curate.cli import add_curation_commands
from claimscope.paths import DATA_DIR

EXIT_BAD_INPUT = 2


def _print_problems(error) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(f"invalid: {len(error.problems)} problem(s)", file=sys.stderr)
    return EXIT_BAD_INPUT


def _validate(args: argparse.Namespace) -> int:
    from claimscope.dataset import DatasetError, load_dataset

    try:
        dataset = load_dataset(args.data_dir)
    except DatasetError as error:
        return _print_problems(error)
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    print(f"valid: {counts} (dataset {dataset.version})")
    if dataset.located:
        print(f"{len(dataset.located)} claim(s) have empty offsets; `claimscope locate` fills them")
    return 0


def _locate(args: argparse.Namespace) -> int:
    from claimscope.dataset import DatasetError, locate_offsets

    try:
        located = locate_offsets(args.data_dir)
    except DatasetError as error:
        return _print_problems(error)
    print(f"located {len(located)} claim(s)" + (f": {', '.join(located)}" if located else ""))
    return 0


def _export(args: argparse.Namespace) -> int:
    from claimscope.dataset import DatasetError, load_dataset
    from claimscope.export import export_claims

    try:
        dataset = load_dataset(args.data_dir)
    except DatasetError as error:
        return _print_problems(error)
    count = export_claims(dataset, args.output)
    print(f"wrote {count} claim(s) to {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``claimscope`` command."""
    parser = argparse.ArgumentParser(prog="claimscope", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        ("validate", _validate, "check the dataset; print every problem and exit 2 if any"),
        ("locate", _locate, "write the offsets of quotes with empty start/end into claims.csv"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR, metavar="DATA_DIR")
        sub.set_defaults(func=func)
    text = "write every claim, with names and titles, as a spreadsheet-safe CSV"
    sub = commands.add_parser("export", help=text, description=text)
    sub.add_argument("output", type=Path, metavar="OUT.csv", help="the CSV to write")
    sub.add_argument(
        "--data-dir", type=Path, default=DATA_DIR, help=f"dataset folder (default {DATA_DIR})"
    )
    sub.set_defaults(func=_export)
    add_build_command(commands)
    add_curation_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
