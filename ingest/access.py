"""Who may see, upload and change what (roles), enforced in the functions that write or export.

The dashboard decides which pages a user sees from the same table, so a page a role may not
use is neither listed nor reachable by its URL; but the check that counts is here, below the UI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ingest import db
from ingest.directory import heads_to_add
from ingest.errors import LekgotlaError
from ingest.locate import check_department_name, department_key

ROLES: dict[str, str] = {
    "admin": "Policy office: the strategy register, settings, users and restores",
    "leadership": "Reads everything and exports",
    "me": "M&E team: reads everything, exports, bulk loads, loads for any department",
    "department_head": "Reads everything; uploads, restores, templates and saved mappings for the "
                       "departments they head",
}
# action -> roles allowed; "own" means department heads, for their own departments only
PERMISSIONS: dict[str, set[str]] = {
    "view": {"admin", "leadership", "me", "department_head"},
    "export": {"admin", "leadership", "me"},
    "upload": {"me", "department_head"},
    "restore": {"admin", "me", "department_head"},
    "template": {"admin", "me", "department_head"},
    # saved column mappings: organisation-wide ones (department None) are admin's and M&E's
    "mapping": {"admin", "me", "department_head"},
    "bulk_load": {"me"},
    "register": {"admin"},
    "settings": {"admin"},
    "users": {"admin"},
    "audit": {"admin"},
    "backup": {"admin"},  # a backup holds every table: taking or downloading one is the admin's
}
OWN_DEPARTMENT_ONLY = {"upload", "restore", "template", "mapping"}


class AccessDenied(LekgotlaError):
    """The acting user's role does not allow this; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "You are not allowed to do this")


@dataclass(frozen=True)
class User:
    """An acting person: email, role and (for department heads) their departments."""

    email: str
    role: str
    name: str | None = None
    departments: frozenset[str] = field(default_factory=frozenset)

    def owns(self, department: str | None) -> bool:
        """True when the department is one of this user's (compared as SPEC §2.1 compares names)."""
        key = department_key(department) if department is not None else ""
        # a name without a letter or digit has the empty key, which is nobody's department
        return bool(key) and key in {department_key(d) for d in self.departments}


SYSTEM = User("system", "admin", "Lekgotla")  # start-up tasks such as loading the sample data
# whoever can run the CLI on the server already holds the database file: no role can stop them
CLI = User("cli", "admin", "Command line")


def allowed(user: User, action: str, department: str | None = None) -> bool:
    """Whether `user` may do `action` (for `department`, where the action concerns one)."""
    if user in (SYSTEM, CLI):
        return True
    if user.role not in PERMISSIONS.get(action, set()):
        return False
    if action in OWN_DEPARTMENT_ONLY and user.role == "department_head":
        return user.owns(department)
    return True


def audit(con: db.Connection, actor: User | str, action: str, outcome: str, department: str | None = None,
          period: str | None = None, **detail: Any) -> None:
    """Append one entry to the audit log (inside the caller's transaction when there is one)."""
    who = actor.email if isinstance(actor, User) else actor
    with db.write_lock():
        con.execute(
            "INSERT INTO audit_log VALUES ((SELECT coalesce(max(audit_id), 0) + 1 FROM audit_log), "
            "$at, $who, $action, $outcome, $dept, $period, $detail)",
            {"at": datetime.now(), "who": who, "action": action, "outcome": outcome, "dept": department,
             "period": period, "detail": json.dumps(detail, ensure_ascii=False, default=str)},
        )


def require(con: db.Connection, user: User, action: str, department: str | None = None,
            period: str | None = None, **detail: Any) -> None:
    """Raise AccessDenied (and log the attempt) unless `user` may do `action`."""
    if allowed(user, action, department):
        return
    audit(con, user, action, "refused", department, period, **detail)
    where = f" for {department}" if department else ""
    verb = _VERBS.get(action, action.replace("_", " "))
    if action in OWN_DEPARTMENT_ONLY and user.role == "department_head":
        mine = ", ".join(sorted(user.departments)) or "none"
        own = "department" if len(user.departments) <= 1 else "departments"
        other = where or (" organisation-wide ones (ask the M&E team or an admin)" if action == "mapping"
                          else " for this department")
        message = f"{user.email} may {verb} only for their own {own} ({mine}), not{other}."
    else:
        message = f"The {user.role.replace('_', ' ')} role may not {verb}{where}."
    raise AccessDenied(message)


