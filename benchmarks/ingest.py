"""How fast reports load, against what merely reading them costs.

Generates --files report workbooks of --rows action rows each (default 240 x 250: 20
departments x 12 months) into a temporary folder, written the way departments write them (as in
sample_data/): five house styles with synonym headers, a metadata block, a title row, text dates
(`30/06/2025`, `30-06-2025`, ISO), money as text (`R 350 000`, `ZAR 1,200,000.00`), progress as
fractions or `45%`, status synonyms (`On track`, `Behind schedule`, `Done`), timeline phrases
(`End of Q2`, `Week 2 and Week 4 (June)`, `Ongoing`), a totals row, unknown columns. Seeded, so
every run reads the same bytes. Every file is valid (SPEC §2.4); some carry warnings.

Then, in one run, on the same bytes held in memory:
- calamine: python-calamine opening each workbook and reading its report sheet to Python rows
  (the floor: what any reader must do);
- openpyxl: `pandas.read_excel(engine="openpyxl")` reading the same sheet;
- full load, bulk: `ingest.bulk.load_files` — what `python -m ingest load FILE...` does — loading
  every file into a fresh DuckDB database that holds the register (read, locate, map headers,
  parse values, validate in worker processes, one per core; store in one transaction per batch);
- full load, file by file: `ingest.load.load_file` of each file in turn (what an upload from the
  app does, without the app's worker process), also split into its stages (options, read, parse
  and validate, store).
It prints rows/s and the ratios against the targets of issue 6 (full load <= 1.3x the calamine
read; >= 3.5x faster than the openpyxl read), then the top costs of the file-by-file load under
cProfile.

Run: python benchmarks/ingest.py [--files 240 --rows 250] [--profile-files 40] [--keep DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

# run as `python benchmarks/ingest.py`, this file's folder would come first on sys.path and shadow
# the ingest package with this very file: import from the repository root instead
if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import cProfile
import io
import os
import pstats
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
import python_calamine as pc
from openpyxl import Workbook

from ingest import db
from ingest.access import SYSTEM
from ingest.bulk import load_files
from ingest.load import load_file, options_for, store
from ingest.parse import parse_workbook
from ingest.read import read_workbook
from ingest.register import load_register

FULL_VS_CALAMINE_TARGET, OPENPYXL_VS_FULL_TARGET = 1.3, 3.5
DEPARTMENTS = [
    "Finance", "Human Resources", "Operations", "Information Technology", "Legal and Compliance",
    "Strategy and Planning", "Supply Chain", "Communications", "Public Works", "Health Services",
    "Community Safety", "Housing", "Water and Sanitation", "Transport", "Economic Development",
    "Social Development", "Education", "Environment", "Revenue", "Internal Audit",
]
OBJECTIVES = [f"SO{i}" for i in range(1, 21)]
STATUSES = ["Not started", "In progress", "In progress", "In progress", "At risk", "Delayed",
            "On hold", "Completed", "Completed", "Cancelled"]
REASONS = ["Blocked by resources", "Blocked by dependency", "Postponed", "Other"]
VERBS = ["Roll out", "Review and update", "Train staff on", "Procure", "Implement", "Digitise"]
THINGS = ["the procurement system", "the asset register", "the wellness programme",
          "the records policy", "the fleet plan", "the client portal", "the budget module"]
PLACES = ["at head office", "in all regional offices", "at three depots", "in the call centre"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]


@dataclass(frozen=True)
class Style:
    """How one department's report is written."""

    sheet: str
    headers: dict[str, str]  # canonical -> header written
    title: bool
    meta: str  # "label" (Department | X), "colon" (Department: | X), "none" (file name only)
    period_format: str
    dates: str  # cell | dmy_slash | dmy_dash | iso
    money: str  # number | rand | zar
    percent: str  # number | fraction | text
    statuses: dict[str, str]
    phrases: bool  # due dates as timeline phrases
    totals: bool
    extra: str | None  # an unknown column


