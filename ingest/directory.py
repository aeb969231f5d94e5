"""Who the users are and what the audit log holds: the reads behind the Users and Audit pages.

Writes go through `ingest.users` and `ingest.audit`; `ingest.access` checks the acting user. These reads are not cached by
the dashboard: the audit log grows without changing the data version, and both tables are small.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from ingest import db
from ingest.words import period_words

sql = db.sql  # ingest/sql/<name>.sql, its fragments included


AUDIT_LIMIT = 10_000  # most entries the Audit page shows and downloads at once
AUDIT_COLUMNS = ["audit_id", "logged_at", "actor", "action", "outcome", "department", "period",
                 "detail"]


def users(con: db.Connection) -> pd.DataFrame:
    """Every user, active first then by role and email, with their departments joined by `, `.

    Columns: email, name, role, departments, active, created_at, created_by.
    """
    return con.execute(sql("users_list")).df()


def user_exists(con: db.Connection, email: str) -> bool:
    """Whether a user record exists for this email, active or not."""
    return bool(db.scalar(con, sql("user_exists"), {"e": email}))


def user_departments(con: db.Connection, email: str) -> list[str]:
    """The departments of one user (department heads)."""
    return [str(r[0]) for r in con.execute(sql("user_departments"), {"e": email}).fetchall()]


def login_logged(con: db.Connection, email: str, outcome: str, token_issued: str) -> bool:
    """Whether the login of this identity token (its issue time) is in the audit log already."""
    return bool(db.scalar(con, sql("login_logged"), {"e": email, "o": outcome, "t": token_issued}))


def heads_to_add(con: db.Connection) -> pd.DataFrame:
    """The register's departments whose head has an email but no user record yet (what
    `seed_department_heads` would add). Columns: department, head, email."""
    return con.execute(sql("heads_to_add")).df()


def audit_choices(con: db.Connection) -> tuple[list[str], list[str], date | None]:
    """The actors and actions the audit log holds, and the date of its first entry."""
    actors = [str(r[0]) for r in con.execute(sql("audit_actors")).fetchall()]
    actions = [str(r[0]) for r in con.execute(sql("audit_actions")).fetchall()]
    first = db.scalar(con, sql("audit_first"))
    return actors, actions, first.date() if isinstance(first, datetime) else None


def audit_log(con: db.Connection, actors: tuple[str, ...] = (), actions: tuple[str, ...] = (),
              start: date | None = None, end: date | None = None, limit: int = AUDIT_LIMIT
              ) -> pd.DataFrame:
    """The audit log, newest first: entries by these actors and actions (all when empty) logged
    from `start` to `end` inclusive (open when None). Columns: AUDIT_COLUMNS."""
    frame = con.execute(
        sql("audit_log"),
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
        value = _value_text(v, k)
        if value:
            parts.append(f"{k}: {value}")
    return " · ".join(parts)


_PERIOD_KEYS = frozenset(("period", "period_from", "months", "since"))


def _value_text(value: Any, key: str = "") -> str:
    """One detail value as people read it: empty for None and empty lists (never "None"), a list
    joined by `, `, a nested mapping as `key: value`, and periods in words ("July 2025")."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, list):
        return ", ".join(t for t in (_value_text(v, key) for v in value) if t)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {t}" for k, v in value.items() if (t := _value_text(v, str(k))))
    return period_words(value) if key in _PERIOD_KEYS else str(value)
