"""What is due at a given moment: which notification goes to whom, for which period.

A report counts as missing at that moment when none of its versions had been submitted by then
(the submission date the on-time rate uses), so the schedule gives the same answer on a history
loaded after the fact. One message per recipient, kind and period: a head of two departments gets
one reminder naming both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from followup import queries
from followup.recipients import Person, heads_of, people, with_role
from ingest import db
from ingest.problems import Problem
from ingest.words import period_words
from metrics.filters import months_of, quarter_of

KINDS: dict[str, str] = {
    "reminder": "Before the deadline, to each head whose report is not in",
    "overdue": "After the deadline, to each head whose report is missing, copied to the M&E team "
               "(to the M&E team itself for a department no head is told of)",
    "rejected": "On a rejected upload, to the uploader: the problems and a workbook listing them",
    "digest": "Monthly, what changed: each head their departments', leadership the organisation's",
    "pack": "Quarterly, to leadership: the review pack (HTML, PDF where Chromium is installed)",
}
REJECTED_WITHIN = timedelta(days=7)  # a rejection older than this when notify first sees it is not sent


@dataclass(frozen=True)
class Due:
    """One message to send: its kind, recipient, period and what it is about."""

    kind: str
    recipient: Person
    period: str  # YYYY-MM; YYYY-Qn for the pack
    departments: tuple[str, ...] = ()  # empty: the organisation
    cc: tuple[str, ...] = ()
    upload_id: int = 0
    deadline: date | None = None
    upload: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, str, int]:
        """The outbox key: recipient, kind, period, upload."""
        return (self.recipient.email, self.kind, self.period, self.upload_id)


def month_key(day: date) -> str:
    """`2025-07` of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def month_before(key: str) -> str:
    """The month before `2025-07`: `2025-06`."""
    year, month = int(key[:4]), int(key[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def deadline(period: str, on_time_day: int) -> date:
    """The last day a month's report is on time: day `on_time_day` of the following month."""
    year, month = int(period[:4]), int(period[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, on_time_day)


def enabled_kinds(con: db.Connection) -> list[str]:
    """The kinds the notify_kinds setting turns on, in KINDS' order."""
    listed = {k.strip() for k in str(db.setting(con, "notify_kinds")).split(",")}
    return [k for k in KINDS if k in listed]


def problems_of(messages: str) -> list[Problem]:
    """The problems stored with an upload (its `messages` JSON)."""
    return [Problem(**{k: d.get(k) for k in ("severity", "message", "sheet", "row", "column",
                                              "header", "value")})
            for d in json.loads(messages or "[]")]


def missing_reports(con: db.Connection, period: str, at: datetime,
                    on_time_day: int) -> dict[str, date]:
    """The departments in scope with no accepted report for `period` submitted by `at`, and the
    month's deadline: whom a reminder or an overdue notice is for."""
    rows = queries.records(con, "due_reports", {"months": [period], "departments": [],
                                                "on_time_day": on_time_day, "at": at})
    return {r["department"]: r["deadline"] for r in rows if not r["submitted"]}


def _per_head(kind: str, everyone: list[Person], missing: dict[str, date], period: str,
              cc: tuple[str, ...] = ()) -> list[Due]:
    found: dict[str, Due] = {}
    for department, due_on in sorted(missing.items()):
        for head in heads_of(everyone, department):
            known = found.get(head.email)
            departments = (*known.departments, department) if known else (department,)
            found[head.email] = Due(kind, head, period, departments,
                                    tuple(c for c in cc if c != head.email), deadline=due_on)
    return list(found.values())


def _reported(con: db.Connection, months: list[str]) -> bool:
    return bool(queries.records(con, "reported_months", {"months": months}))


@dataclass(frozen=True)
class Untold:
    """A missing report nobody can be told of: no head receives notifications for the department,
    and there is no M&E user (demo mode has none)."""

    kind: str  # reminder or overdue
    period: str
    departments: tuple[str, ...]

    def words(self) -> str:
        """What is wrong and what to do, for the notify command's output."""
        names = ", ".join(self.departments)
        return (f"Nobody can be told that the {period_words(self.period)} report of {names} is "
                f"missing ({self.kind}): no department head receives notifications for it and "
                "there is no M&E user. Add the head's email on the register's Departments sheet, "
                "or add users (its head, or the M&E team) on the Users page.")


def _untold(kind: str, everyone: list[Person], missing: dict[str, date], period: str) -> list[Untold]:
    if with_role(everyone, "me"):
        return []
    nobody = tuple(sorted(d for d in missing if not heads_of(everyone, d)))
    return [Untold(kind, period, nobody)] if nobody else []


def due(con: db.Connection, at: datetime, kinds: list[str] | None = None) -> list[Due]:
    """Every message due at `at` (those of the `kinds` given, else of the notify_kinds setting),
    whether or not it was sent already (the outbox tells)."""
    return plan(con, at, kinds)[0]


def plan(con: db.Connection, at: datetime,
         kinds: list[str] | None = None) -> tuple[list[Due], list[Untold]]:
    """`due`'s messages, and the missing reports of that moment nobody can be told of."""
    kinds = enabled_kinds(con) if kinds is None else kinds
    on_time_day = int(db.setting(con, "on_time_day"))
    everyone = people(con)
    today = at.date()
    last_month = month_before(month_key(today))
    found: list[Due] = []
    untold: list[Untold] = []
    # no month before the organisation's first is chased (an --at long before any data)
    first = queries.records(con, "first_month")[0]["first_month"] or "9999-12"
    if "reminder" in kinds and last_month >= first:
        ends = deadline(last_month, on_time_day)
        before = int(db.setting(con, "reminder_days_before"))
        if ends - timedelta(days=before) <= today <= ends:
            missing = missing_reports(con, last_month, at, on_time_day)
            found += _per_head("reminder", everyone, missing, last_month)
            untold += _untold("reminder", everyone, missing, last_month)
    if "overdue" in kinds:
        # the latest month whose deadline has passed
        late = last_month if today > deadline(last_month, on_time_day) else month_before(last_month)
        if late >= first:
            missing = missing_reports(con, late, at, on_time_day)
            found += _overdue(everyone, missing, late)
            untold += _untold("overdue", everyone, missing, late)
    if "rejected" in kinds:
        found += _rejected(con, everyone, at, at - REJECTED_WITHIN)
    digest_day = int(db.setting(con, "digest_day"))
    if "digest" in kinds and today.day >= digest_day and _reported(con, [last_month]):
        found += _digests(everyone, last_month)
    if "pack" in kinds and today.day >= digest_day and last_month[5:7] in ("03", "06", "09", "12"):
        found += _packs(con, everyone, quarter_of(last_month))
    return found, untold


def again(con: db.Connection, at: datetime, to_retry: list[dict[str, Any]]) -> list[Due]:
    """The messages of `to_retry` (outbox rows: recipient, kind, period, upload_id) as they are
    composed at `at`, the same message for the same period, those that still apply: a reminder
    until its deadline (after it the overdue notice takes over), an overdue notice while the
    report is still missing, a rejection, digest or pack while its recipient still gets it."""
    kinds = enabled_kinds(con)
    on_time_day = int(db.setting(con, "on_time_day"))
    everyone = people(con)
    wanted = {(r["recipient"], r["kind"], r["period"], int(r["upload_id"])) for r in to_retry}
    found: list[Due] = []
    for kind, period in sorted({(k, p) for _, k, p, _ in wanted if k in kinds}):
        if kind == "reminder" and at.date() <= deadline(period, on_time_day):
            candidates = _per_head("reminder", everyone,
                                   missing_reports(con, period, at, on_time_day), period)
        elif kind == "overdue":
            candidates = _overdue(everyone, missing_reports(con, period, at, on_time_day), period)
        elif kind == "rejected":
            ids = sorted(u for _, k, p, u in wanted if (k, p) == (kind, period))
            candidates = _rejected(con, everyone, at, datetime(1900, 1, 1), ids)
        elif kind == "digest" and _reported(con, [period]):
            candidates = _digests(everyone, period)
        elif kind == "pack":
            candidates = _packs(con, everyone, period)
        else:
            candidates = []
        found += [c for c in candidates if c.key in wanted]
    return found


def _overdue(everyone: list[Person], missing: dict[str, date], late: str) -> list[Due]:
    cc = tuple(p.email for p in with_role(everyone, "me"))
    found = _per_head("overdue", everyone, missing, late, cc)
    # a missing report no head is told of (none set, or opted out) goes to the M&E team itself
    unheaded = {d: due_on for d, due_on in missing.items() if not heads_of(everyone, d)}
    told = {f.recipient.email for f in found}
    found += [Due("overdue", me, late, tuple(sorted(unheaded)), deadline=min(unheaded.values()))
              for me in with_role(everyone, "me") if unheaded and me.email not in told]
    return found


def _digests(everyone: list[Person], period: str) -> list[Due]:
    found = [Due("digest", head, period, tuple(sorted(head.departments)))
             for head in with_role(everyone, "department_head") if head.departments]
    return found + [Due("digest", p, period) for p in with_role(everyone, "leadership")]


def _packs(con: db.Connection, everyone: list[Person], quarter: str) -> list[Due]:
    if not _reported(con, months_of(quarter)):  # any month of it, as `kpis --period` takes it
        return []
    return [Due("pack", p, quarter) for p in with_role(everyone, "leadership")]


def _rejected(con: db.Connection, everyone: list[Person], at: datetime, since: datetime,
              upload_ids: list[int] | None = None) -> list[Due]:
    by_email = {p.email: p for p in people(con, with_opted_out=True)}
    found = []
    for upload in queries.records(con, "rejected_uploads", {"since": since, "at": at,
                                                            "upload_ids": upload_ids or []}):
        uploader = by_email.get(str(upload["uploaded_by"] or "").strip().lower())
        if uploader is not None and uploader.opted_out:
            continue
        # an upload from the command line or demo mode: its department's heads are told instead
        told = [uploader] if uploader is not None else heads_of(everyone, upload["department"])
        found += [Due("rejected", person, upload["period"], (upload["department"],),
                      upload_id=int(upload["upload_id"]), upload=upload) for person in told]
    return found