_VERBS = {"template": "download the template", "mapping": "save or delete saved mappings"}


def get_user(con: db.Connection, email: str) -> User | None:
    """The active user with this email (case-insensitive), or None when unknown."""
    row = db.one(con, "SELECT email, role, name FROM users WHERE email = lower($e) AND active", {"e": email})
    if row is None:
        return None
    depts = frozenset(r[0] for r in con.execute(
        "SELECT department FROM user_departments WHERE email = lower($e)", {"e": email}).fetchall())
    return User(str(row[0]), str(row[1]), row[2], depts)


def save_user(con: db.Connection, actor: User, email: str, role: str, name: str | None = None,
              departments: tuple[str, ...] = (), active: bool = True) -> User:
    """Create or change a user (admin only); departments matter for department heads."""
    require(con, actor, "users", detail_email=email)
    if role not in ROLES:
        raise LekgotlaError(f"{role!r} is not a role: use {', '.join(ROLES)}.", "Choose a role")
    if "@" not in email:
        raise LekgotlaError(f"{email!r} is not an email address.", "Enter the user's email")
    if role == "department_head" and not departments:
        raise LekgotlaError("A department head needs at least one department.", "Choose the department")
    for d in departments:
        check_department_name(d)
    email = email.strip().lower()
    with db.transaction(con):
        con.execute(
            "INSERT INTO users VALUES ($e, $n, $r, $a, now(), $by) ON CONFLICT (email) DO UPDATE "
            "SET name = excluded.name, role = excluded.role, active = excluded.active",
            {"e": email, "n": name, "r": role, "a": active, "by": actor.email})
        con.execute("DELETE FROM user_departments WHERE email = $e", {"e": email})
        for d in departments:
            con.execute("INSERT INTO user_departments VALUES ($e, $d)", {"e": email, "d": d})
        audit(con, actor, "users", "ok", email=email, role=role, departments=list(departments), active=active)
        db.bump_data_version(con)
    user = get_user(con, email)
    return user if user is not None else User(email, role, name, frozenset(departments))


def seed_department_heads(con: db.Connection, actor: User) -> int:
    """Create department-head users from the register's Departments sheet emails (existing users kept)."""
    require(con, actor, "users")
    rows = heads_to_add(con).itertuples(index=False)
    added = 0
    for dept, head, email in rows:
        save_user(con, actor, str(email), "department_head", head, (str(dept),))
        added += 1
    return added


def change_setting(con: db.Connection, user: User, name: str, raw: Any) -> Any:
    """Save an organisation setting (admin only), audited; returns the value as stored.
    SettingsError says why a value is refused (out of range, or contradicting another setting)."""
    return change_settings(con, user, {name: raw})[name]


def change_settings(con: db.Connection, user: User, raws: dict[str, Any]) -> dict[str, Any]:
    """Save several organisation settings at once (admin only; a form), checked together and
    against those in force, so that a change which is consistent only as a whole (Red and Amber
    moved together) is accepted and one that contradicts is refused whole; each change audited.
    Returns the values as stored."""
    if not raws:
        return {}
    for name in raws:
        require(con, user, "settings", setting=name)
    before = {name: db.setting(con, name) for name in raws}
    values = db.save_settings(con, raws, user.email)
    for name, value in values.items():
        audit(con, user, "settings", "ok", setting=name, before=before[name], after=value)
    return values


def restore_upload(con: db.Connection, user: User, upload_id: int) -> None:
    """Make an older accepted version of a report current again (SPEC §2.6), audited."""
    row = db.one(con, "SELECT department, period, status FROM uploads WHERE upload_id = $u", {"u": upload_id})
    if row is None or row[2] != "accepted":
        raise LekgotlaError(f"Upload #{upload_id} is not an accepted report, so it cannot be restored.",
                            "Choose an accepted version")
    department, period = str(row[0]), str(row[1])
    require(con, user, "restore", department, period, upload_id=upload_id)
    from ingest.load import make_current

    with db.transaction(con):
        make_current(con, department, period, upload_id)
        audit(con, user, "restore", "restored", department, period, upload_id=upload_id)
        db.bump_data_version(con)


def check_export(con: db.Connection, user: User, rows: int, **filters: Any) -> None:
    """Refuse an export the role may not make; log the one it may (who, filters, how many rows)."""
    require(con, user, "export", **filters)
    audit(con, user, "export", "ok", rows=rows, **filters)
