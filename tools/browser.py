"""Headless Chromium through Playwright, kept off the network, and what the tests, the benchmarks
and the screenshots do with a page of the dashboard: wait until it has settled, read its
Streamlit exceptions, take it whole, time it, log in through a local identity provider."""

from __future__ import annotations

import itertools
import json
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

# the review pack prints its PDF with the same flags: no sandbox (containers), nothing fetched in
# the background (updates, sync, first-run pages); and waits for the charts the same way
from presentation.pack_pdf import ARGS as CHROMIUM_ARGS
from presentation.pack_pdf import CHARTS_DRAWN

CHROMIUM = "/usr/bin/chromium"
EXCEPTION = "[data-testid='stException']"
T = TypeVar("T")


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium (with Playwright's async API, await what this returns)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# settle(): a page has settled when its script run is over (the app's data-test-script-state is
# "notRunning": neither "initial", before the first run, nor "running" or "rerunRequested"), no
# element is stale (greyed out while a run replaces it), a skeleton or a spinner, every Plotly chart
# has drawn its SVG, and the document has not changed for SETTLE_QUIET_MS since the call: the quiet
# window also covers a click whose rerun the server has not started yet.
SETTLE_QUIET_MS = 300
# (each call passes a token of its own: the first poll of a call, or in a new document, starts the
# watch and the quiet window)
SETTLE_JS = """
(call) => {
  let w = window.__lkSettle;
  if (!w) {
    w = window.__lkSettle = {call: null, last: 0};
    new MutationObserver(() => { w.last = performance.now(); })
        .observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                            attributes: true,
                                            attributeFilter: ['data-stale', 'class', 'data-test-script-state']});
  }
  if (w.call !== call) { w.call = call; w.last = performance.now(); return false; }
  if (performance.now() - w.last < QUIET_MS) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stSpinner"]'))
    return false;
  return (CHARTS_DRAWN)();
}
""".replace("QUIET_MS", str(SETTLE_QUIET_MS)).replace("CHARTS_DRAWN", CHARTS_DRAWN)
_calls = itertools.count()


def settle(page: Any, title: str | None = None, timeout_ms: int = 60_000) -> None:
    """Wait until the page's script has finished and its charts are drawn (SETTLE_JS)."""
    if title is not None:
        page.locator("h1", has_text=title).first.wait_for(timeout=timeout_ms)
    page.wait_for_function(SETTLE_JS, arg=next(_calls), timeout=timeout_ms, polling=50)


def in_tabs(tabs: list[Any], visits: Iterable[T], address: Callable[[T], str],
            read: Callable[[Any, T], None]) -> None:
    """Open each visit's page (at `address(visit)`) in one of `tabs`, as many at once as there are
    tabs, and call `read(tab, visit)` on each in the order given (it waits for its page to settle):
    while one tab's page is read, the others' draw."""
    waiting = deque(visits)
    drawing: deque[tuple[Any, T]] = deque()

    def start(tab: Any) -> None:
        if waiting:
            visit = waiting.popleft()
            tab.goto(address(visit), wait_until="commit")
            drawing.append((tab, visit))

    for tab in tabs:
        start(tab)
    while drawing:
        tab, visit = drawing.popleft()
        read(tab, visit)
        start(tab)


def toolbar_labels(page: Any) -> list[list[str]]:
    """Hover every table on the page: the labels of the buttons its toolbar shows."""
    from playwright.sync_api import TimeoutError as Timeout  # only where Playwright is installed

    shown = []
    tables = page.locator("[data-testid='stDataFrame']")
    for i in range(tables.count()):
        table = tables.nth(i)
        if not table.is_visible():
            continue  # inside a closed expander
        # the page has settled: scrolled at once and hovered without Playwright's wait for it to
        # be still over several frames (slow in software rendering); if the toolbar does not
        # show, hovered again with that wait
        table.evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
        table.hover(force=True)
        bar = table.locator("[data-testid='stElementToolbar']")
        button = bar.locator("[data-testid='stElementToolbarButton']").first
        try:
            button.wait_for(state="visible", timeout=5_000)
        except Timeout:
            table.hover()
            button.wait_for(state="visible")
        shown.append([str(b.get_attribute("aria-label") or b.inner_text())
                      for b in bar.locator("button").all()])
    return shown


def exceptions(page: Any) -> list[str]:
    """The text of every Streamlit exception block on the page."""
    return [e.inner_text() for e in page.query_selector_all(EXCEPTION)]


def full_screenshot(page: Any, path: Path, width: int) -> None:
    """The whole page (Streamlit scrolls inside its main block, so grow the window to fit)."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }")
    page.set_viewport_size({"width": width, "height": max(900, min(int(height) + 40, 7000))})
    settle(page)  # the charts redrawn at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 900})


# --- a clock in the page (the benchmarks) ------------------------------------------------------
# A page has settled when its script is no longer running (the app's data-test-script-state), no
# element is stale (Streamlit greys elements out while a run replaces them) and no spinner shows,
# every Plotly chart has drawn its SVG, and nothing in the document has changed for QUIET_MS. Its
# time is the moment of the last change, measured inside the page from navigation start or from
# the click that changed a filter, so the quiet window that proves it settled is not counted.
QUIET_MS = 400
# Installed (context.add_init_script) before any of the page's own scripts: records the last
# change of the document and the last click, in the page's own clock (ms since navigation start).
CLOCK_JS = """
(() => {
  const lk = window.__lk = {last: performance.now(), changes: 0, click: null};
  const watch = () => new MutationObserver(() => { lk.last = performance.now(); lk.changes++; })
      .observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                          attributes: true,
                                          attributeFilter: ['data-stale', 'class', 'data-test-script-state']});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
  document.addEventListener('click', () => { lk.click = performance.now(); }, true);
})();
"""
# true once the page settled after `since` (page clock, ms)
SETTLED_JS = """
(since) => {
  const lk = window.__lk;
  if (!lk || lk.last <= since || !document.querySelector('h1')) return false;
  if (performance.now() - lk.last < QUIET_MS) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSpinner"]')) return false;
  return Array.from(document.querySelectorAll('.js-plotly-plot'))
      .every(p => p.querySelector('.main-svg'));
}
""".replace("QUIET_MS", str(QUIET_MS))
LAST_CHANGE_JS = "() => window.__lk.last"
LAST_CLICK_JS = "() => window.__lk.click"


def settled_after(page: Any, since: float, timeout_ms: int) -> float:
    """Wait until a page with CLOCK_JS settled after `since` (page clock, ms); its last change,
    in ms since navigation start."""
    page.wait_for_function(SETTLED_JS, arg=since, timeout=timeout_ms, polling=50)
    return float(page.evaluate(LAST_CHANGE_JS))


# --- login through a local OpenID Connect provider (oidc-provider-mock) ------------------------

def log_in(page: Any, app_url: str, idp_url: str, email: str, verified: bool | None = True) -> None:
    """From the login page through a local oidc-provider-mock's form and back to the app, as a
    user whose token says `email_verified: verified` (None: no such claim, the mock's default)."""
    claims: dict[str, Any] = {"email": email}
    if verified is not None:
        claims["email_verified"] = verified
    request = urllib.request.Request(f"{idp_url}/users/{urllib.parse.quote(email)}", method="PUT",
                                     data=json.dumps(claims).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (the local mock provider)
        pass
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{idp_url}/**")
    page.fill("input[name=sub]", email)  # the mock provider's user: its email is the subject
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")
