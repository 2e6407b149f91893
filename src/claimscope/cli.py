"""The ``claimscope`` command line: a thin wrapper over the library functions.

``claimscope validate`` is :func:`claimscope.data.dataset.load_dataset`, ``claimscope locate`` is
:func:`claimscope.data.dataset.locate_offsets`, ``claimscope build`` is
:func:`claimscope.build.build_reports`, ``claimscope export`` is
:func:`claimscope.data.export.export_claims`. Exit status 2 means bad input, 1 a failed report.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from claimscope.build import (
    DEFAULT_CELL_TIMEOUT_S,
    EXIT_OK,
    BuildInputError,
    build_reports,
    read_config,
)
from claimscope.curate.cli import add_curation_commands
from claimscope.data.files import describe_counts
from claimscope.data.paths import REPORTS_CONFIG, REPORTS_DIR
from claimscope.present.console import add_data_dir, add_path_option, positive_int, print_bad_input

_DESCRIPTION = """\
Check a dataset of contested claims and turn it into HTML reports.

Every claim carries a verbatim quote and its place in a source text; claimscope checks that
each quote is really there, then builds charted reports that open offline in a browser."""

_EPILOG = """\
typical use:
  claimscope init DIR --counted N   start a new subject: empty data and its reports
  claimscope validate               check data/ and list every problem
  claimscope locate                 fill in where new quotes sit in their sources
  claimscope build                  build the reports into reports/ (open reports/index.html)
  claimscope preview                serve them on 127.0.0.1; rebuild and reload on every save
  claimscope export claims.csv      all claims as a spreadsheet-safe CSV
  claimscope add-document FILE --title T --published-on YYYY-MM-DD
                                    add a source text to the dataset
  claimscope suggest DOC_ID --output new.csv
                                    suggest its claims as rows to review
  claimscope suggest --accept new.csv
                                    append the reviewed rows with fresh ids

