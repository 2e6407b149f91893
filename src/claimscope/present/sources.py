"""Show a report's sources: its documents with title, publisher, date and link, and its evidence.

Every claim id a page cites links to the evidence list (``#claim-c014``), where the claim's
quote, claimant, date and document stand. Source text is untrusted: all of it is escaped, and
only ``http(s)`` addresses become links.
"""

from __future__ import annotations

import re

import pandas as pd

from claimscope.present.display import claim_anchor, escape_text
from claimscope.present.formatting import format_day, is_missing, text_of

#: What a document's ``publisher`` says when the document was compiled for this project.
_COMPILED = re.compile(r"compiled for", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"^https?://[^\s\"'<>]+$")


def _link(url: object) -> str:
    address = text_of(url).strip()
    if not _WEB_ADDRESS.match(address):
        return ""
    shown = escape_text(address)
    return f' <a href="{shown}" rel="noopener noreferrer">{shown}</a>'


def describe_document(row: dict) -> str:
    """One document as HTML: title, who published it (or that it was compiled), date, link.

    >>> print(describe_document({"title": "Note <1>", "publisher": "Compiled for claimscope",
    ...     "published_on": pd.Timestamp("2024-10-21"), "url": "javascript:alert(1)"}))
    <cite>Note &lt;1&gt;</cite>, a briefing note compiled for this project (not a publication), \
21 October 2024.
    """
    title = f"<cite>{escape_text(row['title'])}</cite>"
    publisher = text_of(row.get("publisher"))
    if _COMPILED.search(publisher):
        by = "a briefing note compiled for this project (not a publication)"
    elif publisher:
        by = f"published by {escape_text(publisher)}"
    else:
        by = "publisher not named in the text"
    day = "" if is_missing(row.get("published_on")) else f", {format_day(row['published_on'])}"
    return f"{title}, {by}{day}.{_link(row.get('url'))}"


def sources_bundle(documents: pd.DataFrame, doc_ids: set[str] | None = None) -> dict[str, str]:
    """A display bundle listing the documents a report uses (all of them by default)."""
    used = documents if doc_ids is None else documents[documents["doc_id"].isin(doc_ids)]
    used = used.sort_values(["published_on", "doc_id"], kind="stable")
    if used.empty:
        items = ["<li>No document is known yet.</li>"]
    else:
        items = [f"<li>{describe_document(r)}</li>" for r in used.to_dict("records")]
    html = (
        '<section class="claimscope-sources" aria-label="Sources"><ol>'
        + "".join(items)
        + "</ol></section>"
    )
    plain = "\n".join(f"- {text_of(r['title'])}" for r in used.to_dict("records"))
    return {"text/html": html, "text/plain": "Sources\n" + plain}


def evidence_bundle(claims: pd.DataFrame, documents: pd.DataFrame) -> dict[str, str]:
    """A collapsed evidence list: one entry per claim, anchored for the links to it."""
    titles = dict(zip(documents["doc_id"], documents["title"], strict=True))
    published = dict(zip(documents["doc_id"], documents["published_on"], strict=True))
    entries = []
    for row in claims.sort_values("claim_id").to_dict("records"):
        day = row.get("claimed_on")
        day = published.get(row["doc_id"]) if is_missing(day) else day
        who = text_of(row.get("claimant_name")) or text_of(row.get("claimant_id"))
        entries.append(
            f'<li id="{claim_anchor(row["claim_id"])}"><b>{escape_text(row["claim_id"])}</b> · '
            f"{escape_text(who)} · {escape_text(format_day(day))} · "
            f"<cite>{escape_text(titles.get(row['doc_id'], row['doc_id']))}</cite>"
            f"<blockquote>{escape_text(row['quote'])}</blockquote></li>"
        )
    count = len(entries)
    html = (
        '<details class="claimscope-evidence"><summary>Evidence: the '
        f"{count} claim{'s' if count != 1 else ''} this page draws on, with their quotes"
        f"</summary><ol>{''.join(entries)}</ol></details>"
    )
    return {"text/html": html, "text/plain": f"Evidence: {count} claims"}


def show_sources(documents: pd.DataFrame, doc_ids: set[str] | None = None) -> None:
    """Display the sources panel."""
    from IPython.display import display

    display(sources_bundle(documents, doc_ids), raw=True)


def show_evidence(claims: pd.DataFrame, documents: pd.DataFrame) -> None:
    """Display the evidence list every claim id on the page links to."""
    from IPython.display import display

    display(evidence_bundle(claims, documents), raw=True)
