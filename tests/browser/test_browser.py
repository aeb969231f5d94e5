"""The running dashboard in headless Chromium: every page through the sidebar menu with a filter
that must survive each move, the Explore download, and the upload flow end to end."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dashboard_helpers import finance_july, finance_july_bad

from tools.browser import CHROMIUM, exceptions, settle
from tools.launch import running_app
from tools.screenshots import DEMO_ROLE, PAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # a fresh, empty database: the app must load the sample data itself
    with running_app(tmp_path_factory.mktemp("browser") / "lekgotla.duckdb") as base:
        yield base



@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def tile(page: Any, label: str) -> str:
    """The value shown on the KPI tile with this label."""
    box = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)).first
    return str(box.locator("[data-testid='stMetricValue']").inner_text()).strip()


def test_every_page_through_the_menu_keeps_the_filters(page: Any, url: str) -> None:
    page.goto(f"{url}/?dept=Finance&period=March+2025")
    settle(page, "Overview")
    assert not exceptions(page)
    # Finance, March 2025: 9 actions, 3 Completed → 33.3%
    assert tile(page, "Completion") == "33.3%"
    for name, path, title in PAGES[1:]:
        if name in DEMO_ROLE or name in ("users", "audit"):
            continue  # not in the demo admin's menu; or no filters (tests/browser/test_login_browser.py)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
        settle(page, title)
        found = exceptions(page)
        assert not found, f"{title}: {found}"
        assert page.url.split("?")[0].rstrip("/").endswith(path)
        if name in ("settings", "notifications"):  # no filters there; kept for the next page
            assert page.locator("[data-testid='stSidebar'] h4", has_text="Filters").count() == 0
            continue
        assert "dept=Finance" in page.url and "period=March+2025" in page.url, page.url
    # and back: the Overview still shows Finance in March
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview").click()
    settle(page, "Overview")
    assert tile(page, "Completion") == "33.3%"


def test_the_address_holds_the_view_so_a_copied_link_opens_on_it(page: Any, url: str) -> None:
    # a period and objectives written by their keys, as by hand: the address keeps them (as the
    # filters write them) after a rerun; before, a bound filter dropped them as unknown, or as
    # its default, and the copied address opened on June for the whole organisation
    page.goto(f"{url}/explore?period=2025-03&dept=Finance&obj=SO4")
    settle(page, "Explore")
    page.set_viewport_size({"width": 1600, "height": 1200})  # a rerun of the page
    page.wait_for_timeout(1500)
    settle(page, "Explore")
    copied = page.url
    assert "period=March+2025" in copied and "dept=Finance" in copied and "obj=SO4" in copied, copied
    fresh = page.context.new_page()
    fresh.goto(copied)
    settle(fresh, "Explore")
    shown = fresh.get_by_text("March 2025 · Finance").first.inner_text()
    assert "SO4" in shown, shown
    # and the period the page opens on by itself is in the address too
    fresh.goto(f"{url}/overview")
    settle(fresh, "Overview")
    assert "period=June+2025" in fresh.url, fresh.url


def test_explore_downloads_the_filtered_rows(page: Any, url: str, tmp_path: Path) -> None:
    page.goto(f"{url}/explore?dept=Finance&status=Completed")
    settle(page, "Explore & export")
    assert not exceptions(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV (7 rows)").click()
    target = tmp_path / "export.csv"
    shutil.copy(info.value.path(), target)
    csv = pd.read_csv(target, encoding="utf-8-sig")
    # Finance, June 2025: 7 Completed actions, under the headers the table shows
    assert len(csv) == 7
    assert set(csv["Department"]) == {"Finance"} and set(csv["Reported status"]) == {"Completed"}


def test_upload_bad_then_good_file(page: Any, url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad" / "Finance_2025-07.xlsx"
    good = tmp_path / "good" / "Finance_2025-07.xlsx"
    for path, data in ((bad, finance_july_bad()), (good, finance_july())):
        path.parent.mkdir()
        path.write_bytes(data)
    page.goto(f"{url}/upload?{DEMO_ROLE['upload']}")  # demo mode, acting as the M&E team
    settle(page, "Upload")
    uploader = page.locator("[data-testid='stFileUploader'] input[type=file]")
    uploader.set_input_files(str(bad))
    page.get_by_text("Fix these cells and upload again").wait_for()
    settle(page)
    assert not exceptions(page)
    assert tile(page, "Errors") == "4"
    assert page.get_by_role("button", name="Commit").count() == 0
    # on a phone the table cut "What to do" off after a few words: there, each problem is a card
    # with its message whole (a table above 640 px, the cards only up to it)
    cards = page.locator(".st-key-problems-table-cards-phone .lk-card")
    assert not cards.first.is_visible() and page.locator(".st-key-problems-table").is_visible()
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    cards.first.wait_for()
    assert not page.locator(".st-key-problems-table").is_visible()
    said = [cards.nth(i).inner_text() for i in range(cards.count())]
    assert sum(t.startswith("error") for t in said) == 4, said
    assert any("'Maybe' is not a status: use Not started, In progress, At risk, Delayed, On hold, "
               "Completed or Cancelled." in t for t in said), said
    page.set_viewport_size(size)
    with page.expect_download() as info:
        page.get_by_role("button", name="Workbook with the problems marked").click()
    assert info.value.suggested_filename == "Finance_2025-07-problems.xlsx"

    uploader.set_input_files(str(good))
    page.get_by_role("button", name="Commit").wait_for()
    settle(page)
    assert tile(page, "Errors") == "0"
    page.get_by_role("button", name="Commit").click()
    page.get_by_text("Finance, July 2025: 4 actions stored").wait_for()
    assert not exceptions(page)
    page.goto(f"{url}/?period=July+2025")
    settle(page, "Overview")
    # only Finance reported for July: 4 rows (2 Completed) and June's 7 Completed actions carried
    # over (the plan carries over) → 11 actions, 9 Completed → 81.8%
    assert tile(page, "Completion") == "81.8%"
    assert not exceptions(page)
