"""Notifications sent to a real SMTP server (aiosmtpd) and read back: recipients, subject, both
parts, attachments; report text escaped; sent once; failures retried, recorded and audited; TLS."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from backends import empty_connection
from mail import Inbox, client_context, parts, server_context
from openpyxl import load_workbook

from followup.delivery import Smtp, deliver, history, notify
from followup.preview import due_now
from ingest import db
from ingest.access import CLI
from ingest.users import save_user
from tools.launch import free_port

APRIL_5 = datetime(2025, 4, 5, 12, 0)


def plain(port: int) -> Smtp:
    return Smtp("127.0.0.1", port, "none")


def by_kind(inbox: Inbox, first: int = 0) -> dict[str, object]:
    return {str(r.message["X-Lekgotla-Kind"]): r for r in inbox.received[first:]}


def test_the_messages_due_arrive_with_both_parts_and_their_attachments(
        history_con: db.Connection, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    first = len(inbox.received)
    run = notify(history_con, APRIL_5, via=plain(port), backoff_s=0)
    assert (len(run.sent), run.failed, run.skipped) == (3, [], [])
    got = by_kind(inbox, first)
    assert set(got) == {"reminder", "overdue", "rejected"}

    reminder = got["reminder"]
    assert reminder.rcpt_tos == ["health@example.org"]  # type: ignore[attr-defined]
    msg = reminder.message  # type: ignore[attr-defined]
    # March's deadline is 7 April: 2 days after 5 April
    assert msg["Subject"] == "Reminder: the March 2025 report of Health is due in 2 days"
    assert msg["From"] == "lekgotla@localhost" and msg["X-Lekgotla-Period"] == "2025-03"
    text, html, files = parts(msg)
    assert "It is due on 7 Apr 2025 (in 2 days)" in text and "Hello Hendrik Health," in text
    assert "http://localhost:8501/upload" in text and 'href="http://localhost:8501/upload"' in html
    assert list(files) == ["Health_2025-03.xlsx"]  # the pre-filled template
    sheet = load_workbook(io.BytesIO(files["Health_2025-03.xlsx"]))["Actions"]
    assert (sheet["B2"].value, sheet["B3"].value) == ("Health", "March 2025")

    overdue = got["overdue"]
    # the head, and the M&E team in copy; February's deadline 7 March + 29 days = 5 April
    assert sorted(overdue.rcpt_tos) == ["health@example.org", "me@example.org"]  # type: ignore[attr-defined]
    msg = overdue.message  # type: ignore[attr-defined]
    assert (msg["To"], msg["Cc"]) == ("health@example.org", "me@example.org")
    assert msg["Subject"] == "Overdue: the February 2025 report of Health (29 days late)"
    assert list(parts(msg)[2]) == ["Health_2025-02.xlsx"]

    rejected = got["rejected"].message  # type: ignore[attr-defined]
    assert rejected["Subject"] == "Rejected: Works_2025-03.xlsx (Works, March 2025): 0 errors"
    assert list(parts(rejected)[2]) == ["Works_2025-03-problems.xlsx"]

    rows = history(history_con)
    assert {(r["kind"], r["recipient"], r["state"], r["attempts"]) for r in rows} == {
        ("reminder", "health@example.org", "sent", 1), ("overdue", "health@example.org", "sent", 1),
        ("rejected", "health@example.org", "sent", 1)}
    audit = history_con.execute("SELECT outcome, period, detail FROM audit_log "
                                "WHERE action = 'notify' ORDER BY audit_id").fetchall()
    assert [(o, p, json.loads(d)["kind"]) for o, p, d in audit] == [
        ("sent", "2025-03", "reminder"), ("sent", "2025-02", "overdue"), ("sent", "2025-03", "rejected")]

    again = notify(history_con, APRIL_5, via=plain(port), backoff_s=0)
    assert (again.sent, len(again.skipped)) == ([], 3)
    assert len(inbox.received) == first + 3  # each once


def test_hostile_report_text_is_escaped_in_the_html(history_con: db.Connection,
                                                    smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    hostile = '<img src=x onerror="alert(1)">'
    problems = [{"severity": "error", "message": f"Status {hostile} is not a status",
                 "sheet": "Actions", "row": 7, "column": "I", "header": "Status", "value": hostile}]
    history_con.execute(
        "INSERT INTO uploads (upload_id, sha256, file_name, department, period, uploaded_by, "
        "uploaded_at, submitted_at, status, error_count, messages) VALUES (50, 'x', $f, 'Finance', "
        "'2025-03', 'fin@example.org', $at, $at, 'rejected', 1, $m)",
        # after Finance's March report was accepted (4 April, 09:00): a later version rejected
        {"f": f"{hostile}.xlsx", "at": datetime(2025, 4, 4, 10), "m": json.dumps(problems)})
    first = len(inbox.received)
    notify(history_con, APRIL_5, via=plain(port), backoff_s=0)
    mine = [r for r in inbox.received[first:] if r.rcpt_tos == ["fin@example.org"]]
    assert len(mine) == 1  # the uploader, a user, is told (not Finance's heads at large)
    text, html, files = parts(mine[0].message)
    assert hostile not in html and "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert f"Status {hostile} is not a status" in text  # the text part says it as written
    assert "I7" in text
    book = load_workbook(io.BytesIO(next(iter(files.values()))))
    assert f"Status {hostile} is not a status" in [c.value for row in book.active.iter_rows()
                                                   for c in row]


def test_a_failure_is_retried_with_backoff_recorded_and_sent_on_a_later_run(
        history_con: db.Connection, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    waits: list[float] = []
    down = plain(free_port())  # nothing listens there
    where, error, tries, *_ = deliver(EmailMessage(), down,
                                  backoff_s=0.5, sleep=waits.append)
    assert (where, tries, waits) == (None, 3, [0.5, 1.0])  # 3 tries, waiting 0.5 s then 1 s
    # in the words of whoever sets the mail server up, the server named, no exception's name
    assert error == (f"Nothing answers at {down.address}: check smtp_host and smtp_port "
                     "(LEKGOTLA_SMTP_HOST and LEKGOTLA_SMTP_PORT in the environment, or under "
                     "[lekgotla] in .streamlit/secrets.toml).")

    run = notify(history_con, APRIL_5, via=down, backoff_s=0)
    assert (run.sent, len(run.failed)) == ([], 3)
    rows = history(history_con, states=("failed",))
    assert [(r["attempts"], r["last_error"]) for r in rows] == [(1, error)] * 3
    failed_audit = history_con.execute("SELECT detail FROM audit_log WHERE action = 'notify' "
                                       "AND outcome = 'failed' ORDER BY audit_id").fetchall()
    # the first message tries 3 times; the server reached by none, the others once each, unwaited
    assert [json.loads(d)["tries"] for (d,) in failed_audit] == [3, 1, 1]

    first = len(inbox.received)
    later = notify(history_con, APRIL_5, via=plain(port), backoff_s=0)
    assert len(later.sent) == 3 and len(inbox.received) == first + 3
    rows = history(history_con)
    assert {(r["state"], r["attempts"], r["last_error"]) for r in rows} == {("sent", 2, None)}


def test_a_message_that_cannot_be_made_fails_alone_and_the_run_goes_on(
        history_con: db.Connection, smtp: tuple[int, Inbox], monkeypatch: pytest.MonkeyPatch) -> None:
    # one department's data breaking its template must not stop every other message
    port, inbox = smtp

    def broken(*_: object) -> None:
        raise ValueError("a character no workbook can hold")

    monkeypatch.setattr("followup.messages._template_parts", broken)
    first = len(inbox.received)
    run = notify(history_con, APRIL_5, via=plain(port), backoff_s=0)
    assert [i.kind for i in run.sent] == ["rejected"]  # the one without a template
    assert sorted((i.kind, e) for i, e in run.failed) == [
        (kind, "The message could not be composed (ValueError: a character no workbook can hold).")
        for kind in ("overdue", "reminder")]
    assert set(by_kind(inbox, first)) == {"rejected"}
    monkeypatch.undo()
    later = notify(history_con, APRIL_5, via=plain(port), backoff_s=0)
    assert sorted(i.kind for i in later.sent) == ["overdue", "reminder"]


def test_a_message_given_up_on_is_neither_due_nor_in_a_dry_run(
        history_con: db.Connection, tmp_path: Path) -> None:
    # failed 5 times: no run sends it again, so the page's "Due now" and a dry run leave it out,
    # and both count it as given up, never as sent before (none of the 3 was ever delivered)
    down = plain(free_port())
    assert len(notify(history_con, APRIL_5, via=down, backoff_s=0).failed) == 3
    assert len(due_now(history_con, APRIL_5)) == 3  # failed once: tried again at the next run
    history_con.execute("UPDATE notifications SET attempts = 5")
    assert due_now(history_con, APRIL_5) == []
    dry = notify(history_con, APRIL_5, dry_run=tmp_path / "dry")
    assert (dry.sent, dry.skipped, len(dry.given_up), dry.files) == ([], [], 3, [])
    real = notify(history_con, APRIL_5, via=down, backoff_s=0)
    assert (real.sent, real.failed, real.skipped, real.given_up) == ([], [], [], dry.given_up)
    rows = history_con.execute("SELECT state, attempts FROM notifications ORDER BY kind").fetchall()
    assert rows == [("failed", 5)] * 3  # not claimed again: still 5 attempts


def test_a_claim_left_by_a_run_that_stopped_is_taken_again_after_an_hour(
        history_con: db.Connection, smtp: tuple[int, Inbox]) -> None:
    # one rule decides (delivery.standing): a run that stopped mid-way two hours ago left the
    # reminder 'sending', so it is sent; the overdue notice is being sent by another run now, so
    # it is left to that run; the rejection failed 5 times, so it is given up on
    port, inbox = smtp
    assert len(notify(history_con, APRIL_5, via=plain(free_port()), backoff_s=0).failed) == 3
    now = datetime.now()
    for kind, state, attempts, claimed in (("reminder", "sending", 1, now - timedelta(hours=2)),
                                           ("overdue", "sending", 1, now),
                                           ("rejected", "failed", 5, now)):
        history_con.execute("UPDATE notifications SET state = ?, attempts = ?, claimed_at = ? "
                            "WHERE kind = ?", [state, attempts, claimed, kind])
    first = len(inbox.received)
    run = notify(history_con, APRIL_5, via=plain(port), backoff_s=0)
    assert [[i.kind for i in items] for items in (run.sent, run.skipped, run.given_up)] == [
        ["reminder"], ["overdue"], ["rejected"]]
    assert set(by_kind(inbox, first)) == {"reminder"}
    assert history_con.execute("SELECT kind, state, attempts FROM notifications ORDER BY kind"
                               ).fetchall() == [("overdue", "sending", 1), ("rejected", "failed", 5),
                                                ("reminder", "sent", 2)]


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls(security: str, history_con: db.Connection, certificate: tuple) -> None:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    if security == "ssl":
        controller = Controller(inbox, hostname="127.0.0.1", port=port,
                                ssl_context=server_context(certificate))
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port,
                                tls_context=server_context(certificate), require_starttls=True)
    controller.start()
    try:
        via = Smtp("127.0.0.1", port, security, context=client_context(certificate))
        run = notify(history_con, APRIL_5, via=via, backoff_s=0)
    finally:
        controller.stop()
    assert (len(run.sent), run.failed) == (3, [])
    assert {str(r.message["X-Lekgotla-Kind"]) for r in inbox.received} == {
        "reminder", "overdue", "rejected"}


def test_the_digest_emails_state_the_hand_worked_changes(smtp: tuple[int, Inbox]) -> None:
    """tests/support/digest_history.py, June 2025 against May, as the digest day (10 July) sends
    it: each head their department's, leadership the organisation's."""
    from digest_history import HOSTILE, build

    port, inbox = smtp
    con = empty_connection()
    try:
        build(con)
        save_user(con, CLI, "fin@example.org", "department_head", "Fatima", ("Finance",))
        save_user(con, CLI, "boss@example.org", "leadership", "Busi")
        db.save_setting(con, "notify_kinds", "digest")
        first = len(inbox.received)
        run = notify(con, datetime(2025, 7, 10, 9), via=plain(port), backoff_s=0)
    finally:
        con.close()
    assert (len(run.sent), run.failed) == (2, [])
    got = {r.rcpt_tos[0]: r.message for r in inbox.received[first:]}
    finance = got["fin@example.org"]
    assert finance["Subject"] == "What changed in June 2025: Finance"
    text, html, files = parts(finance)
    assert files == {}
    # F2: due 10 Jun -> 1 Jul 2025, 20 days left in June + 1 = 21, reason code on June's row 6
    assert ("due date moved from 10 Jun 2025 to 1 Jul 2025 (+21 days), reason code: Supplier "
            "delay. (from Finance_2025-06.xlsx, Status report row 6)") in text
    # F1: completed 20 Jun, due 30 Jun: on time
    assert "was completed on 20 Jun 2025, on time." in text and "on time." in html
    assert "Works" not in text  # the department's own digest only
    assert "<script>" not in html and "&lt;script&gt;" in html  # F3's hostile description
    # the text part says it as written, with an invisible word joiner after "https:", so that
    # the mail program makes no link of it (in the HTML part too)
    assert HOSTILE not in text and HOSTILE.replace("https:", "https:\u2060") in text
    assert "https:\u2060//evil.example" in html
    organisation = got["boss@example.org"]
    assert organisation["Subject"] == "What changed in June 2025: the organisation"
    text, html, _ = parts(organisation)
    # Works reported May only; June's report was due by day 7 of July
    assert "Works: the June 2025 report has not come in (it was due by 7 Jul 2025)." in text
    assert "(+21 days)" in text and "(+46 days)" in text  # H2 (15 Jun -> 31 Jul) and F2


def test_a_rejection_recorded_on_upload_is_emailed_at_once_with_the_file_marked(
        history_con: db.Connection, smtp: tuple[int, Inbox]) -> None:
    from testdata import report

    from followup.delivery import notify_rejected
    from ingest.load import load_file

    port, inbox = smtp
    data = report([["W-9", "Repair the clinic roof", "SO1", "Owner", 1000, 200,
                    date(2025, 4, 1), date(2025, 6, 30), "In progress", 150, None, None]],
                  department="Works", period="April 2025")
    [outcome] = load_file(history_con, data, "Works_2025-04.xlsx")
    assert outcome.status == "rejected" and outcome.upload_id is not None
    first = len(inbox.received)

    run = notify_rejected(history_con, outcome.upload_id, data, "admin@example.org",
                          via=plain(port))  # now: as it is recorded
    assert (len(run.sent), run.failed) == (1, [])
    [got] = inbox.received[first:]
    assert got.rcpt_tos == ["health@example.org"]  # the CLI uploaded it: Works' head is told
    msg = got.message
    assert msg["Subject"] == "Rejected: Works_2025-04.xlsx (Works, April 2025): 1 error"
    text, _, files = parts(msg)
    assert "error | Actions | J5 | Percent complete | '150' is not a percentage" in text
    # the file itself, its cells marked: the problem list first, then the report's sheet with a
    # note on the cell at fault
    marked = load_workbook(io.BytesIO(files["Works_2025-04-marked.xlsx"]))
    assert marked.sheetnames == ["Lekgotla problems", "Actions"]
    assert marked["Actions"]["J5"].value == 150
    assert marked["Actions"]["J5"].comment.text.startswith("ERROR: '150' is not a percentage")
    # the day's notify run finds it sent
    again = notify(history_con, datetime.now(), via=plain(port), backoff_s=0)
    assert all(item.kind != "rejected" or item.upload_id != outcome.upload_id
               for item in again.sent)
    assert len([r for r in inbox.received[first:] if r.message["X-Lekgotla-Kind"] == "rejected"]) == 1


@pytest.mark.parametrize("address", ["foo@", "@", "a@x.example, b@y.example", ""])
def test_a_test_message_goes_to_one_address_or_none(history_con: db.Connection,
                                                    address: str) -> None:
    from followup.preview import send_test
    from ingest.errors import LekgotlaError

    with pytest.raises(LekgotlaError, match="is not an email address: write one address"):
        send_test(history_con, CLI, address)
    assert history(history_con, kinds=("test",)) == []  # nothing sent, nothing recorded


def test_a_failed_message_is_sent_again_once_its_day_has_passed_while_it_still_applies(
        history_con: db.Connection, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    down = plain(free_port())  # nothing listens there
    # Works' March report is accepted only on 10 April here: its rejection of 1 April still holds
    history_con.execute("UPDATE uploads SET uploaded_at = TIMESTAMP '2025-04-10 09:00:00' "
                        "WHERE upload_id = 10")
    # 5 April (as above): March's reminder to Health, February's overdue notice, Works' rejection
    assert len(notify(history_con, APRIL_5, via=down, backoff_s=0).failed) == 3
    # 9 April: March's deadline (7 April) has passed, February is no longer the month chased, the
    # rejection of 1 April is more than 7 days old: none is due any more, yet the overdue notice
    # (February's report still missing) and the rejection are the same messages, sent now; the
    # reminder is not (after the deadline the overdue notice of March takes over, sent now too):
    # it lapses, not left "failed" for good
    first = len(inbox.received)
    run = notify(history_con, datetime(2025, 4, 9, 9), via=plain(port), backoff_s=0)
    assert run.failed == []
    assert sorted((i.kind, i.period) for i in run.sent) == [
        ("overdue", "2025-02"), ("overdue", "2025-03"), ("rejected", "2025-03")]
    assert [(r["kind"], r["period"]) for r in run.lapsed] == [("reminder", "2025-03")]
    subjects = sorted(str(r.message["Subject"]) for r in inbox.received[first:])
    # February's deadline 7 March + 33 days = 9 April
    assert "Overdue: the February 2025 report of Health (33 days late)" in subjects
    assert {(r["kind"], r["period"], r["state"], r["attempts"]) for r in history(history_con)} == {
        ("reminder", "2025-03", "lapsed", 1), ("overdue", "2025-02", "sent", 2),
        ("rejected", "2025-03", "sent", 2), ("overdue", "2025-03", "sent", 1)}


def test_a_failed_notice_whose_report_came_in_since_lapses_and_is_not_counted_failed(
        history_con: db.Connection) -> None:
    from metrics_history import add_upload

    down = plain(free_port())  # nothing listens there
    # 5 April: Health's overdue February notice, the March reminder and Works' rejection all fail
    assert len(notify(history_con, APRIL_5, via=down, backoff_s=0).failed) == 3
    # Health's February report comes in on 6 April (late); Works' March version was accepted on
    # 6 April too (tests/support/mail.py), making its rejection good
    add_upload(history_con, (11, "Health", "2025-02", datetime(2025, 4, 6, 8), "accepted", True,
                             3, 0))
    run = notify(history_con, datetime(2025, 4, 6, 12), via=down, backoff_s=0)
    # the reminder still applies (Health's March report is not in; its deadline is 7 April)
    assert [(i.kind, i.period) for i in run.sent + [f for f, _ in run.failed]] == [
        ("reminder", "2025-03")]
    assert sorted((r["kind"], r["period"]) for r in run.lapsed) == [
        ("overdue", "2025-02"), ("rejected", "2025-03")]
    states = {(r["kind"], r["period"]): (r["state"], r["attempts"]) for r in history(history_con)}
    # they keep the attempt they had and are tried no more: a later run leaves them as they are
    assert states == {("reminder", "2025-03"): ("failed", 2), ("overdue", "2025-02"): ("lapsed", 1),
                      ("rejected", "2025-03"): ("lapsed", 1)}
    assert notify(history_con, datetime(2025, 4, 6, 13), via=down, backoff_s=0).lapsed == []


def test_a_failed_digest_is_sent_at_the_next_run_for_its_own_month(
        history_con: db.Connection, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    db.save_setting(history_con, "notify_kinds", "digest,overdue")
    # 30 April, digest day passed: March's digests fail; Health's March report came on 15 April
    down = plain(free_port())
    failed = notify(history_con, datetime(2025, 4, 30, 7, 30), via=down, backoff_s=0).failed
    assert sorted((i.kind, i.recipient.email, i.period) for i, _ in failed) == [
        ("digest", "boss@example.org", "2025-03"), ("digest", "fin@example.org", "2025-03"),
        ("digest", "health@example.org", "2025-03")]
    # 1 May: April's digest is not due before the 10th; March's are sent, still of March
    first = len(inbox.received)
    run = notify(history_con, datetime(2025, 5, 1, 7, 30), via=plain(port), backoff_s=0)
    assert sorted((i.kind, i.period) for i in run.sent) == [("digest", "2025-03")] * 3
    assert {str(r.message["X-Lekgotla-Period"]) for r in inbox.received[first:]} == {"2025-03"}
    assert {(r["state"], r["attempts"]) for r in history(history_con)} == {("sent", 2)}


def test_the_review_pack_goes_for_a_quarter_whose_last_month_has_no_report(
        history_con: db.Connection, smtp: tuple[int, Inbox]) -> None:
    from testdata import report

    from ingest.load import load_file

    port, inbox = smtp
    # July 2025 the one month of Q3 reported: `metrics kpis --period 2025-Q3` uses it, so does the pack
    data = report([["F-9", "Pay suppliers in 30 days", "SO1", "CFO", 1000, 200, date(2025, 7, 1),
                    date(2025, 9, 30), "In progress", 50, None, None]],
                  department="Finance", period="July 2025")
    [outcome] = load_file(history_con, data, "Finance_2025-07.xlsx")
    assert outcome.status == "accepted"
    db.save_setting(history_con, "notify_kinds", "pack")
    first = len(inbox.received)
    run = notify(history_con, datetime(2025, 10, 10, 9), via=plain(port), backoff_s=0, pdf=False)
    assert run.failed == []
    assert [(i.kind, i.recipient.email, i.period) for i in run.sent] == [
        ("pack", "boss@example.org", "2025-Q3")]
    [got] = inbox.received[first:]
    assert got.message["Subject"] == "Review pack: Q3 2025"
    assert "(figures of July 2025)" in parts(got.message)[0]
    # the link opens this pack's quarter, not the page's default month (another pack, another stamp)
    assert "http://localhost:8501/review_pack?view=Quarter&period=2025-Q3" in parts(got.message)[0]
    # the rates are July's: beside them, the quarter's reports that did not come or came late
    # (Finance's July report was loaded just now, long after 7 August)
    [attached] = [a for a in got.message.iter_attachments() if a.get_content_type() == "text/html"]
    assert attached.get_param("charset") == "utf-8"  # a mail program reads its accents right
    text = parts(got.message)[0].replace("\r\n", "\n")
    assert "At a glance (July 2025)" in text and "- Submission rate: 33.3%" in text
    assert ("Reports in Q3 2025\n------------------\n\n- Missing: Health, July 2025\n"
            "- Missing: Works, July 2025\n- Late: Finance, July 2025\n") in text


class Refusing(Inbox):
    """A server that refuses one address at RCPT (a full or closed mailbox) and takes the rest."""

    async def handle_RCPT(self, server: object, session: object, envelope: object,  # noqa: N802
                          address: str, rcpt_options: list[str]) -> str:
        if address == "me@example.org":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"


def test_an_address_refused_while_the_others_take_the_message_is_said_not_sent_as_if_all_went(
        history_con: db.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # smtplib raises only when every address is refused: the M&E team's copy of an overdue
    # notice was lost while the run said "sent", exit 0, and the outbox had no error
    from aiosmtpd.controller import Controller

    from followup.cli import main

    inbox = Refusing()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    dbp = tmp_path / "h.duckdb"
    history_con.execute(f"ATTACH '{dbp}' AS out")
    history_con.execute("COPY FROM DATABASE memory TO out")
    history_con.execute("DETACH out")
    monkeypatch.setenv("LEKGOTLA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEKGOTLA_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("LEKGOTLA_SMTP_SECURITY", "none")
    try:
        with pytest.raises(SystemExit) as ended:  # as a run with a failure: cron's mail says so
            main(["notify", "--db", str(dbp), "--at", "2025-04-05T12:00", "--no-pdf"])
        assert ended.value.code == 1
        out, err = capsys.readouterr()
        assert main(["notify", "--db", str(dbp), "--at", "2025-04-05T13:00", "--no-pdf"]) == 0
    finally:
        controller.stop()
    refused = (f"The mail server at smtp://127.0.0.1:{controller.port} refused the address "
               "me@example.org (550 5.1.1 mailbox unavailable): check it on Users, or on the "
               "register's Departments sheet for a head.")
    # the overdue notice reached the head, once: its copy to the M&E team is said, not retried
    overdue = [r for r in inbox.received if r.message["X-Lekgotla-Kind"] == "overdue"]
    assert [r.rcpt_tos for r in overdue] == [["health@example.org"]]
    assert f"refused\toverdue\t2025-02\thealth@example.org\t{refused}" in out.splitlines()
    assert ("warning: 1 message sent with an address the mail server refused: that address got "
            "nothing and is not tried again") in err
    assert "3 messages sent, 0 failed" in err
    con = db.connect(dbp)
    try:
        rows = {r["kind"]: r for r in history(con)}
        assert (rows["overdue"]["state"], rows["overdue"]["last_error"]) == ("sent", refused)
        assert rows["reminder"]["last_error"] is None
        [detail] = [json.loads(d) for (d,) in con.execute(
            "SELECT detail FROM audit_log WHERE action = 'notify' AND outcome = 'sent' "
            "AND detail LIKE '%refused the address%' ORDER BY audit_id").fetchall()]
        assert (detail["to"], detail["cc"], detail["refused"]) == (
            "health@example.org", ["me@example.org"], refused)
    finally:
        con.close()


def test_a_server_that_takes_the_connection_and_never_answers_is_said_and_not_waited_for_again(
        history_con: db.Connection) -> None:
    # each try waited the timeout (30 s by default) for every message, and was said as "closed the
    # connection: check smtp_security": 9 messages took 6 minutes and sent the operator astray
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:  # takes each connection and says nothing, as a stalled relay does
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    stalled = Smtp("127.0.0.1", listener.getsockname()[1], "none", timeout_s=0.5)
    try:
        run = notify(history_con, APRIL_5, via=stalled, backoff_s=0)
    finally:
        stop.set()
        thread.join()
        for s in held:
            s.close()
        listener.close()
    said = (f"The mail server at {stalled.address} did not answer in time: it may be overloaded, "
            "or not a mail server: check smtp_host and smtp_port (LEKGOTLA_SMTP_HOST and "
            "LEKGOTLA_SMTP_PORT in the environment, or under [lekgotla] in "
            ".streamlit/secrets.toml).")
    assert [(i.kind, e) for i, e in run.failed] == [(run.failed[0][0].kind, said)]
    # the first message's 3 tries waited; the 2 others are left for the next run, untouched
    assert len(run.untried) == 2 and run.sent == []
    rows = history(history_con)
    assert [(r["state"], r["attempts"]) for r in rows] == [("failed", 1)]
