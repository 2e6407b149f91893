"""The curation sub-commands of ``claimscope``: init, add-document and suggest (--accept)."""

from __future__ import annotations

import argparse
import functools
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from claimscope.data.paths import DATA_DIR


def _refusing(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Run a sub-command; input it refuses becomes its located problems on stderr and exit 2."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from claimscope.data.dataset import DatasetError
        from claimscope.present.console import print_bad_input

        try:
            return command(args)
        except DatasetError as error:
            return print_bad_input(error, "refused: {count} problem(s); nothing was written")

    return run


def _guarded(rows: list[dict], columns: list[str]) -> list[dict]:
    """``rows`` as text cells, each a spreadsheet would run as a formula guarded."""
    from claimscope.data.export import guard_cell

    return [{c: guard_cell(str(row.get(c, ""))) for c in columns} for row in rows]


def _data_dir_flag(data_dir: Path) -> str:
    """The ``--data-dir`` a next-step hint repeats: empty for the default folder."""
    if Path(data_dir).resolve() == DATA_DIR.resolve():
        return ""
    return f" --data-dir {shlex.quote(str(data_dir))}"


@_refusing
def _init(args: argparse.Namespace) -> int:
    from claimscope.curate.init import init_subject

    init_subject(
        args.folder,
        counted=args.counted,
        question=args.question,
        counted_one=args.counted_one,
        qualifier=args.qualifier,
        topic=args.topic,
    )
    folder = args.folder
    print(
        f"started {folder}: data/ (valid, its subject tables empty), reports.yaml, notebooks/\n"
        f"next: claimscope add-document FILE --title T --published-on YYYY-MM-DD "
        f"--data-dir {folder / 'data'}"
    )
    return 0


@_refusing
def _add_document(args: argparse.Namespace) -> int:
    from claimscope.curate.add_document import add_document

    doc_id = add_document(
        args.file,
        title=args.title,
        published_on=args.published_on,
        doc_id=args.doc_id,
        publisher=args.publisher,
        url=args.url,
        data_dir=args.data_dir,
    )
    flag = _data_dir_flag(args.data_dir)
    print(f"added document {doc_id}; next: claimscope suggest {doc_id}{flag} --output new.csv")
    return 0


def write_review_file(path: Path, rows: list[dict], columns: list[str], data_dir: Path) -> None:
    """Write ``suggest``'s rows for review: never into the data folder, formulas guarded.

    A cell a spreadsheet would run as a formula gets a ``'`` in front (see
    :func:`claimscope.data.export.guard_cell`); ``suggest --accept`` takes it off again.

    Raises:
        DatasetError: ``path`` is a folder, in the data folder, or cannot be written.
    """
    from claimscope.curate.suggest import format_rows
    from claimscope.data.dataset import DatasetError, Problem
    from claimscope.data.files import check_output_file, write_atomic

    problems = check_output_file(path, data_dir)
    if problems:
        raise DatasetError(problems)
    try:
        write_atomic(path, format_rows(_guarded(rows, columns), columns).encode("utf-8"))
    except OSError as exc:
        raise DatasetError([Problem(str(path), "-", "-", f"cannot write: {exc.strerror}")]) from exc


def _suggested(doc_id: str, data_dir: Path) -> list[dict]:
    """Run the suggestion rules; a text they cannot read is bad input, never a traceback."""
    from claimscope.curate.suggest import suggest_claims
    from claimscope.data.dataset import DatasetError, Problem

    try:
        return suggest_claims(doc_id, data_dir)
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
        problem = Problem(
            f"document {doc_id}", "-", "-", f"the suggestion rules cannot read it: {exc}"
        )
        raise DatasetError([problem]) from exc


@_refusing
def _suggest(args: argparse.Namespace) -> int:
    from claimscope.curate.accept import accept_claims
    from claimscope.curate.suggest import PROVISIONAL_PREFIX, format_rows
    from claimscope.curate.tables import table_columns
    from claimscope.data.dataset import read_schema

    flag = _data_dir_flag(args.data_dir)
    if args.accept:
        ids = accept_claims(args.accept, args.data_dir)
        print(f"accepted {len(ids)} claim(s): {ids[0]} to {ids[-1]}; the dataset is valid")
        return 0
    if not args.doc_id:
        print("claimscope suggest: give a DOC_ID or --accept FILE", file=sys.stderr)
        return 2
    rows = _suggested(args.doc_id, args.data_dir)
    columns = table_columns(read_schema(args.data_dir), "claims")
    if args.output:
        write_review_file(args.output, rows, columns, args.data_dir)
    else:
        sys.stdout.write(format_rows(_guarded(rows, columns), columns))
    where = shlex.quote(str(args.output)) if args.output else "FILE"
    print(
        f"{len(rows)} suggestion(s); ids {PROVISIONAL_PREFIX}NNN are provisional: review the rows, "
        f"then `claimscope suggest --accept {where}{flag}` gives them fresh ids",
        file=sys.stderr,
    )
    return 0


def add_curation_commands(
    commands: argparse._SubParsersAction,
) -> dict[str, argparse.ArgumentParser]:
    """Add ``init``, ``add-document`` and ``suggest`` to the parser; return them by name."""
    from claimscope.present.console import add_data_dir, add_path_option

    text = "start a new subject: a valid data package with empty tables, and its reports"
    sub = commands.add_parser("init", help=text, description=text)
    sub.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    sub.add_argument("--counted", required=True, metavar="NOUN", help="what figures count: people")
    sub.add_argument("--question", required=True, metavar="TEXT", help="the question in dispute")
    sub.add_argument(
        "--counted-one", default="", metavar="WORD", help="the noun before 'figures' in titles"
    )
    sub.add_argument("--qualifier", default="", metavar="WORDS", help="words before the noun")
    sub.add_argument("--topic", default="", metavar="TEXT", help="the story, for titles")
    sub.set_defaults(func=_init)
    subs = {"init": sub}
    text = "copy a UTF-8 text into data/sources/ and record it in documents.csv"
    sub = commands.add_parser(
        "add-document",
        help=text,
        description=text[0].upper() + text[1:] + ". Nothing is written unless the dataset "
        "stays valid; an existing file or the same text under another id is refused.",
    )
    sub.add_argument("file", type=Path, metavar="FILE", help="the source text (UTF-8) to add")
    sub.add_argument("--title", required=True, help="the document's title, as readers see it")
    sub.add_argument(
        "--published-on",
        required=True,
        metavar="YYYY-MM-DD",
        help="the date the document was published",
    )
    sub.add_argument(
        "--doc-id",
        help="the document's id (lower-case letters, digits, '-' and '_'; "
        "default: a slug of FILE's name)",
    )
    sub.add_argument("--publisher", default="", help="who published it (default: empty)")
    sub.add_argument("--url", default="", help="where it was published (default: empty)")
    add_data_dir(sub)
    sub.set_defaults(func=_add_document)
    subs["add-document"] = sub
    text = "suggest candidate claims of a document as claims.csv rows, or --accept reviewed rows"
    sub = commands.add_parser("suggest", help=text, description=text[0].upper() + text[1:] + ".")
    sub.add_argument(
        "doc_id", nargs="?", metavar="DOC_ID", help="the document to read (its doc_id)"
    )
    add_path_option(
        sub, "--output", "FILE", "write the rows here for review, not to stdout (never in DIR)"
    )
    add_path_option(
        sub, "--accept", "FILE", "append these reviewed rows to claims.csv with fresh ids"
    )
    add_data_dir(sub)
    sub.set_defaults(func=_suggest)
    subs["suggest"] = sub
    return subs
