"""A small hand-made history of status reports, inserted row by row, for the metrics tests.

Three departments in the register (Finance, Health, Works), objectives SO1–SO4, three months:

| upload | department | period  | submitted   | notes                                             |
| ------ | ---------- | ------- | ----------- | ------------------------------------------------- |
| 1      | Finance    | 2025-01 | 2025-02-03  | on time                                           |
| 2      | Finance    | 2025-02 | 2025-03-05  | replaced by 3 (is_current FALSE): rows ignored    |
| 3      | Finance    | 2025-02 | 2025-03-10  | the correction; first accepted (2) was on time    |
| 4      | Finance    | 2025-03 | 2025-04-04  | on time; 2 warnings over 6 rows                   |
| 5      | Health     | 2025-01 | 2025-02-06  | on time                                           |
| -      | Health     | 2025-02 | -           | missing                                           |
| 6      | Health     | 2025-03 | 2025-04-15  | LATE (deadline 2025-04-07)                        |
| 7      | Works      | 2025-01 | 2025-02-07  | on time (on the deadline day)                     |
| 8      | Works      | 2025-02 | 2025-03-02  | on time                                           |
| 9      | Works      | 2025-03 | 2025-04-01  | rejected                                          |
| 10     | Works      | 2025-03 | 2025-04-02  | on time                                           |

Every figure the tests expect was worked out by hand from the tables below.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ingest import db
from ingest.db import Connection

PERIOD_END = {"2025-01": date(2025, 1, 31), "2025-02": date(2025, 2, 28), "2025-03": date(2025, 3, 31)}
REGISTER = ("SO1", "SO2", "SO3", "SO4")

# (upload_id, department, period, submitted_at, status, is_current, row_count, warning_count)
UPLOADS = [
    (1, "Finance", "2025-01", datetime(2025, 2, 3, 9), "accepted", True, 5, 0),
    (2, "Finance", "2025-02", datetime(2025, 3, 5, 9), "accepted", False, 7, 0),
    (3, "Finance", "2025-02", datetime(2025, 3, 10, 9), "accepted", True, 6, 0),
    (4, "Finance", "2025-03", datetime(2025, 4, 4, 9), "accepted", True, 6, 2),
    (5, "Health", "2025-01", datetime(2025, 2, 6, 9), "accepted", True, 3, 0),
    (6, "Health", "2025-03", datetime(2025, 4, 15, 9), "accepted", True, 3, 1),
    (7, "Works", "2025-01", datetime(2025, 2, 7, 16), "accepted", True, 2, 0),
    (8, "Works", "2025-02", datetime(2025, 3, 2, 9), "accepted", True, 3, 0),
    (9, "Works", "2025-03", datetime(2025, 4, 1, 9), "rejected", False, 0, 0),
    (10, "Works", "2025-03", datetime(2025, 4, 2, 9), "accepted", True, 3, 0),
]

# The fields of each action that do not change from month to month.
PLANS: dict[tuple[str, str], dict[str, Any]] = {
    ("Finance", "F1"): dict(action="Roll out new procurement system across all units",
                            objective_id="SO1", responsible="CFO", budget_allocated=100000.0,
                            start_date=date(2024, 12, 1), success_metric="Units live",
                            target=10.0),
    ("Finance", "F2"): dict(action="Review and update the asset register", objective_id="SO1",
                            responsible="Asset manager", budget_allocated=50000.0,
                            start_date=date(2025, 1, 1), success_metric="Unreconciled assets",
                            target=100.0, metric_direction="decrease"),
    ("Finance", "F3"): dict(action="Train finance staff on the new budgeting rules",
                            objective_id="SO2", responsible="HR partner",
                            budget_allocated=20000.0, start_date=date(2025, 1, 1),
                            success_metric="Staff trained", target=40.0),
    ("Finance", "F4"): dict(action="Open a satellite cash office", objective_id="SO4",
                            responsible="Treasurer", budget_allocated=80000.0,
                            start_date=date(2025, 1, 1)),
    ("Finance", "F5"): dict(action="Digitise invoices", objective_id="SO9",
                            responsible="Clerk", resources="Scanner"),
    ("Finance", "F6"): dict(action="Complete the annual internal audit plan", objective_id="SO2",
                            budget_allocated=30000.0, start_date=date(2025, 1, 15),
                            success_metric="Audits done", target=12.0),
    ("Health", "H1"): dict(action="Build two new community health clinics", objective_id="SO3",
                           responsible="Director Health", budget_allocated=500000.0,
                           start_date=date(2024, 10, 1), due_date=date(2025, 6, 30),
                           success_metric="Clinics built", target=2.0, actual=0.0),
    ("Health", "H2"): dict(action="Vaccinate children in rural districts", objective_id="SO2",
                           responsible="Nurse manager", budget_allocated=0.0, resources="Nurses",
                           start_date=date(2025, 1, 1), due_date=date(2025, 3, 31),
                           success_metric="Children vaccinated", target=10000.0),
    ("Health", "H3"): dict(action="Reduce patient waiting times at clinics", objective_id="SO2",
                           responsible="Clinic manager", budget_allocated=40000.0,
                           start_date=date(2025, 1, 1), due_date=date(2025, 2, 28),
                           success_metric="Mean wait (min)", target=30.0,
                           metric_direction="decrease"),
    ("Works", "W1"): dict(action="Resurface the main access road to the depot",
                          objective_id="SO3", responsible="Roads engineer",
                          budget_allocated=200000.0, start_date=date(2024, 11, 1),
                          due_date=date(2025, 2, 28), success_metric="Km resurfaced", target=5.0),
    ("Works", "W2"): dict(action="Repair storm water drains in Ward 5", objective_id="SO1",
                          responsible="Foreman", budget_allocated=60000.0,
                          start_date=date(2025, 2, 1), success_metric="Drains repaired",
                          target=20.0),
    ("Works", "W3"): dict(action="Install solar street lights in town", objective_id="SO1",
                          responsible="Electrician", budget_allocated=90000.0,
                          start_date=date(2025, 4, 1), due_date=date(2025, 9, 30)),
}

D = date
# (upload_id, department, action_id) -> the fields reported that month
REPORTS: dict[tuple[int, str, str], dict[str, Any]] = {
    # Finance, January (upload 1)
    (1, "Finance", "F1"): dict(status="In progress", percent_complete=40.0, budget_spent=30000.0,
                               due_date=D(2025, 2, 28)),
    (1, "Finance", "F2"): dict(status="In progress", percent_complete=10.0, due_date=D(2025, 3, 31)),
    (1, "Finance", "F3"): dict(status="In progress", percent_complete=50.0, due_date=D(2025, 2, 28)),
    (1, "Finance", "F4"): dict(status="In progress", percent_complete=10.0, due_date=D(2025, 6, 30)),
    (1, "Finance", "F5"): dict(status="Not started", percent_complete=0.0, due_text="Ongoing"),
    # Finance, February, first version (upload 2, replaced): nothing here may count
    (2, "Finance", "F1"): dict(status="Completed", percent_complete=100.0,
                               completion_date=D(2025, 2, 1), due_date=D(2025, 2, 28)),
    (2, "Finance", "F2"): dict(status="Completed", percent_complete=100.0, due_date=D(2025, 3, 31)),
    (2, "Finance", "F3"): dict(status="Completed", percent_complete=100.0, due_date=D(2025, 2, 28)),
    (2, "Finance", "F4"): dict(status="Completed", percent_complete=100.0, due_date=D(2025, 6, 30)),
    (2, "Finance", "F5"): dict(status="Completed", percent_complete=100.0, due_date=D(2025, 1, 1)),
    (2, "Finance", "F6"): dict(status="Completed", percent_complete=100.0, due_date=D(2025, 1, 1)),
    (2, "Finance", "F9"): dict(status="Delayed", percent_complete=5.0, due_date=D(2025, 1, 1),
                               action="A row of the replaced version only"),
    # Finance, February, the correction (upload 3)
    (3, "Finance", "F1"): dict(status="In progress", percent_complete=70.0, budget_spent=60000.0,
                               due_date=D(2025, 2, 28)),
    (3, "Finance", "F2"): dict(status="In progress", percent_complete=30.0, due_date=D(2025, 4, 30)),
    (3, "Finance", "F3"): dict(status="Completed", percent_complete=100.0,
                               completion_date=D(2025, 2, 20), due_date=D(2025, 2, 28)),
    (3, "Finance", "F4"): dict(status="On hold", percent_complete=10.0, due_date=D(2025, 6, 30)),
    (3, "Finance", "F5"): dict(status="Not started", percent_complete=0.0, due_text="Ongoing"),
    (3, "Finance", "F6"): dict(status="In progress", percent_complete=20.0, due_date=D(2025, 3, 15)),
    # Finance, March (upload 4)
    (4, "Finance", "F1"): dict(status="Completed", percent_complete=100.0, budget_spent=90000.0,
                               completion_date=D(2025, 3, 15), due_date=D(2025, 2, 28),
                               actual=10.0, quality_review="Meets"),
    (4, "Finance", "F2"): dict(status="Delayed", percent_complete=50.0, budget_spent=60000.0,
                               due_date=D(2025, 5, 31), actual=150.0, reason_code="Scope changed",
                               risk="+ supplier may walk away", comments="-5 days behind the revised plan"),
    (4, "Finance", "F3"): dict(status="Completed", percent_complete=100.0, budget_spent=18000.0,
                               completion_date=D(2025, 2, 20), due_date=D(2025, 2, 28),
                               actual=35.0, quality_review="Partially meets"),
    (4, "Finance", "F4"): dict(status="Cancelled", percent_complete=10.0, budget_spent=5000.0,
                               due_date=D(2025, 6, 30)),
    (4, "Finance", "F5"): dict(status="Not started", percent_complete=0.0, due_text="Ongoing"),
    (4, "Finance", "F6"): dict(status="At risk", percent_complete=60.0, budget_spent=10000.0,
                               due_date=D(2025, 3, 15), reason_code="Blocked by resources",
                               comments="=SUM(A1)"),
    # Health, January (upload 5); February missing
    (5, "Health", "H1"): dict(status="In progress", percent_complete=20.0, budget_spent=100000.0),
    (5, "Health", "H2"): dict(status="In progress", percent_complete=50.0),
    (5, "Health", "H3"): dict(status="Not started", percent_complete=0.0),
    # Health, March (upload 6, late)
    (6, "Health", "H1"): dict(status="In progress", percent_complete=35.0, budget_spent=200000.0),
    (6, "Health", "H2"): dict(status="Completed", percent_complete=100.0,
                              completion_date=D(2025, 3, 20), actual=12000.0,
                              quality_review="Does not meet"),
    (6, "Health", "H3"): dict(status="On hold", percent_complete=0.0, budget_spent=0.0,
                              actual=25.0, reason_code="Blocked by dependency"),
    # Works, January (upload 7)
    (7, "Works", "W1"): dict(status="In progress", percent_complete=60.0, budget_spent=150000.0),
    (7, "Works", "W2"): dict(status="Not started", percent_complete=0.0, due_date=D(2025, 3, 31)),
    # Works, February (upload 8)
    (8, "Works", "W1"): dict(status="In progress", percent_complete=90.0, budget_spent=220000.0),
    (8, "Works", "W2"): dict(status="In progress", percent_complete=40.0, due_date=D(2025, 4, 30)),
    (8, "Works", "W3"): dict(status="Not started", percent_complete=0.0),
    # Works, March (upload 10)
    (10, "Works", "W1"): dict(status="Completed", percent_complete=100.0, budget_spent=250000.0,
                              quality_review="Meets"),
    (10, "Works", "W2"): dict(status="In progress", percent_complete=75.0, budget_spent=30000.0,
                              due_date=D(2025, 4, 30), actual=16.0),
    (10, "Works", "W3"): dict(status="Not started", percent_complete=0.0, budget_spent=0.0),
}

# (department, action_id) -> baseline_due_date, worked out by hand: the due date of the first
# current report that had one (F5 never had one; F6 and W3 first appear in February).
BASELINES: dict[tuple[str, str], date | None] = {
    ("Finance", "F1"): D(2025, 2, 28), ("Finance", "F2"): D(2025, 3, 31),
    ("Finance", "F3"): D(2025, 2, 28), ("Finance", "F4"): D(2025, 6, 30),
    ("Finance", "F5"): None, ("Finance", "F6"): D(2025, 3, 15),
    ("Health", "H1"): D(2025, 6, 30), ("Health", "H2"): D(2025, 3, 31),
    ("Health", "H3"): D(2025, 2, 28),
    ("Works", "W1"): D(2025, 2, 28), ("Works", "W2"): D(2025, 3, 31),
    ("Works", "W3"): D(2025, 9, 30),
}


def add_register(con: Connection, version: int, objectives: tuple[str, ...]) -> None:
    """One register version listing these objectives."""
    con.execute(
        "INSERT INTO register_versions VALUES ($v, $sha, 'register.xlsx', 'policy', "
        "TIMESTAMP '2025-01-01 08:00:00', $n, 3)",
        {"v": version, "sha": f"reg{version}", "n": len(objectives)},
    )
    for i, objective_id in enumerate(objectives, start=1):
        con.execute(
            "INSERT INTO objectives VALUES ($v, $id, $title, 'Pillar', 'Owner', 'FY2025', $p)",
            {"v": version, "id": objective_id, "title": f"Objective {objective_id}", "p": i},
        )


def add_department(con: Connection, name: str, in_register: bool = True) -> None:
    """One department."""
    con.execute(
        "INSERT INTO departments VALUES ($d, 'Head', 'head@example.org', $r, "
        "TIMESTAMP '2025-01-01 08:00:00')",
        {"d": name, "r": in_register},
    )


def add_upload(con: Connection, upload: tuple[Any, ...]) -> None:
    """One department report as the uploads table holds it."""
    upload_id, department, period, submitted, status, current, rows, warnings = upload
    con.execute(
        "INSERT INTO uploads (upload_id, sha256, file_name, department, period, uploaded_by, "
        "uploaded_at, submitted_at, status, is_current, register_version, sheet, row_count, "
        "warning_count) VALUES ($id, $sha, $file, $d, $p, 'tester', $at, $at, $s, $c, 1, "
        "'Actions', $rows, $w)",
        {"id": upload_id, "sha": f"sha{upload_id}", "file": f"{department}_{period}.xlsx",
         "d": department, "p": period, "at": submitted, "s": status, "c": current,
         "rows": rows, "w": warnings},
    )


def add_status(con: Connection, upload_id: int, department: str, action_id: str,
               fields: dict[str, Any], source_row: int, current: bool) -> None:
    """One action_status row: the action's plan fields overlaid with what that month reported."""
    period = next(u[2] for u in UPLOADS if u[0] == upload_id)
    row: dict[str, Any] = dict(
        action=None, objective_id=None, responsible=None, resources=None,
        budget_allocated=None, budget_spent=None, start_date=None, due_date=None, due_text=None,
        percent_complete=None, completion_date=None, success_metric=None, target=None,
        actual=None, metric_direction="increase", quality_review=None, risk=None,
        risk_level=None, mitigation=None, reason_code=None, comments=None,
    )
    row.update(PLANS.get((department, action_id), {}))
    row.update(fields)
    row.update(upload_id=upload_id, department=department, period=period,
               period_end=PERIOD_END[period], action_id=action_id,
               objective_valid=row["objective_id"] in REGISTER, sheet="Actions",
               source_row=source_row, is_current=current)
    columns = ", ".join(row)
    values = ", ".join(f"${name}" for name in row)
    con.execute(f"INSERT INTO action_status ({columns}) VALUES ({values})", row)


