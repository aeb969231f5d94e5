"""The running dashboard on the payload report (tests/data/payload.py) in headless Chromium: every
page, the Department page with each department and each action, and the Review pack, walked once
for the module. One test fails on any request to a host other than the app's own (issue 11 item
5: the app works offline and calls no third party) and on any link, image or style in the page
that points at the payloads' host (item 4: report text is data, never markup); the other on a
table of any page that offers its own download (item 7: the only exports are Lekgotla's own)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

import payload
import pytest
from dashboard_helpers import finance_july_bad

from presentation.markup import JOINER
from tools.browser import CHROMIUM, exceptions, full_screenshot, in_tabs, settle, toolbar_labels
from tools.launch import running_app
from tools.screenshots import DEMO_ROLE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")

PERIOD = "period=June+2025"
# where the screenshots of the payload pages go (to look at them: LEKGOTLA_SHOTS=folder)
SHOTS = Path(os.environ.get("LEKGOTLA_SHOTS", tempfile.gettempdir()))
# (URL path and query, page title) of every page the demo admin (or the M&E team) opens
PAGES: tuple[tuple[str, str], ...] = (
    (f"?{PERIOD}", "Overview"),
    (f"alignment?{PERIOD}", "Alignment"),
    (f"slippage?{PERIOD}", "Slippage"),
    (f"submissions?{PERIOD}", "Submissions"),
    (f"explore?{PERIOD}", "Explore & export"),
    (f"explore?{PERIOD}&q=Publish", "Explore & export"),
    (f"upload?{PERIOD}&{DEMO_ROLE['upload']}", "Upload"),
    (f"review_pack?{PERIOD}", "Review pack"),
    ("review_pack?view=Quarter&period=Q2+2025", "Review pack"),
    (f"settings?{PERIOD}", "Settings"),
    (f"users?{PERIOD}", "Users"),
    (f"audit?{PERIOD}", "Audit"),
)
VIEWPORT = {"width": 1440, "height": 1000}
# pages drawn at once in the walk (tabs of one browser context)
TABS = 3
LAST_ON_DEPARTMENT = "Every month's figures"  # the Department page's last caption
# the pages with tables: on the first visit of each, every table is hovered and its toolbar read
# (on Upload, once a file with errors has drawn its problems as a table)
TABLE_TITLES = ("Overview", "Explore & export", "Department", "Settings", "Users", "Audit",
                "Review pack", "Upload")
# the attributes through which a page fetches or links to something
URL_ATTRIBUTES = ("href", "xlink:href", "src", "srcset", "style", "action", "formaction",
                  "poster", "data", "background")
# a link of the app's own (a league card's link to the Department page) may carry a payload name
# in its query string, URL-encoded: what counts is the host a link or source points at
FIND_URLS = """([host, names]) => {
  const found = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (!names.includes(a.name) || !a.value.includes(host)) continue;
      if (a.name === 'href' || a.name === 'src' || a.name === 'action' || a.name === 'formaction') {
        try {
          const u = new URL(a.value, document.baseURI);
          if (u.origin === window.location.origin && !u.pathname.includes(host)) continue;
        } catch (err) {}
      }
      found.push(`${e.tagName} ${a.name}=${a.value}`);
    }
  }
  return found;
}"""
# any element pointing at a host that is not the app's (a favicon is fetched outside page events)
FOREIGN_LINKS = """(origin) => {
  const found = [];
  for (const e of document.querySelectorAll('[href], [src]')) {
    const v = e.getAttribute('href') || e.getAttribute('src');
    try {
      const u = new URL(v, document.baseURI);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== origin
          && e.tagName !== 'A') found.push(`${e.tagName} ${v}`);
    } catch (err) {}
  }
  return found;
}"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = payload.build_database(tmp_path_factory.mktemp("payload") / "lekgotla.duckdb")
    with running_app(path) as base:
        yield base



class Visit:
    """Browser tabs that refuse (and remember) every request to another host."""

    def __init__(self, browser: Any, base: str, tabs: int = 1) -> None:
        self.base = base
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        self.context = browser.new_context(viewport=VIEWPORT)
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.pages = [self.context.new_page() for _ in range(tabs)]
        for page in self.pages:
            page.on("request", self._request)

    def _route(self, route: Any) -> None:
        if self._local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def _request(self, request: Any) -> None:
        if not self._local(request.url):
            self.outside.append(request.url)

    def _local(self, address: str) -> bool:
        scheme = urlsplit(address).scheme
        return scheme in ("data", "blob", "about") or address.startswith(self.origin)

    def walk(self, pages: list[tuple[str, str, str | None]],
             check: Callable[[Any, str, str], list[str]]) -> dict[str, list[str]]:
        """Open every (path, title, last), a page in each tab at once (while one tab's page
        settles, the others' draw), and wait for the text `last` to show; every problem found on
        each page (exceptions, links to the payloads' host, assets of another host), and what
        `check(tab, path, title)` finds there, by path."""
        problems: dict[str, list[str]] = {}

        def read(tab: Any, visit: tuple[str, str, str | None]) -> None:
            path, title, last = visit
            found = self._problems(tab, title, last) + check(tab, path, title)
            if found:
                problems[path] = found

        in_tabs(self.pages, pages, lambda visit: f"{self.base}/{visit[0]}", read)
        return problems

    def _problems(self, page: Any, title: str, last: str | None) -> list[str]:
        settle(page, title)
        if last is not None:
            page.get_by_text(last).first.wait_for()
            settle(page)
        problems = [f"exception: {e}" for e in exceptions(page)]
        problems += [f"points at {payload.HOST}: {x}"
                     for x in page.evaluate(FIND_URLS, [payload.HOST, URL_ATTRIBUTES])]
        problems += [f"asset of another host: {x}"
                     for x in page.evaluate(FOREIGN_LINKS, self.origin)]
        return problems

    def shown(self, page: Any, selector: str = "[data-testid='stMain']") -> str:
        """The text of the page's main block (or of `selector`'s first element) as a reader sees
        it: without the invisible word joiners that keep Markdown from linking report text."""
        return str(page.locator(selector).first.inner_text()).replace(JOINER, "")

    def close(self) -> None:
        self.context.close()


