"""The strategy register (SPEC §3): objectives and departments, versioned by upload."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest import db
from ingest.access import CLI, User, require
from ingest.audit import audit
from ingest.errors import ValidationFailed
from ingest.headers import normalise
from ingest.locate import Register
from ingest.names import department_key, is_email, no_department_message, too_long_message
from ingest.problems import Problem, column_letter, display_value
from ingest.read import Sheet, read_workbook
from ingest.renames import (
    aliases,
    departments_by_key,
    planned_renames,
    rename_departments,
    with_former_names,
)
from ingest.values import ParseError, parse_date, parse_text

OBJECTIVE_COLUMNS = {
    "objectiveid": "objective_id", "id": "objective_id", "objectiveno": "objective_id", "code": "objective_id",
    "objective": "objective", "title": "objective", "objectivetitle": "objective",
    "strategicobjective": "objective",
    "pillar": "pillar", "owner": "owner", "period": "period", "priority": "priority",
}
INITIATIVE_COLUMNS = {
    "initiativeid": "initiative_id", "id": "initiative_id", "code": "initiative_id",
    "name": "name", "initiative": "name", "initiativename": "name", "title": "name",
    "objective": "objective_id", "objectiveid": "objective_id", "strategicobjective": "objective_id",
    "leaddepartment": "lead_department", "lead": "lead_department",
    "memberdepartments": "member_departments", "members": "member_departments",
    "departments": "member_departments",
    "targetdate": "target_date", "target": "target_date", "duedate": "target_date",
}
DEPARTMENT_COLUMNS = {
    "department": "department", "departmentname": "department", "name": "department",
    "head": "head", "departmenthead": "head", "email": "email", "emailaddress": "email",
    # a department renamed at the lekgotla: its history moves to the new name (ingest.renames)
    "formerly": "formerly", "formername": "formerly", "previousname": "formerly",
    "renamedfrom": "formerly", "oldname": "formerly",
}


@dataclass
class RegisterFile:
    """A parsed register: objectives and departments, and every problem found."""

    objectives: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    initiatives: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (former name, name now) of the departments earlier registers renamed (ingest.renames.aliases)
    renamed: list[tuple[str, str]] = field(default_factory=list)


def _table(sheet: Sheet, names: dict[str, str], required: tuple[str, ...], out: RegisterFile
           ) -> list[dict[str, Any]]:
    header_idx = None
    for i, row in enumerate(sheet.rows[:20]):
        if sum(1 for c in row if c is not None and normalise(str(c)) in names) >= len(required):
            header_idx = i
            break
    if header_idx is None:
        out.problems.append(Problem("error", f"No header row with {', '.join(required)} found in the first "
                                    "20 rows.", sheet=sheet.name))
        return []
    cols: dict[str, tuple[int, str]] = {}
    for j, cell in enumerate(sheet.rows[header_idx]):
        key = names.get(normalise(str(cell))) if cell is not None else None
        if key and key not in cols:
            cols[key] = (j, str(cell))
    records = []
    for i in range(header_idx + 1, len(sheet.rows)):
        cells = sheet.rows[i]
        if all(c is None for c in cells):
            continue
        rec: dict[str, Any] = {"_row": i + 1}
        for key, (j, header) in cols.items():
            value = cells[j] if j < len(cells) else None
            try:
                rec[key] = parse_text(value)
            except ParseError as e:
                out.problems.append(Problem("error", str(e), sheet.name, i + 1, column_letter(j), header,
                                            display_value(value)))
                rec[key] = None
            if key in required and rec[key] is None:
                out.problems.append(Problem("error", "This cell is required: fill it in.", sheet.name, i + 1,
                                            column_letter(j), header))
        rec["_cols"] = cols
        records.append(rec)
    for key in required:
        if key not in cols:
            out.problems.append(Problem("error", f"The required column {key!r} is missing.", sheet.name,
                                        header_idx + 1, header=key))
    return records


def parse_register(data: bytes, file_name: str, renamed: Sequence[tuple[str, str]] = ()) -> RegisterFile:
    """Read the register workbook: sheet Objectives (required), Departments and Initiatives
    (optional). `renamed`: (former name, name now) of the departments earlier registers renamed,
    so that a former name an owner or initiative cell still writes reads as the name now."""
    wb = read_workbook(data, file_name, max_bytes=50_000_000, max_uncompressed=100_000_000)
    out = RegisterFile(renamed=list(renamed))
    sheets = {s.name.strip().lower(): s for s in wb.sheets}
    if "objectives" not in sheets:
        out.problems.append(Problem("error", "The register has no sheet named 'Objectives'. Add one with "
                                    "objective_id and objective columns."))
        return out
    out.objectives = _table(sheets["objectives"], OBJECTIVE_COLUMNS, ("objective_id", "objective"), out)
    if not out.objectives and not out.problems:
        out.problems.append(Problem("error", "The Objectives sheet lists no objectives: add one row per "
                                    "objective under its header row.", sheet=sheets["objectives"].name))
    seen: dict[str, int] = {}
    for rec in out.objectives:
        oid = rec.get("objective_id")
        j, header = rec["_cols"]["objective_id"] if "objective_id" in rec["_cols"] else (0, "objective_id")
        if oid is not None and oid in seen:
            out.problems.append(Problem("error", f"Objective ID {oid!r} is used more than once (also row "
                                        f"{seen[oid]}): give each objective its own ID.", "Objectives",
                                        rec["_row"], column_letter(j), header, oid))
        elif oid is not None:
            seen[oid] = rec["_row"]
        prio = rec.get("priority")
        if prio is not None:
            try:
                rec["priority"] = int(float(prio))
                if rec["priority"] < 1:
                    raise ValueError(prio)
            except ValueError:
                pj, ph = rec["_cols"]["priority"]
                out.problems.append(Problem("error", "Priority must be a whole number, 1 = highest.",
                                            "Objectives", rec["_row"], column_letter(pj), ph, str(prio)))
                rec["priority"] = None
    if "departments" in sheets:
        out.departments = _table(sheets["departments"], DEPARTMENT_COLUMNS, ("department",), out)
        names: dict[str, int] = {}
        for rec in out.departments:
            for key in ("department", "head", "formerly"):  # one line each: a line break would reach mail headers
                if rec.get(key) is not None:
                    rec[key] = " ".join(str(rec[key]).split())
                long = too_long_message(rec[key]) if key == "department" and rec.get(key) else None
                if long:
                    j, header = rec["_cols"][key]
                    out.problems.append(Problem("error", long, "Departments", rec["_row"],
                                                column_letter(j), header, display_value(rec[key])))
                    rec[key] = None
            name = rec.get("department")
            if name is None:
                continue
            key = department_key(name)
            if not key:
                j, header = rec["_cols"]["department"]
                out.problems.append(Problem("error", no_department_message(name), "Departments",
                                            rec["_row"], column_letter(j), header, name))
                continue
            if key in names:
                j, header = rec["_cols"]["department"]
                out.problems.append(Problem("error", f"Department {name!r} is listed twice (also row "
                                            f"{names[key]}).", "Departments", rec["_row"],
                                            column_letter(j), header, name))
            names[key] = rec["_row"]
            email = rec.get("email")
            if email is not None and not is_email(str(email).strip()):
                # demo mode sends the department's messages to it: one address, or none
                j, header = rec["_cols"]["email"]
                out.problems.append(Problem("error", f"{email!r} is not an email address: write "
                                            "one address, as name@organisation.example, or leave "
                                            "the cell empty.", "Departments", rec["_row"],
                                            column_letter(j), header, email))
        _check_formerly(out)
    if "initiatives" in sheets:
        out.initiatives = _table(sheets["initiatives"], INITIATIVE_COLUMNS, ("initiative_id", "name"), out)
        _check_initiatives(out)
    return out


def _check_formerly(out: RegisterFile) -> None:
    """A Formerly name is a department renamed, so it is not listed itself, and is the former
    name of one department only; one naming the department itself is no rename."""
    listed = {department_key(r["department"]) for r in out.departments if r.get("department")}
    seen: dict[str, int] = {}
    for rec in out.departments:
        former, name = rec.get("formerly"), rec.get("department")
        if former is None or name is None:
            continue
        key = department_key(former)
        j, header = rec["_cols"]["formerly"]
        where = ("Departments", rec["_row"], column_letter(j), header, former)
        if not key:
            out.problems.append(Problem("error", no_department_message(former), *where))
        elif key == department_key(name):
            rec["formerly"] = None
            if former != name:  # 'FINANCE' formerly 'Finance': one name, as Lekgotla compares them
                out.problems.append(Problem(
                    "warning", f"{former!r} and {name!r} differ only in capitals, spaces or "
                    "punctuation, which Lekgotla reads as one name: nothing is renamed.", *where))
        elif key in listed:
            out.problems.append(Problem(
                "error", f"{former!r} is listed as a department and as the former name of {name!r}: "
                "a renamed department is listed once, under its new name. Delete its own row, or "
                "this Formerly cell.", *where))
        elif key in seen:
            out.problems.append(Problem(
                "error", f"{former!r} is the former name of two departments (also row "
                f"{seen[key]}): a department's history moves to one new name.", *where))
        else:
            seen[key] = rec["_row"]
    # an objective's owner written with a department's former name is that department
    renamed = {department_key(former): name for former, name in _former_names(out)}
    for objective in out.objectives:
        owner = objective.get("owner")
        if owner is not None and department_key(str(owner)) in renamed:
            objective["owner"] = renamed[department_key(str(owner))]


def _former_names(out: RegisterFile) -> list[tuple[str, str]]:
    """(former name, new name) of each Departments row with a Formerly cell, then of each
    department an earlier register renamed that this one lists (by its name now, or by the one
    this register gives it), unless this register lists the former name itself."""
    own = [(r["formerly"], r["department"]) for r in out.departments
           if r.get("formerly") and r.get("department")]
    listed = {department_key(r["department"]) for r in out.departments if r.get("department")}
    now = {department_key(f): n for f, n in own}
    earlier = [(f, now.get(department_key(n), n)) for f, n in out.renamed
               if department_key(f) not in listed]
    return own + [(f, n) for f, n in earlier if department_key(n) in listed]


def _split_names(text: str | None) -> list[str]:
    return [n.strip() for n in re.split(r"[;,\n]", text or "") if n.strip()]


def _check_initiatives(out: RegisterFile) -> None:
    """Initiatives (issue 16): unique IDs, a target date, departments and objective as listed in the
    register; member_departments becomes the '; '-joined names, the lead department first."""
    listed = {department_key(d["department"]): d["department"] for d in out.departments if d.get("department")}
    # a department's former name (Formerly) reads as its new one, as the reports' will
    listed = with_former_names(listed, _former_names(out))
    objectives = {o["objective_id"] for o in out.objectives if o.get("objective_id")}
    seen: dict[str, int] = {}

    def problem(severity: str, rec: dict[str, Any], key: str, message: str, value: Any) -> None:
        j, header = rec["_cols"].get(key, (0, key))
        out.problems.append(Problem(severity, message, "Initiatives", rec["_row"],  # type: ignore[arg-type]
                                    column_letter(j), header, display_value(value)))

    for rec in out.initiatives:
        iid = rec.get("initiative_id")
        if iid is not None and normalise(iid) in seen:
            problem("error", rec, "initiative_id", f"Initiative ID {iid!r} is used more than once (also row "
                    f"{seen[normalise(iid)]}): give each initiative its own ID.", iid)
        elif iid is not None:
            seen[normalise(iid)] = rec["_row"]
        raw_date = rec.get("target_date")
        rec["target_date"] = None
        if raw_date is not None:
            try:
                rec["target_date"] = parse_date(raw_date, "DMY")
            except ParseError as e:
                problem("error", rec, "target_date", str(e), raw_date)
        members: list[str] = []
        for key in ("lead_department", "member_departments"):
            for name in _split_names(rec.get(key)):
                spelt = listed.get(department_key(name), name)
                if listed and department_key(name) not in listed:
                    problem("warning", rec, key, f"Department {name!r} is not on the Departments sheet: "
                            "check the name.", name)
                if spelt not in members:
                    members.append(spelt)
            if key == "lead_department" and rec.get(key):
                rec[key] = members[0] if members else None
        rec["member_departments"] = "; ".join(members) or None
        objective = rec.get("objective_id")
        if objective is not None and objective not in objectives:
            problem("warning", rec, "objective_id", f"Objective {objective!r} is not on the Objectives sheet: "
                    "check the objective ID.", objective)


def load_register(con: db.Connection, data: bytes, file_name: str, who: str | None = None,
                  user: User = CLI, parsed: RegisterFile | None = None) -> int:
    """Validate and store a register as a new version; returns the version. Nothing is written on error.

    Only an admin (or the CLI) may replace the register; the change is audited. `parsed`: the file as
    `parse_register` read it already (the dashboard reads it in a bounded worker process).
    """
    require(con, user, "register", file=file_name)
    who = who or user.email
    parsed = parsed if parsed is not None else parse_register(data, file_name, aliases(con))
    errors = [p for p in parsed.problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(parsed.problems, "Fix the register and upload it again")
    sha = hashlib.sha256(data).hexdigest()

    def _write_register(con: db.Connection) -> Any:
        renames, problems = planned_renames(con, parsed.departments)  # in the transaction: as stored
        if any(p.severity == "error" for p in problems):
            raise ValidationFailed(parsed.problems + problems, "Fix the register and upload it again")
        row = con.execute(db.sql("register_next_version")).fetchall()[0]
        version = int(row[0]) if row else 1
        rename_departments(con, renames, user, version)
        con.execute(
            db.sql("register_version_insert"),
            {"v": version, "sha": sha, "f": file_name, "w": who, "no": len(parsed.objectives),
             "nd": len(parsed.departments)},
        )
        con.executemany(
            db.sql("objective_insert"),
            [{"v": version, "id": o["objective_id"], "title": o["objective"], "pillar": o.get("pillar"),
              "owner": o.get("owner"), "period": o.get("period"), "priority": o.get("priority")}
             for o in parsed.objectives],
        )
        if parsed.initiatives:
            con.executemany(
                db.sql("initiative_insert"),
                [{"v": version, "id": i["initiative_id"], "name": i["name"], "objective": i.get("objective_id"),
                  "lead": i.get("lead_department"), "members": i.get("member_departments"),
                  "target": i.get("target_date")} for i in parsed.initiatives])
        if parsed.departments:
            existing = {department_key(n): n for (n,) in con.execute(db.sql("department_names")).fetchall()}
            con.execute(db.sql("departments_unlist"))
            for d in parsed.departments:
                # keep the spelling already in use so history stays joined to it
                name = existing.get(department_key(d["department"]), d["department"])
                keys = {"n": name, "h": d.get("head"), "e": d.get("email")}
                con.execute(db.sql("department_register_update"), keys)
                con.execute(db.sql("department_register_add"), keys)
        con.execute(db.sql("register_departments_insert"), {"v": version})
        audit(con, user, "register", "ok", file=file_name, register_version=version,
              objectives=len(parsed.objectives), departments=len(parsed.departments))
        db.bump_data_version(con)
        return version
    return int(db.write(con, _write_register))


def current_register(con: db.Connection) -> Register:
    """The register in force: its version, listed departments and objective IDs."""
    row = con.execute(db.sql("register_in_force")).fetchall()[0]
    version = row[0] if row else None
    if version is None:
        return Register()
    return register_at(con, int(version), current=True)


def register_at(con: db.Connection, version: int, current: bool = False) -> Register:
    """Register `version`: the departments it listed (`current`: those listed now, as a store
    whose registers were never recorded by department has them), objective IDs, initiatives."""
    ids = frozenset(r[0] for r in con.execute(
        db.sql("register_objective_ids"), {"v": version}).fetchall())
    listed = (con.execute(db.sql("register_departments")) if current else
              con.execute(db.sql("register_departments_of"), {"v": version})).fetchall()
    depts = departments_by_key(con, (n for (n,) in listed))
    initiatives: dict[str, str] = {}
    for iid, name in con.execute(
            db.sql("register_initiatives"), {"v": version}).fetchall():
        initiatives.setdefault(normalise(iid), str(iid))
        initiatives.setdefault(normalise(name), str(iid))
    return Register(int(version), depts, ids, initiatives)
