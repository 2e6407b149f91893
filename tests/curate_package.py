"""A tiny data package for the curation commands (add-document, suggest, --accept)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from claimscope.data.dataset import load_dataset, read_schema
from claimscope.data.paths import DATA_DIR

ACTORS = [
    ("north_korea", "North Korea", "state", "PRK", "", "Pyongyang; DPRK"),
    ("nk_troops", "North Korean troops", "military", "PRK", "north_korea", ""),
    ("russia", "Russia", "state", "RUS", "", "Moscow; the Kremlin"),
    ("dmitry_peskov", "Dmitry Peskov", "person", "RUS", "russia", "Peskov"),
    ("ukraine", "Ukraine", "state", "UKR", "", "Kyiv"),
    ("volodymyr_zelenskyy", "Volodymyr Zelenskyy", "person", "UKR", "ukraine", "Zelensky"),
    ("united_states", "United States", "state", "USA", "", "Washington; the U.S."),
    ("lloyd_austin", "Lloyd Austin", "person", "USA", "united_states", ""),
]
SEED = "Kim inspected a base on 1 October 2024. Nothing else is claimed here.\n"
NOTE = (
    "Briefing note: new estimates\n\n"
    "On 5 November 2024 Dmitry Peskov denied the reports, calling them fake news.\n\n"
    "On 6 November 2024 President Volodymyr Zelenskiy said that about 11,000 North Korean "
    "soldiers were in Russia and that two brigades of 5,000 soldiers each had been sent.\n\n"
    "The same day Lloyd Austin said he could not confirm the figure.\n"
)


def _write(path: Path, header: list[str], rows: list[tuple]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def curate_package(tmp_path: Path) -> Path:
    """A one-document data package with an ``aliases`` column on actors, in ``tmp_path/data``."""
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    schema = read_schema(DATA_DIR)
    # The columns of issue #12 that suggest and accept use, when the schema lacks them yet.
    for name, column in (("actors", "aliases"), ("claims", "responds_to")):
        resource = next(r for r in schema["resources"] if r["name"] == name)
        fields = resource["schema"]["fields"]
        if not any(f["name"] == column for f in fields):
            fields.append({"name": column, "type": "string"})
    (data / "datapackage.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")
    (data / "sources" / "seed.txt").write_text(SEED, encoding="utf-8")
    sha = hashlib.sha256(SEED.encode()).hexdigest()
    columns = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in schema["resources"]}

    def row(table: str, **values) -> tuple:
        return tuple(values.get(c, "") for c in columns[table])

    _write(
        data / "documents.csv",
        columns["documents"],
        [
            row(
                "documents",
                doc_id="seed",
                title="Seed",
                published_on="2024-10-02",
                path="sources/seed.txt",
                sha256=sha,
            )
        ],
    )
    _write(
        data / "actors.csv",
        columns["actors"],
        [
            row("actors", actor_id=a, name=n, kind=k, country=c, parent_id=p, aliases=al)
            for a, n, k, c, p, al in ACTORS
        ],
    )
    _write(
        data / "unit_sizes.csv",
        columns["unit_sizes"],
        [
            row("unit_sizes", unit="troops", troops_low=1, troops_high=1, source="definition"),
            row(
                "unit_sizes", unit="brigades", troops_low=3000, troops_high=5000, source="doctrine"
            ),
        ],
    )
    quote = "Kim inspected a base"
    _write(
        data / "claims.csv",
        columns["claims"],
        [
            row(
                "claims",
                claim_id="c001",
                doc_id="seed",
                quote=quote,
                start=0,
                end=len(quote),
                claimant_id="north_korea",
                subject_id="north_korea",
                claim_type="event",
            )
        ],
    )
    _write(
        data / "relations.csv",
        columns["relations"],
        [
            row(
                "relations",
                relation_id="r01",
                source_id="north_korea",
                target_id="russia",
                relation="alliance",
            )
        ],
    )
    _write(
        data / "relation_steps.csv",
        columns["relation_steps"],
        [
            row(
                "relation_steps",
                relation_id="r01",
                status="reported",
                status_on="2024-10-02",
                claim_ids="c001",
            )
        ],
    )
    # The other tables: those citing the tables written above (corrections, ratings) start
    # empty; vocabularies, which cite none of them, are copied as the project has them.
    written = {"documents", "actors", "unit_sizes", "claims", "relations", "relation_steps"}
    for resource in schema["resources"]:
        target = data / resource["path"]
        if resource["name"] in written or target.exists():
            continue
        cited = {fk["reference"]["resource"] for fk in resource["schema"].get("foreignKeys", [])}
        # A list of claim ids (judgements.claim_ids) cites claims without a foreign key.
        if any(f["name"] == "claim_ids" for f in resource["schema"]["fields"]):
            cited.add("claims")
        if cited & written:
            _write(target, columns[resource["name"]], [])
        else:
            shutil.copyfile(DATA_DIR / resource["path"], target)
    load_dataset(data)
    return data


def review_propositions(rows: list[dict], proposition: str = "sent_to_russia") -> list[dict]:
    """Do what a reviewer must before accepting: name what each stance-taking row is about.

    ``suggest`` cannot know the proposition a stance takes a side on; a row whose claim type
    takes a stance and names none is refused by the loader.
    """
    from claimscope.data.dataset import load_dataset

    claim_types = load_dataset(DATA_DIR).claim_types
    stance_of = dict(zip(claim_types["claim_type"], claim_types["stance"], strict=True))
    for row in rows:
        takes_stance = isinstance(stance_of.get(row.get("claim_type")), str)
        if takes_stance and not row.get("proposition_id"):
            row["proposition_id"] = proposition
    return rows
