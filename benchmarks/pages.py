"""Time every metrics call the dashboard's pages make, and every page, at 10k, 100k and 1M rows.

A synthetic history (tools/history.py: departments x 60 months x 170 actions, so 1, 10 and
100 departments give about 10k, 100k and 1M current action_status rows) is built once per size
into a cache folder. Each size is then measured in fresh child processes, with LEKGOTLA_DB on
that file and LEKGOTLA_LOAD_SAMPLE_DATA=false:

- calls: every metrics function a page calls, with the arguments the page passes for the default
  sidebar (latest month, all departments, all objectives) — first call on a freshly opened
  database, then the best of --repeat further calls (the dashboard caches each result per data
  version, so a call runs once per filter change);
- pages: every page of dashboard/app.py through Streamlit's AppTest (demo mode), cold (caches
  cleared: connection opened, every call made) and warm (the same session run again; the best
  of --warm such runs, and their median), with the Streamlit exceptions it shows.

Each child reports its peak resident memory. The table prints the figures, the growth ratio from
one size to the next (10x the rows: a ratio up to 10 is linear or better) and the targets of
issue 6 at 1M rows: each call <= 100 ms, each page warm <= 0.3 s and cold <= 1.5 s, peak RSS
<= 1 GB. No figure is asserted: this measures.

`--backend lake` measures the same on the shared store (issue 14): a throw-away PostgreSQL cluster
(tools/postgres.py) holds a DuckLake catalog, its Parquet files go to a temporary folder, and the
history file is copied into it table by table, then maintained (small files merged). `--backend
both` measures the file and the lake in one run and prints, per call and page, lake / file (issue
14's target: every page within 1.5x of the file at 1M rows), and each backend's cost of a tiny
query (what every statement pays before its work).

Run: python benchmarks/pages.py [--sizes 10k,100k,1M] [--backend file|lake|both] [--repeat 3]
     [--page-runs 1] [--warm 1] [--only pages|calls] [--rebuild] [--json OUT]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
if __package__ in (None, ""):  # run as `python benchmarks/pages.py`: import from the repo root
    sys.path[0] = str(ROOT)

from tools import history  # noqa: E402

SIZES = {"10k": 1, "100k": 10, "1M": 100}  # name -> departments (x 60 months x 170 actions)
MONTHS, ACTIONS = 60, 170
CALL_TARGET_MS, WARM_TARGET_S, COLD_TARGET_S, RSS_TARGET_MB = 100.0, 0.3, 1.5, 1024.0
BUILD_VERSION = "7"  # bump when history.py changes the data it writes
ROLE_FOR = {"app_pages/upload.py": "me"}  # the demo admin does not upload
LAKE_TARGET_RATIO = 1.5  # issue 14: every page on DuckLake within 1.5x of the file at 1M rows


def cache_dir() -> Path:
    """Where the built databases are kept between runs."""
    folder = Path(os.environ.get("LEKGOTLA_BENCH_DIR", Path(tempfile.gettempdir()) / "lekgotla-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database(departments: int, rebuild: bool = False) -> tuple[Path, float | None]:
    """The history database for this many departments, built when missing; (path, build s)."""
    import duckdb

    # DuckDB 1.4 (the DuckLake extensions' line) cannot read a file DuckDB 2 wrote: its own copy
    major, minor = duckdb.__version__.split(".")[:2]
    storage = "" if int(major) >= 2 else f"-duckdb{major}.{minor}"
    path = cache_dir() / f"history-v{BUILD_VERSION}-{departments}x{MONTHS}x{ACTIONS}{storage}.duckdb"
    if path.exists() and not rebuild:
        return path, None
    start = time.perf_counter()
    history.build_file(path, departments, MONTHS, ACTIONS)
    return path, time.perf_counter() - start


@contextmanager
def postgres() -> Iterator[Any]:
    """A throw-away PostgreSQL cluster for the lakes' catalogs (tools/postgres.py)."""
    from tools.postgres import Cluster

    with Cluster.started() as cluster:
        yield cluster


