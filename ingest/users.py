"""The users: who they are, their role and departments; created and changed by an admin, audited.

The reads behind the Users page are in `ingest.directory`; the role policy in `ingest.access`.
"""

from __future__ import annotations

from ingest import db
from ingest.access import ROLES, User, require
from ingest.audit import audit
from ingest.directory import heads_to_add
from ingest.errors import LekgotlaError
from ingest.names import check_department_name, department_key, is_email
from ingest.renames import departments_by_key


def get_user(con: db.Connection, email: str) -> User | None:
    """The active user with this email (case-insensitive), or None when unknown."""
    row = db.one(con, db.sql("user_active"), {"e": email})
    if row is None:
        return None
    depts = frozenset(r[0] for r in con.execute(
        db.sql("user_departments"), {"e": email}).fetchall())
    return User(str(row[0]), str(row[1]), row[2], depts)




def save_user(con: db.Connection, actor: User, email: str, role: str, name: str | None = None,
              departments: tuple[str, ...] = (), active: bool = True, new: bool = False) -> User:
    """Create (`new`: refused when the email is a user already) or change a user (admin only);
    departments matter for department heads. Never leaves the organisation without an active
    admin, and no admin takes the role or access away from themselves."""
    require(con, actor, "users", detail_email=email)
    if role not in ROLES:
        raise LekgotlaError(f"{role!r} is not a role: use {', '.join(ROLES)}.", "Choose a role")
    email = email.strip().lower()
    if not is_email(email):
        raise LekgotlaError(f"{email!r} is not an email address: write it as "
                            "name@organisation.example.", "Enter the user's email")
    if role == "department_head" and not departments:
        raise LekgotlaError("A department head needs at least one department.", "Choose the department")
    for d in departments:
        check_department_name(d)
    departments = _known_departments(con, departments)
    if email == actor.email.lower() and (role != "admin" or not active) and actor.role == "admin":
        raise LekgotlaError("You cannot take the admin role or access away from yourself: ask "
                            "another administrator.", "Ask another administrator")

    def _write_user(con: db.Connection) -> None:
        keys = {"e": email, "n": name, "r": role, "a": active, "by": actor.email}
        before = db.one(con, db.sql("user_active_admin"), {"e": email})
        if new and before is not None:
            raise LekgotlaError(f"{email} is a user already: choose them in the list to change "
                                "their role or access. Nothing was changed.", "Choose the user")
        con.execute(db.sql("user_update"), {k: keys[k] for k in "enra"})
        if before is not None and before[0] and not db.scalar(
                con, db.sql("active_admins")):
            raise LekgotlaError(f"{email} is the last active admin: make another user admin "
                                "first. Nothing was changed.", "Keep an admin")
        con.execute(db.sql("user_add"), keys)
        con.execute(db.sql("user_departments_delete"), {"e": email})
        for d in departments:
            con.execute(db.sql("user_department_add"), {"e": email, "d": d})
        audit(con, actor, "users", "ok", email=email, role=role, departments=list(departments), active=active)
        db.bump_data_version(con)
    db.write(con, _write_user)
    user = get_user(con, email)
    return user if user is not None else User(email, role, name, frozenset(departments))


def _known_departments(con: db.Connection, departments: tuple[str, ...]) -> tuple[str, ...]:
    """The departments as the organisation spells them (names compared as everywhere: capitals,
    spaces and punctuation aside); refused when one is not among them, once there are any."""
    # a department's former name is the department
    known = departments_by_key(con, (d for (d,) in con.execute(db.sql("department_names")).fetchall()))
    if not known:  # nothing to check against yet (no register, no report)
        return departments
    unknown = [d for d in departments if department_key(d) not in known]
    if unknown:
        which = "is not a department" if len(unknown) == 1 else "are not departments"
        raise LekgotlaError(f"{', '.join(unknown)} {which} of the organisation: choose among "
                            f"{', '.join(sorted(known.values()))}.", "Choose the department")
    return tuple(dict.fromkeys(known[department_key(d)] for d in departments))


def seed_department_heads(con: db.Connection, actor: User) -> int:
    """Create department-head users from the register's Departments sheet emails (existing users kept)."""
    require(con, actor, "users")
    rows = heads_to_add(con).itertuples(index=False)
    added = 0
    for dept, head, email in rows:
        save_user(con, actor, str(email), "department_head", head, (str(dept),))
        added += 1
    return added
