"""A small hand-made history for the digest (metrics.digest): May and June 2025, three departments.

| upload | department | period  | submitted   | notes                                              |
| ------ | ---------- | ------- | ----------- | -------------------------------------------------- |
| 1      | Finance    | 2025-05 | 2025-06-05  | on time                                            |
| 2      | Health     | 2025-05 | 2025-06-06  | on time                                            |
| 3      | Works      | 2025-05 | 2025-06-04  | on time                                            |
| 4      | Finance    | 2025-06 | 2025-07-01  | rejected                                           |
| 5      | Finance    | 2025-06 | 2025-07-03  | on time (deadline 2025-07-07), after 1 rejection   |
| 6      | Health     | 2025-06 | 2025-07-12  | late by 5 days (12 Jul − 7 Jul)                    |
| -      | Works      | 2025-06 | -           | missing                                            |

June against May, worked out by hand (no action has a start date, so no planned progress or
forecast: RAG is Red when overdue or slipped > 30 days past the baseline, Amber when At risk):
- F1 completed on 20 Jun 2025, due 30 Jun 2025: on time. Budget 100 000, spent 69 000 in May,
  81 000 in June, the only budget: utilisation 69.0% → 81.0%, +12.0 pp.
- F2 due 10 Jun → 1 Jul 2025: moved +21 days, reason code "Supplier delay" (June row 6);
  slip 30 Jun − 10 Jun = 20 days ≤ 30 and not overdue: stays Green.
- F3 (hostile text) due 20 Jun 2025, open: overdue in June by 30 Jun − 20 Jun = 10 days, Red;
  in May not overdue (due after 31 May).
- F4 new in June; F5 cancelled in June.
- H1 In progress → At risk: Amber (was Green). H2 baseline 20 May 2025 (table `actions`, as if
  first reported before May), due 15 Jun → 31 Jul 2025 (+46 days, reason "Rain"): May slip
  31 May − 20 May = 11 days, Green; June slip 30 Jun − 20 May = 41 > 30, Red (was Green).
- H-N1 … H-N6 new in June: with F4, 7 new actions (5 shown, "and 2 more").
- Works reported May only: its June report is missing (due 7 Jul 2025).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from metrics_history import add_department, add_register, add_upload, refresh_moves

from ingest.db import Connection

HOSTILE = "<script>alert(1)</script> **bold** [x](https://evil.example)"
PERIOD_END = {"2025-05": date(2025, 5, 31), "2025-06": date(2025, 6, 30)}
UPLOADS = [
    (1, "Finance", "2025-05", datetime(2025, 6, 5, 9), "accepted", True, 5, 0),
    (2, "Health", "2025-05", datetime(2025, 6, 6, 9), "accepted", True, 2, 0),
    (3, "Works", "2025-05", datetime(2025, 6, 4, 9), "accepted", True, 1, 0),
    (4, "Finance", "2025-06", datetime(2025, 7, 1, 9), "rejected", False, 0, 0),
    (5, "Finance", "2025-06", datetime(2025, 7, 3, 9), "accepted", True, 5, 0),
    (6, "Health", "2025-06", datetime(2025, 7, 12, 9), "accepted", True, 8, 0),
]
D = date
ACTIONS: dict[tuple[str, str], str] = {
    ("Finance", "F1"): "Roll out the new procurement system",
    ("Finance", "F2"): "Upgrade the general ledger",
    ("Finance", "F3"): HOSTILE,
    ("Finance", "F4"): "Open a satellite cash office",
    ("Finance", "F5"): "Digitise invoices",
    ("Health", "H1"): "Build a community clinic",
    ("Health", "H2"): "Vaccinate children in rural districts",
    ("Works", "W1"): "Resurface the depot road",
    **{("Health", f"H-N{n}"): f"New health action {n}" for n in range(1, 7)},
}
BASELINES: dict[tuple[str, str], date | None] = {
    ("Finance", "F1"): D(2025, 6, 30), ("Finance", "F2"): D(2025, 6, 10),
    ("Finance", "F3"): D(2025, 6, 20), ("Finance", "F4"): D(2025, 12, 31),
    ("Finance", "F5"): D(2025, 9, 30), ("Health", "H1"): D(2025, 9, 30),
    ("Health", "H2"): D(2025, 5, 20), ("Works", "W1"): D(2025, 8, 31),
    **{("Health", f"H-N{n}"): D(2025, 10, 31) for n in range(1, 7)},
}
# (upload_id, action_id) -> (source row, fields reported)
REPORTS: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {
    (1, "F1"): (5, dict(status="In progress", percent_complete=80.0, due_date=D(2025, 6, 30),
                        budget_allocated=100000.0, budget_spent=69000.0)),
    (1, "F2"): (6, dict(status="In progress", percent_complete=40.0, due_date=D(2025, 6, 10))),
    (1, "F3"): (7, dict(status="In progress", percent_complete=30.0, due_date=D(2025, 6, 20))),
    (1, "F5"): (8, dict(status="Not started", percent_complete=0.0, due_date=D(2025, 9, 30))),
    (2, "H1"): (4, dict(status="In progress", percent_complete=20.0, due_date=D(2025, 9, 30))),
    (2, "H2"): (5, dict(status="In progress", percent_complete=50.0, due_date=D(2025, 6, 15))),
    (3, "W1"): (4, dict(status="In progress", percent_complete=10.0, due_date=D(2025, 8, 31))),
    (5, "F1"): (5, dict(status="Completed", percent_complete=100.0, due_date=D(2025, 6, 30),
                        completion_date=D(2025, 6, 20), budget_allocated=100000.0,
                        budget_spent=81000.0)),
    (5, "F2"): (6, dict(status="In progress", percent_complete=50.0, due_date=D(2025, 7, 1),
                        reason_code="Supplier delay")),
    (5, "F3"): (7, dict(status="In progress", percent_complete=40.0, due_date=D(2025, 6, 20),
                        reason_code="Staff shortage", comments=HOSTILE)),
    (5, "F4"): (8, dict(status="Not started", percent_complete=0.0, due_date=D(2025, 12, 31))),
    (5, "F5"): (9, dict(status="Cancelled", percent_complete=0.0, due_date=D(2025, 9, 30))),
    (6, "H1"): (4, dict(status="At risk", percent_complete=25.0, due_date=D(2025, 9, 30))),
    (6, "H2"): (5, dict(status="In progress", percent_complete=60.0, due_date=D(2025, 7, 31),
                        reason_code="Rain")),
    **{(6, f"H-N{n}"): (5 + n, dict(status="Not started", percent_complete=0.0,
                                    due_date=D(2025, 10, 31))) for n in range(1, 7)},
}
SHEET = "Status report"


def _department(upload_id: int) -> str:
    return next(u[1] for u in UPLOADS if u[0] == upload_id)


def build(con: Connection) -> Connection:
    """Insert the whole history into a freshly migrated database."""
    add_register(con, 1, ("SO1",))
    for name in ("Finance", "Health", "Works"):
        add_department(con, name)
    for upload in UPLOADS:
        add_upload(con, upload)
    periods: dict[tuple[str, str], list[str]] = {}
    for (upload_id, action_id), (source_row, fields) in REPORTS.items():
        department = _department(upload_id)
        period = next(u[2] for u in UPLOADS if u[0] == upload_id)
        row = dict(upload_id=upload_id, department=department, period=period,
                   period_end=PERIOD_END[period], action_id=action_id,
                   action=ACTIONS[(department, action_id)], objective_id="SO1",
                   objective_valid=True, sheet=SHEET, source_row=source_row, is_current=True,
                   **fields)
        con.execute(f"INSERT INTO action_status ({', '.join(row)}) "
                    f"VALUES ({', '.join('$' + k for k in row)})", row)
        periods.setdefault((department, action_id), []).append(period)
    for (department, action_id), months in periods.items():
        con.execute(
            "INSERT INTO actions VALUES ($d, $a, $action, 'SO1', NULL, NULL, NULL, NULL, $base, "
            "$first, $last)",
            {"d": department, "a": action_id, "action": ACTIONS[(department, action_id)],
             "base": BASELINES[(department, action_id)], "first": min(months),
             "last": max(months)})
    refresh_moves(con)
    return con
