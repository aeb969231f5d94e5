"""The Notifications page (admin) on the sample data in demo mode: the register's heads stand in
as recipients; the schedule in days, a message previewed, a test sent, a person opted out, the
outbox history."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_helpers import app, metric_values, texts
from streamlit.testing.v1 import AppTest

from ingest import db


def not_sent(at: AppTest) -> list[str]:
    """The preview's notes that its message would not go out, as read (Markdown unescaped)."""
    return [i.value.replace("\\", "") for i in at.info if "would not go out" in i.value]


def test_the_page_shows_the_schedule_the_recipients_and_a_preview(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEKGOTLA_OUTBOX_DIR", str(tmp_path / "outbox"))
    at = app(db_path, monkeypatch, "notifications")
    assert not at.exception
    shown = texts(at)
    assert "No mail server is set" in shown and str(tmp_path / "outbox") in shown
    # notify_every_hours 0 (the default): the command sends them, not this dashboard
    assert "emailed by `python -m metrics notify` (run by cron or a systemd timer" in shown
    schedule = at.table[0].value
    # on_time_day 7, reminder_days_before 3, digest_day 10 (the defaults)
    assert schedule["When"].to_dict() == {
        "Reminder": "Days 4 to 7 of each month (3 days before the deadline, day 7), once a period",
        "Overdue": "From day 8 of each month (the day after the deadline), once a period",
        "Rejected": "At the next run after the upload (within 7 days)",
        "Digest": "From day 10 of each month, for the month before",
        "Pack": "From day 10 of January, April, July and October, for the quarter before"}
    people = next(t.value for t in at.dataframe if "opted_out" in t.value.columns)
    assert len(people) == 7 and "nomvula.dlamini@lekgotla.example" in set(people["email"])
    assert "demo mode" in shown
    assert metric_values(at) == {"Sent": "0", "Failed": "0", "Retried": "0"}

    at.selectbox(key="notify-kind").set_value("reminder")
    at.selectbox(key="notify-period").set_value("2025-06")
    at.selectbox(key="notify-person").set_value("nomvula.dlamini@lekgotla.example").run()
    assert not at.exception
    # June's deadline is 7 July; the preview reads as on the reminder's first day, 4 July
    assert "Reminder: the June 2025 report of Finance is due in 3 days" in texts(at)
    assert "Finance_2025-06.xlsx" in texts(at)
    assert any("It is due on 7 Jul 2025 (in 3 days)" in str(h.proto.body) for h in at.html)
    assert ("As it reads when it goes out, on 4 Jul 2025, 09:00: its dates and days are of that "
            "day, not of today.") in [c.value for c in at.caption]
    # Finance's June report came in on 2 July: shown, but said not to go out
    assert not_sent(at) == [
        "This reminder would not go out: Finance had its report for June 2025 in by 4 July 2025, "
        "the day it would be sent. Below, the message as it would read had the report been missing."]

    # a rerun (another tab's widget, say) shows the same preview without composing it again
    from followup import preview
    composed = []
    monkeypatch.setattr(preview, "compose", lambda *a, **k: composed.append(a) or 1 / 0)
    at.run()
    assert not at.exception and not composed
    assert "Reminder: the June 2025 report of Finance is due in 3 days" in texts(at)


def test_an_overdue_notice_is_previewed_for_a_missing_report_without_a_note(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Legal and Compliance sent no April 2025 report: the notice would go out on 10 May
    con = db.connect(db_path)
    head = con.execute("SELECT email FROM departments WHERE department = 'Legal and Compliance'"
                       ).fetchone()[0]
    con.close()
    at = app(db_path, monkeypatch, "notifications")
    at.selectbox(key="notify-kind").set_value("overdue")
    at.selectbox(key="notify-period").set_value("2025-04")
    at.selectbox(key="notify-person").set_value(head).run()
    assert not at.exception
    assert not_sent(at) == []
    assert "Legal and Compliance" in texts(at) and "April 2025" in texts(at)


def test_send_a_test_and_stop_sending_to_a_person(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("LEKGOTLA_OUTBOX_DIR", str(tmp_path / "outbox"))
    at = app(db_path, monkeypatch, "notifications")
    at.text_input(key="notify-test-to").set_value("Admin@Example.org")
    at.button(key="notify-test").click().run()
    assert not at.exception
    assert "Test sent to Admin@Example.org: see the outbox." in texts(at)
    assert [p.name for p in (tmp_path / "outbox").iterdir()][0].startswith("test-")
    assert metric_values(at) == {"Sent": "1", "Failed": "0", "Retried": "0"}
    outbox = next(t.value for t in at.dataframe if "subject" in t.value.columns)
    assert list(outbox["recipient"]) == ["admin@example.org"]
    assert list(outbox["subject"]) == ["Lekgotla: a test notification"]

    at.selectbox(key="notify-optout-person").set_value("zoe.pillay@lekgotla.example")
    at.button(key="notify-optout").click().run()
    assert "zoe.pillay@lekgotla.example gets no more notifications." in texts(at)
    con = db.connect(db_path)
    try:
        assert con.execute("SELECT email FROM notification_opt_outs").fetchall() == [
            ("zoe.pillay@lekgotla.example",)]
        assert con.execute("SELECT actor, outcome FROM audit_log WHERE action = 'notify'"
                           ).fetchall() == [("demo", "sent")]
    finally:
        con.close()


def test_a_test_the_mail_server_never_gets_says_what_to_check(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.launch import free_port

    port = free_port()  # nothing listens there
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("SECURITY", "none")):
        monkeypatch.setenv(f"LEKGOTLA_SMTP_{name}", value)
    at = app(db_path, monkeypatch, "notifications")
    at.text_input(key="notify-test-to").set_value("admin@example.org")
    at.button(key="notify-test").click().run()
    assert not at.exception
    words = (f"Nothing answers at smtp://127.0.0.1:{port}: check smtp_host and smtp_port "
             "(LEKGOTLA_SMTP_HOST and LEKGOTLA_SMTP_PORT in the environment, or under [lekgotla] "
             "in .streamlit/secrets.toml).")
    # read as shown: the Markdown escapes and the joiners that keep the address from linking out
    shown = [e.value.replace("\\", "").replace("\u2060", "") for e in at.error]
    assert shown == [f"**Not sent.** {words}"]
    outbox = next(t.value for t in at.dataframe if "last_error" in t.value.columns)
    assert list(outbox["last_error"]) == [words]


def test_messages_given_up_on_are_said_and_tried_again_from_the_outbox(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    try:
        for recipient, kind, attempts in (("a@example.org", "overdue", 5),
                                          ("b@example.org", "reminder", 5),
                                          ("c@example.org", "digest", 2)):
            con.execute(
                "INSERT INTO notifications (recipient, kind, period, subject, state, attempts, "
                "last_error, claimed_at, claimed_by) VALUES ($r, $k, '2025-06', 'S', 'failed', $a, "
                "'Login refused by *smtp*: check <b>smtp_user</b>', TIMESTAMP '2025-07-08 09:00', "
                "'host:1')", {"r": recipient, "k": kind, "a": attempts})
    finally:
        con.close()
    at = app(db_path, monkeypatch, "notifications")
    assert not at.exception
    [warning] = [w.value for w in at.warning if "given up" in w.value]
    # the error is report-like text: its Markdown and markup characters are escaped, not acted on
    assert warning.startswith("**2 messages given up after 5 failed attempts, not tried again.**")
    assert "\\*smtp\\*" in warning and "<b>" not in warning.replace("\\<b\\>", "")
    outbox = next(t.value for t in at.dataframe if "last_error" in t.value.columns)
    assert sorted(zip(outbox["recipient"], outbox["state"], strict=True)) == [
        ("a@example.org", "given up"), ("b@example.org", "given up"), ("c@example.org", "failed")]

    at.button(key="notify-try-again").click().run()
    assert not at.exception
    assert "2 messages will be tried again at the next notify run, each one that is still due." \
        in texts(at)
    assert not [w for w in at.warning if "given up" in w.value]
    con = db.connect(db_path)
    try:
        assert con.execute("SELECT recipient, attempts FROM notifications ORDER BY recipient"
                           ).fetchall() == [("a@example.org", 0), ("b@example.org", 0),
                                            ("c@example.org", 2)]
        assert con.execute("SELECT actor, detail->>'messages' FROM audit_log WHERE action = "
                           "'notify' AND outcome = 'try again'").fetchall() == [("demo", "2")]
    finally:
        con.close()


def test_the_page_says_when_this_dashboard_sends_by_itself(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # with notify_every_hours set the dashboard sends what is due (a DuckDB file, which the
    # command cannot open while the dashboard holds it); the page named only the command
    monkeypatch.setenv("LEKGOTLA_NOTIFY_EVERY_HOURS", "6")
    at = app(db_path, monkeypatch, "notifications")
    assert not at.exception
    shown = texts(at)
    assert ("emailed by this dashboard, which sends what is due every 6 hours while it runs "
            "(setting notify_every_hours)") in shown
    assert "python -m metrics notify` (run by cron" not in shown
