"""The review report in a real headless Chromium: it opens from a file with the network cut off,
every chart draws, the console stays clean; and the PDF Chromium prints from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import metrics
from ingest import db
from metrics.pack import build_pack
from presentation.pack_html import pack_html
from presentation.pack_pdf import CHARTS_DRAWN, html_to_pdf
from tools.browser import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def report(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack-browser")
    con = db.connect(sample_db, read_only=True)
    html = pack_html(build_pack(con, metrics.Filters("2025-Q2")))
    con.close()
    path = folder / "review.html"
    path.write_text(html, encoding="utf-8")
    return path



def test_report_opens_offline_and_every_chart_draws(report: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:  # anything else would be a network resource: refuse and remember it
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == 7
    for i in range(plots.count()):
        assert plots.nth(i).locator(".main-svg").count() >= 1
    # drawn, not just created: bars, lines and heatmap cells have shapes in them
    assert page.locator("#fig-department-rag .bars path").count() >= 20
    assert page.locator("#fig-completion-trend .scatterlayer .trace").count() == 4
    assert page.locator("#fig-alignment-heatmap .hm image, #fig-alignment-heatmap .hm").count()
    assert page.locator("section.department").count() == 7
    assert errors == []
    assert outside == []
    context.close()


def test_the_report_reads_on_a_phone(report: Path, browser: Any) -> None:
    # at 390 px the tiles stayed four to a row under their sparklines, and the league table
    # widened the whole page to 1,202 px
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, offline=True)
    page = context.new_page()
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    tops = page.evaluate("""() => [...document.querySelectorAll('.tiles:not(.mini) .tile')]
        .slice(0, 4).map(t => Math.round(t.getBoundingClientRect().top))""")
    assert tops[0] == tops[1] and tops[2] == tops[3] and tops[2] > tops[0]  # two to a row
    assert not page.locator(".tile svg").first.is_visible()
    context.close()


def test_pdf_of_the_report(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    pdf = html_to_pdf(html, chromium=CHROMIUM, footer="Lekgotla review pack · 2025-Q2")
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 8 <= pages <= 60, pages
    # the same report prints to the same bytes (dates inside the PDF are zeroed)
    assert html_to_pdf(html, chromium=CHROMIUM, footer="Lekgotla review pack · 2025-Q2") == pdf
