"""Start a new subject: a valid data package with neutral vocabularies, empty tables, reports."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import yaml

from claimscope.data.paths import DATA_DIR, DATAPACKAGE_NAME, NOTEBOOKS_DIR
from claimscope.data.phrases import PACKAGE_FILE as PHRASES_FILE
from claimscope.data.problems import DatasetError, Problem
from claimscope.data.subject import COLUMNS as SUBJECT_COLUMNS
from claimscope.data.subject import Subject, singular
from claimscope.present.intros import report_title

#: Vocabularies copied from the project's package: they fit any story.
VOCABULARIES = (
    "relation_types",
    "relation_statuses",
    "stances",
    "claim_types",
    "measures",
    "actor_kinds",
    "source_reliability",
    "info_credibility",
    "consistency_ratings",
    "likelihoods",
)
#: Tables of the subject itself: written with their header and no row.
EMPTY_TABLES = (
    "documents",
    "actors",
    "claims",
    "relations",
    "relation_steps",
    "corrections",
    "ratings",
    "hypotheses",
    "judgements",
)
#: Rows of the project's vocabularies that speak of its own story, and their neutral wording:
#: (table, key) to the cells that replace its own, or None to leave the row out.
_NEUTRAL = {
    ("relation_types", "troop_deployment"): {
        "relation": "deployment",
        "label": "military deployment",
        "phrase_from_source": "military deployment to {other}",
        "phrase_from_target": "forces from {other}",
        "description": "The source sends its forces to support the target.",
    },
    ("stances", "asserts"): {
        "description": "The claim says its proposition is true, with or without a number."
    },
    ("stances", "not_denied"): {
        "description": "A party to the question declines to deny the proposition: it does not "
        "dispute the evidence, answers in the conditional or refers questions elsewhere. It "
        "asserts nothing."
    },
    ("claim_types", "figure"): {
        "description": "Says how many of what the subject counts (subject.csv), with a number "
        "(value_low, value_high, unit, qualifier)."
    },
    ("claim_types", "troop_deployment"): {
        "claim_type": "assertion",
        "description": "Says its proposition is true, without a number.",
    },
    ("claim_types", "not_denied"): {
        "description": "A party declines to deny another claim or its proposition (does not "
        "dispute it, answers in the conditional, refers questions elsewhere) without confirming it."
    },
}
#: The reports that fit any story: (name, notebook, kind of title, description).
_REPORTS = (
    (
        "figures",
        "troop_figures.ipynb",
        "figures",
        "Who says how many, how each figure was stated and revised, who denies it, who cannot "
        "verify it and who confirms it, across every document of the dataset.",
    ),
    (
        "actor-relations",
        "actor_relations.ipynb",
        "relations",
        "The ties the documents describe between the actors, with each tie's evidence and how "
        "its status changed.",
    ),
    (
        "competing-hypotheses",
        "competing_hypotheses.ipynb",
        "hypotheses",
        "Heuer's Analysis of Competing Hypotheses on the graded claims: which hypothesis the "
        "evidence contradicts least, and how the ranking moved as reports arrived.",
    ),
)


def refuse(folder: Path, message: str) -> DatasetError:
    """The one-line refusal of ``init``, naming the folder."""
    return DatasetError([Problem(str(folder), "-", "-", message)])


def init_subject(
    folder: Path | str,
    *,
    counted: str,
    question: str,
    counted_one: str = "",
    qualifier: str = "",
    topic: str = "",
) -> list[Path]:
    """Write ``folder/data/`` (a valid package, its subject tables empty) and its reports.

    Args:
        folder: A new or empty folder.
        counted: What the figures count, plural ("people", "deaths").
        question: The question in dispute, as one sentence.
        counted_one: The noun as it stands before "figures" in titles (default: the singular
            of ``counted``; "people" stays "people").
        qualifier: Words before the noun in titles ("North Korean"); may be empty.
        topic: The story in a few words, for titles (default: the question without its "?").

    Returns:
        The files written.

    Raises:
        DatasetError: one located line when the folder is not empty or a word is missing;
            nothing is written then.
    """
    folder = Path(folder)
    counted, question = counted.strip(), question.strip()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise refuse(folder, "is not empty: init writes only into a new or empty folder")
    if not re.fullmatch(r"[^\W\d_][\w' -]*", counted):
        raise refuse(folder, f"--counted {counted!r} must be a noun such as 'people' or 'deaths'")
    if not question:
        raise refuse(folder, "--question must say the question in dispute")
    subject = Subject(
        noun=counted,
        noun_one=counted_one.strip() or ("people" if counted == "people" else singular(counted)),
        qualifier=qualifier.strip(),
        topic=topic.strip() or question.rstrip("?").strip(),
        question=question,
    )
    files = _package_files(folder.name, subject)
    files.update(_report_files(subject))
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _package_files(name: str, subject: Subject) -> dict[str, str]:
    package = json.loads((DATA_DIR / DATAPACKAGE_NAME).read_text(encoding="utf-8"))
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "claimscope-subject"
    package.update(
        name=slug,
        title=f"Claims about {subject.counted}: {subject.question}",
        version="0.1.0",
    )
    files = {f"data/{DATAPACKAGE_NAME}": json.dumps(package, indent=2, ensure_ascii=False) + "\n"}
    paths = {r["name"]: r["path"] for r in package["resources"]}
    for table in VOCABULARIES:
        header, rows = _read(paths[table])
        key = header[0]
        kept = []
        for row in rows:
            change = _NEUTRAL.get((table, row[key]), {})
            kept.append({**row, **change})
        if table == "measures":
            noun = subject.noun.capitalize()
            for row in kept:
                row["description"] = re.sub(r"\bTroops\b", noun, row["description"])
        files[f"data/{paths[table]}"] = _write(header, kept)
    header, rows = _read(paths["propositions"])
    question_row = {
        "proposition_id": "question",
        "label": subject.topic,
        "statement": subject.question,
        "is_figure": "false",
        "description": "Claims that take a side on the question in dispute (subject.csv); add "
        "a proposition per thing the parties disagree on.",
    }
    figure_row = next(r for r in rows if r["is_figure"] == "true")
    figure_row = {**figure_row, "description": figure_row["description"].split(":")[0] + "."}
    files[f"data/{paths['propositions']}"] = _write(header, [question_row, figure_row])
    for table in EMPTY_TABLES:
        files[f"data/{paths[table]}"] = _write(_read(paths[table])[0], [])
    header, _ = _read(paths["unit_sizes"])
    unit = dict.fromkeys(header, "")
    unit.update(
        {
            header[0]: subject.noun,
            header[1]: "1",
            header[2]: "1",
            "source": f"Definition: a figure stated in {subject.noun} counts them one by one.",
        }
    )
    files[f"data/{paths['unit_sizes']}"] = _write(header, [unit])
    files[f"data/{paths['subject']}"] = _write(
        list(SUBJECT_COLUMNS), [{c: getattr(subject, c) for c in SUBJECT_COLUMNS}]
    )
    files[f"data/{PHRASES_FILE}"] = _phrases(subject)
    return files


def _phrases(subject: Subject) -> str:
    """The package's own phrases: its counted noun is the first unit, the troops row gone."""
    words = dict.fromkeys([subject.noun, singular(subject.noun), "people", "persons"])
    pattern = "|".join(re.escape(w).replace(r"\ ", " ") for w in words)
    rows = [
        {
            "kind": "unit",
            "value": subject.noun,
            "pattern": pattern,
            "note": "The counted noun (claimscope init): a number a count word governs takes it.",
        }
    ]
    if subject.noun != "troops":
        rows.append({"kind": "unit", "value": "troops", "pattern": "", "note": "Not counted here."})
    return _write(["kind", "value", "pattern", "note"], rows)


def _report_files(subject: Subject) -> dict[str, str]:
    import nbformat

    files = {}
    reports = []
    for name, notebook, kind, description in _REPORTS:
        title = report_title(kind, subject)
        nb = nbformat.read(NOTEBOOKS_DIR / notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            if "report-title" in cell.metadata.get("tags", []):
                cell.source = f"# {title}"
        files[f"notebooks/{name}.ipynb"] = nbformat.writes(nb)
        reports.append(
            {
                "name": name,
                "notebook": f"notebooks/{name}.ipynb",
                "title": title,
                "description": description,
                "parameters": {},
            }
        )
    head = (
        "# The reports `claimscope build --config reports.yaml --data-dir data` makes "
        "(written by claimscope init).\n"
        "# Notebook paths are relative to this file; add a sweep (claimscope.build.sweeps) "
        "once the data has the rows it sweeps.\n"
    )
    body = yaml.safe_dump({"reports": reports}, sort_keys=False, allow_unicode=True, width=96)
    files["reports.yaml"] = head + body
    return files


def _read(path: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(DATA_DIR / path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
