"""The plan carries over (README "The plan carries over"): what a report leaves out of its plan.

An action, once reported, stays in its department's plan until a report marks it Cancelled. A
report that leaves out an open action still counts it, carried forward with its last reported
fields (migration 007), and the upload warns about each one; a Completed action left out is
carried silently. A portfolio snapshot (`absent_actions = "left"`) means the opposite: an action
it leaves out has left the plan.
"""

from __future__ import annotations

import json

import pandas as pd

from ingest import db
from ingest.dates import Period
from ingest.dependencies import Ref, bare_department, stored_refs
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


CARRIED = "is not in this report: it is carried forward"  # in each warning below, and only there


def _carried_warning(action_id: str, action: str, last_reported: str, status: str, period: str,
                     sheet: str | None) -> Problem:
    return Problem("warning",
                   f"{action_id} ({action}) was in the plan, last reported in {_month(last_reported)} "
                   f"as {status}, and {CARRIED} with those figures and marked not reported in "
                   f"{_month(period)}. Report it, or mark it Cancelled with a reason.",
                   sheet=sheet, header="Action ID", value=str(action_id))


def warnings_for(con: db.Connection, report: DepartmentReport, sheet: str | None) -> list[Problem]:
    """One warning for each open action of the plan the report leaves out ("not reported in <month>")."""
    missing = left_out(con, report)
    return [_carried_warning(str(r.action_id), str(r.action), str(r.last_reported), str(r.status),
                             report.period.key, sheet)
            for r in missing.itertuples() if r.kind == OPEN]


def restate_warnings(con: db.Connection, department: str, since: str) -> None:
    """Bring the stored "not in this report" warnings (and warning counts) of the department's
    reports in force from `since` on up to date with the plan as rebuilt: a month loaded or
    corrected before them changes what each carries over."""
    params = {"d": department, "since": since}
    carried: dict[int, list[tuple]] = {}
    for upload_id, *row in con.execute(_sql("plan_warnings_rows"), params).fetchall():
        carried.setdefault(int(upload_id), []).append(tuple(row))
    for upload_id, period, sheet, messages in con.execute(_sql("plan_warnings_uploads"),
                                                          params).fetchall():
        stored = json.loads(messages or "[]")
        old = [i for i, p in enumerate(stored) if p.get("header") == "Action ID"
               and CARRIED in str(p.get("message"))]
        fresh = [dict(w.as_dict(), severity=w.severity)
                 for w in (_carried_warning(str(aid), str(action), str(last), str(status),
                                            str(period), sheet)
                           for aid, action, status, last in carried.get(int(upload_id), []))]
        at = old[0] if old else len(stored)  # where they were (after the file's own problems)
        dropped = set(old)
        kept = [p for i, p in enumerate(stored) if i not in dropped]
        problems = kept[:at] + fresh + kept[at:]
        if problems == stored:
            continue
        con.execute(_sql("upload_messages_update"),
                    {"m": json.dumps(problems, ensure_ascii=False, default=str), "u": upload_id,
                     "w": sum(p.get("severity") == "warning" for p in problems)})


def align_action_ids(con: db.Connection, parsed: ParsedFile) -> None:
    """Write each action ID of `parsed` as its department's history spells it, capitals aside
    ('fin-12' is the FIN-12 already reported), and each ID a "Depends on" cell names as the
    department it names spells it (a bare ID: as the department the dependency check takes it for,
    `bare_department`, spells it): one action, one ID, whatever the capitals."""
    keys: set[str] = set()
    for report in parsed.reports:
        keys.update(str(a).lower() for a in report.frame["action_id"])
        for cell in report.frame["depends_on"] if "depends_on" in report.frame.columns else ():
            keys.update(ref.action_id.lower() for ref in stored_refs(cell))
    if not keys:
        return
    spelled: dict[str, dict[str, str]] = {}  # department → lower-case ID → its latest spelling
    for dept, aid, _ in con.execute(_sql("action_id_spellings"), {"keys": sorted(keys)}).fetchall():
        spelled.setdefault(str(dept), {})[str(aid).lower()] = str(aid)
    changed: set[int] = set()
    for n, report in enumerate(parsed.reports):
        own = spelled.setdefault(report.department, {})
        ids = [own.get(str(a).lower(), a) for a in report.frame["action_id"]]
        if ids != report.frame["action_id"].tolist():
            changed.add(n)
        report.frame["action_id"] = ids
        for a in ids:  # an action new in this file: a reference to it in other capitals is to it
            own.setdefault(str(a).lower(), str(a))

    def spelling(ref: Ref, own: str) -> str:
        key = ref.action_id.lower()
        dept = ref.department or bare_department(spelled, key, own)
        return spelled.get(dept, {}).get(key, ref.action_id) if dept else ref.action_id

    for n, report in enumerate(parsed.reports):
        frame = report.frame
        if "depends_on" in frame.columns:
            refs = pd.Series(
                ["; ".join(Ref(r.department, spelling(r, report.department)).text for r in stored_refs(cell))
                 or None if isinstance(cell, str) else cell for cell in frame["depends_on"]],
                index=frame.index, dtype=object)
            if not refs.equals(frame["depends_on"]):
                changed.add(n)
            frame["depends_on"] = refs
        if n in changed:  # the rows a bulk load's worker made to store hold the spellings as read
            report.status_columns = None


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
