"""A site build: plotly.js written once into ``assets/``, every page lighter and still offline."""

from __future__ import annotations

import base64
import gzip
import re
from pathlib import Path

import pytest
from browser import chart_problems, notebook_charts, open_page
from test_build import snapshot, write_config

from claimscope.build import BuildInputError, build_reports, html
from claimscope.build.config import read_config
from claimscope.cli import main

pytestmark = pytest.mark.integration
_INERT = re.compile(r'<script\b[^>]*\bid="claimscope-plotly"[^>]*>(.*?)</script>', re.S)


def _embedded(page: Path) -> str:
    found = _INERT.search(page.read_text(encoding="utf-8"))
    assert found, f"{page.name} has no plotly.js block"
    return found.group(1).strip()


def test_pages_share_one_plotly_js_and_stay_small(two_reports, built_copy):
    out = built_copy(two_reports, site=True)
    bundle = html.plotly_bundle()
    asset = out / "assets" / bundle.name
    assert asset.read_bytes() == bundle.read_bytes()
    assert (out / "assets" / html.PLOTLY_LICENSE).read_text(encoding="utf-8").strip()
    for name in ("alpha", "beta"):
        page = out / f"{name}.html"
        assert _embedded(page) == "", f"{name} embeds plotly.js in a site build"
        assert f'data-src="assets/{bundle.name}"' in page.read_text(encoding="utf-8")
        assert page.stat().st_size < bundle.stat().st_size / 2


def test_a_standalone_build_still_embeds_plotly_js(two_reports, built_copy):
    out = built_copy(two_reports)
    assert not (out / "assets").exists()
    packed = _embedded(out / "alpha.html")
    assert gzip.decompress(base64.b64decode(packed)) == html.plotly_bundle().read_bytes()
    assert len(packed) < html.plotly_bundle().stat().st_size / 2


@pytest.mark.browser
def test_a_site_page_draws_its_charts_offline_from_the_file_system(chromium, two_reports, tmp_path):
    out = tmp_path / "site"
    assert main(["build", "--site", "--config", str(two_reports), "--output", str(out)]) == 0
    with open_page(chromium, out / "beta.html") as (_, visit):
        assert chart_problems(visit.charts, notebook_charts(out / "beta.ipynb")) == []
        assert visit.problems == []


def test_switching_between_site_and_standalone_rebuilds_the_pages(two_reports, built_copy):
    out = built_copy(two_reports, site=True)
    again = build_reports(output_dir=out, config=two_reports, quiet=True, site=True)
    assert again.count("skipped") == 2
    standalone = build_reports(output_dir=out, config=two_reports, quiet=True)
    assert standalone.count("built") == 2
    assert _embedded(out / "alpha.html") != ""


def test_a_deleted_or_damaged_asset_is_written_again_without_rebuilding(two_reports, built_copy):
    out = built_copy(two_reports, site=True)
    asset = out / "assets" / html.plotly_bundle().name
    asset.write_text("damaged", encoding="utf-8")
    (out / "assets" / html.PLOTLY_LICENSE).unlink()
    pages = {p: p.read_bytes() for p in out.glob("*.html") if p.name != "index.html"}
    result = build_reports(output_dir=out, config=two_reports, quiet=True, site=True)
    assert result.count("skipped") == 2
    assert asset.read_bytes() == html.plotly_bundle().read_bytes()
    assert (out / "assets" / html.PLOTLY_LICENSE).is_file()
    assert {p: p.read_bytes() for p in pages} == pages


def test_unwritable_assets_fail_the_build_and_keep_every_page(two_reports, built_copy):
    # A file where the folder should be blocks it for anyone, root included.
    out = built_copy(two_reports)
    before = snapshot(out)
    (out / "assets").write_text("not a folder", encoding="utf-8")
    result = build_reports(output_dir=out, config=two_reports, quiet=True, site=True)
    assert result.exit_code == 1
    assert any("assets" in r.error for r in result.results), [r.error for r in result.results]
    after = snapshot(out)
    assert {k: after.get(k) for k in before if k != "assets"} == {
        k: v for k, v in before.items() if k != "assets"
    }


def test_a_report_named_assets_is_refused(tmp_path):
    config = write_config(tmp_path / "r.yaml", [{"name": "Assets", "notebook": "ok.ipynb"}])
    with pytest.raises(BuildInputError, match="assets"):
        read_config(config)
