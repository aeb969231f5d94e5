"""The plan carries over (README "The plan carries over"): what a report leaves out of its plan.

An action, once reported, stays in its department's plan until a report marks it Cancelled. A
report that leaves out an open action still counts it, carried forward with its last reported
fields (migration 007), and the upload warns about each one; a Completed action left out is
carried silently. A portfolio snapshot (`absent_actions = "left"`) means the opposite: an action
it leaves out has left the plan.
"""

from __future__ import annotations

import pandas as pd

from ingest import db
from ingest.dates import Period
from ingest.parse import DepartmentReport, ParsedFile
from ingest.problems import Problem

OPEN = "open"
DONE = "completed"


_sql = db.sql  # ingest/sql/<name>.sql, its fragments included


def left_out(con: db.Connection, report: DepartmentReport) -> pd.DataFrame:
    """The actions of the department's plan before the report's month that the report does not list.

    Columns: action_id, action, status, percent_complete, due_date, last_reported (YYYY-MM), kind
    ("open" or "completed")."""
    plan = con.execute(_sql("plan_before"), {"d": report.department, "p": report.period.key}).df()
    listed = set(report.frame["action_id"].astype(str))
    missing = plan[~plan["action_id"].astype(str).isin(listed)].copy()
    missing["kind"] = [DONE if s == "Completed" else OPEN for s in missing["status"]]
    return missing.reset_index(drop=True)


def _month(key: str) -> str:
    return Period(int(key[:4]), int(key[5:7])).label


def warnings_for(con: db.Connection, report: DepartmentReport, sheet: str | None) -> list[Problem]:
    """One warning for each open action of the plan the report leaves out ("not reported in <month>")."""
    missing = left_out(con, report)
    month = report.period.label
    return [
        Problem("warning",
                f"{r.action_id} ({r.action}) was in the plan, last reported in {_month(r.last_reported)} as "
                f"{r.status}, and is not in this report: it is carried forward with those figures and marked "
                f"not reported in {month}. Report it, or mark it Cancelled with a reason.",
                sheet=sheet, header="Action ID", value=str(r.action_id))
        for r in missing.itertuples() if r.kind == OPEN
    ]


def add_plan_warnings(con: db.Connection, parsed: ParsedFile, absence: str) -> None:
    """Add to each report of `parsed` the warnings for the open actions it leaves out (once; none for a
    portfolio snapshot, whose absent actions have left the plan)."""
    if absence != "carried":
        return
    for report in parsed.reports:
        if report.plan_checked:
            continue
        found = warnings_for(con, report, parsed.sheet)
        report.problems.extend(found)
        parsed.problems.extend(found)
        report.plan_checked = True
