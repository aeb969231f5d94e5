"""Column mappings saved under a name in the database (SPEC §2.5), stored as their TOML text.

A saved mapping is organisation-wide (admin and the M&E team save and delete it) or a
department's (its heads may too): the `mapping` permission of `ingest.access`, checked here for
every caller, and every change is audited in the transaction that makes it.
"""

from __future__ import annotations

from ingest import db
from ingest.access import AccessDenied, User, allowed, require
from ingest.audit import audit
from ingest.directory import sql
from ingest.errors import IngestError
from ingest.mapping import Mapping, mapping_to_toml, parse_mapping
from ingest.names import check_department_name, department_key
from ingest.renames import departments_by_key

_MISSING = object()  # mapping_scope's answer when there is no mapping by that name


def _scope(con: db.Connection, name: str) -> object:
    row = db.one(con, sql("mapping_scope"), {"name": name})
    return _MISSING if row is None else row[0]


def mapping_department(con: db.Connection, name: str) -> str | None:
    """The department a saved mapping belongs to; None when it is organisation-wide (or unknown)."""
    scope = _scope(con, name)
    return None if scope is _MISSING else str(scope) if scope is not None else None


def save_mapping(con: db.Connection, user: User, name: str, mapping: Mapping,
                 department: str | None = None) -> str:
    """Save (or replace) a mapping under `name`, for `department` or organisation-wide (None);
    returns the TOML stored.

    AccessDenied (logged) unless `user` may write mappings of that scope and, when the name is
    taken, of the scope of the mapping it replaces: a department head saves and replaces only
    their own department's. The change is audited in the same transaction."""
    clean = " ".join(str(name).split())
    if not clean:
        raise IngestError("A saved mapping needs a name.", "Name the mapping")
    if department is not None:
        check_department_name(department)
        # a department renamed at a lekgotla: its mappings live under its name now (a name in
        # use, taken again by a department, is that department's)
        known = departments_by_key(
            con, (n for (n,) in con.execute(db.sql("department_names")).fetchall()))
        department = known.get(department_key(department), department)
    text = mapping_to_toml(mapping)
    parse_mapping(text, clean)  # what is stored must read back
    with db.write_lock():  # no other write between the check and the save
        # one mapping per name, capitals aside: 'ORGMAP' replaces 'orgmap' (if allowed), not beside it
        clean = str(db.scalar(con, sql("mapping_named"), {"name": clean}) or clean)
        before = _scope(con, clean)
        require(con, user, "mapping", department, mapping=clean, change="save")
        if before is not _MISSING and not _same_scope(before, department):
            _require_replace(con, user, clean, before)
        elif before is not _MISSING and before is not None:
            department = str(before)  # the same department: keep the spelling it was saved under

        def _save(con: db.Connection) -> None:
            con.execute(sql("mapping_delete"), {"name": clean})
            con.execute(sql("mapping_save"), {"name": clean, "toml": text, "who": user.email,
                                              "department": department})
            moved = ({} if before is _MISSING or _same_scope(before, department)
                     else {"moved_from": before or "organisation-wide"})
            audit(con, user, "mapping", "saved", department, mapping=clean,
                  replaced=before is not _MISSING, **moved)
        db.write(con, _save)
    return text


def _same_scope(before: object, department: str | None) -> bool:
    if before is None or department is None:
        return before is None and department is None
    return department_key(str(before)) == department_key(department)


def _require_replace(con: db.Connection, user: User, name: str, before: object) -> None:
    """AccessDenied (logged) unless `user` may change the mapping saved as `name` (scope `before`)."""
    owner = None if before is None else str(before)
    if allowed(user, "mapping", owner):
        return
    whose = f"{owner}'s" if owner else "an organisation-wide mapping"
    audit(con, user, "mapping", "refused", owner, mapping=name, change="save")
    raise AccessDenied(f"“{name}” is {whose}{' mapping' if owner else ''}, which {user.email} may "
                       "not change: save yours under another name.")


def list_mappings(con: db.Connection, user: User | None = None) -> list[str]:
    """The names of the saved mappings, in alphabetical order: those `user` would read with
    (a department head: the organisation-wide ones and their own departments'), else all."""
    rows = con.execute(sql("mappings_list")).fetchall()
    if user is None or user.role != "department_head":
        return [str(n) for n, _d in rows]
    return [str(n) for n, d in rows if d is None or user.owns(str(d))]


def get_mapping_toml(con: db.Connection, name: str) -> str | None:
    """The TOML text of a saved mapping, or None."""
    value = db.scalar(con, sql("mapping_toml"), {"n": name})
    return str(value) if value is not None else None


def get_mapping(con: db.Connection, name: str) -> Mapping | None:
    """A saved mapping, parsed (its name set), or None when there is none by that name."""
    text = get_mapping_toml(con, name)
    return parse_mapping(text, name) if text is not None else None


def delete_mapping(con: db.Connection, user: User, name: str) -> bool:
    """Remove a saved mapping; False when there is none by that name (nothing written).

    AccessDenied (logged) unless `user` may write mappings of its scope (a department head: their
    own department's only). Audited in the same transaction."""
    with db.write_lock():
        before = _scope(con, name)
        if before is _MISSING:
            return False
        owner = None if before is None else str(before)
        require(con, user, "mapping", owner, mapping=name, change="delete")

        def _delete(con: db.Connection) -> None:
            con.execute(sql("mapping_delete"), {"name": name})
            audit(con, user, "mapping", "deleted", owner, mapping=name)
        db.write(con, _delete)
    return True