STYLES = [
    Style("Actions", {"action_id": "Ref", "action": "Activity", "objective_id": "Strategic Objective",
                      "responsible": "Owner", "budget_allocated": "Budget (ZAR)",
                      "budget_spent": "Actual Spend", "start_date": "Start Date", "due_date": "Deadline",
                      "status": "Status", "percent_complete": "Progress (%)",
                      "completion_date": "Completed On", "success_metric": "KPI", "target": "Target",
                      "actual": "Achieved", "quality_review": "Quality", "risk": "Risks",
                      "risk_level": "Risk Rating", "reason_code": "Variance Reason",
                      "comments": "Comments"},
          True, "label", "%B %Y", "cell", "number", "number", {}, False, True, None),
    Style("Action Plan", {"action_id": "Action No", "action": "Specific Action", "objective_id": "Goal",
                          "responsible": "Responsible Party", "resources": "Resources Required",
                          "budget_allocated": "Allocated Budget", "budget_spent": "Expenditure",
                          "start_date": "Start", "due_date": "Target Date", "status": "State",
                          "percent_complete": "% Complete", "completion_date": "Date Completed",
                          "success_metric": "Indicator", "target": "Target Value",
                          "actual": "Actual Value", "quality_review": "Meets Standard",
                          "reason_code": "Delay Reason", "comments": "Remarks"},
          False, "colon", "%Y-%m", "dmy_slash", "rand", "number",
          {"In progress": "On track", "Delayed": "Behind schedule", "Completed": "Done"}, False,
          False, None),
    Style("Actions", {"action_id": "ID", "action": "Task", "objective_id": "Objective",
                      "responsible": "Lead", "budget_allocated": "Budget", "budget_spent": "Spent",
                      "start_date": "Start Date", "due_date": "Timeline", "status": "Status",
                      "percent_complete": "Completion", "completion_date": "Actual Completion Date",
                      "success_metric": "Measure", "target": "Target", "actual": "Actual",
                      "metric_direction": "Direction", "risk": "Risks/Challenges",
                      "mitigation": "Mitigation Plan", "reason_code": "Reason", "comments": "Notes"},
          False, "label", "%b %Y", "cell", "number", "fraction",
          {"At risk": "At Risk", "Completed": "Complete"}, True, False, "Region"),
    Style("Status report", {"action_id": "Action Step", "action": "Description",
                            "objective_id": "Goal ID", "responsible": "Assigned To",
                            "resources": "Resources Needed", "budget_allocated": "Budget Allocated",
                            "budget_spent": "Actual Cost", "start_date": "Start",
                            "due_date": "Due Date", "status": "Status",
                            "percent_complete": "Percent Complete", "completion_date": "Completed On",
                            "success_metric": "Success Metric", "target": "Target",
                            "actual": "Actual", "quality_review": "Quality Review",
                            "risk_level": "Risk Level", "reason_code": "Reason Code",
                            "comments": "Comments"},
          True, "label", "%B %Y", "dmy_dash", "zar", "text", {}, False, False, None),
    Style("Actions", {"action_id": "action_id", "action": "action", "department": "department",
                      "objective_id": "objective_id", "responsible": "responsible",
                      "budget_allocated": "budget_allocated", "budget_spent": "budget_spent",
                      "start_date": "start_date", "due_date": "due_date", "status": "status",
                      "percent_complete": "percent_complete", "completion_date": "completion_date",
                      "success_metric": "success_metric", "target": "target", "actual": "actual",
                      "reason_code": "reason_code", "comments": "comments"},
          False, "none", "%Y-%m", "iso", "number", "number", {}, False, False, "vendor"),
]


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))


def write_date(value: date | None, style: Style) -> Any:
    if value is None:
        return None
    return {"cell": value, "dmy_slash": value.strftime("%d/%m/%Y"),
            "dmy_dash": value.strftime("%d-%m-%Y"), "iso": value.isoformat()}[style.dates]


def write_money(value: float | None, style: Style) -> Any:
    if value is None:
        return None
    if style.money == "rand":
        return f"R {value:,.0f}".replace(",", " ")
    if style.money == "zar":
        return f"ZAR {value:,.2f}"
    return value


def phrase(due: date, period_year: int, rng: random.Random) -> tuple[str, date | None]:
    """A timeline phrase for a due date in the reporting year, and the date it stands for."""
    month = MONTH_NAMES[due.month - 1]
    pick = rng.random()
    if pick < 0.3:
        return f"End of {month}", month_end(period_year, due.month)
    if pick < 0.5:
        q = (due.month - 1) // 3 + 1
        return f"End of Q{q}", month_end(period_year, 3 * q)
    if pick < 0.65:
        return f"Week 2 and Week 4 ({month})", min(date(period_year, due.month, 28),
                                                 month_end(period_year, due.month))
    if pick < 0.75:
        return "Ongoing", None
    return f"Week 3 ({month})", date(period_year, due.month, 21)


