"""Who receives notifications: the active users (role, departments, email), less those who opted
out; while Users holds nobody (demo mode), the department heads' emails on the register stand in."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from followup import queries
from ingest import db
from ingest.access import User, require
from ingest.audit import audit
from ingest.names import department_key, is_email

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    """Someone a notification goes to."""

    email: str
    name: str | None
    role: str  # a role of ingest.access.ROLES
    departments: frozenset[str] = field(default_factory=frozenset)
    opted_out: bool = False

    @property
    def greeting(self) -> str:
        """How a message addresses them: their name, else their email."""
        return self.name or self.email


def demo_mode(con: db.Connection) -> bool:
    """Whether Users holds nobody, so the register's head emails stand in."""
    return int(queries.records(con, "users_count")[0]["users"]) == 0


def people(con: db.Connection, *, with_opted_out: bool = False) -> list[Person]:
    """Everyone notifications may go to (those who opted out only when `with_opted_out`): the
    active users, or in demo mode one department head per register email (its departments merged)."""
    if demo_mode(con):
        merged: dict[str, Person] = {}
        for r in queries.records(con, "register_heads"):
            if not is_email(str(r["email"]).strip()):
                # a register loaded before emails were checked: as if the cell were empty, so the
                # M&E team hears of the department, rather than a header naming two recipients
                log.warning("The register's email for %s is not one address (%r): not sent to; "
                            "load the register again with it corrected.", r["department"], r["email"])
                continue
            known = merged.get(r["email"])
            depts = (known.departments if known else frozenset()) | {r["department"]}
            merged[r["email"]] = Person(r["email"], r["name"], "department_head", depts,
                                        bool(r["opted_out"]))
        found = list(merged.values())
    else:
        found = [Person(r["email"], r["name"], r["role"], frozenset(r["departments"]),
                        bool(r["opted_out"])) for r in queries.records(con, "recipients")]
    return [p for p in found if with_opted_out or not p.opted_out]


def heads_of(everyone: list[Person], department: str) -> list[Person]:
    """The department heads of `department` (names compared as everywhere: capitals, spaces and
    punctuation aside)."""
    key = department_key(department)
    return [p for p in everyone if p.role == "department_head"
            and any(department_key(d) == key for d in p.departments)]


def with_role(everyone: list[Person], role: str) -> list[Person]:
    """Everyone with this role."""
    return [p for p in everyone if p.role == role]


def set_opt_out(con: db.Connection, actor: User, email: str, opted_out: bool) -> None:
    """Stop (or resume) every notification to `email` (admin only); audited."""
    require(con, actor, "notifications", detail_email=email)
    email, who = email.strip().lower(), actor.email

    def change(c: db.Connection) -> None:
        queries.execute(c, "opt_out_add" if opted_out else "opt_out_remove",
                        {"email": email, "by": who, "now": datetime.now()})
        audit(c, who, "notifications", "ok", email=email, opted_out=opted_out)
    db.write(con, change)
