"""Many people browsing the dashboard at once, on the 1M-row history, for a bounded time.

Starts `streamlit run dashboard/app.py` on 127.0.0.1 only (demo mode, LEKGOTLA_DB on the history
of benchmarks/pages.py, no sample data) and opens --sessions browser sessions (default 20) in one
headless Chromium. For --seconds (default 60) each session keeps opening a page — the six pages
every role views, in turn, each with one of the twelve latest months and now and then one
department in the sidebar filters (so some views are new to the server's caches and some are
not) — and waits for it to settle (tools/browser.py). Nothing else is contacted; the
sessions, the time and each page's wait (--page-timeout) are bounded.

Prints pages completed, p50/p95/max page time overall and per page, pages that timed out, the
Streamlit exceptions seen (`[data-testid='stException']`), the server's peak resident memory and
the CPU time the server used per page (its cost per view, which other work on a shared machine
inflates far less than the page times).

Run: python benchmarks/load.py [--size 1M] [--sessions 20] [--seconds 60] [--clients ws]
     [--months 12] [--department-share 0.3] [--warm-up 60] [--renew] [--pause 0]
     [--renew-every 0] [--setups file:1,lake:2,lake:2:private+noreplay]

--warm-up first browses as the measured run will, uncounted, so the caches are as a server's in
use; --renew then renews the shared store's data version from another process, as an upload
does, to measure the views right after one; --renew-every S renews it every S seconds during the
measured run, as uploads coming in one after another at month-end do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

if __package__ in (None, ""):  # run as `python benchmarks/load.py`: import from the repo root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import browsing  # noqa: E402
from tools.browser import CLOCK_JS, EXCEPTION, LAST_CHANGE_JS, SETTLED_JS, launch  # noqa: E402
from tools.launch import running_proxy, started_app  # noqa: E402

MAX_SESSIONS, MAX_SECONDS = 64, 600
DEPARTMENT_SHARE = [0.3]  # of the views, those with one department chosen (--department-share)
PAGES: list[tuple[str, str]] = list(browsing.VIEW_PAGES)  # (URL path, title) the sessions visit


def views(db_path: Path) -> tuple[list[str], list[str]]:
    """The twelve latest months (as the Period select shows them) and the departments."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        months = [r[0] for r in con.execute(
            "SELECT DISTINCT period FROM uploads WHERE is_current ORDER BY period DESC LIMIT 12"
        ).fetchall()]
        departments = [r[0] for r in con.execute(
            "SELECT department FROM departments ORDER BY department").fetchall()]
    finally:
        con.close()
    labels = [f"{_MONTHS[int(m[5:7]) - 1]} {m[:4]}" for m in months]
    return labels, departments


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