def report_rows(dept_no: int, year: int, month: int, rows: int, rng: random.Random,
                style: Style) -> list[dict[str, Any]]:
    """`rows` valid actions of one department for one month, in canonical form then rendered."""
    period_end = month_end(year, month)
    out = []
    for i in range(rows):
        status = rng.choice(STATUSES)
        start = period_end - timedelta(days=rng.randint(10, 240))  # started before the month ended
        due = start + timedelta(days=rng.randint(60, 300))
        due_cell: Any = write_date(due, style)
        if style.phrases and due.year == year:
            due_cell, resolved = phrase(due, year, rng)
            if resolved is not None and resolved < start:
                start = resolved - timedelta(days=30)
        pct = 100 if status == "Completed" else (0 if status == "Not started" else rng.randint(5, 95))
        done = None
        if status == "Completed":
            done = min(period_end, start + timedelta(days=rng.randint(5, 200)))
        budget = float(rng.randint(1, 400) * 5000) if rng.random() > 0.1 else None
        spent = round(budget * pct / 100 * rng.uniform(0.7, 1.1), -2) if budget else None
        target = float(rng.randint(5, 200))
        row = {
            "action_id": f"{dept_no:02d}-{i + 1:03d}" if style.headers["action_id"] != "Action No"
            else f"{i // 10 + 1}.{i % 10 + 1}",
            "action": f"{rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(PLACES)}",
            "department": DEPARTMENTS[dept_no],
            "objective_id": rng.choice(OBJECTIVES) if rng.random() > 0.03 else "SO99",
            "responsible": f"Official {rng.randint(1, 60)}",
            "resources": "Staff time and a service provider" if rng.random() > 0.5 else None,
            "budget_allocated": write_money(budget, style),
            "budget_spent": write_money(spent, style),
            "start_date": write_date(start, style),
            "due_date": due_cell,
            "status": style.statuses.get(status, status),
            "percent_complete": {"number": pct, "fraction": pct / 100, "text": f"{pct}%"}[style.percent],
            "completion_date": write_date(done, style),
            "success_metric": "Units delivered",
            "target": target,
            "actual": round(target * pct / 100, 1) if status != "Not started" else None,
            "metric_direction": "increase" if rng.random() > 0.1 else "decrease",
            "quality_review": ({"Meets": "Yes", "Partially meets": "Partial"}
                               if style.sheet == "Action Plan" else {}).get(q := rng.choice(
                                   ["Meets", "Meets", "Partially meets"]), q)
            if status == "Completed" else None,
            "risk": "Service provider delays" if rng.random() > 0.6 else None,
            "risk_level": rng.choice(["Low", "Medium", "High"]),
            "mitigation": "Weekly progress meetings",
            "reason_code": rng.choice(REASONS) if status in ("At risk", "Delayed", "On hold") else None,
            "comments": rng.choice(["Progress in line with plan", "Stakeholder workshop held",
                                    "Draft circulated for comment", "Escalated to EXCO", None]),
        }
        out.append(row)
    return out


def workbook(dept_no: int, year: int, month: int, rows: int, rng: random.Random) -> tuple[str, bytes]:
    """(file name, bytes) of one department's report for one month."""
    style = STYLES[dept_no % len(STYLES)]
    dept = DEPARTMENTS[dept_no]
    period = date(year, month, 1)
    wb = Workbook(write_only=True)
    if style.sheet == "Action Plan":
        notes = wb.create_sheet("Instructions")
        notes.append(["How to complete this report"])
        notes.append(["Update status, progress and spend for every activity on the Action Plan sheet."])
    ws = wb.create_sheet(style.sheet)
    if style.title:
        ws.append([f"{dept} — monthly status report"])
        ws.append([])
    submitted = month_end(year, month) + timedelta(days=rng.randint(1, 10))
    if style.meta != "none":
        colon = ":" if style.meta == "colon" else ""
        ws.append([f"Department{colon}", dept])
        ws.append([f"Reporting period{colon}", period.strftime(style.period_format)])
        ws.append([f"Prepared by{colon}", f"Head of {dept}"])
        ws.append([f"Date submitted{colon}", submitted.strftime("%d/%m/%Y")])
        ws.append([])
    columns = list(style.headers)
    header = [style.headers[c] for c in columns] + ([style.extra] if style.extra else [])
    ws.append(header)
    body = report_rows(dept_no, year, month, rows, rng, style)
    for r in body:
        ws.append([r[c] for c in columns] + (["All regions"] if style.extra else []))
    if style.totals:
        total: list[Any] = [None] * len(header)
        total[0] = "Total"
        ws.append(total)
    buffer = io.BytesIO()
    wb.save(buffer)
    sep = " " if dept_no % 2 else "_"
    return f"{dept}{sep}{year}-{month:02d}.xlsx", buffer.getvalue()


