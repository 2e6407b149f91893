"""PDF output: `formats: [html, pdf]` prints each page with the real Chromium, all or nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from claimscope import build
from claimscope.build import BuildInputError, build_reports
from claimscope.build.config import read_config
from claimscope.build.html import render_index
from claimscope.build.manifest import Manifest
from claimscope.build.pdf import (
    CHROMIUM_ENV,
    ChromiumMissing,
    Printer,
    PrintError,
    find_chromium,
)
from claimscope.build.sweeps import expand_sweeps
from claimscope.cli import main
from claimscope.data.paths import DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
TITLE = "Printed charts fixture"
pytestmark = pytest.mark.integration
# A sweep of two reports that ask for a PDF.
DEPTH_SWEEP = {
    "name": "depth-{depth}",
    "notebook": "swept.ipynb",
    "title": "Depth {depth}",
    "formats": ["html", "pdf"],
    "matrix": {"depth": [1, 2]},
}


def write_config(path: Path, reports: list[dict]) -> Path:
    """Write a reports.yaml of fixture notebooks (names, titles and formats as given)."""
    entries = []
    for report in reports:
        entry = {"title": report["name"].title(), **report}  # a copy: constants stay as they are
        entry["notebook"] = str(FIXTURES / report.get("notebook", "charts.ipynb"))
        entries.append(entry)
    path.write_text(yaml.safe_dump({"reports": entries}), encoding="utf-8")
    return path


def charts_config(path: Path, formats: list[str] | None, **parameters) -> Path:
    """One report `printed` of the two-chart fixture, with ``formats`` when given."""
    report = {"name": "printed", "title": TITLE, "parameters": parameters}
    if formats is not None:
        report["formats"] = formats
    return write_config(path, [report])


def fake_chromium(folder: Path, name: str, body: str) -> Path:
    """An executable shell script standing in for a Chromium that misbehaves."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it, whitespace collapsed."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def chart_titles(notebook: Path) -> list[str]:
    """The title of every plotly chart an executed notebook shows."""
    nb = nbformat.read(notebook, as_version=4)
    return [
        output["data"][PLOTLY_MIMETYPE]["layout"]["title"]["text"]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if PLOTLY_MIMETYPE in output.get("data", {})
    ]


