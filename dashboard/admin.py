"""What the Users and Audit pages read: the users with their departments, the audit log filtered.

Writes go through `ingest.access` (save_user, seed_department_heads), which checks the acting
user. These reads are not cached: the audit log grows without changing the data version (a
login, an export or a refused attempt is not a change of data), and both tables are small.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

import metrics
from ingest import db

AUDIT_LIMIT = 10_000  # most entries the Audit page shows and downloads at once
AUDIT_COLUMNS = ["audit_id", "logged_at", "actor", "action", "outcome", "department", "period",
                 "detail"]


def department_names(departments: pd.DataFrame) -> list[str]:
    """The register's departments (else every department known), from `list_departments`."""
    listed = departments[departments["in_register"].astype(bool)]["department"].tolist()
    return [str(x) for x in (listed or departments["department"].tolist())]


def users(con: db.Connection) -> pd.DataFrame:
    """Every user, active first then by role and email, with their departments joined by `, `.

    Columns: email, name, role, departments, active, created_at, created_by.
    """
    return con.execute(
        "SELECT u.email, u.name, u.role, "
        "       string_agg(d.department, ', ' ORDER BY d.department) AS departments, "
        "       u.active, u.created_at, u.created_by "
        "FROM users u LEFT JOIN user_departments d ON d.email = u.email "
        "GROUP BY u.email, u.name, u.role, u.active, u.created_at, u.created_by "
        "ORDER BY u.active DESC, u.role, u.email").df()


def user_exists(con: db.Connection, email: str) -> bool:
    """Whether a user record exists for this email, active or not."""
    return bool(db.scalar(con, "SELECT count(*) FROM users WHERE email = lower($e)",
                          {"e": email}))


def user_departments(con: db.Connection, email: str) -> list[str]:
    """The departments of one user (department heads)."""
    return [str(r[0]) for r in con.execute(
        "SELECT department FROM user_departments WHERE email = lower($e) ORDER BY department",
        {"e": email}).fetchall()]


def login_logged(con: db.Connection, email: str, outcome: str, token_issued: str) -> bool:
    """Whether the login of this identity token (its issue time) is in the audit log already."""
    return bool(db.scalar(
        con, "SELECT count(*) FROM audit_log WHERE action = 'login' AND actor = $e "
             "AND outcome = $o AND json_extract_string(detail, '$.token_issued') = $t",
        {"e": email, "o": outcome, "t": token_issued}))


def heads_to_add(con: db.Connection) -> pd.DataFrame:
    """The register's departments whose head has an email but no user record yet (what
    `seed_department_heads` would add). Columns: department, head, email."""
    return con.execute(
        "SELECT department, head, email FROM departments WHERE in_register AND email IS NOT NULL "
        "AND lower(email) NOT IN (SELECT email FROM users) ORDER BY department").df()


def audit_choices(con: db.Connection) -> tuple[list[str], list[str], date | None]:
    """The actors and actions the audit log holds, and the date of its first entry."""
    actors = [str(r[0]) for r in con.execute(
        "SELECT DISTINCT actor FROM audit_log ORDER BY actor").fetchall()]
    actions = [str(r[0]) for r in con.execute(
        "SELECT DISTINCT action FROM audit_log ORDER BY action").fetchall()]
    first = db.scalar(con, "SELECT min(logged_at) FROM audit_log")
    return actors, actions, first.date() if isinstance(first, datetime) else None


def audit_log(con: db.Connection, actors: tuple[str, ...] = (), actions: tuple[str, ...] = (),
              start: date | None = None, end: date | None = None, limit: int = AUDIT_LIMIT
              ) -> pd.DataFrame:
    """The audit log, newest first: entries by these actors and actions (all when empty) logged
    from `start` to `end` inclusive (open when None). Columns: AUDIT_COLUMNS."""
    frame = con.execute(
        "SELECT audit_id, logged_at, actor, action, outcome, department, period, detail "
        "FROM audit_log "
        "WHERE (len($actors) = 0 OR list_contains($actors, actor)) "
        "  AND (len($actions) = 0 OR list_contains($actions, action)) "
        "  AND ($start IS NULL OR logged_at >= $start) AND ($end IS NULL OR logged_at < $end) "
        "ORDER BY logged_at DESC, audit_id DESC LIMIT $limit",
        {"actors": list(actors), "actions": list(actions),
         "start": datetime.combine(start, time()) if start else None,
         "end": datetime.combine(end + timedelta(days=1), time()) if end else None,
         "limit": limit}).df()
    frame["detail"] = [_detail_text(v) for v in frame["detail"]]
    return frame


def _detail_text(raw: Any) -> str:
    """The JSON detail of an entry as `key: value · key: value` (empty values left out)."""
    try:
        detail = json.loads(str(raw))
    except ValueError:
        return str(raw)
    if not isinstance(detail, dict):
        return str(detail)
    parts = []
    for k, v in detail.items():
        if v in (None, "", [], {}):
            continue
        value = ", ".join(map(str, v)) if isinstance(v, list) else str(v)
        parts.append(f"{k}: {value}")
    return " · ".join(parts)


def register_departments(con: db.Connection) -> list[str]:
    """Department names for the Users page's choice."""
    return department_names(metrics.list_departments(con))
