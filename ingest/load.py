"""Store validated reports (SPEC §2.6): one transaction per file, old versions kept, raw files kept."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ingest import db, settings, upload_ids
from ingest.access import CLI, User, allowed, require
from ingest.audit import audit
from ingest.dependencies import add_dependency_warnings
from ingest.derived import Pending, carry_pending, refresh_derived
from ingest.errors import LekgotlaError
from ingest.parse import (
    DepartmentReport,
    Options,
    ParsedFile,
    can_load,
    parse_file,
)
from ingest.plan import DONE, add_plan_warnings, align_action_ids, left_out
from ingest.problems import Problem
from ingest.register import current_register, register_at
from ingest.renames import departments_by_key
from ingest.words import plural, where

STATUS_COLUMNS = (
    "action_id", "action", "objective_id", "responsible", "resources", "budget_allocated",
    "budget_spent", "start_date", "due_date", "due_text", "status", "percent_complete",
    "completion_date", "success_metric", "target", "actual", "metric_direction", "quality_review",
    "risk", "risk_level", "mitigation", "reason_code", "comments", "extra", "depends_on", "initiative",
)


sql = db.sql  # ingest/sql/<name>.sql, its fragments included


@dataclass
class Outcome:
    """What happened to one department's report from a file."""

    file_name: str
    status: str  # accepted | rejected | duplicate | restored
    message: str
    department: str | None = None
    period: str | None = None
    upload_id: int | None = None
    rows: int = 0
    warnings: int = 0
    errors: int = 0
    skipped: int = 0
    changes: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False  # not a workbook at all: the CLI exits 2 for it, as validate does

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the CLI."""
        return {
            "file": self.file_name, "status": self.status, "message": self.message,
            "department": self.department, "period": self.period, "upload_id": self.upload_id,
            "rows": self.rows, "warnings": self.warnings, "errors": self.errors, "skipped": self.skipped,
            "problems": [dict(p.as_dict(), severity=p.severity) for p in self.problems],
        }


def options_for(con: db.Connection, **kw: Any) -> Options:
    """Reading options filled from the database: register in force, known departments, settings."""
    names = [r[0] for r in con.execute(sql("department_names")).fetchall()]
    stored = db.stored_settings(con)  # read once: on the shared store each read is a round trip
    register = current_register(con)
    months = tuple((str(p), int(v)) for p, v in con.execute(sql("register_months")).fetchall())
    return Options(
        register=register,
        month_versions=months,
        registers={v: register_at(con, v) for v in {v for _, v in months} - {register.version}},
        known_departments=departments_by_key(con, names),
        **reading_settings(stored),
        **kw,
    )


def reading_settings(stored: dict[str, str] | None = None) -> dict[str, Any]:
    """The Options the settings decide (date order, limits), from the environment and secrets
    and the organisation's `stored` ones: also without a database (validate before any)."""
    return {"date_order": str(settings.get("date_order", stored)),
            "max_rows": int(settings.get("max_rows", stored)),
            "max_bytes": int(settings.get("max_upload_mb", stored)) * 1_000_000,
            "max_uncompressed": int(settings.get("max_uncompressed_mb", stored)) * 1_000_000}


def _current(con: db.Connection, department: str, period: str) -> tuple[int, str, str, Any] | None:
    """The upload in force for the month: (ID, sha256, file name, uploaded at); None if none."""
    row = db.one(con, sql("upload_current"), {"d": department, "p": period})
    return (int(row[0]), str(row[1]), str(row[2]), row[3]) if row else None


def _next_upload_id(con: db.Connection) -> int:
    return upload_ids.next_id(con)


def _insert_upload(con: db.Connection, query: str, **values: Any) -> int:
    """Record an upload with `query` (upload_rejected_insert or upload_report_insert); its ID."""
    if "upload_id" not in values:  # (setdefault would ask the database even when it is given)
        values["upload_id"] = _next_upload_id(con)
    con.execute(sql(query), values)
    return int(values["upload_id"])


_DATES = frozenset(("start_date", "due_date", "completion_date"))
_NUMBERS = frozenset(("budget_allocated", "budget_spent", "percent_complete", "target", "actual"))