def add_action(con: Connection, department: str, action_id: str) -> None:
    """The actions row: latest plan fields, the hand-worked baseline, first and last period."""
    periods = sorted(
        next(u[2] for u in UPLOADS if u[0] == uid)
        for (uid, d, a) in REPORTS
        if d == department and a == action_id and next(u[5] for u in UPLOADS if u[0] == uid)
    )
    plan = PLANS[(department, action_id)]
    con.execute(
        "INSERT INTO actions VALUES ($d, $a, $action, $o, $r, $b, $s, NULL, $base, $first, $last)",
        {"d": department, "a": action_id, "action": plan["action"],
         "o": plan.get("objective_id"), "r": plan.get("responsible"),
         "b": plan.get("budget_allocated"), "s": plan.get("start_date"),
         "base": BASELINES[(department, action_id)], "first": periods[0], "last": periods[-1]},
    )


def build(con: Connection) -> Connection:
    """Insert the whole history into a freshly migrated database."""
    add_register(con, 1, REGISTER)
    for name in ("Finance", "Health", "Works"):
        add_department(con, name)
    for upload in UPLOADS:
        add_upload(con, upload)
    current = {u[0]: u[5] for u in UPLOADS}
    for n, ((upload_id, department, action_id), fields) in enumerate(REPORTS.items()):
        add_status(con, upload_id, department, action_id, fields, source_row=2 + n % 7,
                   current=current[upload_id])
    for department, action_id in PLANS:
        add_action(con, department, action_id)
    refresh_moves(con)
    return con


def refresh_moves(con: Connection) -> None:
    """`due_date_moves` from the rows in force, as loading leaves it (ingest.derived.refresh_derived):
    for a test that changes rows after `build`."""
    con.execute("DELETE FROM due_date_moves")
    con.execute(db.sql("refresh_moves_insert"), {"departments": []})
