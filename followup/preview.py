"""What the Notifications page shows: each kind's schedule in words, who gets what, a preview of
any message for a chosen period and person, and a test message sent to oneself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from followup import queries
from followup.delivery import Run, notify, pending, sendable
from followup.messages import compose
from followup.recipients import Person, people, with_role
from followup.schedule import (
    KINDS,
    REJECTED_WITHIN,
    Due,
    deadline,
    enabled_kinds,
    missing_reports,
)
from ingest import db
from ingest.access import User, require
from ingest.errors import LekgotlaError
from ingest.names import is_email
from ingest.words import period_words, plural
from metrics.filters import months_of, quarter_of

ROLE_KINDS: dict[str, tuple[str, ...]] = {
    "department_head": ("reminder", "overdue", "rejected", "digest"),
    "me": ("overdue", "rejected"),  # overdue: in copy; rejected: what they uploaded
    "leadership": ("digest", "pack"),
    "admin": ("rejected",),
}


def schedule(con: db.Connection) -> list[dict[str, str]]:
    """Each kind: when it goes out (in days of the month, from the settings in force), to whom,
    and whether the notify_kinds setting has it on."""
    on_time = int(db.setting(con, "on_time_day"))
    before = int(db.setting(con, "reminder_days_before"))
    digest_day = int(db.setting(con, "digest_day"))
    start = on_time - before
    when = {
        "reminder": (f"Days {start} to {on_time} of each month ({plural(before, 'day')} before the "
                     f"deadline, day {on_time}), once a period" if start >= 1 else
                     f"Days 1 to {on_time} of each month (the deadline), once a period: not "
                     "before the month reported on is over"),
        "overdue": f"From day {on_time + 1} of each month (the day after the deadline), once a period",
        "rejected": f"At the next run after the upload (within {REJECTED_WITHIN.days} days)",
        "digest": f"From day {digest_day} of each month, for the month before",
        "pack": f"From day {digest_day} of January, April, July and October, for the quarter before",
    }
    on = enabled_kinds(con)
    return [{"kind": kind, "when": when[kind], "what": text, "on": "on" if kind in on else "off"}
            for kind, text in KINDS.items()]


def recipients(con: db.Connection) -> list[dict[str, object]]:
    """Everyone notifications may go to, with the kinds their role gets that the notify_kinds
    setting has on, and whether they opted out."""
    on = set(enabled_kinds(con))
    return [{"email": p.email, "name": p.name or "", "role": p.role,
             "departments": ", ".join(sorted(p.departments)),
             "gets": ", ".join(k for k in ROLE_KINDS.get(p.role, ()) if k in on),
             "opted_out": p.opted_out}
            for p in people(con, with_opted_out=True)]


@dataclass(frozen=True)
class Preview:
    """A composed message, or why there is none for that choice; with a message, `reason` (when
    not empty) says why that message would not actually go out, and `sent_at` the moment it is
    composed for: when it goes out (its "days late" and dates are of that day)."""

    message: EmailMessage | None
    reason: str = ""
    sent_at: datetime | None = None


def preview(con: db.Connection, user: User, kind: str, email: str, period: str,
            at: datetime | None = None) -> Preview:
    """The message of `kind` that `email` would get for the month `period` (the pack: its quarter),
    composed now, whether or not it is due (admin only: it shows what anyone receives)."""
    require(con, user, "notifications")
    person = next((p for p in people(con, with_opted_out=True) if p.email == email), None)
    if person is None:
        return Preview(None, f"{email} receives no notification.")
    gets = ROLE_KINDS.get(person.role, ())
    if kind not in gets:  # composed anyway, it would show a message nobody sends them
        return Preview(None, f"{email} does not receive the {kind} notification: their role "
                             f"gets {', '.join(gets) or 'none'}.")
    on_time = int(db.setting(con, "on_time_day"))
    ends = deadline(period, on_time)
    # as it reads when it goes out: the reminder's first day (never before the month is over), a
    # few days after the deadline, the digest's day after the month, the pack's after the quarter
    first_day = ends - timedelta(days=int(db.setting(con, "reminder_days_before")))
    digest_day = int(db.setting(con, "digest_day"))
    sent_on = {"reminder": max(first_day, ends.replace(day=1)),
               "digest": deadline(period, digest_day),
               "pack": deadline(months_of(quarter_of(period))[-1], digest_day)}.get(kind, ends)
    moment = at or datetime(sent_on.year, sent_on.month, sent_on.day, 9)
    departments = tuple(sorted(person.departments))
    if kind in ("reminder", "overdue") and not departments:
        return Preview(None, f"{email} heads no department: reminders and overdue notices go to "
                             "department heads.")
    if kind == "pack":
        return Preview(compose(con, Due("pack", person, quarter_of(period)), moment, pdf=False),
                       sent_at=moment)
    if kind == "rejected":
        rows = [r for r in queries.records(con, "rejected_uploads", {
            "since": datetime(1900, 1, 1), "at": datetime(9999, 1, 1), "upload_ids": []})
            if r["period"] == period and (r["department"] in departments
                                          or str(r["uploaded_by"]).lower() == email)]
        if not rows:  # a rejection a later accepted version made good is not told either
            return Preview(None, f"No rejected upload of {period_words(period)} to tell "
                                 f"{email} about (none, or each was followed by an accepted "
                                 "version).")
        upload = rows[-1]
        return Preview(compose(con, Due("rejected", person, period, (upload["department"],),
                                        upload_id=int(upload["upload_id"]), upload=upload), moment))
    cc = tuple(p.email for p in with_role(people(con), "me")) if kind == "overdue" else ()
    if kind == "overdue" and at is None:
        moment += timedelta(days=3)
    note = ""
    if kind in ("reminder", "overdue"):  # sent only for a report still missing then
        missing = missing_reports(con, period, moment, on_time)
        if any(d in missing for d in departments):
            departments = tuple(d for d in departments if d in missing)
        else:  # shown all the same: the admin sees what it says, and that it would not go
            whose = "its report" if len(departments) == 1 else "their reports"
            note = (f"This {kind} would not go out: {', '.join(departments)} had {whose} for "
                    f"{period_words(period)} in by {moment:%-d %B %Y}, the day it would be sent. "
                    "Below, the message as it would read had the report been missing.")
    scope = departments if kind != "digest" or person.role == "department_head" else ()
    return Preview(compose(con, Due(kind, person, period, scope, cc, deadline=ends), moment,
                           pdf=False), note, moment)


def html_fragment(message: EmailMessage) -> str:
    """The HTML part's body, to show inside a page (its document wrapper left out)."""
    part = message.get_body(("html",))
    html = str(part.get_content()) if part is not None else ""
    found = re.search(r"<body[^>]*>(.*)</body>", html, re.DOTALL)
    return found.group(1) if found else html


def send_test(con: db.Connection, user: User, email: str, at: datetime | None = None) -> Run:
    """Send a test message to `email` now (admin only), through the configured delivery; it is in
    the outbox history and the audit log like any other."""
    require(con, user, "notifications")
    email = email.strip().lower()
    if not is_email(email):
        raise LekgotlaError(f"{email!r} is not an email address: write one address, as "
                            "name@organisation.example.", "Enter the address")
    moment = at or datetime.now()
    person = Person(email, None, "admin")
    item = Due("test", person, moment.strftime("%Y-%m-%dT%H:%M:%S"))
    return notify(con, moment, items=[item], actor=user.email, backoff_s=1.0)


def due_now(con: db.Connection, at: datetime) -> list[dict[str, str]]:
    """The messages due at `at` that the outbox has not sent (nor given up on), and those it tries
    again (what the next run would send)."""
    done = {(r["recipient"], r["kind"], r["period"], r["upload_id"])
            for r in queries.records(con, "notifications_list", {"states": ["sent", "failed"], "kinds": []})
            if not sendable(r)}
    return [{"kind": item.kind, "recipient": item.recipient.email, "period": item.period,
             "about": ", ".join(item.departments) or "the organisation"}
            for item in pending(con, at)[0] if item.key not in done]
