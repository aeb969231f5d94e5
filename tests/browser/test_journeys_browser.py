"""From "who is behind" to "why" in a real browser (issue 12 point 4): a click on a league row, or on
a department's bar, opens that department's page at the same period. Also: a month one department
has not reported says so, and a department head starts on their own Department page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.browser import CHROMIUM, exceptions, settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")

ROW = 35  # px: the height of a row (and of the header) in Streamlit's data grid


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


def _department_page(page: Any, department: str) -> None:
    """Wait for the Department page and check it shows `department` for April 2025."""
    page.wait_for_url("**/department?*", timeout=60_000)
    settle(page, "Department")
    assert not exceptions(page)
    assert page.get_by_text(f"April 2025 · {department}").first.is_visible()


def test_a_league_row_opens_the_department_page(page: Any, url: str) -> None:
    page.goto(f"{url}/?period=April+2025")
    settle(page, "Overview")
    assert not exceptions(page)
    # April 2025: Legal and Compliance sent no report (sample_data/README.md) → 6 of 7
    assert page.get_by_text("Provisional: 6 of 7 departments reported April 2025").is_visible()
    grid = page.locator(".st-key-league [data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = grid.bounding_box()
    # the sixth row: Operations (April completion 2 of 10 = 20.0%, ranked 6th of the six that
    # reported); its selection box sits at the row's left end
    page.mouse.click(box["x"] + 12, box["y"] + ROW * 6 + ROW / 2)
    _department_page(page, "Operations")
    assert "department=Operations" in page.url and "period=April+2025" in page.url


def test_a_departments_bar_opens_the_department_page(page: Any, url: str) -> None:
    page.goto(f"{url}/?period=April+2025")
    settle(page, "Overview")
    bars = page.locator(".st-key-rag-bars .js-plotly-plot .barlayer .trace").first
    # the first trace is Red; its bars run from the last-ranked department (bottom) up, so its
    # first bar is Operations' (rank 6): the league's order, reversed (charts.department_rag_bars)
    bars.locator(".point path").first.click(force=True)
    _department_page(page, "Operations")


def test_a_head_lands_on_their_department_page(page: Any, url: str) -> None:
    page.goto(f"{url}/?demo_role=Department+head&demo_dept=Finance")
    settle(page, "Department")
    assert not exceptions(page)
    # the site root sends them on to their Department page, at its own address, which is the same
    # for every role: the link a head copies opens the Department page for leadership too
    assert page.url.split("?")[0] == f"{url}/department"
    assert page.get_by_text("June 2025 · Finance").first.is_visible()
    # (sent on, the address no longer names the demo role: the session keeps it)
    page.goto(page.url + "&demo_role=Leadership")
    settle(page, "Department")
    assert page.get_by_text("June 2025 · Finance").first.is_visible()
    assert "Page not found" not in page.inner_text("body")
    # and a head's own click on Overview stays there
    page.goto(f"{url}/?demo_role=Department+head&demo_dept=Finance")
    settle(page, "Department")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview").click()
    settle(page, "Overview")
    assert page.url.split("?")[0].rstrip("/") == url
