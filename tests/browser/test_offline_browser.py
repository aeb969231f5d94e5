"""The running dashboard on the payload report (tests/data/payload.py) in headless Chromium: every
page, the Department page with each department and each action, and the Review pack. The test
fails on any request to a host other than the app's own (issue 11 item 5: the app works offline
and calls no third party) and on any link, image or style in the page that points at the
payloads' host (item 4: report text is data, never markup)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

import payload
import pytest

from presentation.markup import JOINER
from tools.browser import CHROMIUM, exceptions, full_screenshot, settle
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
LAST_ON_DEPARTMENT = "Every month's figures"  # the Department page's last caption
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
    """A browser tab that refuses (and remembers) every request to another host."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        self.context = browser.new_context(viewport={"width": 1440, "height": 1000})
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._request)

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

    def open(self, path: str, title: str, last: str | None = None) -> list[str]:
        """Open a page (and wait for the text `last` to show); every problem found on it
        (exceptions, links to the payloads' host, assets of another host)."""
        self.page.goto(f"{self.base}/{path}")
        settle(self.page, title)
        if last is not None:
            self.page.get_by_text(last).first.wait_for()
            settle(self.page)
        problems = [f"exception: {e}" for e in exceptions(self.page)]
        problems += [f"points at {payload.HOST}: {x}"
                     for x in self.page.evaluate(FIND_URLS, [payload.HOST, URL_ATTRIBUTES])]
        problems += [f"asset of another host: {x}"
                     for x in self.page.evaluate(FOREIGN_LINKS, self.origin)]
        return problems

    def shown(self, selector: str = "[data-testid='stMain']") -> str:
        """The text of the page's main block (or of `selector`'s first element) as a reader sees
        it: without the invisible word joiners that keep Markdown from linking report text."""
        return str(self.page.locator(selector).first.inner_text()).replace(JOINER, "")

    def close(self) -> None:
        self.context.close()


def test_every_page_on_the_payload_report_stays_local(browser: Any, url: str) -> None:
    visit = Visit(browser, url)
    try:
        problems: dict[str, list[str]] = {}
        for path, title in PAGES:
            found = visit.open(path, title)
            if found:
                problems[path] = found
        for department in payload.DEPARTMENTS:
            for row in payload._actions(department, "2025-06"):
                action, title = row[0], row[1]
                # a bound selectbox reads its option's label from the address (`ID · title`)
                path = (f"department?{PERIOD}&department={quote_plus(department)}"
                        f"&action={quote_plus(f'{action} · {title}')}")
                found = visit.open(path, "Department", LAST_ON_DEPARTMENT)
                # the page shows the action picked, its title in its own words
                if title not in visit.shown():
                    found.append(f"the title of {action} does not read as written")
                if found:
                    problems[path] = found
        outside = sorted(set(visit.outside))
        print(f"\nrequests to other hosts: {len(visit.outside)} ({len(outside)} distinct); "
              f"pages with problems: {len(problems)}")
        assert not outside, f"{len(visit.outside)} request(s) to other hosts: {outside}"
        assert not problems, "\n".join(f"{p}: {v}" for p, v in problems.items())
    finally:
        visit.close()


def test_payload_text_reads_as_written(browser: Any, url: str) -> None:
    """The Department and Explore pages show the payloads as the words they are: no backslash
    or HTML entity visible (screenshots in SHOTS)."""
    visit = Visit(browser, url)
    try:
        department = payload.OPS
        action, title = payload._actions(department, "2025-06")[1][:2]
        visit.open(f"department?{PERIOD}&department={quote_plus(department)}"
                   f"&action={quote_plus(f'{action} · {title}')}", "Department",
                   LAST_ON_DEPARTMENT)
        shown = visit.shown()
        assert payload.text("Move the office") in shown  # the action's title, as written
        assert department in shown  # in the page's caption
        for word in ("&lt;", "&gt;", "&amp;", "\\[", "\\<", "\\:"):
            assert word not in shown, word
        full_screenshot(visit.page, SHOTS / "payload-department.png", 1440)
        both = "".join(f"&dept={quote_plus(x)}" for x in payload.DEPARTMENTS)
        visit.open(f"explore?{PERIOD}{both}", "Explore & export")
        caption = visit.shown("[data-testid='stMain'] [data-testid='stCaptionContainer']")
        assert payload.OPS in caption and payload.FIN in caption
        for word in ("&lt;", "&gt;", "&amp;", "\\[", "\\<", "\\:"):
            assert word not in caption, word
        full_screenshot(visit.page, SHOTS / "payload-explore.png", 1440)
    finally:
        visit.close()