def department_path(department: str, action: str, title: str) -> str:
    # a bound selectbox reads its option's label from the address (`ID · title`)
    return (f"department?{PERIOD}&department={quote_plus(department)}"
            f"&action={quote_plus(f'{action} · {title}')}")


ESCAPES = ("&lt;", "&gt;", "&amp;", "\\[", "\\<", "\\:")  # what must never show
# the Department page of Ops's second action, and Explore on both departments, read closely
MOVE_THE_OFFICE = department_path(payload.OPS, *payload._actions(payload.OPS, "2025-06")[1][:2])
EXPLORE_BOTH = f"explore?{PERIOD}" + "".join(f"&dept={quote_plus(x)}" for x in payload.DEPARTMENTS)
# the Department page of every action of both departments: the action's title, as written
TITLES = {department_path(department, row[0], row[1]): row[1]
          for department in payload.DEPARTMENTS for row in payload._actions(department, "2025-06")}


@dataclass
class Walked:
    """What the walk found: requests to other hosts, each page's problems, the pages read closely,
    and the toolbar labels of every table of each page in TABLE_TITLES (by title)."""

    outside: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)
    toolbars: dict[str, list[list[str]]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def walked(browser: Any, url: str, tmp_path_factory: pytest.TempPathFactory) -> Walked:
    """Every page walked once (screenshots of the two read closely in SHOTS)."""
    bad = tmp_path_factory.mktemp("upload") / "Finance_2025-07.xlsx"
    bad.write_bytes(finance_july_bad())
    found = Walked()

    def check(tab: Any, path: str, title: str) -> list[str]:
        problems = reads_as_written(tab, path)
        if title in TABLE_TITLES and title not in found.toolbars:
            problems += hover_tables(tab, title)
        tab.set_viewport_size(VIEWPORT)  # as the next page in this tab opens in
        return problems

    def reads_as_written(tab: Any, path: str) -> list[str]:
        problems = []
        if path in TITLES:
            shown = visit.shown(tab)
            # the Department page shows the action picked, its title in its own words
            if TITLES[path] not in shown:
                problems.append(f"the title of {path} does not read as written")
            if path == MOVE_THE_OFFICE:
                if payload.text("Move the office") not in shown:  # the title, as written
                    problems.append("the title of Move the office is not shown whole")
                if payload.OPS not in shown:  # in the page's caption
                    problems.append(f"{payload.OPS} is not in the caption")
                problems += [f"{word} shows" for word in ESCAPES if word in shown]
                full_screenshot(tab, SHOTS / "payload-department.png", 1440)
                found.read.append(path)
        elif path == EXPLORE_BOTH:
            caption = visit.shown(tab, "[data-testid='stMain'] [data-testid='stCaptionContainer']")
            if payload.OPS not in caption or payload.FIN not in caption:
                problems.append(f"the caption does not name both departments: {caption}")
            problems += [f"{word} shows in the caption" for word in ESCAPES if word in caption]
            full_screenshot(tab, SHOTS / "payload-explore.png", 1440)
            found.read.append(path)
        return problems

    def hover_tables(tab: Any, title: str) -> list[str]:
        if title == "Upload":  # a file with errors: its problems are a table
            tab.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(bad))
            tab.get_by_text("Fix these cells and upload again").wait_for()
        tab.locator("[data-testid='stDataFrame']").first.wait_for()  # drawn below the charts
        settle(tab)
        found.toolbars[title] = toolbar_labels(tab)
        return [f"exception: {e}" for e in exceptions(tab)]

    visit = Visit(browser, url, tabs=TABS)
    try:
        found.problems = visit.walk([(path, title, None) for path, title in PAGES]
                                    + [(EXPLORE_BOTH, "Explore & export", None)]
                                    + [(path, "Department", LAST_ON_DEPARTMENT) for path in TITLES],
                                    check)
        found.outside = list(visit.outside)
    finally:
        visit.close()
    return found


def test_every_page_on_the_payload_report_stays_local_and_reads_as_written(walked: Walked) -> None:
    """Every page stays local (no request to another host, nothing pointing at the payloads'
    host). The Department and Explore pages show the payloads as the words they are: no
    backslash or HTML entity visible."""
    assert len(TITLES) == 2 * 5 and MOVE_THE_OFFICE in TITLES  # every action of both departments
    outside = sorted(set(walked.outside))
    print(f"\nrequests to other hosts: {len(walked.outside)} ({len(outside)} distinct); "
          f"pages with problems: {len(walked.problems)}")
    assert not outside, f"{len(walked.outside)} request(s) to other hosts: {outside}"
    assert not walked.problems, "\n".join(f"{p}: {v}" for p, v in walked.problems.items())
    assert sorted(walked.read) == sorted([MOVE_THE_OFFICE, EXPLORE_BOTH])


def test_no_table_offers_its_own_download(walked: Walked) -> None:
    """Every table on every page with one: its toolbar is there, without "Download as CSV"."""
    assert sorted(walked.toolbars) == sorted(TABLE_TITLES)
    for title, bars in walked.toolbars.items():
        assert bars, f"{title}: no table to hover"
        for labels in bars:
            assert any("Search" in x for x in labels), (title, labels)  # the toolbar is there…
            assert not any(re.search("download|csv", x, re.I) for x in labels), (title, labels)
