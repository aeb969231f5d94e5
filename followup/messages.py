"""Each kind of notification composed as an email (plain text and HTML, attachments): the
reminder and overdue notice with the pre-filled template, the rejection with its problems, the
monthly digest and the quarterly review pack."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlencode

from followup.body import Body
from followup.schedule import Due, problems_of
from ingest import db
from ingest.access import SYSTEM
from ingest.annotate import annotate_bounded, problems_workbook
from ingest.dates import Period
from ingest.errors import QueryError
from ingest.template import build_template
from ingest.words import period_words, plural
from metrics.digest import Sentence, digest
from metrics.filters import Filters
from metrics.kpi_catalogue import kpi
from metrics.pack import build_pack
from presentation import theme
from presentation.digest import KIND_LABELS, source_note
from presentation.pack_html import pack_html
from presentation.pack_pdf import PdfUnavailable, html_to_pdf
from presentation.pack_xlsx import pack_xlsx

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PACK_KPIS = ("submission_rate", "on_time_submission_rate", "completion_rate", "overdue_rate",
             "mean_slip_days", "budget_utilisation")
PROBLEMS_SHOWN = 30  # in the body; the attached workbook lists every one


def _file_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:60] or "report"


def link(con: db.Connection, page: str = "", **view: str) -> str:
    """The dashboard's address (public_url) of a page: `https://…/upload`; with `view`, the view
    the page opens on (`…/review_pack?view=Quarter&period=2025-Q2`: dashboard.filters' keys)."""
    address = str(db.setting(con, "public_url")).rstrip("/") + (f"/{page}" if page else "")
    return address + (f"?{urlencode(view)}" if view else "")


def _names(departments: tuple[str, ...]) -> str:
    return ", ".join(departments) if departments else "the organisation"


def _reports(month: str, departments: tuple[str, ...]) -> str:
    """`the May 2025 report of Finance`; of several departments, counted and apart (a name may
    hold "and"): `the May 2025 reports of 2 departments (Legal and Compliance; Operations)`."""
    if len(departments) < 2:
        return f"the {month} report of {_names(departments)}"
    return f"the {month} reports of {plural(len(departments), 'department')} ({'; '.join(departments)})"


def _template_parts(con: db.Connection, due: Due) -> list[tuple[bytes, tuple[str, str], str]]:
    period = Period(int(due.period[:4]), int(due.period[5:7]))
    return [(build_template(con, d, period, user=SYSTEM), XLSX,
             f"{_file_part(d)}_{due.period}.xlsx") for d in due.departments]


def _reminder(con: db.Connection, due: Due, at: datetime, **_: Any) -> tuple[str, Body, list[Any]]:
    month, ends = period_words(due.period), theme.a_date(due.deadline)
    left = (due.deadline - at.date()).days if due.deadline else 0
    when = "today" if left == 0 else f"in {theme.days(left)}"
    reports, several = _reports(month, due.departments), len(due.departments) > 1
    is_, it = ("are", "They are") if several else ("is", "It is")
    subject = f"Reminder: {reports} {is_} due {when}"
    body = Body().para(f"Hello {due.recipient.greeting},").para(
        f"{reports[0].upper()}{reports[1:]} {is_} not in yet. {it} due on {ends} "
        f"({when}); a report accepted by then counts as on time.").para(
        ("Each template attached is pre-filled with your open actions of its department: update "
         "them and upload them" if several else "The template attached is pre-filled with your "
         "open actions: update it and upload it") + " on the dashboard.").link(
        "Upload the report", link(con, "upload"))
    return subject, body, _template_parts(con, due)


def _overdue(con: db.Connection, due: Due, at: datetime, **_: Any) -> tuple[str, Body, list[Any]]:
    month, ends = period_words(due.period), theme.a_date(due.deadline)
    late = (at.date() - due.deadline).days if due.deadline else 0
    reports, several = _reports(month, due.departments), len(due.departments) > 1
    subject = f"Overdue: {reports} ({theme.days(late)} late)"
    state = (f"{reports[0].upper()}{reports[1:]} {'were' if several else 'was'} due on {ends} and "
             f"{'have' if several else 'has'} not been received: {'they are' if several else 'it is'} "
             f"{theme.days(late)} late.")
    body = Body().para(f"Hello {due.recipient.greeting},")
    if due.recipient.role == "department_head":
        copied = " The M&E team is copied." if due.cc else ""  # demo mode has no M&E team
        body.para(f"{state}{copied}").para(
            "Each template attached is pre-filled with your open actions of its department."
            if several else "The template attached is pre-filled with your open actions.")
    else:  # the M&E team, for departments with no head to tell (schedule.due)
        body.para(f"{state} No department head receives notifications for "
                  f"{'them' if several else 'it'} (none is set on Users, or they stopped them), "
                  "so this notice comes to the M&E team.").para(
            "Each template attached is pre-filled with its department's open actions: send each "
            "on to whoever reports for it." if several else
            "The template attached is pre-filled with the department's open actions: send it on "
            "to whoever reports for it.")
    body.link(
        "Upload the report", link(con, "upload")).link(
        "See who has reported", link(con, "submissions"))
    return subject, body, _template_parts(con, due)


def _rejected(con: db.Connection, due: Due, at: datetime, **_: Any) -> tuple[str, Body, list[Any]]:
    upload = due.upload
    problems = problems_of(str(upload.get("messages") or "[]"))
    errors = [p for p in problems if p.severity == "error"]
    month, department = period_words(due.period), due.departments[0]
    subject = f"Rejected: {upload['file_name']} ({department}, {month}): {plural(len(errors), 'error')}"
    rows = [[p.severity, p.sheet or "", p.cell, p.header or "", p.message] for p in problems]
    body = Body().para(f"Hello {due.recipient.greeting},").para(
        f"The file {upload['file_name']} uploaded for {department}, {month}, was rejected with "
        f"{plural(len(errors), 'error')} and {plural(len(problems) - len(errors), 'warning')}; "
        "nothing was stored. Correct these cells and upload it again.").table(
        ["Severity", "Sheet", "Cell", "Column", "Problem"], rows[:PROBLEMS_SHOWN])
    if len(rows) > PROBLEMS_SHOWN:
        body.para(f"And {plural(len(rows) - PROBLEMS_SHOWN, 'more problem')}: the attached "
                  "workbook lists every one.")
    body.link("Upload the corrected file", link(con, "upload"))
    stem = _file_part(str(upload["file_name"]).rsplit(".", 1)[0])
    if upload.get("data"):  # sent as it was rejected: the file itself, its cells marked
        marked = annotate_bounded(upload["data"], str(upload["file_name"]), problems)
        return subject, body, [(marked, XLSX, f"{stem}-marked.xlsx")]
    note = (f"{upload['file_name']}: the problems found when it was uploaded. A rejected file is "
            "not kept, so check it again on Upload to get its cells marked.")
    return subject, body, [(problems_workbook(problems, note), XLSX, f"{stem}-problems.xlsx")]


def sentence_lines(sentences: list[Sentence]) -> list[str]:
    """Each sentence as a line: its kind, its text, where its actions were read (as the dashboard
    and the review pack say it: presentation.digest)."""
    lines = []
    for s in sentences:
        note = source_note(s)
        lines.append(f"{KIND_LABELS.get(s.kind, s.kind)}: {s.text}" + (f" ({note})" if note else ""))
    return lines


def _digest(con: db.Connection, due: Due, at: datetime, **_: Any) -> tuple[str, Body, list[Any]]:
    month = period_words(due.period)
    scopes: list[str | None] = list(due.departments) or [None]
    subject = f"What changed in {month}: {_names(due.departments)}"
    body = Body().para(f"Hello {due.recipient.greeting},").para(
        f"What changed in {month} since the month before, as the reports tell it.")
    for scope in scopes:
        body.heading(scope or "The organisation")
        try:
            sentences = digest(con, due.period, scope)
        except QueryError:  # the department has no report of the period, nor before it
            body.para(f"No report of {month} to compare.")
            continue
        body.items(sentence_lines(sentences),
                   "Nothing to report: no change since the previous period.")
    body.link("Open the dashboard", link(con, "department" if due.departments else "",
                                         period=due.period))
    return subject, body, []


def _reporting(pack: Any) -> list[str]:
    """The quarter's reports that did not come, or came late, a line a department and month."""
    def lines(rows: Any, what: str) -> list[str]:
        return [f"{what}: {r.department}, {period_words(str(r.period))}"
                for r in rows.sort_values(["period", "department"]).itertuples()]
    late = pack.submissions[pack.submissions["state"] == "late"]
    said = (lines(pack.not_reported[pack.not_reported["state"] == "missing"], "Missing")
            + lines(pack.not_reported[pack.not_reported["state"] == "rejected"], "Rejected only")
            + lines(late, "Late"))
    return said or ["Every department reported every month, on time."]


def _pack(con: db.Connection, due: Due, at: datetime, pdf: bool = True,
          **_: Any) -> tuple[str, Body, list[Any]]:
    pack = build_pack(con, Filters(due.period))
    html = pack_html(pack)
    parts: list[Any] = [(html.encode("utf-8"), ("text", "html"), f"{pack.stem}.html")]
    note = "The HTML report is attached"
    if pdf:
        try:
            parts.append((html_to_pdf(html, footer=f"Lekgotla review pack · {due.period} · stamp "
                                                   f"{pack.pack_id}"),
                          ("application", "pdf"), f"{pack.stem}.pdf"))
            note += ", with its PDF"
        except PdfUnavailable:
            note += " (no PDF: this server has no Chromium to print it)"
    if db.setting(con, "pack_attach_xlsx"):
        parts.append((pack_xlsx(pack), XLSX, f"{pack.stem}.xlsx"))
        note += ", and the workbook of its figures"
    quarter = period_words(due.period)
    figures = [f"{kpi(n).label}: {theme.kpi_value(kpi(n).format, pack.kpi(n))}" for n in PACK_KPIS]
    body = Body().para(f"Hello {due.recipient.greeting},").para(
        f"The review pack of {quarter} (figures of {period_words(pack.month)}), stamp "
        f"{pack.pack_id}. {note}.").heading(
        f"At a glance ({period_words(pack.month)})").items(figures)
    # the rates are the last month's: the quarter's missed and late reports are said beside them
    body.heading(f"Reports in {quarter}").items(_reporting(pack))
    body.link("Open the review pack page", link(con, "review_pack", view="Quarter", period=due.period))
    return subject_of_pack(quarter), body, parts


def subject_of_pack(quarter: str) -> str:
    """The pack email's subject."""
    return f"Review pack: {quarter}"


def _test(con: db.Connection, due: Due, at: datetime, **_: Any) -> tuple[str, Body, list[Any]]:
    body = Body().para(f"Hello {due.recipient.greeting},").para(
        f"This is a test from Lekgotla, sent at {theme.a_datetime(at)}: notifications reach you.")
    return "Lekgotla: a test notification", body.link("Open the dashboard", link(con)), []


COMPOSERS: dict[str, Callable[..., tuple[str, Body, list[Any]]]] = {
    "reminder": _reminder, "overdue": _overdue, "rejected": _rejected, "digest": _digest,
    "pack": _pack, "test": _test}


def compose(con: db.Connection, due: Due, at: datetime, pdf: bool = True) -> EmailMessage:
    """The email for one due message."""
    subject, body, parts = COMPOSERS[due.kind](con, due, at, pdf=pdf)
    msg = EmailMessage()
    msg["Subject"] = " ".join(subject.split())  # report text in it: never a line break
    msg["From"] = str(db.setting(con, "smtp_from"))
    msg["To"] = due.recipient.email
    if due.cc:
        msg["Cc"] = ", ".join(due.cc)
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=str(db.setting(con, "smtp_from")).rsplit("@", 1)[-1])
    msg["X-Lekgotla-Kind"] = due.kind
    msg["X-Lekgotla-Period"] = due.period
    msg.set_content(body.text())
    msg.add_alternative(body.html(subject), subtype="html")
    for data, (main, sub), name in parts:
        # a text attachment says its encoding: the pack's HTML is UTF-8
        params = {"params": {"charset": "utf-8"}} if main == "text" else {}
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name, **params)
    return msg
