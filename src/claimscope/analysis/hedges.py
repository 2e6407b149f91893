"""Find hedging and attribution language in quotes, and where it differs from the curated hedges.

The patterns are the ``hedge`` rows of the curation vocabulary
(``claimscope/data/phrases.csv``): ``claimscope suggest`` fills a new claim's ``hedges``
with this same function, so the curator's starting point and the check agree by construction.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from claimscope.data.columns import split_list
from claimscope.data.phrases import find_all
from claimscope.data.values import text_of

#: The reporting verb of a claim, by the strongest kind of hedge it uses: a hedged claim
#: suggests, a claim passed on from others reports, a claim with neither says.
VERBS = {"hedge": "suggests", "attribution": "reports", "": "says"}


def match_hedges(text: str) -> list[tuple[str, str]]:
    """Return each hedging or attribution phrase in ``text`` with its kind, in text order.

    Where phrases overlap the longer one wins ("if confirmed", not "if"); a phrase used twice
    is listed once.

    >>> match_hedges("If confirmed, as many as 6,000 could be there, according to reports")[::3]
    [('if confirmed', 'hedge'), ('according to reports', 'attribution')]
    >>> match_hedges("he could not confirm them")
    []
    """
    found: dict[str, str] = {}
    end = -1
    for match, kind in find_all("hedge", text):
        if match.start() < end:
            continue  # inside a longer phrase already taken
        end = match.end()
        found.setdefault(match.group().lower(), kind)
    return list(found.items())


def find_hedges(text: str) -> list[str]:
    """Return the hedging and attribution phrases of ``text``, lower-cased, in text order.

    >>> find_hedges("images that allegedly show 1,500 troops")
    ['allegedly']
    """
    return [phrase for phrase, _ in match_hedges(text)]


def choose_verb(hedges: Iterable[str]) -> str:
    """Return the reporting verb for a claim with these (curated) hedges.

    >>> choose_verb([]), choose_verb(["according to"]), choose_verb(["according to", "could"])
    ('says', 'reports', 'suggests')
    """
    kinds: set[str] = set()
    for hedge in hedges:
        # A curated hedge the patterns do not know is still a hedge.
        kinds |= {kind for _, kind in match_hedges(hedge)} or {"hedge"}
    return next((VERBS[k] for k in ("hedge", "attribution") if k in kinds), VERBS[""])


def compare_hedges(claims: pd.DataFrame) -> pd.DataFrame:
    """Return the claims whose curated ``hedges`` differ from what :func:`find_hedges` finds.

    Returns:
        Columns ``claim_id``, ``line`` (the CSV line, when the claims carry one), ``missing``
        (found in the quote but not curated) and ``extra`` (curated but not found), each a
        ``; ``-joined string; one row per disagreeing claim, in table order.
    """
    rows = []
    lines = claims["line"] if "line" in claims else pd.Series(pd.NA, index=claims.index)
    for claim_id, quote, curated, line in zip(
        claims["claim_id"], claims["quote"], claims["hedges"], lines, strict=True
    ):
        given = [h.lower() for h in split_list(text_of(curated))]
        found = find_hedges(text_of(quote))
        missing = [h for h in found if h not in given]
        extra = [h for h in given if h not in found]
        if missing or extra:
            rows.append(
                {
                    "claim_id": claim_id,
                    "line": line,
                    "missing": "; ".join(missing),
                    "extra": "; ".join(extra),
                }
            )
    return pd.DataFrame(rows, columns=["claim_id", "line", "missing", "extra"])


def describe_hedge_warnings(claims: pd.DataFrame, file: str = "claims.csv") -> list[str]:
    """Return one ``file:row:hedges: warning: ...`` line per claim whose hedges disagree."""
    lines = []
    for row in compare_hedges(claims).itertuples(index=False):
        parts = []
        if row.missing:
            parts.append(f"the quote uses {row.missing!r}, not listed")
        if row.extra:
            parts.append(f"listed {row.extra!r} is not found in the quote")
        where = f"{file}:{row.line}" if not pd.isna(row.line) else f"{file}:{row.claim_id}"
        lines.append(f"{where}:hedges: warning: {row.claim_id}: " + "; ".join(parts))
    return lines
