"""The dashboard in headless Chromium on the 1M-row history: first load of every page, and how
long a filter change takes to settle.

Starts `streamlit run dashboard/app.py` on 127.0.0.1 (demo mode, LEKGOTLA_DB on the history of
benchmarks/pages.py, no sample data), then:
- first load: each page opened by its URL in a fresh browser session, in menu order, timed from
  navigation start to settled (tools/browser.py says what settled means); the server's
  caches are whatever the pages before it left, as for the first visitors after a restart;
- filter changes: on --page (Overview by default), --changes times a different month is chosen
  in the sidebar's Period select, timed from the click on the option to the page settled with
  its charts redrawn. The first half visits months not seen yet (their figures are computed),
  the second half goes back to them (cached).
Prints each figure, p50/p95 and the targets of issue 6 (first load <= 3 s, p95 of a filter
change <= 0.6 s), and Streamlit exceptions seen.

Run: python benchmarks/browser.py [--size 1M] [--changes 20] [--page Overview]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python benchmarks/browser.py`: import from the repo root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import browsing  # noqa: E402
from tools.browser import CLOCK_JS, EXCEPTION, LAST_CLICK_JS, launch, settled_after  # noqa: E402

FIRST_LOAD_TARGET_S, CHANGE_P95_TARGET_S = 3.0, 0.6


def first_loads(browser: Any, url: str, pages: list[tuple[str, str]], timeout_ms: int
                ) -> list[dict[str, Any]]:
    out = []
    for path, title in pages:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_init_script(CLOCK_JS)
        page = context.new_page()
        page.goto(f"{url}/{path}", wait_until="commit")
        page.locator("h1", has_text=title).first.wait_for(timeout=timeout_ms)
        ms = settled_after(page, 0, timeout_ms)
        errors = [e.inner_text()[:200] for e in page.query_selector_all(EXCEPTION)]
        out.append({"page": title, "seconds": ms / 1000, "exceptions": errors})
        print(f"  first load {title:18} {ms / 1000:6.2f} s"
              + (f"  {len(errors)} exception(s): {errors[0]}" if errors else ""), flush=True)
        context.close()
    return out


def period_select(page: Any) -> Any:
    return page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(
        has_text="Period").first


def filter_changes(browser: Any, url: str, path: str, title: str, changes: int,
                   timeout_ms: int) -> list[dict[str, Any]]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(CLOCK_JS)
    page = context.new_page()
    page.goto(f"{url}/{path}", wait_until="commit")
    page.locator("h1", has_text=title).first.wait_for(timeout=timeout_ms)
    settled_after(page, 0, timeout_ms)
    select = period_select(page)
    select.click()
    page.get_by_role("option").first.wait_for(timeout=timeout_ms)
    options = [o.inner_text().strip() for o in page.get_by_role("option").all()]
    current = [o.inner_text().strip() for o in page.get_by_role("option", selected=True).all()]
    page.keyboard.press("Escape")
    others = [o for o in options if o and o not in current]
    half = max(1, changes // 2)
    months = others[:half]
    plan = (months + months)[:changes]  # new months first, then the same ones again (cached)
    out = []
    for n, label in enumerate(plan):
        select.click()
        page.keyboard.type(label)  # the list is virtual: filter it so the option is drawn
        option = page.get_by_role("option", name=label, exact=True)
        option.wait_for(timeout=timeout_ms)
        option.click()
        click = float(page.evaluate(LAST_CLICK_JS))
        last = settled_after(page, click, timeout_ms)
        errors = [e.inner_text()[:200] for e in page.query_selector_all(EXCEPTION)]
        kind = "new month" if n < len(months) else "again"
        out.append({"period": label, "seconds": (last - click) / 1000, "kind": kind,
                    "exceptions": errors})
        print(f"  change {n + 1:2} to {label:16} ({kind:9}) {(last - click) / 1000:6.2f} s"
              + (f"  {len(errors)} exception(s)" if errors else ""), flush=True)
    context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M", help="history size of benchmarks/pages.py")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--page", default="Overview", help="page whose filter is changed")
    parser.add_argument("--timeout", type=float, default=120, help="per page, seconds")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    db_path = browsing.database_for(args.size)
    timeout_ms = int(args.timeout * 1000)
    pages = list(browsing.VIEW_PAGES + browsing.ADMIN_PAGES)
    path = next(p for p, t in pages if t == args.page)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
          f"database {db_path.name}")
    with browsing.serving(db_path) as app, sync_playwright() as p:
        url = app.url
        browser = launch(p)
        print("first load of each page (fresh browser session each):")
        loads = first_loads(browser, url, pages, timeout_ms)
        print(f"filter changes on {args.page} (sidebar Period):")
        changes = filter_changes(browser, url, path, args.page, args.changes, timeout_ms)
        server_rss = browsing.rss_mb(app.process.pid)
        browser.close()
    seconds = [c["seconds"] for c in changes]
    print(f"\n== {args.size} rows, first load (target <= {FIRST_LOAD_TARGET_S:.0f} s) ==")
    for r in loads:
        flag = "" if r["seconds"] <= FIRST_LOAD_TARGET_S else f"  over {FIRST_LOAD_TARGET_S:.0f} s"
        print(f"{r['page']:18} {r['seconds']:6.2f} s  {len(r['exceptions'])} exception(s){flag}")
    print(f"\n== filter change to settled on {args.page} (target p95 <= {CHANGE_P95_TARGET_S} s) ==")
    for kind in ("new month", "again"):
        part = [c["seconds"] for c in changes if c["kind"] == kind]
        if part:
            print(f"{kind:10} n={len(part):2}  p50 {browsing.percentile(part, 50):5.2f} s  "
                  f"p95 {browsing.percentile(part, 95):5.2f} s  max {max(part):5.2f} s")
    p95 = browsing.percentile(seconds, 95)
    print(f"{'all':10} n={len(seconds):2}  p50 {browsing.percentile(seconds, 50):5.2f} s  "
          f"p95 {p95:5.2f} s  -> {'met' if p95 <= CHANGE_P95_TARGET_S else 'not met'}")
    slow = [r["page"] for r in loads if r["seconds"] > FIRST_LOAD_TARGET_S]
    errors = sum(len(r["exceptions"]) for r in loads) + sum(len(c["exceptions"]) for c in changes)
    print(f"first loads over {FIRST_LOAD_TARGET_S:.0f} s: {len(slow)} of {len(loads)}"
          + (f" ({', '.join(slow)})" if slow else ""))
    print(f"Streamlit exceptions seen: {errors}; server RSS at the end {server_rss:.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