def register_workbook() -> bytes:
    """The strategy register: 20 objectives and the 20 departments."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Objectives"
    ws.append(["objective_id", "objective", "pillar", "owner", "period", "priority"])
    for i, oid in enumerate(OBJECTIVES, start=1):
        ws.append([oid, f"Strategic objective number {i}", "Service delivery", DEPARTMENTS[i % 20],
                   "FY2025", i % 3 + 1])
    depts = wb.create_sheet("Departments")
    depts.append(["department", "head", "email"])
    for i, name in enumerate(DEPARTMENTS):
        depts.append([name, f"Head {i}", f"head{i}@lekgotla.example"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def generate(files: int, rows: int, seed: int = 2025) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, report sheet name) of every report: department-major, 12 months each."""
    rng = random.Random(seed)
    out = []
    for n in range(files):
        dept_no, month = n // 12 % len(DEPARTMENTS), n % 12 + 1
        year = 2024 + n // (12 * len(DEPARTMENTS))
        name, data = workbook(dept_no, year, month, rows, rng)
        out.append((name, data, STYLES[dept_no % len(STYLES)].sheet))
    return out


def timed(fn: Any, items: list[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def calamine_read(item: tuple[str, bytes, str]) -> list[list[Any]]:
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(item[1]))
    return book.get_sheet_by_name(item[2]).to_python(skip_empty_area=False)


def openpyxl_read(item: tuple[str, bytes, str]) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(item[1]), sheet_name=item[2], header=None, engine="openpyxl")


def fresh_database(folder: Path, name: str) -> db.Connection:
    path = folder / name
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    con = db.connect(path)
    load_register(con, register_workbook(), "strategy_register.xlsx", who="benchmark", user=SYSTEM)
    return con


def full_load(folder: Path, reports: list[tuple[str, bytes, str]]) -> tuple[float, dict[str, float], int]:
    """Every file through load_file into a fresh database: (seconds, stage seconds, accepted)."""
    con = fresh_database(folder, "full.duckdb")
    accepted = 0
    start = time.perf_counter()
    for name, data, _ in reports:
        outcomes = load_file(con, data, name, user=SYSTEM)
        accepted += sum(o.status == "accepted" for o in outcomes)
    total = time.perf_counter() - start
    con.close()
    # the same work stage by stage (what load_file does), on another fresh database
    con = fresh_database(folder, "stages.duckdb")
    stages = dict.fromkeys(("options", "read", "parse + validate", "store"), 0.0)
    for name, data, _ in reports:
        t0 = time.perf_counter()
        opts = options_for(con)
        t1 = time.perf_counter()
        wb = read_workbook(data, name, max_bytes=opts.max_bytes, max_uncompressed=opts.max_uncompressed)
        t2 = time.perf_counter()
        parsed = parse_workbook(wb, opts)
        t3 = time.perf_counter()
        store(con, data, parsed, opts, user=SYSTEM)
        t4 = time.perf_counter()
        for key, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            stages[key] += seconds
    con.close()
    return total, stages, accepted


def bulk_load(folder: Path, reports: list[tuple[str, bytes, str]]) -> tuple[float, int]:
    """Every file through load_files (the command line's path) into a fresh database: (seconds, accepted)."""
    con = fresh_database(folder, "bulk.duckdb")
    start = time.perf_counter()
    outcomes = [o for batch in load_files(con, [(name, data) for name, data, _ in reports], user=SYSTEM)
                for o in batch]
    total = time.perf_counter() - start
    con.close()
    return total, sum(o.status == "accepted" for o in outcomes)


