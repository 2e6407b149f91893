"""The sources panel and the evidence list: every document named, every cited claim reachable."""

from __future__ import annotations

import re

import pandas as pd
from test_truth_as_of import dataset

from claimscope.present import sources
from claimscope.present.display import paragraphs_bundle
from claimscope.present.statements import Statement


def test_every_document_is_named_with_publisher_date_and_only_web_links():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "title": ["<script>x</script>", "Wire story", "Note"],
            "publisher": [pd.NA, "Agency", "Compiled for claimscope"],
            "published_on": pd.to_datetime(["2024-10-23", "2024-10-20", "2024-10-21"]),
            "url": ["javascript:alert(1)", "https://example.org/a?b=1&c=2", pd.NA],
        }
    )
    html = sources.sources_bundle(docs)["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert "compiled for this project" in html and "published by Agency" in html
    # In date order: the wire story of 20 October first.
    assert html.index("Wire story") < html.index("Note") < html.index("&lt;script")


def test_each_cited_claim_links_to_its_evidence_entry():
    ds = dataset()
    said = Statement("Something the claims say.", ["c014", "c059"])
    html = paragraphs_bundle([said])["text/html"]
    targets = re.findall(r'href="#([^"]+)"', html)
    assert targets == ["claim-c014", "claim-c059"]
    evidence = sources.evidence_bundle(ds.claims, ds.documents)["text/html"]
    anchors = set(re.findall(r'<li id="([^"]+)"', evidence))
    assert set(targets) <= anchors
    assert len(anchors) == len(ds.claims)
