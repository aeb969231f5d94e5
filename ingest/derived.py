"""What derives from the reports in force, rebuilt after a change: the rows carried over, `actions`,
`due_date_moves` and `report_summary`, for the departments whose history changed (an upload, a
restore, a rename)."""

from __future__ import annotations

from ingest import db
from ingest.db import sql  # ingest/sql/<name>.sql, its fragments included
from ingest.plan import restate_warnings

Pending = dict[str, str]  # department -> the earliest period changed, whose derived rows are yet to be rebuilt


def refresh_derived(con: db.Connection, pending: Pending) -> None:
    """Rebuild the rows carried over (carried_rows), `actions` and `due_date_moves` of the departments
    pending, and their `report_summary` rows of the periods the changes can move (`report_summary_periods`
    since the earliest period changed: it and every later one, and earlier ones whose baseline may move),
    under the RAG thresholds in force; empties `pending`."""
    if not pending:
        return
    departments = sorted(pending)
    carry_pending(con, pending, set())  # first: actions and summaries count the carried rows
    for department, since in pending.items():
        restate_warnings(con, department, since)  # what each later report carries may have changed
    periods = sorted({str(r[0]) for d, since in pending.items() for r in con.execute(
        sql("report_summary_periods"), {"department": d, "since": since}).fetchall()})
    con.execute(sql("refresh_actions_delete"), {"ds": departments})
    con.execute(sql("refresh_actions_insert"), {"ds": departments})
    con.execute(sql("refresh_moves_delete"), {"ds": departments})
    con.execute(sql("refresh_moves_insert"), {"departments": departments})
    if periods:  # an empty list would mean every period to refresh_summary
        db.refresh_summary(con, departments, periods)
    pending.clear()


def carry_pending(con: db.Connection, pending: Pending, carried: set[str]) -> None:
    """Rebuild now the rows carried over of the pending departments not in `carried` (and add them
    to it): a later file of the batch is checked against the plans they are part of, before the
    batch's one `refresh_derived`."""
    for department, since in pending.items():
        if department not in carried:
            con.execute(sql("refresh_carried_delete"), {"d": department, "p": since})
            con.execute(sql("refresh_carried_insert"), {"departments": [department], "since": since})
            carried.add(department)
