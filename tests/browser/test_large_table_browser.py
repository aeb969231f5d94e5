"""A table of more than LAZY_ROWS rows in headless Chromium (issue 14 item 5): Explore's month of
7,247 actions (tools/history.py: 40 departments) is sent a page of rows at a time. The page draws
with its first rows; scrolling the grid to its end fetches the last ones over the WebSocket, and
the grid then shows the last action of the table as metrics orders it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

import metrics
from dashboard.components import LAZY_ROWS
from ingest import db
from metrics import views
from tools import history
from tools.browser import exceptions, settle
from tools.launch import started_app

MONTH = "2021-02"  # the history's second month: 7,247 actions in force (40 departments)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The dashboard on the history, and Explore's table of the month as metrics gives it."""
    path = tmp_path_factory.mktemp("large") / "history.duckdb"
    history.build_file(path, 40, 2, 170)
    con = db.connect(path)
    try:
        table = views.explore_table(con, metrics.Filters(MONTH))
    finally:
        con.close()
    with started_app(path, env={"LEKGOTLA_LOAD_SAMPLE_DATA": "false"}) as app:
        yield app.url, table


def _rows_shown(page: Any) -> list[str]:
    """The grid's rows as its accessible table gives them (the rows in view), cell texts joined."""
    return list(page.evaluate(
        "() => [...document.querySelectorAll(\"[data-testid='stDataFrame'] table tbody tr\")]"
        ".map(r => r.innerText.replace(/\\t/g, ''))"))


def test_a_month_longer_than_lazy_rows_is_sent_as_it_scrolls(browser: Any,
                                                             large: tuple[str, Any]) -> None:
    url, table = large
    assert len(table) > LAZY_ROWS
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived",
                                          lambda payload: received.append(len(payload))))
    page.goto(f"{url}/explore?period=February+2021")
    settle(page, "Explore & export")
    assert not exceptions(page)
    assert f"{len(table):,} actions" in page.get_by_test_id("stMain").inner_text()
    first, last = table.iloc[0], table.iloc[-1]
    # the grid draws its cells a moment after the page settles (the canvas, then its accessible
    # table)
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stDataFrame'] table tbody tr\").length")
    shown = _rows_shown(page)
    assert shown and shown[0].startswith(f"{first['department']}{first['action_id']}")
    assert not any(r.startswith(f"{last['department']}{last['action_id']}") for r in shown)

    # to the end of the grid: its last rows come now, over the WebSocket, and are drawn
    before = len(received)
    grid = page.get_by_test_id("stDataFrame").first.bounding_box()
    page.mouse.move(grid["x"] + grid["width"] / 2, grid["y"] + grid["height"] / 2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
            r.startswith(f"{last['department']}{last['action_id']}") for r in _rows_shown(page)):
        page.mouse.wheel(0, 20_000)
        page.wait_for_timeout(100)
    assert any(r.startswith(f"{last['department']}{last['action_id']}") for r in _rows_shown(page))
    assert len(received) > before  # fetched on the scroll, not sent with the page
    assert not exceptions(page)
    page.close()
