"""Text from sources is not ours: hostile quotes, names and notes must reach the reader as text.

A copy of the dataset gets a paragraph of markup appended to its source text, claims quoting
it (a troop figure, a denial, statements), an actor whose name is markup, notes that are
scripts and a relation citing the hostile claims. The default reports are built from it, then
checked twice: in the HTML source (no payload survives as markup) and in Chromium (no script
runs, no dialog opens, and hover labels, tables and prose show the payloads as plain text).
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path

import pytest
from browser import open_page
from helpers import add_relation, read_csv, set_cell, write_csv

from claimscope.build import build_reports, read_config
from claimscope.data.dataset import load_dataset, locate_offsets
from claimscope.data.paths import DATA_DIR
from claimscope.present.charts.style import hover_text
from claimscope.present.display import escape_text

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# The hand-written reports: a sweep runs the same notebooks, and a page focused on an actor far
# from the hostile claims would not show them (tests/test_sweeps.py covers the index escaping).
REPORTS = [spec.name for spec in read_config() if spec.matrix is None]

SCRIPT_TAG = "<script>window.__pwned=1</script>"
IMG_TAG = '<img src=x onerror="window.__pwned=2">'
JS_LINK = '<a href="javascript:window.__pwned=3">click</a>'
FORMULA = '=HYPERLINK("http://evil.example/","open")'
HOSTILE_PARAGRAPH = (
    "\n\nReader comments, reproduced verbatim. "
    f"One reader wrote {SCRIPT_TAG} and claimed 9,999 troops were there; "
    f"another posted {IMG_TAG} to deny it; "
    f"a third linked {JS_LINK} as proof; "
    f"a fourth typed {FORMULA} into a spreadsheet.\n"
)
ACTOR_ID = "hostile_outlet"
ACTOR_NAME = "<img src=x onerror=alert(1)>Evil"
CLAIM_NOTE = "<script>alert(2)</script>"
#: Every claim added, with its quote (a span of HOSTILE_PARAGRAPH) and type-specific fields.
HOSTILE_CLAIMS = {
    "h01": {
        "quote": f"{SCRIPT_TAG} and claimed 9,999 troops",
        "claim_type": "figure",
        "proposition_id": "sent_to_russia",
        "measure": "present",
        "value_low": "9999",
        "value_high": "9999",
        "unit": "troops",
        "qualifier": "exact",
        "stated_figure": '9,999 <b>troops</b><img src=x onerror="window.__pwned=4">',
        "activity": '<svg onload="window.__pwned=5">training',
        "location": "Russia</td><script>window.__pwned=6</script>",
        "hedges": "<i>reportedly</i>",
    },
    "h02": {
        "quote": f"{IMG_TAG} to deny it",
        "claim_type": "denial",
        "proposition_id": "sent_to_russia",
        "activity": "deployment",
        "location": "Russia",
    },
    "h03": {"quote": JS_LINK, "claim_type": "statement"},
    "h04": {"quote": FORMULA, "claim_type": "statement"},
}
RELATION_NOTE = '<img src=x onerror="window.__pwned=7">'
#: Markup from the payloads; none of it may appear as markup in a report's HTML.
RAW_MARKUP = [
    "<script>window.__pwned",
    "<img src=x onerror",
    '<a href="javascript:',
    "<svg onload",
    "</td><script>",
    "<script>alert(",
    "<b>troops</b>",
    "<i>reportedly</i>",
]

_INJECTED_JS = """
() => ({
  pwned: typeof window.__pwned,
  images: document.querySelectorAll('img[src="x"]').length,
  jsLinks: Array.from(document.querySelectorAll('a')).filter(a => {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    return href.trim().toLowerCase().startsWith('javascript:');
  }).length,
  handlers: Array.from(document.querySelectorAll('*')).filter(el => Array.from(el.attributes)
    .some(a => a.name.startsWith('on') && /pwned|alert/.test(a.value))).length,
  scripts: Array.from(document.scripts).filter(
    s => /^\\s*(window\\.__pwned|alert\\()/.test(s.textContent)).length,
})
"""

#: Hover every point whose hover text holds a payload; return its hover text and the label.
_HOVER_JS = """
async (marker) => {
  const pause = () => new Promise(resolve => setTimeout(resolve, 60));
  const hovered = [];
  for (const el of document.querySelectorAll('.claimscope-chart')) {
    if (!el._fullData) continue;
    for (const [i, trace] of el._fullData.entries()) {
      if (trace.hoverinfo === 'skip' || trace.visible !== true) continue;
      const texts = el.data[i].hovertext;
      const points = [];
      if (typeof texts === 'string') {
        if (texts.includes(marker)) points.push([0, texts]);
      } else if (Array.isArray(texts)) {
        texts.forEach((text, j) => {
          if (Array.isArray(text)) {
            text.forEach((cell, k) => {
              if (cell && cell.includes(marker)) points.push([[j, k], cell]);
            });
          } else if (text && text.includes(marker)) {
            points.push([j, text]);
          }
        });
      }
      for (const [point, text] of points) {
        Plotly.Fx.unhover(el);
        await pause();
        if (Array.isArray(point)) {  // a heat map cell: row j, column k
          Plotly.Fx.hover(el, {xval: point[1], yval: point[0]});
        } else {
          const subplot = (trace.xaxis || 'x') + (trace.yaxis || 'y');
          Plotly.Fx.hover(el, [{curveNumber: i, pointNumber: point}], subplot);
        }
        await pause();
        const layer = el.querySelector('.hoverlayer');
        hovered.push({chart: el.getAttribute('data-chart'), trace: i, point: point, text: text,
                      label: layer ? layer.textContent : ''});
      }
    }
  }
  return hovered;
}
"""


#: The character references plotly's text renderer decodes: three names and numeric ones.
PLOTLY_ENTITY = re.compile(r"&(lt|gt|amp|#[0-9]+|#x[0-9a-fA-F]+);")


def test_escape_text_uses_only_references_plotly_decodes():
    text = "".join(map(chr, range(32, 127))) + "“’” " + ACTOR_NAME + IMG_TAG
    escaped = escape_text(text)
    references = re.findall(r"&[^;\s]*;", escaped)
    assert references, escaped
    assert [r for r in references if not PLOTLY_ENTITY.fullmatch(r)] == []
    assert not set("<>\"'") & set(escaped)
    assert html.unescape(escaped) == text


def test_hover_text_keeps_quotes_readable_in_plotly():
    hover = hover_text(("Quote", "he said \"go\" and 'stay'"))
    assert hover == "<b>Quote</b>: he said &#34;go&#34; and &#x27;stay&#x27;"


def make_hostile(data_dir: Path) -> Path:
    """Turn a copy of the dataset into a hostile one (see the module docstring)."""
    documents = data_dir / "documents.csv"
    doc = dict(zip(*read_csv(documents)[:2], strict=True))
    source = data_dir / doc["path"]
    source.write_bytes(source.read_bytes() + HOSTILE_PARAGRAPH.encode("utf-8"))
    set_cell(documents, 2, "sha256", hashlib.sha256(source.read_bytes()).hexdigest())

    actors = read_csv(data_dir / "actors.csv")
    actor = dict.fromkeys(actors[0], "")
    actor.update(actor_id=ACTOR_ID, name=ACTOR_NAME, kind="media", note="<script>alert(3)")
    write_csv(data_dir / "actors.csv", [*actors, [actor[c] for c in actors[0]]])

    claims = read_csv(data_dir / "claims.csv")
    for claim_id, fields in HOSTILE_CLAIMS.items():
        claim = dict.fromkeys(claims[0], "")
        claim.update(
            claim_id=claim_id,
            doc_id=doc["doc_id"],
            claimant_id=ACTOR_ID,
            subject_id="nk_troops",
            source_reliability="F",
            info_credibility="6",
            note=CLAIM_NOTE,
            **fields,
        )
        claims.append([claim[c] for c in claims[0]])
    write_csv(data_dir / "claims.csv", claims)

    add_relation(
        data_dir,
        relation_id="r_hostile",
        source_id=ACTOR_ID,
        target_id="north_korea",
        relation="intelligence_reporting",
        status="reported",
        claim_ids=";".join(HOSTILE_CLAIMS),
        note=RELATION_NOTE,
    )

    ratings = read_csv(data_dir / "ratings.csv")
    hypotheses = [row[0] for row in read_csv(data_dir / "hypotheses.csv")[1:]]
    rated = [[c, h, "II", CLAIM_NOTE] for c in HOSTILE_CLAIMS for h in hypotheses]
    write_csv(data_dir / "ratings.csv", [*ratings, *rated])
    locate_offsets(data_dir)
    return data_dir


def test_hostile_dataset_is_valid_and_quotes_point_into_the_text(data_copy):
    make_hostile(data_copy)
    dataset = load_dataset(data_copy)
    claims = dataset.claims.set_index("claim_id")
    text = (data_copy / dataset.documents["path"].iloc[0]).read_text(encoding="utf-8")
    for claim_id, fields in HOSTILE_CLAIMS.items():
        start, end = claims.loc[claim_id, ["start", "end"]]
        assert text[start:end] == fields["quote"]
    assert dataset.actors.set_index("actor_id").loc[ACTOR_ID, "name"] == ACTOR_NAME


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The default reports built from the hostile dataset."""
    root = tmp_path_factory.mktemp("hostile")
    data_dir = make_hostile(Path(shutil.copytree(DATA_DIR, root / "data")))
    out = root / "reports"
    result = build_reports(data_dir=data_dir, output_dir=out, quiet=True)
    assert result.exit_code == 0, [r.error for r in result.results if r.error]
    return out


@pytest.mark.parametrize("name", REPORTS)
def test_html_source_holds_no_payload_as_markup(hostile_site, name):
    source = (hostile_site / f"{name}.html").read_text(encoding="utf-8")
    found = [markup for markup in RAW_MARKUP if markup in source]
    assert found == [], f"{name}.html holds untrusted text as markup: {found}"
    # ...while the payloads did reach the page, escaped: the test is not vacuous.
    assert html.escape(ACTOR_NAME) in source


def expected_lines(hover: str) -> list[str]:
    """The plain text lines a plotly hover label shows for ``hover`` (our <b> and <br> only)."""
    lines = [html.unescape(re.sub(r"</?b>", "", line)) for line in hover.split("<br>")]
    return [" ".join(line.split()) for line in lines if line.strip()]


@pytest.mark.parametrize("name", REPORTS)
def test_payloads_stay_plain_text_in_the_browser(chromium, hostile_site, name):
    with open_page(chromium, hostile_site / f"{name}.html") as (page, visit):
        after_load = page.evaluate(_INJECTED_JS)
        hovered = page.evaluate(_HOVER_JS, "pwned")
        hovered += page.evaluate(_HOVER_JS, html.escape(ACTOR_NAME))
        after_hover = page.evaluate(_INJECTED_JS)
        tables = page.eval_on_selector_all(".claimscope-table", "els => els.map(e => e.innerText)")
        body = page.inner_text("body")
    clean = {"pwned": "undefined", "images": 0, "jsLinks": 0, "handlers": 0, "scripts": 0}
    assert after_load == clean
    assert after_hover == clean
    assert visit.dialogs == []
    assert visit.problems == []

    assert hovered, f"no chart point of {name} carries the hostile text in its hover"
    for point in hovered:
        label = " ".join(point["label"].split())
        missing = [line for line in expected_lines(point["text"]) if line not in label]
        assert missing == [], f"{point['chart']} trace {point['trace']}: label lacks {missing}"
    labels = " ".join(point["label"] for point in hovered)
    assert ACTOR_NAME in labels
    assert "<script>" in labels

    assert any(ACTOR_NAME in table for table in tables), f"{name}: no table shows the actor"
    assert ACTOR_NAME in body


def test_troop_report_shows_every_payload_as_text(chromium, hostile_site):
    with open_page(chromium, hostile_site / "troop-figures.html") as (page, _):
        # The appendices are folded: open them as a reader would, one click each.
        page.eval_on_selector_all("details", "els => els.forEach(e => { e.open = true; })")
        tables = "\n".join(
            page.eval_on_selector_all(".claimscope-table", "els => els.map(e => e.innerText)")
        )
        paragraphs = page.eval_on_selector_all("p", "els => els.map(e => e.innerText)")
    for claim_id, fields in HOSTILE_CLAIMS.items():
        if fields["claim_type"] in ("figure", "denial"):
            assert fields["quote"] in tables, claim_id
    figure = HOSTILE_CLAIMS["h01"]
    assert figure["stated_figure"] in tables
    assert figure["location"] in tables
    assert any(ACTOR_NAME in p and figure["stated_figure"] in p for p in paragraphs), (
        "the generated prose does not name the hostile figure"
    )
