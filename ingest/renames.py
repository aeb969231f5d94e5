"""Departments renamed at a lekgotla: a register's Departments sheet names a department's former
name in its Formerly column, and the department's history moves to the new name with it, so
that it reads as one department, not a new one beside an old one gone quiet. A report that still
writes the former name is stored under the new one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ingest import db
from ingest.access import User
from ingest.audit import audit
from ingest.derived import Pending, refresh_derived
from ingest.names import department_key
from ingest.problems import Problem, column_letter
from ingest.words import period_words, plural

_STATEMENTS = re.compile(r";\s*\n")
_PARAMETER = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class Rename:
    """One department renamed: `former`, its name in the stored history, becomes `department`."""

    former: str
    department: str
    months: int  # the months of reports in force that move with it
    joins: int = 0  # the months the new name has reports of already

    def __str__(self) -> str:
        if not self.months:
            return f"{self.former} becomes {self.department} (it has no reports yet)"
        moved = f"{self.former} becomes {self.department}: its {plural(self.months, 'month')} of reports"
        return (f"{moved} join {self.department}'s {plural(self.joins, 'month')}" if self.joins
                else f"{moved} move with it")


def planned_renames(con: db.Connection, departments: list[dict[str, Any]]
                    ) -> tuple[list[Rename], list[Problem]]:
    """The renames the Formerly cells of a register's Departments rows (ingest.register's
    RegisterFile.departments) ask for, and the problems with them: an error for two names with a
    report of the same month, a warning for a former name nobody knows."""
    names = {department_key(n): str(n) for (n,) in con.execute(db.sql("department_names")).fetchall()}
    renamed = aliases(con)
    # a name renamed already leads to the department's name now (known names first)
    known = with_former_names(names, renamed)
    listed = {department_key(r["department"]) for r in departments if r.get("department")}
    renames: list[Rename] = []
    problems: list[Problem] = []
    for rec in departments:
        written, name = rec.get("formerly"), rec.get("department")
        if name is not None and written is None:
            problems += _listed_by_former_name(rec, names, renamed, listed)
        if written is None or name is None:
            continue
        j, header = rec["_cols"]["formerly"]
        where: Any = ("Departments", rec["_row"], column_letter(j), header, written)
        former = known.get(department_key(written))
        if former is not None and department_key(former) == department_key(name):
            continue  # renamed by an earlier register that said so too
        if former is not None and department_key(former) in listed:
            problems.append(Problem(
                "error", f"{written!r} is now called {former!r}, which this register lists too: "
                f"one department's history cannot move to {name!r} and stay with {former!r}. "
                "Delete one of the two rows, or this Formerly cell.", *where))
            continue
        if former is None:
            problems.append(Problem(
                "warning", f"No department called {written!r} has reported or been listed, so "
                f"there is no history to move to {name!r}: check the spelling, or leave the "
                "cell empty.", *where))
            continue
        # the spelling in use keeps its history; a department's former name is free (renamed back)
        new = names.get(department_key(name), name)
        both = [period_words(p) for (p,) in con.execute(
            db.sql("department_rename_overlap"), {"old": former, "new": new}).fetchall()]
        if both:
            problems.append(Problem(
                "error", f"{former!r} cannot become {new!r}: both have a report of "
                f"{', '.join(both)}, and a department has one report a month. Leave this cell "
                "empty to keep them apart.", *where))
            continue
        months, joins = (int((db.one(con, db.sql("department_first_period"), {"d": d}) or (None, 0))[1])
                         for d in (former, new))
        renames.append(Rename(former, new, months, joins))
    return renames, problems


def _listed_by_former_name(rec: dict[str, Any], names: dict[str, str],
                           renamed: list[tuple[str, str]], listed: set[str]) -> list[Problem]:
    """A warning when a Departments row lists, without a Formerly cell, the former name of a
    department this register leaves out (an old register loaded again, or one copied forward
    without its new names): the name would start a new department with no history."""
    name = rec["department"]
    key = department_key(name)
    now = next((n for f, n in renamed if department_key(f) == key), None)
    if key in names or now is None or department_key(now) in listed:
        return []
    j, header = rec["_cols"]["department"]
    return [Problem(
        "warning", f"{name!r} was renamed {now!r} by an earlier register. Listed under its former "
        f"name, it starts a new department with no reports, and {now!r} leaves the register: "
        f"write {now!r} to keep one department with its history (or put {now!r} in this row's "
        "Formerly column to rename it back).", "Departments", rec["_row"], column_letter(j),
        header, name)]


def rename_departments(con: db.Connection, renames: list[Rename], user: User,
                       register_version: int) -> None:
    """Move each department's history to its new name, inside the caller's transaction (the
    register's): its reports, plan, users, mappings, dependencies and the registers that listed
    it, then rebuild what derives from them; one audit entry a rename."""
    statements = [s for s in _STATEMENTS.split(db.sql("department_rename")) if s.strip()]
    pending: Pending = {}
    for r in renames:
        values = {"old": r.former, "new": r.department, "version": register_version}
        for statement in statements:
            con.execute(statement, {k: values[k] for k in set(_PARAMETER.findall(statement))})
        first = (db.one(con, db.sql("department_first_period"), {"d": r.department}) or (None,))[0]
        if first is not None:
            pending[r.department] = str(first)
        audit(con, user, "register", "renamed", r.department, former=r.former, months=r.months,
              register_version=register_version)
    refresh_derived(con, pending)


def with_former_names(departments: dict[str, str], aliases: list[tuple[str, str]]) -> dict[str, str]:
    """`departments` (department_key -> name) with the key of each former name of one of them
    (`aliases`: former, name now) leading to its name now; a name in use keeps its own key."""
    named = set(departments.values())
    out = dict(departments)
    for former, department in aliases:
        if department in named:
            out.setdefault(department_key(former), department)
    return out


def departments_by_key(con: db.Connection, names: Iterable[str]) -> dict[str, str]:
    """department_key -> name for `names`, and for each former name of one of them (a register
    renamed it): the lookup by which a name written anywhere means a department."""
    return with_former_names({department_key(str(n)): str(n) for n in names}, aliases(con))


def department_now(name: str, departments: Sequence[str], former: Mapping[str, str]
                   ) -> str | None:
    """The department `name` means (a link's, or a view held since): itself, in other capitals or
    spaces (a former name taken again by a department is that department's), else the name now of
    the department renamed from it; None when no department is called that."""
    by_key = {department_key(x): x for x in departments}
    key = department_key(name)
    if not key:
        return None
    if key in by_key:
        return by_key[key]
    return next((by_key[department_key(now)] for f, now in former.items()
                 if department_key(f) == key and department_key(now) in by_key), None)


def aliases(con: db.Connection) -> list[tuple[str, str]]:
    """(former name, name now) of every department renamed."""
    return [(str(f), str(d)) for f, d in con.execute(db.sql("department_aliases")).fetchall()]