def status_columns(report: DepartmentReport, objective_ids: frozenset[str] | None) -> pa.Table:
    """A report's rows as the `action_status` columns they fill themselves (the reported fields,
    objective_valid, source_row), built as Arrow columns: DuckDB reads them as they are (a pandas
    frame of Python objects is slower for it to scan). A bulk load's workers make them beside the
    parsing (`report.status_columns`), which takes that work off the one process that writes."""
    f = report.frame
    n = len(f)

    def column(c: str) -> pa.Array:
        values = f[c].to_numpy(dtype="float64" if c in _NUMBERS else object)
        kind = pa.float64() if c in _NUMBERS else pa.date32() if c in _DATES else pa.string()
        return pa.array(values, type=kind, from_pandas=True)  # NaN and None: null

    valid = (f["objective_id"].isin(list(objective_ids)).to_numpy(dtype=bool) if objective_ids is not None
             else np.zeros(n, dtype=bool))
    return pa.table({
        **{c: column(c) for c in STATUS_COLUMNS},
        "objective_valid": pa.array(valid),
        "source_row": pa.array(f.index.to_numpy(dtype="int32")),
    })


def _status_table(report: DepartmentReport, upload_id: int, sheet: str | None,
                  objective_ids: frozenset[str] | None) -> pa.Table:
    """A report's rows as `action_status` rows: its own columns (made already by a bulk load's
    worker, else now) and those of the upload."""
    own = (report.status_columns if report.status_columns is not None
           else status_columns(report, objective_ids))
    n = own.num_rows
    return pa.table({
        "upload_id": pa.array(np.full(n, upload_id, dtype="int32")),
        "department": pa.array([report.department] * n, pa.string()),
        "period": pa.array([report.period.key] * n, pa.string()),
        "period_end": pa.array([report.period.end] * n, pa.date32()),
        **{name: own.column(name) for name in own.column_names},
        "sheet": pa.array([sheet] * n, pa.string()),
        "is_current": pa.array(np.ones(n, dtype=bool)),
    })


def make_current(con: db.Connection, department: str, period: str, upload_id: int,
                 pending: Pending | None = None, first: bool = False) -> None:
    """Make an upload the department's report in force for the period, then rebuild what derives from it:
    `actions` and the `report_summary` rows of the periods the change can move — now, or, given
    `pending`, once for a whole batch by `refresh_derived` (within the same transaction).

    `first`: the period had no report, and the upload and its rows were inserted current already."""
    if not first:
        params = {"d": department, "p": period, "u": upload_id}
        con.execute(sql("upload_make_current"), params)
        con.execute(sql("status_make_current"), params)
    todo = {} if pending is None else pending
    todo[department] = min(period, todo.get(department, period))
    if pending is None:
        refresh_derived(con, todo)


def restore_upload(con: db.Connection, user: User, upload_id: int) -> None:
    """Make an older accepted version of a report current again (SPEC §2.6), audited."""
    row = db.one(con, sql("upload_status"), {"u": upload_id})
    if row is None or row[2] != "accepted":
        raise LekgotlaError(f"Upload #{upload_id} is not an accepted report, so it cannot be restored.",
                            "Choose an accepted version")
    department, period = str(row[0]), str(row[1])
    require(con, user, "restore", department, period, upload_id=upload_id)

    def _restore(con: db.Connection) -> Any:
        make_current(con, department, period, upload_id)
        audit(con, user, "restore", "restored", department, period, upload_id=upload_id)
        db.bump_data_version(con)
    db.write(con, _restore)


def add_plan_checks(con: db.Connection, parsed: ParsedFile, absence: str,
                    before: Callable[[], None] | None = None) -> None:
    """What needs the plans in force, as `load`, `validate` and the Upload page do it: action IDs
    spelled as their history spells them, then the warnings for the open actions of the
    department's plan the report leaves out, and for dependencies on actions unknown, Cancelled or
    in a circle. `before`: as `add_dependency_warnings`."""
    align_action_ids(con, parsed)
    if parsed.period is None:  # the plans of which month? ("The reporting period is unknown" says why)
        return
    add_plan_warnings(con, parsed, absence)
    add_dependency_warnings(con, parsed, before=before)


def _ensure_department(con: db.Connection, department: str) -> None:
    con.execute(sql("department_add_unlisted"), {"d": department})


def _store_raw(con: db.Connection, sha: str, data: bytes, file_name: str) -> None:
    con.execute(sql("raw_file_add"), {"s": sha, "n": len(data), "c": data, "f": file_name})


def _messages(problems: list[Problem]) -> str:
    return json.dumps([dict(p.as_dict(), severity=p.severity) for p in problems], ensure_ascii=False,
                      default=str)