def lake_files(con: Any) -> dict[str, int]:
    """Data files of each table of the shared store (Parquet; deletion files not counted)."""
    out = {}
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                "WHERE database_name = current_database()").fetchall():
        out[str(table)] = int(con.execute(
            "SELECT count(*) FROM ducklake_list_files(current_database(), $t)",
            {"t": table}).fetchall()[0][0])
    return out


def maintain(con: Any) -> str:
    """The store's maintenance: ingest.lake.maintain when it exists, else the merge of small files
    (what it will do)."""
    # this checkout's module only (an editable install would find another checkout's)
    if (ROOT / "ingest" / "lake.py").exists():
        lake = importlib.import_module("ingest.lake")
        if hasattr(lake, "maintain"):
            lake.maintain(con)
            return "ingest.lake.maintain"
    con.execute("CALL ducklake_merge_adjacent_files(current_database())")
    return "CALL ducklake_merge_adjacent_files"


def lake_store(source: Path, cluster: Any, name: str, data: Path) -> tuple[str, dict[str, Any]]:
    """A new shared store (catalog: database `name` of `cluster`; data files in `data`) holding
    the history of the file `source`, copied table by table in one transaction, then maintained;
    (its `db` value, what it took)."""
    from ingest import db

    cluster.create_database(name)
    target = "ducklake:postgres:" + cluster.dsn(name)
    os.environ["LEKGOTLA_DATA_PATH"] = str(data)
    start = time.perf_counter()
    con = db.connect(target)  # created, migrated
    migrated = time.perf_counter() - start
    con.execute(f"ATTACH '{source}' AS history (READ_ONLY)")
    tables = [str(r[0]) for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'history' "
        "AND table_name <> 'schema_migrations' ORDER BY 1").fetchall()]

    def copy(c: Any) -> None:
        for table in tables:  # rows in the file's order (the history inserts them sorted)
            c.execute(f'DELETE FROM "{table}"')
            c.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM history.main."{table}"')
    start = time.perf_counter()
    db.write(con, copy)
    copied = time.perf_counter() - start
    con.execute("DETACH history")
    before = lake_files(con)
    start = time.perf_counter()
    how = maintain(con)
    maintained = time.perf_counter() - start
    after = lake_files(con)
    con.close()
    return target, {"migrate_s": migrated, "copy_s": copied, "maintain_s": maintained,
                    "maintenance": how, "files_before": before, "files_after": after}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far: VmHWM, which starts afresh when a process
    starts a program (getrusage's ru_maxrss would keep the parent's peak across fork and exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the calls the pages make ------------------------------------------------------------------

def page_calls(con: Any) -> list[tuple[str, str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]]:
    """(page, call, function, args, kwargs) for what each page calls on the default sidebar."""
    import metrics
    from dashboard.uploads import period_of, template_periods
    from ingest.access import CLI
    from ingest.template import build_template
    from metrics import digest, views
    from metrics.filters import Filters
    from presentation.export import table_bytes

    periods = [str(p) for p in metrics.list_periods(con)["period"]]
    departments = [str(x) for x in metrics.list_departments(con)["department"]]
    last, first = periods[-1], periods[0]
    f = Filters(last)  # the sidebar's default: latest month, every department and objective
    h = Filters(last, period_from=first)  # filters.history(f): every month up to it
    dept = departments[0]  # the Department page's default choice
    fd, hd = Filters(last, (dept,)), Filters(last, (dept,), period_from=first)
    figures = metrics.action_figures(con, fd)
    action = str(figures["action_id"].iloc[0])
    upload = views.current_upload(con, dept, last) or {}
    table = views.explore_table(con, f, (), "")
    explore_figures = views.export_table(con, f, dependencies=False)
    template_period = template_periods(views.next_period(con, dept), periods)[0]
    calls: list[tuple[str, str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = [
        ("every page", "list_periods()", metrics.list_periods, (), {}),
        ("every page", "list_departments()", metrics.list_departments, (), {}),
        ("every page", "list_objectives()", metrics.list_objectives, (), {}),
        ("every page", "data_freshness()", views.data_freshness, (), {}),
        ("Overview", "kpi_changes(f)", metrics.kpi_changes, (f,), {}),
        ("Overview", "kpi_trend(history)", metrics.kpi_trend, (h,), {}),
        ("Overview", "by_rag(f)", metrics.by_rag, (f,), {}),
        ("Overview", "department_league(f)", metrics.department_league, (f,), {}),
        ("Overview", "rag_trend(history)", views.rag_trend, (h,), {}),
        ("Overview", "digest(month)", digest.digest, (last,), {}),
        ("Alignment", "action_figures(f)", metrics.action_figures, (f,), {"dependencies": False}),
        ("Alignment", "kpis(f)", metrics.kpis, (f,), {}),
        ("Alignment", "objective_alignment(f)", metrics.objective_alignment, (f,), {}),
        ("Alignment", "objectives_without_action(f)", metrics.objectives_without_action, (f,), {}),
        ("Alignment", "actions_without_objective(f)", metrics.actions_without_objective, (f,), {}),
        ("Alignment", "smart_results(f)", metrics.smart_results, (f,), {}),
        ("Slippage", "moved_actions(f)", views.moved_actions, (f,), {}),
        ("Slippage", "due_date_moves(f)", views.due_date_moves, (f,), {}),
        ("Slippage", "late_actions(f)", views.late_actions, (f,), {}),
        ("Slippage", "kpi_trend(history, by_department)", metrics.kpi_trend, (h,),
         {"by_department": True}),
        ("Department", "kpi_changes(dept)", metrics.kpi_changes, (fd,), {}),
        ("Department", "kpi_trend(dept history)", metrics.kpi_trend, (hd,), {}),
        ("Department", "action_figures(dept)", metrics.action_figures, (fd,),
         {"dependencies": False}),
        ("Department", "current_upload(dept, month)", views.current_upload, (dept, last), {}),
        ("Department", "upload_file(upload)", views.upload_file, (int(upload.get("upload_id", 0)),),
         {}),
        ("Department", "status_against_rag(dept)", views.status_against_rag, (fd,), {}),
        ("Department", "digest(dept, month)", digest.digest, (last, dept), {}),
        ("Department", "action_trail(dept, action)", views.action_trail, (fd, dept, action),
         {"dependencies": False}),
        ("Submissions", "report_quality(history)", metrics.report_quality, (h,), {}),
        ("Submissions", "kpis(month)", metrics.kpis, (Filters(last),), {}),
        ("Submissions", "stale_actions(f)", metrics.stale_actions, (f,), {}),
        ("Submissions", "upload_history(f, month)", views.upload_history, (f, False), {}),
        # the organisation's view: its figures, and the dependency columns from the month's
        # links (those shared with the Department page, below), once a month
        ("Explore", "export_table(f, dependencies=False)", views.export_table, (f,),
         {"dependencies": False}),
        # a download, made when its button is clicked (components.downloads), not on every run
        ("Explore", "table_bytes(table, csv)", lambda _c: table_bytes(table, "csv", "Actions"),
         (), {}),
        ("Explore", "table_bytes(table, xlsx)",
         lambda _c: table_bytes(table, "xlsx", "Actions"), (), {}),
        ("Upload", "next_period(dept)", views.next_period, (dept,), {}),
        ("Upload", "build_template(dept, next)", build_template,
         (dept, period_of(template_period)), {"user": CLI}),
        ("Settings", "register_versions()", views.register_versions, (), {}),
    ]
    try:  # issue 16: the Dependencies and Initiatives pages, the Department page's sections
        from metrics import dependencies

        initiative = next(iter(dependencies.initiatives(con, f)["initiative_id"]), "")
        explore_links = dependencies.month_links(con, dependencies.links_scope(f))
        explore_columns = dependencies.dependency_columns(explore_links)
        calls += [
            ("Dependencies", "action_dependencies(f)", dependencies.action_dependencies, (f,), {}),
            ("Dependencies", "dependency_kpi(f)", dependencies.dependency_kpi, (f,), {}),
            ("Dependencies", "initiatives(f)", dependencies.initiatives, (f,), {}),
            ("Initiatives", "initiative_actions(f, first)", dependencies.initiative_actions,
             (f, initiative), {}),
            # the Department page's sections take the month's links, shared by every department
            ("Department", "month_links(month)", dependencies.month_links,
             (dependencies.links_scope(fd),), {}),
            ("Explore", "dependency_columns(month's links)",
             lambda _c: dependencies.dependency_columns(explore_links), (), {}),
            ("Explore", "explore_rows(figures, columns)",
             lambda _c: views.explore_rows(explore_figures, explore_columns), (), {}),
        ]
    except ImportError:
        pass
    try:  # the review pack (metrics/pack.py) is built by one call too
        from metrics import pack

        calls.append(("Review pack", "build_pack(f)", pack.build_pack, (f,), {}))
    except ImportError:
        pass
    return calls


PROBES = {  # what a statement pays before its work, and what every script run asks first
    "SELECT 1": "SELECT 1",
    "data_version()": "SELECT value FROM meta WHERE key = 'data_version'",
    "count(*) action_status": "SELECT count(*) FROM action_status",
}


def measure_calls(path: str, repeat: int) -> dict[str, Any]:
    """Child: time opening the database at `path` (a file or `ducklake:…`), a few tiny queries,
    and every page call."""
    from ingest import db

    start = time.perf_counter()
    con = db.connect(path)
    connect_ms = (time.perf_counter() - start) * 1000
    probes = {}
    for name, query in PROBES.items():
        cur = con.cursor()
        times = []
        for _ in range(20):
            start = time.perf_counter()
            cur.execute(query).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        cur.close()
        probes[name] = {"first_ms": times[0], "best_ms": min(times[1:]),
                        "median_ms": statistics.median(times[1:])}
    results = []
    for page, name, fn, args, kwargs in page_calls(con.cursor()):
        cur = con.cursor()
        start = time.perf_counter()
        fn(cur, *args, **kwargs)
        first = (time.perf_counter() - start) * 1000
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn(cur, *args, **kwargs)
            times.append((time.perf_counter() - start) * 1000)
        cur.close()
        results.append({"page": page, "call": name, "first_ms": first, "best_ms": min(times),
                        "median_ms": statistics.median(times), "peak_rss_mb": peak_rss_mb()})
    rows = db.scalar(con, "SELECT count(*) FROM action_status WHERE is_current")
    con.close()
    return {"rows": rows, "calls": results, "connect_ms": connect_ms, "probes": probes,
            "peak_rss_mb": peak_rss_mb()}


# --- the pages through AppTest -----------------------------------------------------------------

def app_pages() -> list[tuple[str, str]]:
    """(title, script path relative to dashboard/) of every page the router lists, in order."""
    text = APP.read_text(encoding="utf-8")
    return [(title, f"app_pages/{file}")
            for file, title in re.findall(r'page\("([\w]+\.py)",\s*"([^"]+)"', text)]


def measure_pages(path: str, timeout: float, warm_runs: int = 1) -> dict[str, Any]:
    """Child: every page cold (caches cleared) and warm (run again: the best of `warm_runs`),
    in demo mode."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tools.apptest import scan_components_once

    scan_components_once()  # a server scans once at start, not at each page view
    os.environ["LEKGOTLA_DB"] = path
    os.environ["LEKGOTLA_LOAD_SAMPLE_DATA"] = "false"

    def run(page: str) -> tuple[Any, float]:
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        if page in ROLE_FOR:  # demo mode acts as an admin; a page for another role as that role
            at.session_state["demo_role"] = ROLE_FOR[page]
        at.switch_page(page)
        start = time.perf_counter()
        at.run()
        return at, time.perf_counter() - start

    pages = app_pages()
    run(pages[0][1])  # imports (Plotly, pandas styling...) are paid once per process, not per page
    results = []
    for title, page in pages:
        st.cache_data.clear()
        st.cache_resource.clear()
        gc.collect()
        at, cold = run(page)
        exceptions = [str(e.value)[:200] for e in at.exception]
        warms = []
        for _ in range(max(1, warm_runs)):
            start = time.perf_counter()
            at.run()
            warms.append(time.perf_counter() - start)
            exceptions += [str(e.value)[:200] for e in at.exception]
        row = {"page": title, "cold_s": cold, "warm_s": min(warms),
               "warm_median_s": statistics.median(warms)}
        build = [b for b in at.button if b.key == "pack-build"]
        if build:  # a big review pack is built on a click: time the click, then a run with the pack
            start = time.perf_counter()
            build[0].click().run()
            row["click_s"] = time.perf_counter() - start
            start = time.perf_counter()
            at.run()
            row["after_click_warm_s"] = time.perf_counter() - start
            exceptions += [str(e.value)[:200] for e in at.exception]
        results.append({**row, "exceptions": exceptions, "rss_mb": _rss_now_mb()})
    return {"pages": results, "peak_rss_mb": peak_rss_mb()}


def _rss_now_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# --- the parent: build, spawn, print -----------------------------------------------------------

def child(kind: str, path: str, repeat: int, timeout: float, warm: int = 1) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter (so each peak RSS is its own)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.pages", "--child", kind, "--db", path,
         "--repeat", str(repeat), "--timeout", str(timeout), "--warm", str(warm)],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "LEKGOTLA_DB": path, "LEKGOTLA_LOAD_SAMPLE_DATA": "false"})
    if out.returncode != 0:
        raise SystemExit(f"{kind} on {path} failed:\n{out.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def ratio(a: float | None, b: float | None) -> str:
    return f"{b / a:5.1f}x" if a and b else "    -"


def report(results: dict[str, dict[str, Any]]) -> None:
    """Print the tables and the targets."""
    sizes = list(results)
    big = sizes[-1]
    print(f"\n== metrics calls (ms; best of the repeats after a first call; first call at {big}) ==")
    head = "".join(f"{s:>9}" for s in sizes)
    growth = "".join(f"{a + '>' + b:>12}" for a, b in zip(sizes, sizes[1:], strict=False))
    print(f"{'page':12} {'call':36}{head} {'first':>8}{growth}")
    over = []
    calls = {s: {(c['page'], c['call']): c for c in results[s]['calls']['calls']} for s in sizes}
    for key in calls[big]:
        values = [calls[s].get(key, {}).get("best_ms") for s in sizes]
        cells = "".join(f"{v:9.1f}" if v is not None else f"{'-':>9}" for v in values)
        grow = "".join(f"{ratio(a, b):>12}" for a, b in zip(values, values[1:], strict=False))
        flag = ""
        if values[-1] is not None and values[-1] > CALL_TARGET_MS:
            flag = "  over 100 ms"
            over.append(key)
        print(f"{key[0]:12} {key[1]:36}{cells} {calls[big][key]['first_ms']:8.1f}{grow}{flag}")
    print("\n== pages through AppTest (s): cold = caches cleared, warm = run again ==")
    head = "".join(f"{s + ' cold':>10}{s + ' warm':>10}" for s in sizes)
    print(f"{'page':18}{head}{'cold ' + sizes[0] + '>' + big:>16}  exceptions")
    pages = {s: {p["page"]: p for p in results[s]["pages"]["pages"]} for s in sizes}
    slow_pages = []
    for title in pages[big]:
        cells, cold = "", []
        for s in sizes:
            p = pages[s].get(title)
            cells += f"{p['cold_s']:10.2f}{p['warm_s']:10.2f}" if p else f"{'-':>10}{'-':>10}"
            cold.append(p["cold_s"] if p else None)
        p = pages[big][title]
        flags = []
        if p["cold_s"] > COLD_TARGET_S:
            flags.append("cold over 1.5 s")
        if p["warm_s"] > WARM_TARGET_S:
            flags.append("warm over 0.3 s")
        if flags:
            slow_pages.append((title, flags))
        median = f" (warm median {p['warm_median_s']:.2f})" if "warm_median_s" in p else ""
        print(f"{title:18}{cells}{ratio(cold[0], cold[-1]):>16}  {len(p['exceptions'])}{median}"
              f"{'  ' + ', '.join(flags) if flags else ''}")
        for e in p["exceptions"]:
            print(f"{'':18}exception: {e}")
        for size in sizes:
            q = pages[size].get(title, {})
            if "click_s" in q:
                print(f"{'':18}at {size}: built on a click in {q['click_s']:.2f} s; a run with the pack "
                      f"{q['after_click_warm_s']:.2f} s")
    print("\n== peak resident memory (MB) ==")
    for s in sizes:
        r = results[s]
        print(f"{s:>6}: {r['calls']['rows']:>9,} rows   calls child {r['calls']['peak_rss_mb']:7.0f}   "
              f"pages child {r['pages']['peak_rss_mb']:7.0f}"
              + (f"   (built in {r['build_s']:.1f} s)" if r.get("build_s") else ""))
    rss = max(results[big]["calls"]["peak_rss_mb"], results[big]["pages"]["peak_rss_mb"])
    print(f"\n== targets at {big} ==")
    print(f"calls over {CALL_TARGET_MS:.0f} ms: {len(over)} of {len(calls[big])}"
          + (": " + "; ".join(f"{p} {c}" for p, c in over) if over else ""))
    print(f"pages over target: {len(slow_pages)} of {len(pages[big])}"
          + (": " + "; ".join(f"{t} ({', '.join(f)})" for t, f in slow_pages) if slow_pages else ""))
    print(f"peak RSS {rss:.0f} MB (target {RSS_TARGET_MB:.0f} MB): "
          + ("met" if rss <= RSS_TARGET_MB else "OVER"))


def fastest(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two runs of the pages child: each page's fastest cold, warm and click, and their
    exceptions together."""
    pages = []
    other = {p["page"]: p for p in b["pages"]}
    for p in a["pages"]:
        q = other.get(p["page"], p)
        row = {**p, "exceptions": p["exceptions"] + [e for e in q["exceptions"]
                                                      if e not in p["exceptions"]]}
        for key in ("cold_s", "warm_s", "click_s", "after_click_warm_s"):
            if key in p and key in q:
                row[key] = min(p[key], q[key])
        pages.append(row)
    return {"pages": pages, "peak_rss_mb": max(a["peak_rss_mb"], b["peak_rss_mb"])}


def compare(file: dict[str, Any], lake: dict[str, Any], size: str) -> None:
    """Print the lake against the file at one size: per page and call, lake / file."""
    def times(r: dict[str, Any]) -> str:
        return f"{r['calls']['connect_ms']:.0f} ms"
    print(f"\n== DuckLake against the DuckDB file at {size} (lake / file; target: every page "
          f"within {LAKE_TARGET_RATIO}x) ==")
    print(f"opening the database (connect + migration check): file {times(file)}, lake {times(lake)}")
    print(f"{'tiny query (ms, best / median of 19)':40}{'file':>16}{'lake':>16}")
    for name in PROBES:
        a, b = file["calls"]["probes"][name], lake["calls"]["probes"][name]
        print(f"{name:40}{a['best_ms']:8.2f} /{a['median_ms']:6.2f}{b['best_ms']:8.2f} /"
              f"{b['median_ms']:6.2f}")
    print(f"\n{'page':18}{'file cold':>10}{'lake cold':>10}{'ratio':>7}{'file warm':>11}"
          f"{'lake warm':>10}{'ratio':>7}  exceptions (file, lake)")
    fp = {p["page"]: p for p in file["pages"]["pages"]}
    lp = {p["page"]: p for p in lake["pages"]["pages"]}
    over = []
    for title, a in fp.items():
        b = lp.get(title)
        if b is None:
            print(f"{title:18}{a['cold_s']:10.2f}{'-':>10}")
            continue
        cold, warm = b["cold_s"] / a["cold_s"], b["warm_s"] / a["warm_s"]
        flags = [f"{k} over {LAKE_TARGET_RATIO}x" for k, r in (("cold", cold), ("warm", warm))
                 if r > LAKE_TARGET_RATIO]
        if flags:
            over.append((title, flags))
        print(f"{title:18}{a['cold_s']:10.2f}{b['cold_s']:10.2f}{cold:7.2f}{a['warm_s']:11.2f}"
              f"{b['warm_s']:10.2f}{warm:7.2f}  {len(a['exceptions'])}, {len(b['exceptions'])}"
              + ("  " + ", ".join(flags) if flags else ""))
        for e in b["exceptions"]:
            print(f"{'':18}lake exception: {e}")
        if "click_s" in a and "click_s" in b:
            print(f"{'':18}built on a click: file {a['click_s']:.2f} s, lake {b['click_s']:.2f} s "
                  f"({b['click_s'] / a['click_s']:.2f}x)")
    print(f"\n{'page':12} {'call (ms, best of the repeats)':36}{'file':>9}{'lake':>9}{'ratio':>7}"
          f"{'lake first':>11}")
    fc = {(c["page"], c["call"]): c for c in file["calls"]["calls"]}
    for c in lake["calls"]["calls"]:
        a = fc.get((c["page"], c["call"]))
        if a is None:
            continue
        print(f"{c['page']:12} {c['call']:36}{a['best_ms']:9.1f}{c['best_ms']:9.1f}"
              f"{c['best_ms'] / a['best_ms']:7.2f}{c['first_ms']:11.1f}")
    print(f"\npeak RSS: file {max(file['calls']['peak_rss_mb'], file['pages']['peak_rss_mb']):.0f} MB, "
          f"lake {max(lake['calls']['peak_rss_mb'], lake['pages']['peak_rss_mb']):.0f} MB")
    print(f"pages over {LAKE_TARGET_RATIO}x the file: {len(over)} of {len(fp)}"
          + (": " + "; ".join(f"{t} ({', '.join(f)})" for t, f in over) if over else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="of " + ", ".join(SIZES))
    parser.add_argument("--backend", choices=["file", "lake", "both"], default="file",
                        help="the DuckDB file, the shared store (DuckLake), or both, compared")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page-runs", type=int, default=1,
                        help="measure the pages this many times (per backend, alternating); "
                             "each page's fastest run is kept")
    parser.add_argument("--timeout", type=float, default=300.0, help="AppTest timeout per run, s")
    parser.add_argument("--warm", type=int, default=1,
                        help="warm runs of each page: the best is reported (and the median)")
    parser.add_argument("--only", choices=["calls", "pages"], help="measure only these")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", choices=["calls", "pages"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        out = (measure_calls(args.db, args.repeat) if args.child == "calls"
               else measure_pages(args.db, args.timeout, args.warm))
        print(json.dumps(out))
        return
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start; "
          f"databases in {cache_dir()}")
    backends = ["file", "lake"] if args.backend == "both" else [args.backend]
    results: dict[str, dict[str, dict[str, Any]]] = {b: {} for b in backends}
    with ExitStack() as stack:
        cluster = stack.enter_context(postgres()) if "lake" in backends else None
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix="lake-", dir=cache_dir()))) if cluster else None
        for size in args.sizes.split(","):
            path, built = database(SIZES[size], args.rebuild)
            print(f"{size}: {path.name}" + (f" built in {built:.1f} s" if built else " (cached)"),
                  flush=True)
            targets = {"file": str(path)}
            stores: dict[str, Any] = {}
            if cluster is not None and data is not None:
                name = f"lake_{size.lower()}"
                targets["lake"], stores = lake_store(path, cluster, name, data / name)
                print(f"{size} lake: migrated in {stores['migrate_s']:.1f} s, copied in "
                      f"{stores['copy_s']:.1f} s, {stores['maintenance']} in "
                      f"{stores['maintain_s']:.1f} s; data files "
                      f"{sum(stores['files_before'].values())} -> "
                      f"{sum(stores['files_after'].values())} (action_status "
                      f"{stores['files_before'].get('action_status')} -> "
                      f"{stores['files_after'].get('action_status')})", flush=True)
            for backend in backends:  # each child's figures beside the other backend's
                results[backend][size] = {"build_s": built, "store": stores if backend == "lake" else {}}
            for backend in backends:
                results[backend][size]["calls"] = (
                    child("calls", targets[backend], args.repeat, args.timeout)
                    if args.only != "pages" else {"rows": 0, "calls": [], "peak_rss_mb": 0.0})
            for _ in range(args.page_runs):  # alternating, so both see the same load
                for backend in backends:
                    if args.only == "calls":
                        results[backend][size]["pages"] = {"pages": [], "peak_rss_mb": 0.0}
                        continue
                    run = child("pages", targets[backend], args.repeat, args.timeout, args.warm)
                    kept = results[backend][size].get("pages")
                    results[backend][size]["pages"] = run if kept is None else fastest(kept, run)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    for backend in backends:
        print(f"\n######## {backend} ########")
        report(results[backend])
    if len(backends) == 2:
        for size in results["file"]:
            compare(results["file"][size], results["lake"][size], size)
    if args.json:
        out = results if len(backends) == 2 else results[backends[0]]
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
