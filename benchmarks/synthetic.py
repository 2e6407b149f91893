"""Generate valid synthetic claimscope data packages of any size, seeded and reproducible.

Every table follows ``data/datapackage.json``: documents whose texts are written out and hashed,
actors with a parent hierarchy (no cycles), the project's unit sizes, claims whose quotes stand
at their offsets (troop figures carry a measure, numbers, a unit of ``unit_sizes`` and a
qualifier consistent with them, and are never dated after their document), and relations citing
existing claims. The same ``claims`` and ``seed`` give byte-identical files.

    .venv/bin/python benchmarks/synthetic.py 10000 /tmp/synthetic-10k --seed 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import random
import shutil
import sys
from pathlib import Path

from claimscope.data.dataset import read_schema, resource_schema

PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"
VOCABULARIES = ("relation_types", "relation_statuses", "stances", "claim_types", "measures")
VOCABULARIES += ("actor_kinds", "source_reliability", "info_credibility", "consistency_ratings")
VOCABULARIES += ("likelihoods", "propositions", "subject")

CLAIMS_PER_DOCUMENT = 200
CLAIMS_PER_ACTOR = 50
MAX_ACTORS = 2_000
MIN_ACTORS = 8
RELATIONS_PER_CLAIM = 0.1
FIGURE_SHARE = 0.3

_STANCE_TYPES = ("troop_deployment", "denial", "not_denied", "not_verified", "confirmation")
#: Stances that never establish a tie (a step citing one is at most alleged).
_NOT_ASSERTING = ("denial", "not_denied", "not_verified")
_OTHER_TYPES = (
    "capability",
    "arms_transfer",
    "material_support",
    "statement",
    "assessment",
    "warning",
    "event",
    "policy",
)
_KINDS = (
    "government_body",
    "intelligence_agency",
    "military",
    "person",
    "state_media",
    "media",
    "group",
    "unnamed_sources",
)
_MEASURES = ("present", "planned", "in_combat", "casualties", "killed", "wounded", "captured")
_QUALIFIERS = ("exact", "approximately", "at_least", "up_to", "range")
_UNIT_NUMBERS = {"troops": (500, 15_000), "battalions": (1, 20), "brigades": (1, 6)}
_UNIT_NUMBERS["divisions"] = (1, 3)
_RELATIONS = (
    "alliance",
    "military_cooperation",
    "troop_deployment",
    "arms_supply",
    "material_support",
    "military_aid",
    "intelligence_sharing",
    "armed_conflict",
    "adversary",
    "sanctions",
    "neutrality",
    "intelligence_reporting",
    "state_media",
)
_STATUSES = ("established", "reported", "alleged", "speculative", "denied")
_PLACES = ("Kursk", "Primorsky Krai", "Khabarovsk", "Vladivostok", "Donetsk", "Ussuriysk")
_ACTIVITIES = ("training", "deployment", "combat", "transport", "")
_HEDGES = ("allegedly", "believed", "could", "as many as", "reportedly", "according to")
_WORDS = (
    "officials said the situation remained unclear while analysts compared satellite images "
    "of bases near the border and reports from the front described new arrivals in the region "
    "as diplomats traded accusations over the weekend"
).split()
_FIRST_DAY = dt.date(2024, 6, 1)


def sizes_for(claims: int) -> dict[str, int]:
    """Return how many documents, actors and relations go with ``claims`` claims.

    >>> sizes_for(1000)
    {'claims': 1000, 'documents': 5, 'actors': 20, 'relations': 100}
    """
    return {
        "claims": claims,
        "documents": max(1, -(-claims // CLAIMS_PER_DOCUMENT)),
        "actors": min(MAX_ACTORS, max(MIN_ACTORS, claims // CLAIMS_PER_ACTOR)),
        "relations": max(1, round(claims * RELATIONS_PER_CLAIM)),
    }


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [["" if v is None else str(v) for v in row] for row in rows]
    )
    return buffer.getvalue().encode("utf-8")


def _filler(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."


def _header(table: str) -> list[str]:
    """A table's columns, in the order ``datapackage.json`` declares them (rows follow it)."""
    fields = resource_schema(read_schema(PROJECT_DATA), table)["schema"]["fields"]
    return [field["name"] for field in fields]