def profile(folder: Path, reports: list[tuple[str, bytes, str]], top: int) -> None:
    """cProfile of the full load: the functions with the most time, own and cumulative."""
    con = fresh_database(folder, "profile.duckdb")
    profiler = cProfile.Profile()
    profiler.enable()
    for name, data, _ in reports:
        load_file(con, data, name, user=SYSTEM)
    profiler.disable()
    con.close()
    stats = pstats.Stats(profiler)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "load_file")  # type: ignore[attr-defined]
    print(f"\n== cProfile of the full load of {len(reports)} files ({total:.2f} s under the profiler) ==")
    rows = []
    for (file, line, func), (_cc, calls, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = file.split("site-packages/")[-1] if "site-packages" in file else \
            os.path.relpath(file, Path(__file__).resolve().parent.parent) if file.startswith("/") else file
        rows.append((cumulative, own, calls, f"{where}:{line}({func})"))
    print(f"{'cumulative s':>12} {'own s':>8} {'calls':>9}  function (by cumulative time, ingest/ only)")
    for cumulative, own, calls, where in sorted(rows, reverse=True):
        if where.startswith("ingest/") and top > 0:
            print(f"{cumulative:12.3f} {own:8.3f} {calls:9}  {where}")
            top -= 1
    print(f"\n{'own s':>8} {'cumulative s':>12} {'calls':>9}  function (by own time, anywhere)")
    for cumulative, own, calls, where in sorted(rows, key=lambda r: -r[1])[:20]:
        print(f"{own:8.3f} {cumulative:12.3f} {calls:9}  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=240)
    parser.add_argument("--rows", type=int, default=250)
    parser.add_argument("--profile-files", type=int, default=40,
                        help="files loaded under cProfile (0: no profile)")
    parser.add_argument("--top", type=int, default=25, help="functions listed by the profile")
    parser.add_argument("--keep", type=Path, help="write the generated workbooks to this folder")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    start = time.perf_counter()
    reports = generate(args.files, args.rows)
    megabytes = sum(len(d) for _, d, _ in reports) / 1e6
    print(f"generated {len(reports)} workbooks x {args.rows} rows ({megabytes:.1f} MB) in "
          f"{time.perf_counter() - start:.1f} s")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for name, data, _ in reports:
            (args.keep / name).write_bytes(data)
    rows = len(reports) * args.rows
    with tempfile.TemporaryDirectory(prefix="lekgotla-ingest-") as tmp:
        folder = Path(tmp)
        calamine_read(reports[0])
        openpyxl_read(reports[0])  # imports paid before timing
        calamine = timed(calamine_read, reports)
        openpyxl = timed(openpyxl_read, reports)
        bulk, bulk_accepted = bulk_load(folder, reports)
        full, stages, accepted = full_load(folder, reports)
        print(f"\n== {len(reports)} files, {rows:,} action rows (one pass each) ==")
        print(f"{'':34}{'seconds':>9}{'rows/s':>11}{'ms/file':>9}")
        for label, seconds in (("calamine read (floor)", calamine), ("openpyxl read", openpyxl),
                               ("full load, bulk (load_files)", bulk),
                               ("full load, file by file (load_file)", full)):
            print(f"{label:34}{seconds:9.2f}{rows / seconds:11,.0f}{seconds / len(reports) * 1000:9.1f}")
        staged = sum(stages.values())
        print(f"\nfull load by stage (a second pass, {staged:.2f} s; read_workbook checks the file "
              "and opens it, calamine reads the sheet when parse first asks for its rows):")
        for label, seconds in stages.items():
            print(f"  {label:26}{seconds:9.2f} s {seconds / len(reports) * 1000:7.1f} ms/file "
                  f"{seconds / staged:6.0%}")
        print(f"\naccepted {bulk_accepted} (bulk) and {accepted} (file by file) of {len(reports)} files")
        for label, seconds in (("bulk", bulk), ("file by file", full)):
            slower, faster = seconds / calamine, openpyxl / seconds
            print(f"{label:>12}: full load / calamine read = {slower:5.2f}x (target <= {FULL_VS_CALAMINE_TARGET}x: "
                  f"{'met' if slower <= FULL_VS_CALAMINE_TARGET else 'not met'}); openpyxl read / full load = "
                  f"{faster:5.2f}x (target >= {OPENPYXL_VS_FULL_TARGET}x: "
                  f"{'met' if faster >= OPENPYXL_VS_FULL_TARGET else 'not met'})")
        if args.profile_files:
            profile(folder, reports[:args.profile_files], args.top)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    sys.exit(main())