async def session(n: int, browser: Any, url: str, deadline: float, months: list[str],
                  departments: list[str], page_timeout_ms: int, results: list[dict[str, Any]]
                  ) -> None:
    """One person browsing until the deadline: a page, wait for it to settle, the next."""
    rng = random.Random(n)
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    await context.add_init_script(CLOCK_JS)
    page = await context.new_page()
    turn = n
    try:
        while time.monotonic() < deadline:
            path, title = PAGES[turn % len(PAGES)]
            turn += 1
            query = f"period={quote_plus(rng.choice(months))}"
            if rng.random() < DEPARTMENT_SHARE[0]:
                query += f"&dept={quote_plus(rng.choice(departments))}"
            started = time.monotonic()
            record: dict[str, Any] = {"session": n, "page": title, "query": query}
            try:
                await page.goto(f"{url}/{path}?{query}", wait_until="commit",
                                timeout=page_timeout_ms)
                await page.wait_for_function(SETTLED_JS, arg=0, timeout=page_timeout_ms,
                                             polling=100)
                record["seconds"] = float(await page.evaluate(LAST_CHANGE_JS)) / 1000
                record["exceptions"] = [await e.inner_text() for e in
                                        await page.query_selector_all(EXCEPTION)]
            except Exception as e:  # a timeout or a crashed tab is a result, not a stop
                record["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
                record["seconds"] = time.monotonic() - started
            record["finished"] = time.monotonic()
            results.append(record)
    finally:
        await context.close()


async def ws_session(n: int, port: int, deadline: float, months: list[str],
                     departments: list[str], page_timeout: float,
                     results: list[dict[str, Any]]) -> None:
    """One person browsing through Streamlit's own protocol (no browser): on one websocket,
    like a browser tab, each page view is a rerun request with the page and the filters in the
    query string, timed until the server says the script finished; exceptions are read from the
    elements it sends."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    rng = random.Random(n)
    turn = n
    origin = f"http://127.0.0.1:{port}"
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream",
                                  subprotocols=["streamlit"], origin=origin,
                                  max_size=None) as ws:
        while time.monotonic() < deadline:
            path, title = PAGES[turn % len(PAGES)]
            turn += 1
            query = f"period={quote_plus(rng.choice(months))}"
            if rng.random() < DEPARTMENT_SHARE[0]:
                query += f"&dept={quote_plus(rng.choice(departments))}"
            back = BackMsg()
            back.rerun_script.query_string = query
            back.rerun_script.page_name = path
            record: dict[str, Any] = {"session": n, "page": title, "query": query,
                                      "exceptions": [], "bytes": 0}
            started = time.monotonic()
            try:
                await ws.send(back.SerializeToString())
                while True:
                    data = await asyncio.wait_for(
                        ws.recv(), timeout=max(0.1, started + page_timeout - time.monotonic()))
                    record["bytes"] += len(data)
                    msg = ForwardMsg()
                    msg.ParseFromString(data)
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                            and msg.delta.new_element.WhichOneof("type") == "exception":
                        record["exceptions"].append(msg.delta.new_element.exception.message)
                    if kind == "script_finished" and msg.script_finished in (
                            ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                        break
                record["seconds"] = time.monotonic() - started
            except Exception as e:  # a timeout is a result, not a stop
                record["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
                record["seconds"] = time.monotonic() - started
                record["finished"] = time.monotonic()
                results.append(record)
                return  # the socket's state is unknown after a timeout: this session ends
            record["finished"] = time.monotonic()
            results.append(record)


async def watch_memory(pids: list[int], deadline: float, peak: dict[int, float]) -> None:
    while time.monotonic() < deadline:
        for pid in pids:
            peak[pid] = max(peak.get(pid, 0.0), browsing.rss_mb(pid))
        await asyncio.sleep(0.5)


async def run(url: str, pids: list[int], args: argparse.Namespace, sessions: int,
              months: list[str], departments: list[str], seconds: float | None = None,
              renewing: Callable[[float], Awaitable[None]] | None = None, first: int = 0
              ) -> tuple[list[dict[str, Any]], float, dict[int, float], float]:
    """`sessions` people browsing `url` for `seconds` (else --seconds), `renewing(deadline)`
    beside them: (results, elapsed s, peak MB of each server process, CPU s the servers used).
    Session n (from `first`) chooses its views with the seed n: other numbers, other views."""
    from playwright.async_api import async_playwright

    results: list[dict[str, Any]] = []
    peak = {pid: browsing.rss_mb(pid) for pid in pids}
    async with async_playwright() as p:
        browser = await launch(p)
        start = time.monotonic()
        cpu = sum(browsing.cpu_seconds(pid) for pid in pids)
        deadline = start + (seconds or args.seconds)
        if args.clients == "ws":
            port = int(url.rsplit(":", 1)[1])
            tasks = [ws_session(n, port, deadline, months, departments, args.page_timeout,
                                results) for n in range(first, first + sessions)]
        else:
            tasks = [session(n, browser, url, deadline, months, departments,
                             int(args.page_timeout * 1000), results)
                     for n in range(first, first + sessions)]
        watcher = asyncio.create_task(watch_memory(pids, deadline + args.page_timeout, peak))
        if renewing is not None:  # uploads coming in meanwhile, as at month-end
            tasks.append(renewing(deadline))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start
        cpu = sum(browsing.cpu_seconds(pid) for pid in pids) - cpu
        watcher.cancel()
        await browser.close()
    return results, elapsed, peak, cpu


@contextmanager
def serving(setup: str, history: Path, folder: Path, lake: list[str], run: ExitStack
            ) -> Iterator[tuple[str, list[int]]]:
    """The dashboards of a setup, `file:1` (one process on the history file, as before) or
    `lake:N` (N processes on the shared store behind HAProxy, as deploy/start runs them, sharing
    their results in a folder of the setup's own), with options after another colon joined by
    `+`: `private` (each process its own results only), `noreplay` (replay_queries 0): (the URL
    the sessions open, the server processes)."""
    backend, _, rest = setup.partition(":")
    count, _, options = rest.partition(":")
    modes = set(options.split("+")) - {""}
    if modes - {"private", "noreplay"}:
        raise SystemExit(f"{setup}: the options are private and noreplay")
    instances = int(count or 1)
    if backend == "file":
        if instances != 1:
            raise SystemExit("a DuckDB file admits one process: file:1 only")
        with browsing.serving(history) as app:
            yield app.url, [app.process.pid]
        return
    if not lake:  # built once for every lake setup of the run, stopped with `run`
        from benchmarks import pages
        cluster = run.enter_context(pages.postgres())
        target, took = pages.lake_store(history, cluster, "lekgotla_load", folder.parent / "lake")
        print(f"shared store built from {history.name}: copied in {took['copy_s']:.1f} s, "
              f"maintained in {took['maintain_s']:.1f} s", flush=True)
        lake.append(target)
    # as deploy/start runs them: each instance's DuckDB on its share of the cores, unless
    # LEKGOTLA_THREADS says otherwise (0: every core, DuckDB's default)
    threads = os.environ.get("LEKGOTLA_THREADS", str(max(1, (os.cpu_count() or 1) // instances)))
    env = {"LEKGOTLA_LOAD_SAMPLE_DATA": "false", "LEKGOTLA_THREADS": threads}
    if "private" not in modes:
        env["LEKGOTLA_SHARED_CACHE"] = str(folder / "cache")
    if "noreplay" in modes:
        env["LEKGOTLA_REPLAY_QUERIES"] = "0"
    with ExitStack() as stack:
        apps = [stack.enter_context(started_app(
            lake[0], timeout=180, address="127.0.0.1",  # type: ignore[arg-type]
            env=env)) for _ in range(instances)]
        ports = [int(a.url.rsplit(":", 1)[1]) for a in apps]
        proxy = stack.enter_context(running_proxy(ports, folder))
        yield proxy.url, [a.process.pid for a in apps]


def renew(setup: str, lake: list[str]) -> None:
    """Renew the shared store's data version from this process, as an upload or a correction
    made on another instance or by a bulk load does: every cached result is out of date at each
    dashboard's next rerun. (A DuckDB file admits no second process: file setups are left.)"""
    from ingest import db

    if not setup.startswith("lake"):
        print(f"{setup}: --renew is for the shared store only (the file is the server's alone)")
        return
    con = db.connect(lake[0])
    try:
        db.write(con, db.bump_data_version)
    finally:
        con.close()
    print(f"{setup}: the data version renewed", flush=True)


def renewals(setup: str, lake: list[str], every: float) -> Callable[[float], Awaitable[None]]:
    """What renews the shared store's data version every `every` seconds until a deadline, from
    another process's connection (in a thread), as uploads coming in one after another do."""
    async def renewing(deadline: float) -> None:
        count = 0
        while time.monotonic() + every < deadline:
            await asyncio.sleep(every)
            await asyncio.to_thread(renew, setup, lake)
            count += 1
        print(f"{setup}: {count} renewals during the run", flush=True)
    return renewing


def report(setup: str, sessions: int, results: list[dict[str, Any]], elapsed: float,
           peak: dict[int, float], cpu: float, seen: frozenset[tuple[str, str]] = frozenset()
           ) -> dict[str, Any]:
    """Print one setup's figures; the summary row. `seen`: the views (page, query) asked before
    the run (its warm-up), told apart from those asked for the first time."""
    done = [r for r in results if "error" not in r]
    failed = [r for r in results if "error" in r]
    seconds = [r["seconds"] for r in done]
    errors = [(r["page"], e) for r in done for e in r["exceptions"]]
    print(f"\n== {setup}, {sessions} sessions, {elapsed:.0f} s: {len(done)} pages done, "
          f"{len(failed)} failed or timed out ==")
    print(f"{'page':18}{'n':>5}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for _, title in PAGES:
        part = [r["seconds"] for r in done if r["page"] == title]
        if part:
            print(f"{title:18}{len(part):5}{browsing.percentile(part, 50):8.2f}"
                  f"{browsing.percentile(part, 95):8.2f}{max(part):8.2f}")
    if seconds:
        print(f"{'all':18}{len(seconds):5}{browsing.percentile(seconds, 50):8.2f}"
              f"{browsing.percentile(seconds, 95):8.2f}{max(seconds):8.2f}")
    # a view asked before (in the warm-up, or by a page of the run finished before it began)
    # against one asked for the first time
    first: dict[tuple[str, str], float] = {}
    for r in done:
        view = (r["page"], r["query"])
        first[view] = min(first.get(view, r["finished"]), r["finished"])
    before = [(r["page"], r["query"]) in seen
              or first[(r["page"], r["query"])] < r["finished"] - r["seconds"] for r in done]
    again = [r["seconds"] for r, b in zip(done, before, strict=True) if b]
    fresh = [r["seconds"] for r, b in zip(done, before, strict=True) if not b]
    for label, part in (("asked before", again), ("asked first", fresh)):
        if again and fresh:
            print(f"{label:18}{len(part):5}{browsing.percentile(part, 50):8.2f}"
                  f"{browsing.percentile(part, 95):8.2f}{max(part):8.2f}")
    memory = ", ".join(f"{mb:.0f}" for mb in peak.values())
    print(f"throughput {len(done) / elapsed:.2f} pages/s; Streamlit exceptions: {len(errors)}; "
          f"peak RSS per server (MB): {memory}; load average {os.getloadavg()[0]:.1f}")
    if done:
        print(f"servers' CPU {cpu:.1f} s: {cpu / len(done):.2f} s a page ({cpu / elapsed:.2f} of "
              f"{os.cpu_count()} cores busy)")
    for page, text in errors[:5]:
        print(f"  exception on {page}: {text[:200]}")
    for r in failed[:5]:
        print(f"  {r['page']} ({r['query']}): {r['error']}")
    return {"setup": setup, "sessions": sessions, "pages_s": len(done) / elapsed,
            "p50": browsing.percentile(seconds, 50), "p95": browsing.percentile(seconds, 95),
            "failed": len(failed), "mb": max(peak.values(), default=0.0),
            "busy": cpu / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M", help="history size of benchmarks/pages.py")
    parser.add_argument("--sessions", default="20",
                        help="people browsing at once, comma-separated for several runs (20,50)")
    parser.add_argument("--setups", default="file:1",
                        help="comma-separated: file:1 (one process on the DuckDB file, today's "
                             "shape) and lake:N (N processes on the shared store behind HAProxy, "
                             "sharing their results as deploy/start has them; lake:N:private: "
                             "each its own); the first is the baseline of the ratios")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--page-timeout", type=float, default=90, help="seconds per page")
    parser.add_argument("--clients", choices=["browser", "ws"], default="browser",
                        help="browser: Chromium tabs (what people see, but 20 renderers share "
                             "this machine's cores with the server); ws: Streamlit's websocket "
                             "protocol without rendering (what the server takes)")
    parser.add_argument("--pages", help="titles of the pages to visit, comma-separated "
                                         "(default: the six every role views)")
    parser.add_argument("--months", type=int, default=12,
                        help="the latest months the sessions choose from (1 with "
                             "--department-share 0: the same view of each page again and again, "
                             "the server's caches warm)")
    parser.add_argument("--warm-up", type=float, default=0,
                        help="seconds of browsing of the same kind (other sessions, other views) "
                             "before each measured run, not counted (the caches as a server in "
                             "use has them)")
    parser.add_argument("--renew", action="store_true",
                        help="lake setups: after the warm-up, renew the data version from another "
                             "process, as an upload there would (the setting replay_queries "
                             "decides what each dashboard works out again)")
    parser.add_argument("--renew-every", type=float, default=0,
                        help="lake setups: renew the data version every S seconds during the "
                             "measured run, as uploads coming in at month-end do")
    parser.add_argument("--pause", type=float, default=0,
                        help="with --renew: seconds between the renewal and the measured run")
    parser.add_argument("--department-share", type=float, default=0.3,
                        help="share of the views with one department chosen")
    args = parser.parse_args()
    if args.pages:
        wanted = [t.strip() for t in args.pages.split(",")]
        PAGES[:] = [p for p in browsing.VIEW_PAGES if p[1] in wanted]
        if not PAGES:
            raise SystemExit(f"--pages: none of {wanted} is a page")
    counts = [int(n) for n in args.sessions.split(",")]
    setups = [s.strip() for s in args.setups.split(",")]
    if not all(1 <= n <= MAX_SESSIONS for n in counts) or not 1 <= args.seconds <= MAX_SECONDS:
        raise SystemExit(f"--sessions 1..{MAX_SESSIONS} and --seconds 1..{MAX_SECONDS}")
    db_path = browsing.database_for(args.size)
    months, departments = views(db_path)
    months = months[:max(1, args.months)]
    DEPARTMENT_SHARE[0] = args.department_share
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
          f"{args.clients} sessions {counts} for {args.seconds:.0f} s on {db_path.name}; "
          f"setups {setups}; {len(months)} months, {args.department_share:.0%} of the views one "
          "department", flush=True)
    rows: list[dict[str, Any]] = []
    lake: list[str] = []
    with tempfile.TemporaryDirectory(prefix="lekgotla-load-") as tmp, ExitStack() as whole:
        for n_setup, setup in enumerate(setups):
            # its own folder (a setup may be run twice): its shared results start empty
            folder = Path(tmp) / f"{n_setup}-{setup.replace(':', '-')}"
            folder.mkdir()
            with serving(setup, db_path, folder, lake, whole) as (url, pids):
                for n in counts:
                    seen: frozenset[tuple[str, str]] = frozenset()
                    if args.warm_up:  # browsing of the same kind by other people, not counted:
                        # the caches as a server in use has them (other seeds: other views, not
                        # the measured run's own sequence asked in advance)
                        done, took, _, _ = asyncio.run(
                            run(url, pids, args, n, months, departments, args.warm_up, first=n))
                        seen = frozenset((r["page"], r["query"]) for r in done if "error" not in r)
                        print(f"\n{setup}, {n} sessions: warmed up with {len(done)} pages in "
                              f"{took:.0f} s", flush=True)
                    if args.renew:
                        renew(setup, lake)
                        time.sleep(args.pause)  # people come back to the dashboard
                    burst = (renewals(setup, lake, args.renew_every)
                             if args.renew_every and setup.startswith("lake") else None)
                    out = asyncio.run(run(url, pids, args, n, months, departments,
                                          renewing=burst))
                    rows.append(report(setup, n, *out, seen=seen))
    print(f"\n== summary (ratio: pages/s against {setups[0]} at the same sessions) ==")
    print(f"{'setup':10}{'sessions':>9}{'pages/s':>9}{'ratio':>7}{'p50 s':>8}{'p95 s':>8}"
          f"{'MB/server':>11}{'cores busy':>11}{'failed':>7}")
    base = {r["sessions"]: r["pages_s"] for r in rows if r["setup"] == setups[0]}
    for r in rows:
        ratio = r["pages_s"] / base[r["sessions"]] if base.get(r["sessions"]) else float("nan")
        print(f"{r['setup']:10}{r['sessions']:9}{r['pages_s']:9.2f}{ratio:7.2f}{r['p50']:8.2f}"
              f"{r['p95']:8.2f}{r['mb']:11.0f}{r['busy']:11.2f}{r['failed']:7}")


if __name__ == "__main__":
    main()