def store(con: db.Connection, data: bytes, parsed: ParsedFile, opts: Options, who: str | None = None,
          mapping_name: str | None = None, submitted_at: datetime | None = None, user: User = CLI,
          changes: bool = True) -> list[Outcome]:
    """Write a parsed file in one transaction: accepted, duplicate (no-op) or an older version restored.

    `user` must be allowed to upload (and, for an older version, restore) every department the file
    holds, else AccessDenied and nothing is written. Every outcome goes to the audit log.
    The submission time is `submitted_at` (a backfill says when), else the report's `Date submitted`, else now.
    `changes`: say in each outcome what the report changes (False: the caller showed that already).
    """
    check_rights(con, parsed, opts, user)

    def _store(con: db.Connection) -> Any:
        pending: Pending = {}
        outcomes = write_parsed(con, data, parsed, opts, who, mapping_name, submitted_at, user, pending,
                                changes)
        refresh_derived(con, pending)
        db.bump_data_version(con)
        return outcomes
    return db.write(con, _store)


def check_rights(con: db.Connection, parsed: ParsedFile, opts: Options, user: User) -> None:
    """AccessDenied (logged) unless `user` may upload every department's report the file holds.

    A file with no report (unreadable, or naming no department) is still recorded as a rejected
    upload: only a user who may upload writes that row, for the department chosen (a department
    head: one of theirs, so never for none)."""
    for report in parsed.reports:
        require(con, user, "upload", report.department, report.period.key, file=parsed.file_name)
    if not parsed.reports:
        require(con, user, "upload", opts.department, opts.period, file=parsed.file_name)


def write_parsed(con: db.Connection, data: bytes, parsed: ParsedFile, opts: Options, who: str | None,
                 mapping_name: str | None, submitted_at: datetime | None, user: User, pending: Pending,
                 changes: bool = True, carried: set[str] | None = None) -> list[Outcome]:
    """The writes of `store`, inside the caller's transaction, leaving the derived rows in `pending`.

    `changes`: also say what each report changes against the previous one (Outcome.changes).
    `carried`: in a batch, the pending departments whose rows carried over are rebuilt already
    (`carry_pending`), kept up to date here."""
    sha = hashlib.sha256(data).hexdigest()
    now = datetime.now()
    who = who or user.email
    stated = parsed.submitted_at if allowed(user, "date_submission") else None
    submitted = submitted_at or stated or now
    # the cell a head may not date their own report by, when it says another day
    unstated = (parsed.submitted_at if stated is None and submitted_at is None and parsed.submitted_at
                and parsed.submitted_at.date() != now.date() else None)
    outcomes: list[Outcome] = []
    if not can_load(parsed, opts.skip_invalid_rows):
        period = parsed.period.key if parsed.period else None
        # a department's record holds its own rows' problems and the file's: its heads are told
        held: list[tuple[str | None, list[Problem], int]] = (
            [(r.department, parsed.problems_of(r), len(r.frame) + len(r.skipped_rows)) for r in parsed.refused]
            if parsed.reports else [(None, parsed.problems, parsed.rows)])
        others = [d for d in parsed.departments if d not in {h[0] for h in held}]
        also = (f" The file's other department, {others[0]}, was not stored either, because the file "
                "was refused." if len(others) == 1 else
                f" The file's other {len(others)} departments, {', '.join(others)}, were not stored "
                "either, because the file was refused." if others else "")
        for dept, problems, rows in held:
            errors = [p for p in problems if p.severity == "error"]
            warnings = len(problems) - len(errors)
            uid = _insert_upload(
                con, "upload_rejected_insert", sha256=sha, file_name=parsed.file_name, department=dept,
                period=period, uploaded_by=who, uploaded_at=now, submitted_at=submitted, status="rejected",
                sheet=parsed.sheet, row_count=rows, error_count=len(errors), warning_count=warnings,
                messages=_messages(problems), mapping_name=mapping_name)
            outcomes.append(Outcome(parsed.file_name, "rejected",
                                    f"Rejected: {plural(len(errors), 'error')}; nothing was stored.{also}",
                                    dept, period, uid, rows, warnings, len(errors), problems=problems,
                                    unreadable=parsed.unreadable))
        _audit_outcomes(con, user, outcomes)
        return outcomes
    add_plan_checks(con, parsed, opts.absence, before=None if carried is None else
                    lambda: carry_pending(con, pending, carried))
    diffs = {r.department: change_summary(con, r, opts.absence) if changes else None for r in parsed.reports}
    _store_raw(con, sha, data, parsed.file_name)
    for report in parsed.reports:
        dept, period = report.department, report.period.key
        if carried is not None:
            carried.discard(dept)  # what it carries over changes with this report
        if dept not in opts.known_departments.values():
            _ensure_department(con, dept)
        current = _current(con, dept, period)
        register = opts.register_for(period)  # the month's (a correction after a new register)
        objective_ids = register.objective_ids if register.version is not None else None
        common = dict(sha256=sha, file_name=parsed.file_name, department=dept, period=period,
                      uploaded_by=who, uploaded_at=now, submitted_at=submitted,
                      sheet=parsed.sheet, row_count=len(report.frame),
                      warning_count=len(report.warnings), skipped_count=len(report.skipped_rows),
                      error_count=len(report.errors), messages=_messages(report.problems),
                      column_map=json.dumps(parsed.letters), mapping_name=mapping_name,
                      register_version=register.version, absent_actions=opts.absence,
                      skipped_actions=json.dumps(report.skipped_actions))
        if current and current[1] == sha:
            uid = _insert_upload(con, "upload_report_insert", status="duplicate", is_current=False,
                                 replaced_upload_id=current[0], **common)
            outcomes.append(Outcome(parsed.file_name, "duplicate",
                                    f"{where(dept, period)}: identical to the current report (upload "
                                    f"#{current[0]}); nothing changed.", dept, period, uid,
                                    len(report.frame)))
            continue
        # an accepted version is current until replaced, so with none current there is none older
        older = con.execute(sql("upload_same_file"), {"d": dept, "p": period, "s": sha}
                            ).fetchall()[0] if current else None
        if older and older[0] is not None:
            old_id = int(older[0])
            require(con, user, "restore", dept, period, file=parsed.file_name, upload_id=old_id)
            make_current(con, dept, period, old_id, pending)
            uid = _insert_upload(con, "upload_report_insert", status="duplicate", is_current=False,
                                 replaced_upload_id=current[0] if current else None, **common)
            outcomes.append(Outcome(parsed.file_name, "restored",
                                    f"{where(dept, period)}: same file as upload #{old_id}; that version is "
                                    "current again.", dept, period, old_id, len(report.frame),
                                    changes=diffs[dept]))
            continue
        uid = _next_upload_id(con)
        con.register("incoming_status", _status_table(report, uid, parsed.sheet, objective_ids))
        try:
            _insert_upload(con, "upload_report_insert", upload_id=uid, status="accepted", is_current=current is None,
                           replaced_upload_id=current[0] if current else None, **common)
            con.execute(sql("status_rows_insert"))
        finally:
            con.unregister("incoming_status")
        make_current(con, dept, period, uid, pending, first=current is None)
        # a head knows the file and the day they sent it; the number is the M&E team's handle
        verb = (f"stored in place of {current[2]}, uploaded {current[3].day} {current[3]:%b %Y} "
                f"(upload #{current[0]})" if current else "stored")
        skipped = f", {plural(len(report.skipped_rows), 'invalid row')} skipped" if report.skipped_rows else ""
        dated = (f" Submitted {now.day} {now:%b %Y}, when it was uploaded: its Date submitted cell "
                 f"({unstated.day} {unstated:%b %Y}) counts only in an upload by the M&E team."
                 if unstated else "")
        outcomes.append(Outcome(parsed.file_name, "accepted",
                                f"{where(dept, period)}: {plural(len(report.frame), 'action')} {verb}, "
                                f"{plural(len(report.warnings), 'warning')}{skipped}.{dated}", dept, period, uid,
                                len(report.frame), len(report.warnings), len(report.errors),
                                len(report.skipped_rows), diffs[dept], report.problems))
    _audit_outcomes(con, user, outcomes)
    return outcomes


