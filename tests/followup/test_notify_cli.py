"""`python -m metrics notify` and `lekgotla notify`: the dry run's files, and two runs at once
sending each message once."""

from __future__ import annotations

import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from backends import LAKE, empty_database
from mail import Inbox, parts, with_users
from testdata import ROOT

from followup.cli import main
from ingest import db
from lekgotla_cli import main as lekgotla


@pytest.fixture
def history_db(tmp_path: Path) -> str:
    """The hand-made history with users, in a database the command line opens (closed here)."""
    from metrics_history import build

    target = empty_database()
    if target == ":memory:":
        target = str(tmp_path / "history.duckdb")
    with_users(build(db.connect(target))).close()
    return target


def test_the_dry_run_writes_one_eml_per_message_and_records_nothing(
        history_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dry"
    code = main(["notify", "--db", history_db, "--at", "2025-04-10T09:00", "--dry-run", str(out),
                 "--no-pdf"])
    assert code == 0
    # 10 April (tests/followup/test_schedule.py): Health overdue for March, three digests, the pack
    names = sorted(p.name for p in out.iterdir())
    assert names == ["digest-2025-03-boss@example.org.eml", "digest-2025-03-fin@example.org.eml",
                     "digest-2025-03-health@example.org.eml", "overdue-2025-03-health@example.org.eml",
                     "pack-2025-Q1-boss@example.org.eml"]
    pack = message_from_bytes((out / "pack-2025-Q1-boss@example.org.eml").read_bytes(),
                              policy=policy.default)
    assert pack["Subject"] == "Review pack: Q1 2025"
    text, html, files = parts(pack)  # type: ignore[arg-type]
    assert list(files) == ["lekgotla-review-2025-Q1-all.html"]
    assert "stamp" in str(files["lekgotla-review-2025-Q1-all.html"])
    assert "Submission rate:" in text and "Submission rate:" in html
    digest = message_from_bytes((out / "digest-2025-03-health@example.org.eml").read_bytes(),
                                policy=policy.default)
    assert digest["Subject"] == "What changed in March 2025: Health, Works"
    assert "5 messages written to" in capsys.readouterr().err
    con = db.connect(history_db)
    try:
        assert con.execute("SELECT count(*) FROM notifications").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'notify'").fetchall() == [(0,)]
    finally:
        con.close()


def test_lekgotla_notify_sends_into_the_outbox_folder_without_a_mail_server(
        history_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.delenv("LEKGOTLA_SMTP_HOST", raising=False)
    assert lekgotla(["notify", "--db", history_db, "--at", "2025-04-05T12:00"]) == 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    assert lekgotla(["notify", "--db", history_db, "--at", "2025-04-05T12:00"]) == 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3  # sent before: not again
    assert lekgotla(["notify", "--db", history_db, "--at", "tomorrow"]) == 2
    # a dry run after it writes only what a real run would still send: nothing
    dry = tmp_path / "dry"
    assert lekgotla(["notify", "--db", history_db, "--at", "2025-04-05T12:00", "--dry-run",
                     str(dry)]) == 0
    assert not list(dry.glob("*.eml"))


def test_messages_given_up_on_are_not_called_sent_before(
        history_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # 5 April: 3 messages due (reminder, overdue, rejected); nothing listens on the port, so each
    # run fails all 3 and exits 1; after the 5th they are given up, and the 6th run says so
    from tools.launch import free_port

    monkeypatch.setenv("LEKGOTLA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEKGOTLA_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("LEKGOTLA_SMTP_SECURITY", "none")
    monkeypatch.setattr("followup.delivery.TRIES_PER_RUN", 1)  # no waiting between tries
    args = ["notify", "--db", history_db, "--at", "2025-04-05T12:00"]

    def code() -> int | str | None:
        try:
            return main(args)
        except SystemExit as e:  # a run with a failure exits 1
            return e.code

    assert [code() for _ in range(5)] == [1] * 5
    capsys.readouterr()
    # given up earlier: the runs that failed them exited 1; the 6th does not, or every one would
    assert code() == 0
    out, err = capsys.readouterr()
    assert sorted(out.splitlines()) == [
        "given up\toverdue\t2025-02\thealth@example.org",
        "given up\trejected\t2025-03\thealth@example.org",
        "given up\treminder\t2025-03\thealth@example.org"]
    assert err.splitlines()[-2:] == [
        "0 messages sent, 0 failed, 0 sent before (at 2025-04-05 12:00)",
        "warning: 3 messages given up after 5 failed attempts, not tried again: see "
        "Notifications → Outbox for why, and try them again there once the cause is fixed (or: "
        "python -m metrics notify --try-again)"]
    dry = ["notify", "--db", history_db, "--at", "2025-04-05T12:00", "--dry-run", str(tmp_path / "d")]
    assert main(dry) == 0
    assert "0 failed, 0 sent before" in capsys.readouterr().err  # the dry run counts them the same

    # the mail settings fixed (here: the outbox folder), --try-again sends all three, once
    monkeypatch.delenv("LEKGOTLA_SMTP_HOST")
    assert main([*args, "--try-again"]) == 0
    out, err = capsys.readouterr()
    assert sorted(line.split("\t")[:2] for line in out.splitlines()) == [
        ["sent", "overdue"], ["sent", "rejected"], ["sent", "reminder"]]
    assert err.splitlines()[0] == "3 messages given up on before, tried again now if still due"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    assert main([*args, "--try-again"]) == 0
    assert "0 messages given up on before" in capsys.readouterr().err
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    con = db.connect(history_db)
    try:
        assert con.execute("SELECT outcome, detail->>'messages' FROM audit_log WHERE action = "
                           "'notify' AND outcome = 'try again'").fetchall() == [("try again", "3")]
    finally:
        con.close()


def test_bad_settings_and_moments_are_one_line_each(
        history_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LEKGOTLA_OUTBOX_DIR", str(tmp_path / "outbox"))
    base = ["notify", "--db", history_db]
    for setting, value, said in (
            ("NOTIFY_KINDS", "reminder,bogus", "Setting 'notify_kinds' may list"),
            ("REMINDER_DAYS_BEFORE", "-1", "Reminder days before (reminder_days_before) must be from 0 to 27 days"),
            ("SMTP_FROM", "not an address <x", "Setting 'smtp_from' must be an email address"),
            ("PUBLIC_URL", "javascript:alert(1)//", "Setting 'public_url' must be the dashboard's")):
        monkeypatch.setenv(f"LEKGOTLA_{setting}", value)
        assert main([*base, "--at", "2025-04-10T09:00"]) == 2, setting  # checked before any work
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        monkeypatch.delenv(f"LEKGOTLA_{setting}")
    # a moment to come would send (and record) what is not due yet; one before 1900 has no months
    assert main([*base, "--at", "2999-01-08"]) == 2
    assert "--at 2999-01-08 00:00 is later than now" in capsys.readouterr().err
    assert main([*base, "--at", "0001-01-08"]) == 2
    assert "is too early" in capsys.readouterr().err
    assert not (tmp_path / "outbox").exists()


def test_two_runs_at_once_send_each_message_once(history_db: str, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    first = len(inbox.received)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEKGOTLA_SMTP_HOST": "127.0.0.1",
           "LEKGOTLA_SMTP_PORT": str(port), "LEKGOTLA_SMTP_SECURITY": "none"}
    command = [sys.executable, "-m", "metrics", "notify", "--db", history_db,
               "--at", "2025-04-10T09:00", "--no-pdf"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    results = [(r.wait(timeout=120), r.stdout.read(), r.stderr.read()) for r in runs]  # type: ignore[union-attr]
    subjects = sorted((r.rcpt_tos[0], str(r.message["X-Lekgotla-Kind"]))
                      for r in inbox.received[first:])
    assert subjects == [("boss@example.org", "digest"), ("boss@example.org", "pack"),
                        ("fin@example.org", "digest"), ("health@example.org", "digest"),
                        ("health@example.org", "overdue")]
    if LAKE:  # both ran; between them each message once
        assert [code for code, _, _ in results] == [0, 0], results
        assert sum(out.count("sent\t") for _, out, _ in results) == 5
    else:  # a DuckDB file has one writer process: the other is told the database is in use
        codes = sorted(code for code, _, _ in results)
        assert codes in ([0, 0], [0, 1]), results
        for code, _out, err in results:
            assert code == 0 or "Close the other program using the database" in err


def test_demo_mode_warns_of_a_missing_report_nobody_can_be_told_of(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from metrics_history import build

    # demo mode (no user) and no head email for Health on the register: no M&E team either
    target = empty_database()
    if target == ":memory:":
        target = str(tmp_path / "demo.duckdb")
    con = build(db.connect(target))
    con.execute("UPDATE departments SET email = NULL WHERE department = 'Health'")
    con.close()
    code = main(["notify", "--db", target, "--at", "2025-04-05T12:00", "--dry-run",
                 str(tmp_path / "dry"), "--no-pdf"])
    assert code == 0
    # 5 April: Health's March report is not in (reminder) and its February one never came (overdue)
    err = capsys.readouterr().err
    todo = ("no department head receives notifications for it and there is no M&E user. Add the "
            "head's email on the register's Departments sheet, or add users (its head, or the M&E "
            "team) on the Users page.")
    assert (f"warning: Nobody can be told that the March 2025 report of Health is missing "
            f"(reminder): {todo}") in err
    assert (f"warning: Nobody can be told that the February 2025 report of Health is missing "
            f"(overdue): {todo}") in err


def test_only_an_admin_tries_messages_given_up_on_again(history_db: str) -> None:
    from followup.delivery import try_again
    from ingest.access import User
    from ingest.errors import LekgotlaError

    con = db.connect(history_db)
    try:
        db.write(con, lambda c: c.execute(
            "INSERT INTO notifications (recipient, kind, period, subject, state, attempts, "
            "claimed_at, claimed_by) VALUES ('a@example.org', 'digest', '2025-03', 'S', 'failed', "
            "5, TIMESTAMP '2025-04-10 09:00', 'host:1')"))
        for role in ("me", "leadership", "department_head"):
            with pytest.raises(LekgotlaError):
                try_again(con, User("x@example.org", role, "X", frozenset({"Health"})))
        assert con.execute("SELECT attempts FROM notifications").fetchall() == [(5,)]
        admin = User("boss@example.org", "admin", "Boss")
        assert [r["recipient"] for r in try_again(con, admin)] == ["a@example.org"]
        assert con.execute("SELECT attempts FROM notifications").fetchall() == [(0,)]
        assert try_again(con, admin) == []  # nothing given up on now: nothing written
    finally:
        con.close()