def _actors(rng: random.Random, count: int) -> list[list[object]]:
    states = max(2, count // 10)
    header = _header("actors")
    records: list[dict[str, object]] = []
    for i in range(count):
        actor_id = f"a{i:05d}"
        if i < states:
            country = "".join(chr(65 + (i // 26**k) % 26) for k in range(3))
            records.append(
                {"actor_id": actor_id, "name": f"State {i}", "kind": "state", "country": country}
            )
        else:
            parent = rng.randrange(states)
            kind = rng.choice(_KINDS)
            records.append(
                {
                    "actor_id": actor_id,
                    "name": f"{kind.replace('_', ' ').title()} {i}",
                    "kind": kind,
                    "country": records[parent]["country"],
                    "parent_id": f"a{parent:05d}",
                    "note": "synthetic",
                }
            )
    return [header, *([r.get(c, "") for c in header] for r in records)]


def _figure(rng: random.Random) -> tuple[str, str, int, int, str, str]:
    """Return measure, unit, value_low, value_high, qualifier and the stated figure."""
    measure = rng.choices(_MEASURES, weights=(6, 2, 2, 1, 1, 1, 1))[0]
    unit = rng.choices(list(_UNIT_NUMBERS), weights=(6, 1, 2, 1))[0]
    low_n, high_n = _UNIT_NUMBERS[unit]
    qualifier = rng.choice(_QUALIFIERS)
    low = rng.randint(low_n, high_n)
    if qualifier == "range":
        high = low + rng.randint(1, high_n)
        stated = f"{low:,} to {high:,} {unit}"
    else:
        high = low
        words = {"exact": "", "approximately": "about ", "at_least": "at least "}
        stated = f"{words.get(qualifier, 'up to ')}{low:,} {unit}"
    return measure, unit, low, high, qualifier, stated


def generate(out_dir: Path | str, claims: int, seed: int = 0) -> dict[str, int]:
    """Write a valid data package with ``claims`` claims into ``out_dir`` (replacing it).

    Args:
        out_dir: Folder to create; an existing one is removed first.
        claims: Number of claims (at least 1).
        seed: Seed of the random choices; the same seed gives the same bytes.

    Returns:
        The number of rows of each table.
    """
    if claims < 1:
        raise ValueError("claims must be at least 1")
    rng = random.Random(f"claimscope-synthetic-{seed}-{claims}")
    out_dir = Path(out_dir)
    counts = sizes_for(claims)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "sources").mkdir(parents=True)
    shutil.copy(PROJECT_DATA / "datapackage.json", out_dir / "datapackage.json")
    # Unit sizes and the vocabulary tables (relation types, statuses, ...) are the project's.
    for name in ("unit_sizes", *VOCABULARIES):
        shutil.copy(PROJECT_DATA / f"{name}.csv", out_dir / f"{name}.csv")

    actors = _actors(rng, counts["actors"])
    actor_ids = [row[0] for row in actors[1:]]
    (out_dir / "actors.csv").write_bytes(_csv(actors))

    claim_rows: list[list[object]] = [_header("claims")]
    documents: list[list[object]] = [_header("documents")]
    per_doc = -(-claims // counts["documents"])
    dated: dict[str, tuple[str, str]] = {}  # claim id to (its date, its claim type)
    number = 0
    for d in range(counts["documents"]):
        doc_id = f"doc-{d:05d}"
        published = _FIRST_DAY + dt.timedelta(days=rng.randrange(180))
        parts: list[str] = []
        length = 0
        for _ in range(min(per_doc, claims - number)):
            filler = _filler(rng) + " "
            parts.append(filler)
            length += len(filler)
            row, quote = _claim(rng, f"c{number:06d}", doc_id, published, actor_ids)
            row[3], row[4] = length, length + len(quote)
            parts.append(quote + " ")
            length += len(quote) + 1
            claim_rows.append(row)
            dated[row[0]] = (row[-5] or published.isoformat(), row[7])
            number += 1
        parts.append(_filler(rng) + "\n")
        text = "".join(parts).encode("utf-8")
        path = f"sources/{doc_id}.txt"
        (out_dir / path).write_bytes(text)
        digest = hashlib.sha256(text).hexdigest()
        title = f"Synthetic report {d} on troop movements"
        documents.append([doc_id, title, "Synthetic Wire", published.isoformat(), "", path, digest])
        documents[-1].append("generated by benchmarks/synthetic.py")
    (out_dir / "documents.csv").write_bytes(_csv(documents))
    (out_dir / "claims.csv").write_bytes(_csv(claim_rows))

    claim_ids = [row[0] for row in claim_rows[1:]]
    relations: list[list[object]] = [_header("relations")]
    steps: list[list[object]] = [_header("relation_steps")]
    # Ties concentrate on the states, as in real reporting: most ties run between few actors.
    hubs = actor_ids[: max(2, len(actor_ids) // 10)]
    for r in range(counts["relations"]):
        pool = hubs if rng.random() < 0.7 else actor_ids
        source, target = rng.sample(pool, 2)
        evidence = rng.choice(claim_ids)
        relation = rng.choice(_RELATIONS)
        status = rng.choices(_STATUSES, weights=(2, 4, 3, 2, 1))[0]
        day, claim_type = dated[evidence]
        if status == "established" and claim_type in _NOT_ASSERTING:
            status = "alleged"
        relations.append([f"r{r:06d}", source, target, relation, ""])
        steps.append([f"r{r:06d}", status, day, evidence, ""])
    (out_dir / "relations.csv").write_bytes(_csv(relations))
    # One step per tie, citing one claim and dated by it (a step's claims share one date);
    # the corpus has no corrections.
    (out_dir / "relation_steps.csv").write_bytes(_csv(steps))
    (out_dir / "corrections.csv").write_bytes(_csv([_header("corrections")]))
    # The project's hypotheses, rated against no synthetic claim.
    shutil.copy(PROJECT_DATA / "hypotheses.csv", out_dir / "hypotheses.csv")
    (out_dir / "ratings.csv").write_bytes(_csv([_header("ratings")]))
    # Any other table of the schema (the analyst's judgements, ...) starts empty.
    package = json.loads((PROJECT_DATA / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        target = out_dir / resource["path"]
        if not target.exists():
            target.write_bytes(_csv([_header(resource["name"])]))
    return counts


def _claim(
    rng: random.Random, claim_id: str, doc_id: str, published: dt.date, actor_ids: list[str]
) -> tuple[list[object], str]:
    claimant, subject = rng.choice(actor_ids), rng.choice(actor_ids)
    roll = rng.random()
    figure = [""] * 6  # measure, value_low, value_high, unit, qualifier, stated_figure
    if roll < FIGURE_SHARE:
        claim_type = "figure"
        measure, unit, low, high, qualifier, stated = _figure(rng)
        figure = [measure, low, high, unit, qualifier, stated]
        quote = f"{claimant} says {stated} of {subject} ({claim_id})"
    elif roll < FIGURE_SHARE + 0.3:
        claim_type = rng.choice(_STANCE_TYPES)
        quote = f"{claimant} on {subject}: {claim_type.replace('_', ' ')} ({claim_id})"
    else:
        claim_type = rng.choice(_OTHER_TYPES)
        quote = f"{claimant} about {subject}, {rng.choice(_WORDS)} ({claim_id})"
    # Claims are dated on or before their document's publication, or left undated.
    claimed = "" if rng.random() < 0.3 else published - dt.timedelta(days=rng.randrange(30))
    hedges = ";".join(rng.sample(_HEDGES, rng.randint(0, 2)))
    row: list[object] = [
        claim_id,
        doc_id,
        quote,
        None,
        None,
        claimant,
        subject,
        claim_type,
        "",  # responds_to
        "",  # restates
        "sent_to_russia" if claim_type in ("figure", *_STANCE_TYPES) else "",
        "",  # revises
        *figure[:4],
        "",  # unit_size_low
        "",  # unit_size_high
        figure[4],
        figure[5],
        "",  # period
        rng.choice(_ACTIVITIES),
        rng.choice(_PLACES) if rng.random() < 0.5 else "",
        claimed.isoformat() if claimed else "",
        hedges,
        rng.choice("ABCDEF"),
        rng.randint(1, 6),
        "",
    ]
    return row, quote


def main(argv: list[str] | None = None) -> int:
    """Command line: write one synthetic data package."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claims", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    counts = generate(args.out_dir, args.claims, args.seed)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