def audit_check(con: db.Connection, user: User, parsed: ParsedFile, opts: Options) -> None:
    """Log a check that found errors (action 'check', outcome 'failed', with its counts of rows, errors
    and warnings), one entry per department the file holds whose rows have errors (every one when
    the file as a whole has: ParsedFile.refused; else the one chosen), with its own counts. A check of a draft
    on the Upload page is not a submission: nothing goes in `uploads`, so Submissions counts no
    rejection; `store` records a failed file only when it is submitted (the CLI, a bulk load, or the
    Upload page's "Record as a failed submission")."""
    period = parsed.period.key if parsed.period else opts.period
    if not parsed.reports:
        audit(con, user, "check", "failed", opts.department, period, file=parsed.file_name,
              rows=parsed.rows, errors=len(parsed.errors), warnings=len(parsed.warnings))
    for report in parsed.refused:
        problems = parsed.problems_of(report)
        errors = sum(p.severity == "error" for p in problems)
        audit(con, user, "check", "failed", report.department, period, file=parsed.file_name,
              rows=len(report.frame) + len(report.skipped_rows), errors=errors,
              warnings=len(problems) - errors)


def _audit_outcomes(con: db.Connection, user: User, outcomes: list[Outcome]) -> None:
    for o in outcomes:
        audit(con, user, "restore" if o.status == "restored" else "upload", o.status, o.department, o.period,
              file=o.file_name, upload_id=o.upload_id, rows=o.rows, errors=o.errors, warnings=o.warnings,
              skipped=o.skipped)


