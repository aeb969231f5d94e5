"""The strategy register (SPEC §3): objectives and departments, versioned by upload."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ingest import db
from ingest.access import CLI, User, require
from ingest.audit import audit
from ingest.errors import IngestError, ValidationFailed
from ingest.headers import normalise
from ingest.locate import Register
from ingest.names import department_key, no_department_message
from ingest.problems import Problem, column_letter, display_value
from ingest.read import Sheet, read_workbook
from ingest.values import ParseError, parse_text

OBJECTIVE_COLUMNS = {
    "objectiveid": "objective_id", "id": "objective_id", "objectiveno": "objective_id", "code": "objective_id",
    "objective": "objective", "title": "objective", "objectivetitle": "objective",
    "strategicobjective": "objective",
    "pillar": "pillar", "owner": "owner", "period": "period", "priority": "priority",
}
DEPARTMENT_COLUMNS = {
    "department": "department", "departmentname": "department", "name": "department",
    "head": "head", "departmenthead": "head", "email": "email", "emailaddress": "email",
}


@dataclass
class RegisterFile:
    """A parsed register: objectives and departments, and every problem found."""

    objectives: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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


def parse_register(data: bytes, file_name: str) -> RegisterFile:
    """Read the register workbook: sheet Objectives (required) and Departments (optional)."""
    wb = read_workbook(data, file_name, max_bytes=50_000_000, max_uncompressed=100_000_000)
    out = RegisterFile()
    sheets = {s.name.strip().lower(): s for s in wb.sheets}
    if "objectives" not in sheets:
        out.problems.append(Problem("error", "The register has no sheet named 'Objectives'. Add one with "
                                    "objective_id and objective columns."))
        return out
    out.objectives = _table(sheets["objectives"], OBJECTIVE_COLUMNS, ("objective_id", "objective"), out)
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
    return out


def load_register(con: db.Connection, data: bytes, file_name: str, who: str | None = None,
                  user: User = CLI, parsed: RegisterFile | None = None) -> int:
    """Validate and store a register as a new version; returns the version. Nothing is written on error.

    Only an admin (or the CLI) may replace the register; the change is audited. `parsed`: the file as
    `parse_register` read it already (the dashboard reads it in a bounded worker process).
    """
    require(con, user, "register", file=file_name)
    who = who or user.email
    parsed = parsed if parsed is not None else parse_register(data, file_name)
    errors = [p for p in parsed.problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(parsed.problems, "Fix the register and upload it again")
    if not parsed.objectives:
        raise IngestError("The register's Objectives sheet lists no objectives.", "Fix the register")
    sha = hashlib.sha256(data).hexdigest()

    def _write_register(con: db.Connection) -> Any:
        row = con.execute("SELECT coalesce(max(register_version), 0) + 1 FROM register_versions").fetchall()[0]
        version = int(row[0]) if row else 1
        con.execute(
            "INSERT INTO register_versions VALUES ($v, $sha, $f, $w, now(), $no, $nd)",
            {"v": version, "sha": sha, "f": file_name, "w": who, "no": len(parsed.objectives),
             "nd": len(parsed.departments)},
        )
        con.executemany(
            "INSERT INTO objectives VALUES ($v, $id, $title, $pillar, $owner, $period, $priority)",
            [{"v": version, "id": o["objective_id"], "title": o["objective"], "pillar": o.get("pillar"),
              "owner": o.get("owner"), "period": o.get("period"), "priority": o.get("priority")}
             for o in parsed.objectives],
        )
        if parsed.departments:
            existing = {department_key(n): n for (n,) in con.execute("SELECT department FROM departments").fetchall()}
            con.execute("UPDATE departments SET in_register = FALSE")
            for d in parsed.departments:
                # keep the spelling already in use so history stays joined to it
                name = existing.get(department_key(d["department"]), d["department"])
                keys = {"n": name, "h": d.get("head"), "e": d.get("email")}
                con.execute("UPDATE departments SET head = $h, email = $e, in_register = TRUE "
                            "WHERE department = $n", keys)
                con.execute("INSERT INTO departments SELECT $n, $h, $e, TRUE, now() WHERE NOT EXISTS "
                            "(SELECT 1 FROM departments WHERE department = $n)", keys)
        audit(con, user, "register", "ok", file=file_name, register_version=version,
              objectives=len(parsed.objectives), departments=len(parsed.departments))
        db.bump_data_version(con)
        return version
    return int(db.write(con, _write_register))


def current_register(con: db.Connection) -> Register:
    """The register in force: its version, listed departments and objective IDs."""
    row = con.execute("SELECT max(register_version) FROM register_versions").fetchall()[0]
    version = row[0] if row else None
    if version is None:
        return Register()
    ids = frozenset(r[0] for r in con.execute(
        "SELECT objective_id FROM objectives WHERE register_version = $v", {"v": version}).fetchall())
    depts = {department_key(n): n for (n,) in con.execute(
        "SELECT department FROM departments WHERE in_register").fetchall()}
    return Register(int(version), depts, ids)
