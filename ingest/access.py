"""Who may see, upload and change what (roles), enforced in the functions that write or export.

The dashboard decides which pages a user sees from the same table, so a page a role may not
use is neither listed nor reachable by its URL; but the check that counts is here, below the UI.

A leaf of `ingest`: it imports only the lowest modules (errors, names, db, audit). What the roles
guard lives with its data: users in `ingest.users`, settings in `ingest.settings_store`, a
report's restore in `ingest.load`, the audit log in `ingest.audit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest import db
from ingest.audit import audit
from ingest.errors import LekgotlaError
from ingest.names import department_key

ROLES: dict[str, str] = {
    "admin": "Policy office: the strategy register, settings, users and restores",
    "leadership": "Reads everything and exports",
    "me": "M&E team: reads everything, exports, bulk loads, loads for any department",
    "department_head": "Reads everything; uploads, restores, templates and saved mappings for the "
                       "departments they head",
}
# how people read each role (the dashboard's menus and every refusal)
ROLE_LABELS: dict[str, str] = {
    "admin": "Admin (policy office)",
    "leadership": "Leadership",
    "me": "M&E team",
    "department_head": "Department head",
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
    # the report's "Date submitted" cell says when it came (an upload on a department's behalf);
    # a department head's own upload is submitted when it arrives
    "date_submission": {"me"},
    "register": {"admin"},
    "settings": {"admin"},
    "users": {"admin"},
    "audit": {"admin"},
    "backup": {"admin"},  # a backup holds every table: taking or downloading one is the admin's
    "notifications": {"admin"},  # who gets which email, previews of anyone's, a test send
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
    command_line: bool = False  # acting through the command line (CLI, or `cli_user`)

    def owns(self, department: str | None) -> bool:
        """True when the department is one of this user's (compared as SPEC §2.1 compares names)."""
        key = department_key(department) if department is not None else ""
        # a name without a letter or digit has the empty key, which is nobody's department
        return bool(key) and key in {department_key(d) for d in self.departments}


SYSTEM = User("system", "admin", "Lekgotla")  # start-up tasks such as loading the sample data
# whoever can run the CLI on the server already holds the database file: no role can stop them
CLI = User("cli", "admin", "Command line", command_line=True)


def cli_user(who: str | None) -> User:
    """The command line acting for the person `--who` names: the audit log's actor is that person,
    marked as via the command line ('ops reviewer (command line)'); CLI when no one is named."""
    name = (who or "").strip()
    return User(f"{name} (command line)", CLI.role, CLI.name, command_line=True) if name else CLI


def allowed(user: User, action: str, department: str | None = None) -> bool:
    """Whether `user` may do `action` (for `department`, where the action concerns one)."""
    if user == SYSTEM or user.command_line:
        return True
    if user.role not in PERMISSIONS.get(action, set()):
        return False
    if action in OWN_DEPARTMENT_ONLY and user.role == "department_head":
        return user.owns(department)
    return True


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
        message = f"{user.email} ({ROLE_LABELS.get(user.role, user.role)}) may not {verb}{where}."
    raise AccessDenied(message)


# what each action is, in a refusal's words ("… may not {verb}")
_VERBS = {
    "view": "see the dashboard", "export": "export data", "upload": "upload reports",
    "restore": "restore an earlier report", "template": "download the template",
    "mapping": "save or delete saved mappings", "bulk_load": "load many reports at once",
    "date_submission": "date a report's submission",
    "register": "replace the strategy register", "settings": "change settings",
    "users": "add or change users", "audit": "read the audit log",
    "backup": "take, download or restore backups", "notifications": "manage notifications",
}


def check_export(con: db.Connection, user: User, rows: int, **filters: Any) -> None:
    """Refuse an export the role may not make; log the one it may (who, filters, how many rows)."""
    require(con, user, "export", **filters)
    audit(con, user, "export", "ok", rows=rows, **filters)
