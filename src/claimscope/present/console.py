"""What every command line shares: its path options, its number type and its bad-input report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimscope.data.paths import DATA_DIR, shown_path

EXIT_OK, EXIT_REPORT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def print_bad_input(error: Exception, conclusion: str) -> int:
    """Print every problem of a DatasetError or BuildInputError, then ``conclusion``; return 2."""
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(conclusion.format(count=len(error.problems)), file=sys.stderr)
    return EXIT_BAD_INPUT


def positive_int(text: str) -> int:
    """Parse a whole number above zero (argparse type).

    >>> positive_int("5")
    5
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {value}")
    return value


def add_path_option(
    sub: argparse.ArgumentParser, flag: str, metavar: str, help: str, default: Path | None = None
) -> None:
    """Add an option naming a file or folder; ``help`` names ``default`` where there is one."""
    if default is not None:
        help = f"{help} (default: {shown_path(default)})"
    sub.add_argument(flag, type=Path, default=default, metavar=metavar, help=help)


def add_data_dir(
    sub: argparse.ArgumentParser, *, default: Path | None = DATA_DIR, legacy: bool = False
) -> None:
    """Add ``--data-dir``, the same for every command (``legacy``: also a hidden positional)."""
    add_path_option(
        sub, "--data-dir", "DIR", "the dataset folder, holding datapackage.json", DATA_DIR
    )
    # build's default is None: only a folder given on the command line goes to the notebooks,
    # which otherwise read DATA_DIR themselves, so the help names DATA_DIR all the same.
    sub.set_defaults(data_dir=default)
    if legacy:
        sub.add_argument("legacy_data_dir", nargs="?", type=Path, help=argparse.SUPPRESS)