def outputs_of(out: Path, name: str = "printed") -> dict[str, bytes]:
    """A report's page, notebook and PDF, by suffix."""
    return {s: (out / f"{name}{s}").read_bytes() for s in (".html", ".ipynb", ".pdf")}


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything tries to execute a notebook."""

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build.kernel, "execute_notebook", refuse)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """The two-chart report built once with formats [html, pdf] by the real Chromium."""
    root = tmp_path_factory.mktemp("printed")
    config = charts_config(root / "reports.yaml", ["html", "pdf"])
    result = build_reports(config=config, output_dir=root / "out", quiet=True)
    assert result.exit_code == 0, [r.error for r in result.results]
    return root / "out"


@pytest.fixture
def site(printed, tmp_path) -> Path:
    """A private copy of the printed site, which a test may rebuild or break."""
    return Path(shutil.copytree(printed, tmp_path / "out"))


# --- reports.yaml: formats ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("formats", "problem"),
    [
        ("pdf", "`formats` must be a list drawn from html, pdf"),
        ({"html": True}, "`formats` must be a list drawn from html, pdf"),
        ([], "`formats` must be a list drawn from html, pdf"),
        (None, "`formats` must be a list drawn from html, pdf"),
        (["html", "docx"], "`formats`: unknown format 'docx' (known: html, pdf)"),
        (["html", "pdf", "pdf"], "`formats` lists 'pdf' twice"),
        (["pdf"], "`formats` must include html"),
    ],
)
@pytest.mark.usefixtures("no_kernel")
def test_bad_formats_are_refused_naming_file_report_and_key(tmp_path, formats, problem):
    config = write_config(tmp_path / "reports.yaml", [{"name": "r", "formats": formats}])
    with pytest.raises(BuildInputError) as caught:
        build_reports(config=config, output_dir=tmp_path / "out", quiet=True)
    [message] = caught.value.problems
    assert message.startswith("reports.yaml: report 'r': ")
    assert problem in message
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("no_kernel")
def test_bad_formats_exit_2_from_the_cli(tmp_path, capsys):
    config = write_config(tmp_path / "reports.yaml", [{"name": "r", "formats": ["pdf"]}])
    code = main(["build", "--config", str(config), "--output", str(tmp_path / "out")])
    assert code == 2
    assert "reports.yaml: report 'r': `formats` must include html" in capsys.readouterr().err


def test_formats_default_to_html_and_sweeps_pass_them_on(tmp_path):
    config = write_config(
        tmp_path / "reports.yaml",
        [
            {"name": "plain"},
            {"name": "both", "formats": ["pdf", "html"]},
            DEPTH_SWEEP,
        ],
    )
    specs = expand_sweeps(read_config(config), DATA_DIR)
    assert {s.name: s.formats for s in specs} == {
        "plain": ("html",),
        "both": ("html", "pdf"),
        "depth-1": ("html", "pdf"),
        "depth-2": ("html", "pdf"),
    }


# --- finding Chromium ----------------------------------------------------------------------


def test_chromium_is_taken_from_the_variable_then_the_path_in_order(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    chrome = fake_chromium(bin_dir, "google-chrome", "exit 0")
    browser = fake_chromium(bin_dir, "chromium-browser", "exit 0")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    assert find_chromium() == browser
    monkeypatch.setenv(CHROMIUM_ENV, str(chrome))
    assert find_chromium() == chrome
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ChromiumMissing, match=f"{CHROMIUM_ENV}=.*nowhere.* is not an executable"):
        find_chromium()


@pytest.mark.parametrize("how", ["variable", "path"])
@pytest.mark.usefixtures("no_kernel")
def test_missing_chromium_is_refused_before_any_kernel(tmp_path, monkeypatch, capsys, how):
    if how == "variable":
        monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-browser"))
    else:
        monkeypatch.delenv(CHROMIUM_ENV, raising=False)
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    config = write_config(
        tmp_path / "reports.yaml",
        [{"name": "paper", "formats": ["html", "pdf"]}, {"name": "screen"}],
    )
    code = main(["build", "--config", str(config), "--output", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "report 'paper': asks for a PDF" in err
    assert "apt-get install chromium" in err and CHROMIUM_ENV in err
    assert "'screen'" not in err
    assert not (tmp_path / "out").exists()
    # Without the report that asks for a PDF the build needs no browser: it goes on to run
    # the notebook (which the no_kernel fixture refuses).
    other = build_reports(only=["screen"], config=config, output_dir=tmp_path / "o2", quiet=True)
    assert "a kernel was started" in other.results[0].error


# --- printing, with stand-ins for a Chromium that fails --------------------------------------


def test_a_print_past_the_timeout_is_stopped_and_named(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>hello</p>", encoding="utf-8")
    sleeper = fake_chromium(tmp_path / "bin", "chromium", "sleep 60")
    started = time.monotonic()
    with pytest.raises(PrintError, match=r"did not finish printing page\.html within 1 s"):
        Printer(sleeper, timeout=1).print_page(page)
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("echo 'cannot open display' >&2; exit 1", "exited with status 1 .*cannot open display"),
        ("exit 0", "gave no PDF"),
        (
            'for a; do case $a in --print-to-pdf=*) echo "<html>" > "${a#--print-to-pdf=}";; '
            "esac; done",
            r"gave no PDF \(7 bytes",
        ),
        (
            'for a; do case $a in --print-to-pdf=*) printf "%%PDF-1.4" > "${a#--print-to-pdf=}";; '
            "esac; done",
            "gave a truncated PDF",
        ),
    ],
)
def test_a_print_that_writes_no_whole_pdf_is_an_error(tmp_path, body, problem):
    page = tmp_path / "page.html"
    page.write_text("<p>hello</p>", encoding="utf-8")
    chromium = fake_chromium(tmp_path / "bin", "chromium", body)
    with pytest.raises(PrintError, match=problem):
        Printer(chromium, timeout=30).print_page(page)


# --- builds with the real Chromium ------------------------------------------------------------


def test_pdf_holds_the_title_and_every_chart_title(printed):
    data = (printed / "printed.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(printed / "printed.pdf")
    titles = chart_titles(printed / "printed.ipynb")
    assert titles == ["Counts by bucket", "Level over steps"]
    for expected in [TITLE, *titles]:
        assert expected in text
    assert not list(printed.glob(".*.printing.html")) and not list(printed.glob(".*.tmp"))


def test_a_site_build_prints_every_chart_from_the_shared_plotly_js(tmp_path):
    config = charts_config(tmp_path / "reports.yaml", ["html", "pdf"])
    out = tmp_path / "site"
    result = build_reports(config=config, output_dir=out, quiet=True, site=True)
    assert result.exit_code == 0, [r.error for r in result.results]
    assert 'data-src="assets/' in (out / "printed.html").read_text(encoding="utf-8")
    text = pdf_text(out / "printed.pdf")
    for expected in chart_titles(out / "printed.ipynb"):
        assert expected in text


def test_index_and_manifest_list_the_pdf(printed):
    index = (printed / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="printed.pdf" type="application/pdf">PDF'
        f'<span class="visually-hidden"> of {TITLE}</span></a>' in index
    )
    entry = json.loads((printed / ".manifest.json").read_text())["reports"]["printed"]
    assert entry["pdf"] == "printed.pdf"
    assert entry["pdf_sha256"] == Manifest.load(printed).entry("printed")["pdf_sha256"]
    assert Manifest.load(printed).is_fresh("printed", entry["key"])


def test_unchanged_report_skips_and_a_deleted_pdf_is_rebuilt(site, tmp_path, monkeypatch):
    config = charts_config(tmp_path / "reports.yaml", ["html", "pdf"])
    before = outputs_of(site)
    with monkeypatch.context() as patch:
        patch.setattr(build.kernel, "execute_notebook", lambda *a, **k: 1 / 0)
        again = build_reports(config=config, output_dir=site, quiet=True)
    assert [(r.status, r.pdf) for r in again.results] == [("skipped", "printed.pdf")]
    assert outputs_of(site) == before
    (site / "printed.pdf").unlink()
    rebuilt = build_reports(config=config, output_dir=site, quiet=True)
    assert [r.status for r in rebuilt.results] == ["built"]
    assert TITLE in pdf_text(site / "printed.pdf")


def test_dropping_pdf_removes_it_and_adding_it_back_prints_again(site, tmp_path):
    html_only = build_reports(
        config=charts_config(tmp_path / "a.yaml", None), output_dir=site, quiet=True
    )
    assert [(r.status, r.pdf) for r in html_only.results] == [("built", "")]
    assert not (site / "printed.pdf").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "printed.pdf" not in index and 'href="printed.html"' in index
    assert "pdf" not in Manifest.load(site).entry("printed")
    # Inputs unchanged, only the formats: the report is built again, with its PDF.
    with_pdf = build_reports(
        config=charts_config(tmp_path / "b.yaml", ["html", "pdf"]), output_dir=site, quiet=True
    )
    assert [(r.status, r.pdf) for r in with_pdf.results] == [("built", "printed.pdf")]
    assert "Level over steps" in pdf_text(site / "printed.pdf")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "echo 'the printer caught fire' >&2; exit 1",
            "exited with status 1 printing printed.html: the printer caught fire",
        ),
        ("sleep 60", "did not finish printing printed.html within 2 s"),
    ],
)
def test_a_failed_print_fails_the_report_and_keeps_its_last_good_files(
    site, tmp_path, monkeypatch, capsys, body, problem
):
    before = outputs_of(site)
    monkeypatch.setenv(CHROMIUM_ENV, str(fake_chromium(tmp_path / "bin", "chromium", body)))
    # A changed chart title: the report must be built again, and printed.
    config = charts_config(tmp_path / "reports.yaml", ["html", "pdf"], bar_title="New title")
    result = build_reports(config=config, output_dir=site, quiet=True, print_timeout=2)
    assert result.exit_code == 1
    [failed] = result.results
    assert failed.status == "failed"
    assert failed.error.startswith("report 'printed' not written: ")
    assert problem in failed.error
    assert failed.seconds > 0, "the failed report's time was lost"
    assert outputs_of(site) == before
    assert not list(site.glob(".*.printing.html")) and not list(site.glob(".*.tmp"))
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "STALE: last build failed" in index and 'href="printed.pdf"' in index
    assert "printed: FAILED" in capsys.readouterr().err


def test_sweep_tables_link_each_pdf(tmp_path):
    config = write_config(
        tmp_path / "reports.yaml",
        [DEPTH_SWEEP],
    )
    specs = expand_sweeps(read_config(config), DATA_DIR)
    manifest = Manifest(tmp_path)
    for spec in specs:
        for suffix in (".html", ".pdf"):
            (tmp_path / f"{spec.name}{suffix}").write_text("x")
    manifest.record_built("depth-1", "k", {}, "depth-1.html", 1.0, "depth-1.pdf")
    manifest.record_built("depth-2", "k", {}, "depth-2.html", 1.0)
    index = render_index(specs, manifest, "claims.csv")
    sweep_table = index[index.index("<table class='sweep'>") :]
    assert 'href="depth-1.pdf" type="application/pdf">PDF' in sweep_table
    assert "> of Depth 1</span>" in sweep_table
    assert "depth-2.pdf" not in index
