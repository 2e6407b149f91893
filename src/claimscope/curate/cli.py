"""The curation sub-commands of ``claimscope``: init, add-document and suggest (--accept)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _bad_input(error) -> int:
    from claimscope.present.console import print_bad_input

    return print_bad_input(error, "refused: {count} problem(s); nothing was written")


def _init(args: argparse.Namespace) -> int:
    from claimscope.curate.init import init_subject
    from claimscope.data.dataset import DatasetError

    try:
        init_subject(
            args.folder,
            counted=args.counted,
            question=args.question,
            counted_one=args.counted_one,
            qualifier=args.qualifier,
            topic=args.topic,
        )
    except DatasetError as error:
        return _bad_input(error)
    folder = args.folder
    print(
        f"started {folder}: data/ (valid, its subject tables empty), reports.yaml, notebooks/\n"
        f"next: claimscope add-document FILE --title T --published-on YYYY-MM-DD "
        f"--data-dir {folder / 'data'}"
    )
    return 0


def _add_document(args: argparse.Namespace) -> int:
    from claimscope.curate.add_document import add_document
    from claimscope.data.dataset import DatasetError

    try:
        doc_id = add_document(
            args.file,
            title=args.title,
            published_on=args.published_on,
            doc_id=args.doc_id,
            publisher=args.publisher,
            url=args.url,
            data_dir=args.data_dir,
        )
    except DatasetError as error:
        return _bad_input(error)
    print(f"added document {doc_id}; next: claimscope suggest {doc_id} --output new.csv")
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from claimscope.curate.accept import accept_claims
    from claimscope.curate.suggest import PROVISIONAL_PREFIX, format_rows, suggest_claims
    from claimscope.curate.tables import table_columns
    from claimscope.data.dataset import DatasetError, read_schema

    try:
        if args.accept:
            ids = accept_claims(args.accept, args.data_dir)
            print(f"accepted {len(ids)} claim(s): {ids[0]} to {ids[-1]}; the dataset is valid")
            return 0
        if not args.doc_id:
            print("claimscope suggest: give a DOC_ID or --accept FILE", file=sys.stderr)
            return 2
        rows = suggest_claims(args.doc_id, args.data_dir)
        text = format_rows(rows, table_columns(read_schema(args.data_dir), "claims"))
    except DatasetError as error:
        return _bad_input(error)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(
        f"{len(rows)} suggestion(s); ids {PROVISIONAL_PREFIX}NNN are provisional: review the rows, "
        "then `claimscope suggest --accept FILE` gives them fresh ids",
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
    sub = commands.add_parser("add-document", help=text, description=text)
    sub.add_argument("file", type=Path, metavar="FILE")
    sub.add_argument("--title", required=True)
    sub.add_argument("--published-on", required=True, metavar="YYYY-MM-DD")
    sub.add_argument("--doc-id", help="default: a slug of the file name")
    sub.add_argument("--publisher", default="")
    sub.add_argument("--url", default="")
    add_data_dir(sub)
    sub.set_defaults(func=_add_document)
    subs["add-document"] = sub
    text = "suggest candidate claims of a document as claims.csv rows, or --accept reviewed rows"
    sub = commands.add_parser("suggest", help=text, description=text)
    sub.add_argument("doc_id", nargs="?", metavar="DOC_ID")
    add_path_option(sub, "--output", "FILE", "write here, not to stdout")
    add_path_option(sub, "--accept", "FILE", "append these reviewed rows")
    add_data_dir(sub)
    sub.set_defaults(func=_suggest)
    subs["suggest"] = sub
    return subs
