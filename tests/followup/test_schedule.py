"""Who is due which notification at a given moment, on the hand-made history
(tests/support/metrics_history.py): on_time_day 7, reminders 3 days before, digest on day 10.

A report counts as missing at a moment when no accepted version had been submitted by then:
Finance's February report came on 2025-03-05 at 09:00, Health's February report never came,
Health's March report came late on 2025-04-15, Works' March report was rejected on 2025-04-01
before a version was accepted on 2025-04-02."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from backends import built
from metrics_history import build

from followup.messages import COMPOSERS
from followup.recipients import people, set_opt_out
from followup.schedule import due
from ingest import db
from ingest.access import CLI


def plan(con: db.Connection, at: str) -> set[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]:
    return {(d.kind, d.recipient.email, d.period, d.departments, d.cc)
            for d in due(con, datetime.fromisoformat(at))}


def test_reminders_go_to_the_heads_whose_report_is_not_in_by_that_moment(history_con: db.Connection) -> None:
    # February's deadline is 7 March, reminders from 4 March; at 08:00 on the 5th Finance's report
    # (09:00) is not in yet, Health's never came, Works' came on 2 March
    assert plan(history_con, "2025-03-05T08:00") == {
        ("reminder", "fin@example.org", "2025-02", ("Finance",), ()),
        ("reminder", "health@example.org", "2025-02", ("Health",), ())}
    # an hour after Finance's report was submitted, only Health is reminded
    assert plan(history_con, "2025-03-05T10:00") == {
        ("reminder", "health@example.org", "2025-02", ("Health",), ())}
    # 3 March: before the reminder window, and January's reports were all in by its deadline
    assert plan(history_con, "2025-03-03T10:00") == set()


def test_after_the_deadline_overdue_rejected_digest_and_pack(history_con: db.Connection) -> None:
    # 5 April: March's reminder window (4-7 April): Health's March report came on the 15th;
    # February's deadline passed and Health never sent it: overdue, copied to M&E; Works' March
    # upload of 1 April was rejected, uploaded by 'tester' (no user): Works' head is told
    assert plan(history_con, "2025-04-05T12:00") == {
        ("reminder", "health@example.org", "2025-03", ("Health",), ()),
        ("overdue", "health@example.org", "2025-02", ("Health",), ("me@example.org",)),
        ("rejected", "health@example.org", "2025-03", ("Works",), ())}
    # at noon on 6 April, a version accepted that morning has made it good: a rejection of a
    # report already in is not news (it was told at the next run after that, all the same)
    assert not {p for p in plan(history_con, "2025-04-06T12:00") if p[0] == "rejected"}
    # 10 April, the digest day: March overdue for Health (in on the 15th), March's digests (each
    # head their departments', leadership the organisation's), and March ends Q1: the pack
    assert plan(history_con, "2025-04-10T09:00") == {
        ("overdue", "health@example.org", "2025-03", ("Health",), ("me@example.org",)),
        ("digest", "fin@example.org", "2025-03", ("Finance",), ()),
        ("digest", "health@example.org", "2025-03", ("Health", "Works"), ()),
        ("digest", "boss@example.org", "2025-03", (), ()),
        ("pack", "boss@example.org", "2025-Q1", (), ())}


def test_an_opted_out_user_gets_nothing_and_the_kinds_setting_turns_kinds_off(
        history_con: db.Connection) -> None:
    set_opt_out(history_con, CLI, "Health@example.org", True)
    assert plan(history_con, "2025-03-05T08:00") == {
        ("reminder", "fin@example.org", "2025-02", ("Finance",), ())}
    db.save_setting(history_con, "notify_kinds", "digest")
    assert {k for k, *_ in plan(history_con, "2025-04-10T09:00")} == {"digest"}


def test_demo_mode_the_register_heads_stand_in(history: db.Connection) -> None:
    # no user: each department's head email on the register (all three share one here)
    assert [(p.email, p.role, sorted(p.departments)) for p in people(history)] == [
        ("head@example.org", "department_head", ["Finance", "Health", "Works"])]
    assert plan(history, "2025-03-05T10:00") == {
        ("reminder", "head@example.org", "2025-02", ("Health",), ())}


def test_demo_mode_skips_a_register_email_of_several_addresses(caplog: pytest.LogCaptureFixture) -> None:
    # a register loaded before its emails were checked: the header would name both recipients
    con = built("metrics_history", build)
    con.execute("UPDATE departments SET email = 'boss,intruder@evil.example' WHERE department = 'Health'")
    assert [(p.email, sorted(p.departments)) for p in people(con)] == [
        ("head@example.org", ["Finance", "Works"])]
    assert "The register's email for Health is not one address" in caplog.text
    con.close()


def test_an_overdue_report_no_head_is_told_of_goes_to_the_me_team(
        history_con: db.Connection) -> None:
    # Health's head stops notifications: Health's overdue February report (5 April, as above) goes
    # to the M&E team itself, not only as a copy of a message nobody receives
    set_opt_out(history_con, CLI, "health@example.org", True)
    overdue = {p for p in plan(history_con, "2025-04-05T12:00") if p[0] == "overdue"}
    assert overdue == {("overdue", "me@example.org", "2025-02", ("Health",), ())}
    [notice] = [d for d in due(history_con, datetime(2025, 4, 5, 12)) if d.kind == "overdue"]
    subject, body, _ = COMPOSERS["overdue"](history_con, notice, datetime(2025, 4, 5, 12))
    assert subject == "Overdue: the February 2025 report of Health (29 days late)"
    assert "No department head receives notifications for it" in body.text()
    # two departments in one notice are two reports, named apart (a name may hold "and")
    both = dataclasses.replace(notice, departments=("Health", "Works"))
    subject, body, files = COMPOSERS["overdue"](history_con, both, datetime(2025, 4, 5, 12))
    assert subject == ("Overdue: the February 2025 reports of 2 departments (Health; Works) "
                       "(29 days late)")
    assert ("The February 2025 reports of 2 departments (Health; Works) were due on 7 Mar 2025 "
            "and have not been received: they are 29 days late. No department head receives "
            "notifications for them") in body.text()
    assert "Each template attached is pre-filled with its department's open actions" in body.text()
    assert [f[2] for f in files] == ["Health_2025-02.xlsx", "Works_2025-02.xlsx"]


def test_no_month_before_the_organisations_first_is_chased(history_con: db.Connection) -> None:
    # the history's first report is for January 2025 (its register was loaded later): on 8 June
    # 2024 May 2024's reports would be 'overdue' for every head, before anything existed
    assert plan(history_con, "2024-06-08T09:00") == set()
    assert plan(history_con, "2024-06-05T09:00") == set()  # nor reminded


@pytest.mark.parametrize("date_submitted", [datetime(2025, 1, 2), datetime(2025, 12, 31)])
def test_a_rejection_is_told_by_when_it_was_uploaded_not_its_date_submitted_cell(
        history_con: db.Connection, date_submitted: datetime) -> None:
    # uploaded by Health's head on 3 April (its March report was accepted only on the 15th); its
    # 'Date submitted' cell says months before, or after
    history_con.execute(
        "INSERT INTO uploads (upload_id, sha256, file_name, department, period, uploaded_by, "
        "uploaded_at, submitted_at, status, error_count, messages) VALUES (60, 'y', 'f.xlsx', "
        "'Health', '2025-03', 'health@example.org', $up, $cell, 'rejected', 1, '[]')",
        {"up": datetime(2025, 4, 3, 9), "cell": date_submitted})
    rejected = {p for p in plan(history_con, "2025-04-05T12:00") if p[0] == "rejected"}
    assert ("rejected", "health@example.org", "2025-03", ("Health",), ()) in rejected
    # 11 April: more than 7 days after the upload, whatever the cell says
    assert not {p for p in plan(history_con, "2025-04-11T12:00") if p[0] == "rejected"}


def test_the_overdue_notice_says_the_me_team_is_copied_only_when_it_is(
        history: db.Connection, history_con: db.Connection) -> None:
    # 5 April: Health's February report is overdue; demo mode has no M&E team to copy
    at = datetime(2025, 4, 5, 12)
    [demo] = [d for d in due(history, at) if d.kind == "overdue"]
    assert demo.cc == ()
    text = COMPOSERS["overdue"](history, demo, at)[1].text()
    assert "it is 29 days late." in text and "copied" not in text
    [with_me] = [d for d in due(history_con, at) if d.kind == "overdue"]
    assert "it is 29 days late. The M&E team is copied." in COMPOSERS["overdue"](
        history_con, with_me, at)[1].text()


def test_reminders_start_no_earlier_than_the_first_of_the_next_month(
        history_con: db.Connection) -> None:
    from followup.preview import preview, schedule

    # 10 days before March's deadline (7 April) is 28 March, while March is not over: reminders
    # start on 1 April (Works' March report came on the 2nd), and the page and the preview say so
    # (1 April to 7 April: 6 days)
    db.save_setting(history_con, "reminder_days_before", 10)
    assert not {p for p in plan(history_con, "2025-03-31T09:00") if p[0] == "reminder"}
    assert ("reminder", "health@example.org", "2025-03", ("Health", "Works"), ()) in plan(
        history_con, "2025-04-01T09:00")
    [reminder] = [s["when"] for s in schedule(history_con) if s["kind"] == "reminder"]
    assert reminder == ("Days 1 to 7 of each month (the deadline), once a period: not before the "
                        "month reported on is over")
    shown = preview(history_con, CLI, "reminder", "health@example.org", "2025-03").message
    assert shown is not None
    assert shown["Subject"] == ("Reminder: the March 2025 reports of 2 departments (Health; Works) "
                                "are due in 6 days")


def test_a_digest_and_a_pack_are_previewed_as_on_the_day_they_go_out(
        history_con: db.Connection) -> None:
    from followup.preview import preview

    # digest_day 10: February's digest goes out on 10 March, Q1's pack on 10 April (the preview
    # gave the report deadline, 7 March, for both)
    digest = preview(history_con, CLI, "digest", "boss@example.org", "2025-02")
    assert digest.message is not None and digest.sent_at == datetime(2025, 3, 10, 9)
    pack = preview(history_con, CLI, "pack", "boss@example.org", "2025-02")
    assert pack.message is not None and pack.sent_at == datetime(2025, 4, 10, 9)
