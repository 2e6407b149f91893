"""Score `claimscope suggest` against the curated claims of every document in data/.

A suggestion matches a curated claim of the same document when their spans overlap, their
claim types agree and, for troop figures, their values and measure agree too. Each curated
claim is matched at most once and each suggestion at most once. Recall and precision are
per claim type that suggest proposes; the section "Suggested claims" of RESULTS.md is
rewritten (the rest of the file is left alone).

    .venv/bin/python benchmarks/suggest_recall.py [--data-dir data] [--output RESULTS.md]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from claimscope.curate.suggest import suggest_claims
from claimscope.data.dataset import load_dataset

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
TYPES = ("troop_figure", "denial", "not_verified", "confirmation")
STANCES = ("denial", "not_verified", "confirmation")
TARGETS = {"troop_figure": 0.9, "stances": 0.8}
TARGET_PRECISION = 0.6
BEGIN, END = "<!-- suggest-recall:begin -->", "<!-- suggest-recall:end -->"


def _agree(suggested: dict, curated: dict) -> bool:
    if suggested["claim_type"] != curated["claim_type"]:
        return False
    if int(suggested["start"]) >= curated["end"] or curated["start"] >= int(suggested["end"]):
        return False
    if curated["claim_type"] != "troop_figure":
        return True
    return (
        int(suggested["value_low"]) == curated["value_low"]
        and int(suggested["value_high"]) == curated["value_high"]
        and suggested["measure"] == curated["measure"]
    )


def score(data_dir: Path) -> tuple[dict[str, dict[str, int]], int]:
    """Return, per claim type, curated, suggested and matched counts; and the document count."""
    dataset = load_dataset(data_dir)
    counts = {t: {"curated": 0, "suggested": 0, "matched": 0} for t in TYPES}
    claims = dataset.claims
    for doc_id in dataset.texts:
        curated = [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in claims[claims["doc_id"] == doc_id].to_dict("records")
            if row["claim_type"] in TYPES
        ]
        suggested = [s for s in suggest_claims(doc_id, data_dir) if s["claim_type"] in TYPES]
        free = list(suggested)
        for claim in curated:
            counts[claim["claim_type"]]["curated"] += 1
            hit = next((s for s in free if _agree(s, claim)), None)
            if hit is not None:
                free.remove(hit)
                counts[claim["claim_type"]]["matched"] += 1
        for s in suggested:
            counts[s["claim_type"]]["suggested"] += 1
    return counts, len(dataset.texts)


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def render(counts: dict[str, dict[str, int]], documents: int) -> str:
    """Return the RESULTS.md section, with the stance types pooled as the target states."""
    pooled = {k: sum(counts[t][k] for t in STANCES) for k in ("curated", "suggested", "matched")}
    rows = [(t, counts[t]) for t in TYPES] + [("stances (all three)", pooled)]
    lines = [
        BEGIN,
        "## 6. Suggested claims: recall and precision of `claimscope suggest`",
        "",
        f"Scored on the curated claims of the {documents} document(s) in `data/`: a suggestion "
        "matches a curated claim when their spans overlap and their claim types agree, and for "
        "troop figures their values and measure too; each claim and suggestion matches once. "
        f"Targets: recall ≥ {TARGETS['troop_figure']} for troop figures and ≥ "
        f"{TARGETS['stances']} for stances, precision ≥ {TARGET_PRECISION}. "
        "Run `.venv/bin/python benchmarks/suggest_recall.py`.",
        "",
        "| claim type | curated | suggested | matched | recall | precision |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, c in rows:
        recall = _ratio(c["matched"], c["curated"])
        precision = _ratio(c["matched"], c["suggested"])
        lines.append(
            f"| {name} | {c['curated']} | {c['suggested']} | {c['matched']} | {recall} | "
            f"{precision} |"
        )
    lines += ["", END]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace the section between the markers in ``path``, or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Score suggest and write its section of RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    counts, documents = score(args.data_dir)
    section = render(counts, documents)
    write_section(args.output, section)
    print(section)


if __name__ == "__main__":
    main()