exit status: 0 ok, 1 a report failed to build, 2 bad input (data, configuration or usage).
`claimscope COMMAND --help` explains a command."""


def _data_dir(args: argparse.Namespace) -> Path:
    # A folder given the old way, as a positional argument, still works (hidden, deprecated).
    return args.legacy_data_dir or args.data_dir


def _validate(args: argparse.Namespace) -> int:
    from claimscope.data.dataset import DatasetError, load_dataset

    try:
        dataset = load_dataset(_data_dir(args))
    except DatasetError as error:
        return print_bad_input(error, "invalid: {count} problem(s)")
    print(f"valid: {describe_counts(dataset.counts())} (dataset {dataset.version})")
    if getattr(args, "warnings", False):
        from claimscope.analysis.hedges import describe_hedge_warnings

        # Warnings are advice to the curator: they never change the exit status.
        for line in describe_hedge_warnings(dataset.claims):
            print(line)
    if dataset.located:
        print(f"{len(dataset.located)} claim(s) have empty offsets; `claimscope locate` fills them")
    return EXIT_OK


def _locate(args: argparse.Namespace) -> int:
    from claimscope.data.dataset import DatasetError, locate_offsets

    try:
        located = locate_offsets(_data_dir(args))
    except DatasetError as error:
        return print_bad_input(error, "invalid: {count} problem(s)")
    print(f"located {len(located)} claim(s)" + (f": {', '.join(located)}" if located else ""))
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from claimscope.data.dataset import DatasetError, load_dataset
    from claimscope.data.export import export_claims
    from claimscope.data.files import check_output_file
    from claimscope.data.problems import Problem

    problems = check_output_file(args.output, args.data_dir)
    if problems:
        return print_bad_input(DatasetError(problems), "refused: nothing was written")
    try:
        dataset = load_dataset(args.data_dir)
    except DatasetError as error:
        return print_bad_input(error, "invalid: {count} problem(s)")
    try:
        count = export_claims(dataset, args.output)
    except OSError as exc:
        error = DatasetError([Problem(str(args.output), "-", "-", f"cannot write: {exc.strerror}")])
        return print_bad_input(error, "nothing was written")
    print(f"wrote {count} claim(s) to {args.output}")
    return EXIT_OK


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """On SIGTERM or SIGINT, stop the build: the same for local kernels and a cluster.

    The running kernels are stopped and a cluster build stops waiting; the build then records
    what finished, writes the index and exits 1. A second signal ends the process at once.
    """
    from claimscope.build import kernel

    def stop(signum, frame) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        name = signal.Signals(signum).name
        kernel.stop_kernels(f"the build received {name} and stopped before this report finished")

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in previous:
        signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _build(args: argparse.Namespace) -> int:
    from claimscope.data.dataset import DatasetError

    try:
        with _stop_on_signals():
            result = build_reports(
                only=args.only,
                jobs=args.jobs,
                force=args.force,
                output_dir=args.output,
                quiet=args.quiet,
                config=args.config,
                data_dir=args.data_dir,
                timeout=args.timeout,
                scheduler=args.scheduler,
                site=args.site,
            )
    except DatasetError as error:
        return print_bad_input(error, "invalid dataset: {count} problem(s); no report touched")
    except BuildInputError as error:
        return print_bad_input(error, "nothing built: fix the configuration above")
    return result.exit_code


def _preview(args: argparse.Namespace) -> int:
    import threading

    from claimscope.build import kernel
    from claimscope.build.preview import run_preview

    stop = threading.Event()

    def stopping(signum, frame) -> None:
        stop.set()
        kernel.stop_kernels("the preview stopped")

    previous = {sig: signal.signal(sig, stopping) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return run_preview(args.output, args.config, args.data_dir, args.only, args.port, stop=stop)
    except BuildInputError as error:
        return print_bad_input(error, "preview not started")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _add_preview(commands) -> argparse.ArgumentParser:
    text = "serve the reports on 127.0.0.1 and rebuild and reload them as you edit"
    sub = commands.add_parser(
        "preview",
        help=text,
        description=(
            "Build the reports, serve them on 127.0.0.1 and watch the data folder, the\n"
            "notebooks and the list of reports: a saved change rebuilds what it affects and\n"
            "reloads the open page; a bad edit shows its problems in place of the report,\n"
            "with a link to the last good page. Ctrl-C stops it."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--only", nargs="+", metavar="NAME", help="preview only these reports")
    sub.add_argument(
        "--port",
        type=int,
        default=8765,
        help="the port on 127.0.0.1 (default: %(default)s; 0: any)",
    )
    add_path_option(sub, "--output", "DIR", "where the pages go", REPORTS_DIR)
    add_path_option(sub, "--config", "FILE", "the list of reports", REPORTS_CONFIG)
    add_data_dir(sub)
    sub.set_defaults(func=_preview)
    return sub


def _report_names() -> str:
    try:
        specs = read_config(REPORTS_CONFIG)
    except BuildInputError as error:
        return f"{REPORTS_CONFIG.name} cannot be read: {error.problems[0]}"
    width = max(len(s.name) for s in specs)
    lines = [f"  {s.name:<{width}}  {s.title}" for s in specs]
    return f"reports in {REPORTS_CONFIG.name} (names for --only):\n" + "\n".join(lines)


def _add_build(commands) -> argparse.ArgumentParser:
    sub = commands.add_parser(
        "build",
        help="build the HTML reports (only those whose data, code or settings changed)",
        description=(
            "Run each report's notebook on the dataset and write it as an HTML page that opens\n"
            "offline, with index.html listing them all. A report whose inputs did not change is\n"
            "skipped; one that fails keeps its last good page, marked stale in the index."
        ),
        epilog=_report_names(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--only", nargs="+", metavar="NAME", help="build only these reports")
    sub.add_argument(
        "-j",
        "--jobs",
        type=positive_int,
        default=None,
        help="reports built at once (default: cores)",
    )
    sub.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    add_path_option(sub, "--output", "DIR", "where the pages go", REPORTS_DIR)
    sub.add_argument(
        "--site",
        action="store_true",
        help="write plotly.js once to DIR/assets/ for every page to share (lighter, faster "
        "pages that open offline while assets/ stays beside them); default: each page "
        "embeds it and stands alone",
    )
    sub.add_argument("--quiet", action="store_true", help="print only failures (for cron)")
    add_path_option(sub, "--config", "FILE", "the list of reports", REPORTS_CONFIG)
    add_data_dir(sub, default=None)
    sub.add_argument(
        "--timeout",
        type=positive_int,
        default=DEFAULT_CELL_TIMEOUT_S,
        metavar="SECONDS",
        help="fail a report when one cell runs longer than this (default: %(default)s)",
    )
    sub.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the reports on this Dask cluster, e.g. tcp://10.0.0.5:8786 "
        "(needs pip install 'claimscope[dask]'; workers need claimscope and its kernel)",
    )
    sub.set_defaults(func=_build)
    return sub


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """Return the ``claimscope`` argument parser and its sub-command parsers by name."""
    parser = argparse.ArgumentParser(
        prog="claimscope",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subs = {}
    for name, func, text, more in (
        (
            "validate",
            _validate,
            "check the dataset and list every problem",
            "Check every table, quote and source text; list each problem as file:row:column.",
        ),
        (
            "locate",
            _locate,
            "find where new quotes sit in their sources and fill in their offsets",
            "For claims whose start and end are empty, find the quote in its source text and "
            "write the offsets into claims.csv.",
        ),
    ):
        sub = commands.add_parser(name, help=text, description=more)
        add_data_dir(sub, legacy=True)
        sub.set_defaults(func=func)
        subs[name] = sub
    subs["validate"].add_argument(
        "--warnings",
        action="store_true",
        help="also list claims whose curated hedges differ from the hedges found in the quote",
    )
    text = "write every claim, with names and titles, as a spreadsheet-safe CSV"
    sub = commands.add_parser("export", help=text, description=text[0].upper() + text[1:] + ".")
    sub.add_argument("output", type=Path, metavar="OUT.csv", help="the CSV to write")
    add_data_dir(sub)
    sub.set_defaults(func=_export)
    subs["export"] = sub
    subs["build"] = _add_build(commands)
    subs["preview"] = _add_preview(commands)
    subs.update(add_curation_commands(commands))
    return parser, subs


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser, subs = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # argparse would print the top-level usage; the sub-command's is the useful one.
        subs[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    from claimscope.data.locks import LockWaitError

    try:
        return args.func(args)
    except LockWaitError as error:  # any command that waited for another run's lock
        print(error, file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
