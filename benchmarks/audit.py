"""Audit the built reports with tools no one here wrote; `make audit` runs this into AUDIT.md.

For every page (the index and each report) of a fresh build into a temporary folder:

- Lighthouse 12.2.3, desktop and mobile presets, over HTTP from 127.0.0.1 (system Chromium);
- page weight: bytes of the page and the local files it loads, plotly.js and the embedded
  JupyterLab CSS counted apart from the page's own content;
- axe-core (WCAG 2.1 A/AA and best practice) violations;
- Nu HTML Checker (vnu-jar) errors in the project's own markup, and apart from them those inside
  embedded third-party CSS/JS;
- contrast of every chart text from the rendered SVG, print to PDF, phone width and privacy
  (``tests/page_checks.py``, the same checks the browser tests run).

The tools are pinned in ``benchmarks/audit/package.json`` and installed with ``npm ci`` into its
git-ignored ``node_modules``. Results replace the section with the same ``--label`` in
``benchmarks/AUDIT.md``, so a "before" and an "after" run sit side by side.

    .venv/bin/python benchmarks/audit.py --label after
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from harness import ROOT, machine

sys.path.insert(0, str(ROOT / "tests"))
from browser import launch_chromium, open_page  # noqa: E402
from page_checks import (  # noqa: E402
    PHONE_VIEWPORT,
    contrast_problems,
    phone_problems,
    print_problems,
    privacy_problems,
)

TOOLS = ROOT / "benchmarks" / "audit" / "node_modules"
AUDIT = ROOT / "benchmarks" / "AUDIT.md"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
_EMBEDDED = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1>", re.S | re.I)
_THIRD_PARTY_BYTES = 20_000
#: A large block that is still the project's own: a chart's drawing script and its data.
_OWN_BLOCK = re.compile(r'getElementById\("chart-|claimscopeCharts')


def third_party(block: str) -> bool:
    """A large embedded block that is not the project's own (plotly.js, JupyterLab's CSS)."""
    return len(block.encode()) >= _THIRD_PARTY_BYTES and not _OWN_BLOCK.search(block[:2000])


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` over HTTP on 127.0.0.1 at a free port; yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def lighthouse(url: str, preset: str) -> dict:
    """Scores and the timings the issue tracks, for one preset ('desktop' or 'mobile')."""
    cli = TOOLS / "lighthouse" / "cli" / "index.js"
    args = ["node", str(cli), url, "--quiet", "--output=json", "--output-path=stdout"]
    args += [f"--chrome-flags={CHROME_FLAGS}"]
    args += ["--only-categories=performance,accessibility,best-practices"]
    if preset == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for _ in range(3):  # on a busy machine the DevTools protocol can time out; try again
        out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
        if out.returncode == 0:
            break
    else:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    report = json.loads(out.stdout)
    audits = report["audits"]

    def score(category: str) -> int:
        return round(100 * (report["categories"][category]["score"] or 0))

    unused = audits.get("unused-javascript", {}).get("details", {}).get("overallSavingsBytes", 0)
    failed = [
        key
        for key, audit in audits.items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") == "binary"
    ]
    return {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "best-practices": score("best-practices"),
        "FCP": audits["first-contentful-paint"]["displayValue"],
        "LCP": audits["largest-contentful-paint"]["displayValue"],
        "TBT": audits["total-blocking-time"]["displayValue"],
        "unused JS": f"{unused / 1e6:.2f} MB",
        "failed": sorted(failed),
    }


def weight(page: Path) -> dict:
    """Bytes of the page and its local assets; large embedded third-party blocks apart."""
    text = page.read_text(encoding="utf-8")
    total = len(text.encode())
    plotly = third = 0
    for match in _EMBEDDED.finditer(text):
        size = len(match.group(2).encode())
        packed = 'id="claimscope-plotly"' in text[match.start() : match.start(2)]
        if packed or third_party(match.group(2)):
            if packed or "plotly" in match.group(2)[:2000].lower():
                plotly += size
            else:
                third += size
    # a site build's pages name their shared plotly.js in data-src and load it on demand
    for src in re.findall(r'<script[^>]+(?:data-)?src="([^"]+)"', text):
        asset = (page.parent / src).resolve()
        if asset.is_file():
            total += asset.stat().st_size
            plotly += asset.stat().st_size if "plotly" in src else 0
    return {"total": total, "plotly.js": plotly, "other third-party": third}


def nu_errors(page: Path) -> dict:
    """Nu HTML Checker errors, split into our markup and embedded third-party CSS/JS."""
    jar = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
    out = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--stdout", "--errors-only", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(out.stdout or "{}").get("messages", [])
    text = page.read_text(encoding="utf-8")
    spans = []
    for match in _EMBEDDED.finditer(text):
        if third_party(match.group(2)):
            first = text.count("\n", 0, match.start(2)) + 1
            spans.append((first, first + match.group(2).count("\n")))
    own, third = [], []
    for message in messages:
        line = message.get("lastLine", message.get("firstLine", 0))
        inside = any(a <= line <= b for a, b in spans)
        (third if inside else own).append(f"line {line}: {message['message']}")
    return {"own": own, "third-party": third}


def axe(page) -> list[str]:
    """axe-core violations on an open page: rule id and how many nodes."""
    # Evaluated over DevTools, not added as a <script>: the page's Content-Security-Policy runs
    # only its own scripts, and rightly refuses an inline one.
    page.evaluate((TOOLS / "axe-core" / "axe.min.js").read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [f"{v['id']} ({len(v['nodes'])})" for v in result["violations"]]


def _guarded(check, *args) -> list[str]:
    """Run one check; a check that breaks is reported as such, the audit goes on."""
    try:
        return check(*args)
    except Exception as exc:  # noqa: BLE001 - any failure is a finding to write down
        return [f"check failed: {type(exc).__name__}: {exc}"]


def browser_checks(browser, page_path: Path, pdf_dir: Path, is_report: bool) -> dict:
    """axe, contrast, privacy and print at desktop width; the phone check at 390 px."""
    found = {}
    with open_page(browser, page_path) as (page, visit):
        found["axe"] = _guarded(axe, page)
        found["console"] = visit.problems
        found["contrast"] = _guarded(contrast_problems, page)
        found["landmarks"] = page.evaluate(
            "() => ({viewport: !!document.querySelector('meta[name=viewport]'),"
            " main: !!document.querySelector('main'),"
            " headings: Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))"
            ".map(h => Number(h.tagName[1]))})"
        )
        if is_report:
            found["privacy"] = _guarded(privacy_problems, page, visit.blocked)
    if is_report:
        with open_page(browser, page_path) as (page, _):
            found["print"] = _guarded(print_problems, page, pdf_dir / f"{page_path.stem}.pdf")
    with open_page(browser, page_path, viewport=PHONE_VIEWPORT) as (page, _):
        found["phone"] = _guarded(phone_problems, page)
    return found


def skipped_levels(levels: list[int]) -> list[str]:
    """Heading levels that skip on the way down (h1 then h3)."""
    return [f"h{a}→h{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]


def audit_site(site: Path, with_lighthouse: bool) -> dict:
    """Every measurement for every page of ``site``."""
    pages = ["index.html", *sorted(p.name for p in site.glob("*.html") if p.name != "index.html")]
    results = {name: {} for name in pages}
    for name in pages:
        log(f"weight and Nu: {name}")
        results[name]["weight"] = weight(site / name)
        results[name]["nu"] = nu_errors(site / name)
    with tempfile.TemporaryDirectory() as pdfs, launch_chromium() as browser:
        for name in pages:
            log(f"browser checks: {name}")
            results[name].update(
                browser_checks(browser, site / name, Path(pdfs), name != "index.html")
            )
    if with_lighthouse:
        with serve(site) as base:
            for name in pages:
                for preset in ("desktop", "mobile"):
                    log(f"lighthouse {preset}: {name}")
                    results[name][f"lighthouse {preset}"] = lighthouse(f"{base}/{name}", preset)
    return results


def _count(items: list[str], show: int = 3) -> str:
    if not items:
        return "0"
    shown = "; ".join(i.replace("|", "\\|") for i in items[:show])
    return f"{len(items)}: {shown}" + (" …" if len(items) > show else "")


def _lighthouse_cell(found: dict | None) -> str:
    if not found:
        return "not run"
    if "error" in found:
        return f"error: {found['error']}"
    return (
        f"performance {found['performance']} (FCP {found['FCP']}, LCP {found['LCP']}, "
        f"TBT {found['TBT']}), accessibility {found['accessibility']}, best practices "
        f"{found['best-practices']}; unused JS {found['unused JS']}; failed: "
        + (", ".join(found["failed"]) or "none")
    )


def render(label: str, site_note: str, results: dict) -> str:
    """The markdown section for one run."""
    info = machine()
    lines = [
        f"## {label}",
        "",
        f"{info['date']}; {info['cores']} cores, {info['memory']}; {site_note}; "
        f"audit script at commit `{_commit()}`. Tools: Lighthouse 12.2.3, axe-core 4.14.1, "
        "vnu-jar 26.9.27 (benchmarks/audit/package.json), Chromium "
        f"`{_chromium_version()}`.",
        "",
    ]
    for name, found in results.items():
        w = found["weight"]
        own = w["total"] - w["plotly.js"] - w["other third-party"]
        marks = found["landmarks"]
        rows = [
            ("Lighthouse desktop", _lighthouse_cell(found.get("lighthouse desktop"))),
            ("Lighthouse mobile", _lighthouse_cell(found.get("lighthouse mobile"))),
            (
                "page weight",
                f"{w['total'] / 1e6:.2f} MB: plotly.js {w['plotly.js'] / 1e6:.2f} MB, other "
                f"embedded third-party {w['other third-party'] / 1e6:.2f} MB, own content "
                f"{own / 1e3:.0f} KB",
            ),
            ("axe-core violations", _count(found["axe"])),
            ("Nu errors, own markup", _count(found["nu"]["own"])),
            ("Nu errors, embedded third-party CSS/JS", _count(found["nu"]["third-party"], 1)),
            ("chart text below 4.5:1", _count(found["contrast"])),
            ("print to PDF", _count(found.get("print", ["(index: not printed)"]))),
            ("phone, 390 px", _count(found["phone"])),
            ("privacy (toolbar clicked, links)", _count(found.get("privacy", []))),
            (
                "viewport / main / headings",
                f"viewport {'yes' if marks['viewport'] else 'no'}, main "
                f"{'yes' if marks['main'] else 'no'}, h1 count {marks['headings'].count(1)}, "
                f"skips {', '.join(skipped_levels(marks['headings'])) or 'none'}",
            ),
            ("console / network on load (file://)", _count(found["console"])),
        ]
        lines += [f"### {name}", "", "| check | figure |", "|---|---|"]
        lines += [f"| {check} | {figure} |" for check, figure in rows]
        lines.append("")
    return "\n".join(lines)


def _commit() -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()


def _chromium_version() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    return "unknown"


def write_section(label: str, section: str) -> None:
    """Replace the section headed ``## label`` in AUDIT.md, or add it."""
    head = (
        "# Audit of the built reports\n\n"
        "Written by `make audit` (benchmarks/audit.py); each section is one run.\n\n"
    )
    text = AUDIT.read_text(encoding="utf-8") if AUDIT.is_file() else head
    pattern = re.compile(rf"^## {re.escape(label)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    AUDIT.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="current", help="section heading in AUDIT.md")
    parser.add_argument("--site", type=Path, help="audit this built folder instead of building")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument(
        "--site-build",
        action="store_true",
        help="build with --site (plotly.js once in assets/) instead of standalone pages",
    )
    args = parser.parse_args(argv)
    if not (TOOLS / "lighthouse").is_dir():
        log("the audit tools are missing: cd benchmarks/audit && npm ci")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        kind = "a site build (--site)" if args.site_build else "standalone pages"
        note = f"pages from {site}" if site else f"a fresh build of the default reports, {kind}"
        if site is None:
            from claimscope.build import build_reports

            site = Path(tmp) / "site"
            result = build_reports(output_dir=site, quiet=True, site=args.site_build)
            if result.exit_code:
                log("the build failed; nothing audited")
                return result.exit_code
        results = audit_site(site, not args.no_lighthouse)
    write_section(args.label, render(args.label, note, results))
    log(f"wrote {AUDIT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