def read_report(con: db.Connection, data: bytes, file_name: str, opts: Options, bounded: bool = False
                ) -> ParsedFile:
    """Parse a file; `bounded` reads it in a worker process with the time and memory limits of the settings."""
    if not bounded:
        return parse_file(data, file_name, opts)
    from ingest.worker import parse_file_bounded

    return parse_file_bounded(data, file_name, opts, float(db.setting(con, "read_timeout_s")),
                              int(db.setting(con, "read_memory_mb")))


def load_file(con: db.Connection, data: bytes, file_name: str, who: str | None = None,
              mapping_name: str | None = None, bounded: bool = False, submitted_at: datetime | None = None,
              user: User = CLI, **options: Any) -> list[Outcome]:
    """Validate and load one file's bytes (options: department, period, mapping, skip_invalid_rows).

    `bounded` reads the file in a worker process with time and memory limits (uploads from the app).
    """
    opts = options_for(con, **options)
    parsed = read_report(con, data, file_name, opts, bounded)
    return store(con, data, parsed, opts, who, mapping_name or (opts.mapping.name if opts.mapping else None),
                 submitted_at, user)


def change_summary(con: db.Connection, report: DepartmentReport, absence: str = "carried") -> pd.DataFrame:
    """What a report changes against the department's previous report (same period, else the latest before).

    An action of the earlier plan that the report leaves out is "not reported (carried forward)" when
    open, and not a change when Completed (both stay in the plan) or Cancelled (it left the plan
    then); with `absence` "left" it "left the plan". Columns: action_id, action, change, before,
    after.
    """
    prev = con.execute(sql("previous_report"), {"d": report.department, "p": report.period.key}).df()
    # a file with a repeated action_id is never stored; compare its first occurrence
    new = report.frame.drop_duplicates("action_id").set_index("action_id")
    rows: list[dict[str, Any]] = []
    if prev.empty:
        return pd.DataFrame(rows, columns=["action_id", "action", "change", "before", "after"])
    old = prev.drop_duplicates("action_id").set_index("action_id")

    def add(aid: Any, action: Any, change: str, before: Any, after: Any) -> None:
        rows.append({"action_id": aid, "action": action, "change": change,
                     "before": None if pd.isna(before) else str(before),
                     "after": None if pd.isna(after) else str(after)})

    for aid in new.index.difference(old.index):
        add(aid, new.at[aid, "action"], "new action", None, new.at[aid, "status"])
    gone = old.index.difference(new.index)
    carried = left_out(con, report) if len(gone) and absence == "carried" else None
    kinds = dict(zip(carried["action_id"], carried["kind"], strict=True)) if carried is not None else {}
    for aid in gone:
        kind = kinds.get(aid)
        if kind == DONE or old.at[aid, "status"] == "Cancelled":  # left the plan when cancelled
            continue
        if str(aid).lower() in report.skipped_actions:  # its row was skipped as invalid: it stays
            change = "row skipped (carried forward)"
        else:
            change = ("left the plan" if absence == "left" else "not reported (carried forward)" if kind
                      else "dropped action")
        add(aid, old.at[aid, "action"], change, old.at[aid, "status"], None)
    cols = ["action", "due_date", "percent_complete", "status", "completion_date"]
    both = new.index.intersection(old.index)
    # plain dicts of the four compared fields: a .loc per action is far slower
    new_rows = new.loc[both, cols].to_dict("index")
    old_rows = old.loc[both, cols].to_dict("index")

    def day(value: Any) -> Any:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    for aid in both:
        n, o = new_rows[aid], old_rows[aid]
        nd, od = day(n["due_date"]), day(o["due_date"])
        if nd != od:
            add(aid, n["action"], "due date moved", od, nd)
        if pd.notna(o["percent_complete"]) and pd.notna(n["percent_complete"]) \
                and n["percent_complete"] < o["percent_complete"]:
            add(aid, n["action"], "progress went down", f"{o['percent_complete']:g}%", f"{n['percent_complete']:g}%")
        if n["status"] != o["status"]:
            add(aid, n["action"], "status changed", o["status"], n["status"])
        nc, oc = day(n["completion_date"]), day(o["completion_date"])
        # a date given as the action completes goes with its status change; any other change
        # moves when it was done, and so its timeliness
        if nc != oc and (oc is not None or n["status"] == o["status"]):
            add(aid, n["action"], "completion date changed", oc, nc)
    return pd.DataFrame(rows, columns=["action_id", "action", "change", "before", "after"])
