"""Issue 12 points 6 and 10: checking a draft on Upload is not a rejection (only a failed file that
is submitted stands, and only while the month has no accepted report), and the words people read:
no warning beside an error on the same cell, plurals, months in words, thresholds that contradict
each other refused, no raw "None", and the "What to do" column wraps."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dashboard_helpers import (
    PAGES,
    app,
    finance_july,
    finance_july_bad,
    texts,
    workbook,
)
from openpyxl import load_workbook
from testdata import HEADER, ROOT, report

import metrics
from ingest import db
from ingest.access import CLI
from ingest.audit import audit
from ingest.errors import SettingsError
from ingest.load import load_file
from ingest.parse import Options, parse_file
from ingest.settings import check_all
from ingest.settings_store import change_setting, change_settings
from ingest.words import period_words, plural

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = ["FIN-01", "Roll out the new procurement system", "SO1", "T. Mokoena", 10000, 5000,
        dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 40, None, None]


def row(**changes: Any) -> list[Any]:
    """A valid action row of the template's HEADER, with some cells changed (by header)."""
    values = dict(zip(HEADER, GOOD, strict=True)) | changes
    return [values[h] for h in HEADER]


def quality(path: Path, period: str, department: str) -> dict[str, Any]:
    """Submissions' data-quality row of a department-month, from metrics.report_quality."""
    con = db.connect(path)
    try:
        table = metrics.report_quality(con, metrics.Filters(period, (department,)))
    finally:
        con.close()
    return table.set_index("period").loc[period].to_dict()


def audit_entries(path: Path, action: str) -> list[tuple[Any, ...]]:
    con = db.connect(path)
    try:
        return con.execute("SELECT actor, outcome, department, period, detail FROM audit_log "
                           "WHERE action = $a ORDER BY audit_id", {"a": action}).fetchall()
    finally:
        con.close()


def shown(element: Any) -> list[list[str]]:
    """A table's cells as the browser's grid writes them: a missing value as the table's
    placeholder, which Streamlit leaves at "None" unless the page sets one."""
    placeholder = element.proto.placeholder if element.proto.HasField("placeholder") else "None"

    def cell(v: Any) -> str:
        missing = v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))
        return placeholder if missing else str(v)

    return [[cell(v) for v in r] for r in element.value.itertuples(index=False)]


def table(at: Any, *columns: str) -> Any:
    """The first st.dataframe element whose table has these columns."""
    return next(df for df in at.dataframe if set(columns) <= set(df.value.columns))


# ---- point 6: checking a draft is not a rejection ------------------------------------------------

def test_a_file_that_cannot_be_read_is_audited_as_a_failed_check(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # not a workbook at all (a zip of something else): no department, no period, one error; the
    # Audit page lists the failed checks of Upload, this one too, once however many reruns
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", b"PK\x03\x04 not really a workbook", XLSX)).run()
    assert not at.exception
    # no cell to fix: the file is what to fix
    assert "Fix the file and upload again" in texts(at) and "Fix these cells" not in texts(at)
    at.run()
    [check] = audit_entries(db_path, "check")
    assert check[:4] == ("demo", "failed", None, None)
    detail = json.loads(check[4])
    assert (detail["file"], detail["errors"]) == ("Finance_2025-07.xlsx", 1)


def test_a_checked_draft_then_the_fixed_file_leaves_no_rejection(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    assert not at.exception
    assert "4 errors found" in texts(at)  # the repeated ID on both its rows
    assert not [b for b in at.button if b.key == "commit"]
    at.run()  # reruns log the check once
    # the check is in the audit log, with its error count; nothing is held against Finance
    [check] = audit_entries(db_path, "check")
    assert check[:4] == ("demo", "failed", "Finance", "2025-07")
    assert json.loads(check[4])["errors"] == 4
    assert quality(db_path, "2025-07", "Finance")["rejected"] == 0
    # the fixed file, committed
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    at.button(key="commit").click().run()
    assert not at.exception
    assert "Finance, July 2025: 4 actions stored, 1 warning." in texts(at)  # FIN-04 overspent
    # Submissions' data quality for Finance in July: 0 rejected, late (submitted now, after 7 Aug)
    at.switch_page(PAGES["submissions"]).run()
    at.selectbox(key="period").set_value("2025-07").run()
    assert not at.exception
    rows = table(at, "department", "rejected").value.set_index("department")
    assert rows.loc["Finance", "rejected"] == 0
    assert rows.loc["Finance", "state"] in ("on time", "late")
    assert metric_value(at, "Rejected only") == "0"
    # the Audit page shows the check, its month in words and no "None"
    admin = app(db_path, monkeypatch, "audit", role="admin")
    log = table(admin, "actor", "outcome")
    cells = shown(log)
    checks = [r for r in cells if r[3] == "check"]
    assert checks and checks[0][6] == "July 2025" and "errors: 4" in checks[0][7]
    assert not any(c == "None" or "None" in c for r in cells for c in r)


def metric_value(at: Any, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_failed_file_submitted_stands_until_a_valid_report_is_accepted(con: db.Connection) -> None:
    load_file(con, report([row(), row(**{"Action ID": "FIN-02", "Status": "Maybe"})]),
              "Finance_2025-02.xlsx")  # the CLI's load: a submission, recorded
    before = metrics.report_quality(con, metrics.Filters("2025-02", ("Finance",))).iloc[0]
    assert (before["state"], before["rejected"], before["versions"]) == ("rejected", 1, 0)
    [o] = load_file(con, report([row()]), "Finance_2025-02.xlsx")
    assert o.status == "accepted"
    after = metrics.report_quality(con, metrics.Filters("2025-02", ("Finance",))).iloc[0]
    # a valid report came: the rejection no longer stands (the file stays in the upload history)
    assert after["state"] in ("on time", "late") and after["rejected"] == 0
    assert con.execute("SELECT count(*) FROM uploads WHERE status = 'rejected'").fetchall() == [(1,)]


def test_recording_a_failed_submission_on_upload_is_explicit(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    assert "Nothing is recorded against the department for a check" in texts(at)
    at.button(key="record-rejection").click().run()
    assert not at.exception
    assert "recorded as the failed submission for Finance, July 2025" in texts(at)
    july = quality(db_path, "2025-07", "Finance")
    assert (july["state"], july["rejected"]) == ("rejected", 1)
    assert [e[1] for e in audit_entries(db_path, "upload")][-1] == "rejected"


# ---- point 10: wording and consistency -----------------------------------------------------------

CONTRADICTIONS = [  # (a row with an error on one cell, the cell, the warning it used to carry)
    (row(Status="Maybe", **{"Percent complete": 100}), "I5", "should it be Completed?"),
    (row(Status="Completed", **{"Percent complete": 100, "Completion date": "32/13/2025"}), "K5",
     "Completed without a completion date"),
    (row(Status="At risk", **{"Reason code": "Zebra"}), "L5", "without a reason"),
]


@pytest.mark.parametrize(("action", "cell", "warning"), CONTRADICTIONS,
                         ids=["status", "completion_date", "reason_code"])
def test_no_warning_beside_an_error_on_the_same_cell(action: list[Any], cell: str,
                                                     warning: str) -> None:
    parsed = parse_file(report([action]), "Finance_2025-02.xlsx", Options())
    assert [p.cell for p in parsed.errors] == [cell]
    assert not [p.message for p in parsed.warnings if p.cell == cell]
    assert not any(warning in p.message for p in parsed.problems)


def test_a_warning_on_another_cell_of_the_row_stays() -> None:
    # an error on the status cell; over-spending is about another cell, and still said
    parsed = parse_file(report([row(Status="Maybe", **{"Budget spent": 20000})]),
                        "Finance_2025-02.xlsx", Options())
    assert [p.cell for p in parsed.errors] == ["I5"]
    assert [p.cell for p in parsed.warnings] == ["F5"]


def test_plural_and_period_words() -> None:
    assert [plural(n, "warning") for n in (0, 1, 2)] == ["0 warnings", "1 warning", "2 warnings"]
    assert plural(1, "error") == "1 error" and plural(3, "entry") == "3 entries"
    assert plural(1200, "row") == "1,200 rows"
    assert [period_words(p) for p in ("2025-07", "2025-Q3", None, "")] == [
        "July 2025", "Q3 2025", "", ""]


def test_outcomes_count_in_words(con: db.Connection) -> None:
    [one] = load_file(con, report([row(Status="Completed", **{"Percent complete": 100})]),
                      "Finance_2025-02.xlsx")
    # one action; one warning (Completed without a completion date)
    assert one.message == "Finance, February 2025: 1 action stored, 1 warning."
    [two] = load_file(con, report([row(), row(**{"Action ID": "FIN-02"})], period="March 2025"),
                      "Finance_2025-03.xlsx", period="2025-03")
    assert two.message == "Finance, March 2025: 2 actions stored, 0 warnings."
    [bad] = load_file(con, report([row(Status="Maybe")], period="April 2025"), "x.xlsx")
    assert bad.message == "Rejected: 1 error; nothing was stored."


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as f:
        for tok in tokenize.tokenize(f.readline):
            if tok.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)):
                yield tok.start[0], tok.string


def test_no_message_counts_with_an_s_in_brackets() -> None:
    found = [f"{p.relative_to(ROOT)}:{line}: {text}"
             for folder in ("ingest", "metrics", "dashboard") for p in sorted((ROOT / folder).rglob("*.py"))
             for line, text in _strings(p) if "(s)" in text and not text.lstrip("rbuf").startswith('"""')]
    assert not found, "\n".join(found)


def test_the_currency_is_a_short_symbol_never_markup(db_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    with pytest.raises(SettingsError, match="Currency must be a short symbol"):
        change_setting(con, CLI, "currency", "**R**<i>x</i>[a](https://example.invalid)")
    with pytest.raises(SettingsError, match="R x"):
        change_setting(con, CLI, "currency", " R x ")
    assert change_setting(con, CLI, "currency", " $ ") == "$"
    # one saved before this rule: read as the default until saved again, and escaped where shown
    con.execute("UPDATE settings SET value = '**R**<i>x</i>' WHERE name = 'currency'")
    assert db.setting(con, "currency") == "R"
    change_setting(con, CLI, "currency", "$")
    con.close()
    at = app(db_path, monkeypatch, "department", query={"period": "June 2025", "dept": "Finance"})
    budget = next(m.value for m in at.markdown if "- Budget: " in m.value)
    assert "- Budget: \\$ 450 000, spent \\$ 395 200" in budget  # no $…$ read as mathematics


def test_notify_kinds_are_stored_once_each_and_every_tab_follows_them(
        con: db.Connection) -> None:
    from followup.preview import recipients
    from ingest.users import save_user

    save_user(con, CLI, "fin@org.example", "department_head", "Fin", ("Finance",))
    assert change_setting(con, CLI, "notify_kinds", "digest , ,digest,reminder") == "reminder,digest"
    assert [r["gets"] for r in recipients(con)] == ["reminder, digest"]
    assert change_setting(con, CLI, "notify_kinds", " ") == ""  # every kind off: nobody gets any
    assert [r["gets"] for r in recipients(con)] == [""]
    # a kind the person's role never gets is not composed for them in the preview
    from followup.preview import preview
    shown = preview(con, CLI, "pack", "fin@org.example", "2025-06")
    assert shown.message is None
    assert shown.reason == ("fin@org.example does not receive the pack notification: their role "
                            "gets reminder, overdue, rejected, digest.")


def test_an_smtp_port_out_of_range_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_SMTP_PORT", "70000")
    with pytest.raises(SettingsError, match="SMTP port \\(smtp_port\\) must be a port from 1 to 65535.*not 70,000"):
        check_all()


def test_thresholds_that_contradict_each_other_are_refused(con: db.Connection) -> None:
    # Red below -25 pp, Amber below -10 pp (the defaults): Amber must stay above Red
    with pytest.raises(SettingsError, match=r"Amber schedule variance \(-30 pp\) must be above Red "
                                            r"schedule variance \(-25 pp\)"):
        change_setting(con, CLI, "amber_schedule_variance", -30)
    with pytest.raises(SettingsError, match="Red schedule variance"):
        change_setting(con, CLI, "red_schedule_variance", -5)
    with pytest.raises(SettingsError, match="On time day \\(on_time_day\\) must be a day from 1 to 28"):
        change_setting(con, CLI, "on_time_day", 31)
    with pytest.raises(SettingsError, match="Red slip days \\(red_slip_days\\) must be from 0 to 3,660 days"):
        change_setting(con, CLI, "red_slip_days", -1)
    # a digest on the 3rd, before reports are due on the 7th, called on-time reports missing
    with pytest.raises(SettingsError, match=r"Digest day \(3\) must come after On time day \(7\)"
                                            r".* Set Digest day to 8 or later"):
        change_setting(con, CLI, "digest_day", 3)
    with pytest.raises(SettingsError, match=r"Digest day \(10\) must come after On time day \(12\)"):
        change_setting(con, CLI, "on_time_day", 12)
    assert db.stored_settings(con) == {}  # nothing saved
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'settings'").fetchall() == [(0,)]
    # moved together in one form, Red and Amber agree: saved, each audited
    assert change_settings(con, CLI, {"red_schedule_variance": -40, "amber_schedule_variance": -30}) \
        == {"red_schedule_variance": -40.0, "amber_schedule_variance": -30.0}
    assert db.setting(con, "amber_schedule_variance") == -30.0
    # and refused whole when they do not
    with pytest.raises(SettingsError):
        change_settings(con, CLI, {"red_slip_days": 20, "amber_schedule_variance": -50})
    assert db.setting(con, "red_slip_days") == 30


def test_contradicting_thresholds_from_the_environment_stop_the_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_AMBER_SCHEDULE_VARIANCE", "-40")
    with pytest.raises(SettingsError, match="must be above Red"):
        check_all()


def test_an_environment_value_against_a_saved_one_stops_the_dashboard_and_the_commands(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # digest_day 9 saved on the Settings page (on time day 7 then); then LEKGOTLA_ON_TIME_DAY=9:
    # the start-up check weighed the environment against the defaults only, so the dashboard ran
    # with the digest on the deadline day, and the Settings page refused every later change
    from metrics.cli import main as metrics_main

    con = db.connect(db_path)
    change_setting(con, CLI, "digest_day", 9)
    con.close()
    monkeypatch.setenv("LEKGOTLA_ON_TIME_DAY", "9")
    check_all()  # against the default digest day, 10, it agrees
    said = ("Digest day (9) must come after On time day (9)", "Where they come from: On time day "
            "from the environment (LEKGOTLA_ON_TIME_DAY); Digest day saved on the Settings page.")
    con = db.connect(db_path)
    try:
        with pytest.raises(SettingsError) as refused:
            db.check_settings(con)
    finally:
        con.close()
    assert all(part in refused.value.message for part in said)
    assert metrics_main(["kpis", "--period", "2025-06", "--db", str(db_path)]) == 2
    from ingest.cli import main as ingest_main

    report_file = ROOT / "sample_data" / "reports" / "Finance_2025-06.xlsx"
    assert ingest_main(["load", str(report_file), "--db", str(db_path)]) == 2
    at = app(db_path, monkeypatch)
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("**Fix the setting and start again.**") and said[1] in error
    assert not at.metric  # no page ran


def test_the_settings_page_says_why_it_refuses_thresholds(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "settings")
    at.number_input(key="setting-amber_schedule_variance").set_value(-30.0)
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    assert "Not saved." in texts(at) and "must be above Red schedule variance" in texts(at)
    con = db.connect(db_path)
    assert db.setting(con, "amber_schedule_variance") == -10.0
    con.close()
    # both moved in the one form: saved
    at.number_input(key="setting-red_schedule_variance").set_value(-40.0)
    at.button[0].click()
    at.run()
    assert "Saved: Red schedule variance, Amber schedule variance." in texts(at)


def test_audit_details_never_read_none(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    audit(con, CLI, "export", "ok", rows=3, applied={"from": None, "departments": [None, "Finance"]},
          period="2025-06", file=None)
    audit(con, CLI, "restore", "moved in", file="lekgotla.duckdb")  # no period: an empty cell
    # a test message's period is the moment it was sent (its outbox key): said as a moment
    audit(con, CLI, "notify", "sent", None, "2026-12-07T00:00:07", kind="test")
    con.close()
    at = app(db_path, monkeypatch, "audit", role="admin")
    cells = shown(table(at, "actor", "outcome"))
    export = next(r for r in cells if r[3] == "export")
    assert (export[6], export[7]) == ("June 2025", "rows: 3 · applied: departments: Finance")
    moved = next(r for r in cells if r[3] == "restore")
    assert (moved[5], moved[6]) == ("", "")
    assert next(r for r in cells if r[3] == "notify")[6] == "7 Dec 2026, 00:00"
    assert not any(c in ("None", "nan", "<NA>") for r in cells for c in r)


def test_audit_dates_typed_the_other_way_round_read_as_the_days_between(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "audit", role="admin")
    shown = len(table(at, "actor", "outcome").value)
    assert shown > 0
    today = dt.date.today()
    at.date_input(key="audit-dates").set_value((today, today - dt.timedelta(days=90))).run()
    assert not at.exception
    assert len(table(at, "actor", "outcome").value) == shown


def test_the_change_summary_shows_a_dash_not_none(db_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # July: Finance's open actions as in June, and one new action (no "before")
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(finance_july())).active.iter_rows()]
    rows.append(["FIN-20", "Publish the procurement plan for next year", "SO4", "Ruan Pretorius",
                 10000, 0, "01/07/2025", "30/09/2025", "Not started", 0, None, None])
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(("Finance_2025-07.xlsx", workbook(rows), XLSX)).run()
    cells = shown(table(at, "change", "before", "after"))
    new = next(r for r in cells if r[0] == "FIN-20")
    assert new[2:] == ["new action", "—", "Not started"]
    assert not any(c == "None" for r in cells for c in r)


def test_a_period_that_cannot_be_read_is_never_under_a_no_errors_verdict(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    assert any(s.value.startswith("No errors") for s in at.success)  # as detected: ready
    [period] = [t for t in at.text_input if t.label == "Reporting period"]
    period.set_value("2025-13").run()
    assert not at.exception
    assert not any(s.value.startswith("No errors") for s in at.success)
    assert [e.value for e in at.error if "is not a reporting period" in e.value]
    assert not [b for b in at.button if "Commit" in b.label]


def test_the_preview_checks_the_dependencies_as_the_commit_does(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # validate and the stored report warned of an unknown action in "Depends on"; the preview did not
    one = ["FIN-01", "Roll out", "SO1", "T. Mokoena", 10000, 5000, dt.date(2025, 1, 6),
           dt.date(2025, 9, 30), "In progress", 40, None, None, "FIN-99"]
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-08.xlsx", report([one], period="August 2025", header=[*HEADER, "Depends on"]),
         XLSX)).run()
    messages = table(at, "severity", "message").value["message"]
    # FIN-09 shares five characters of six with FIN-99; the others of Finance four (as close): in order
    assert [m for m in messages if "depends on" in m] == [
        "FIN-01 depends on FIN-99, which is unknown: No department's plan has an action 'FIN-99'. "
        "Closest: Finance: FIN-09, Finance: FIN-02, Finance: FIN-03."]
    warned = int(next(m.value for m in at.metric if m.label == "Warnings"))
    at.button(key="commit").click().run()
    assert f"Finance, August 2025: 1 action stored, {warned} warnings." in texts(at)


def test_the_preview_counts_the_warnings_the_commit_stores(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # August: one action of Finance's plan reported; its other open actions are carried forward,
    # each with a warning, and the preview says so before the commit, not only after it
    one = ["FIN-01", "Roll out", "SO1", "T. Mokoena", 10000, 5000, dt.date(2025, 1, 6),
           dt.date(2025, 9, 30), "In progress", 40, None, None]
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-08.xlsx", report([one], period="August 2025"), XLSX)).run()
    warned = int(next(m.value for m in at.metric if m.label == "Warnings"))
    assert warned >= 2
    assert any(f"{warned} warnings will be stored" in s.value for s in at.success)
    assert any("is not in this report: it is carried forward" in v
               for v in table(at, "severity", "message").value["message"])
    at.button(key="commit").click().run()
    assert f"Finance, August 2025: 1 action stored, {warned} warnings." in texts(at)


def test_a_file_with_errors_for_a_month_already_in_force_is_only_checked(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    at.button(key="commit").click().run()
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "record-rejection"]  # it cannot make July rejected
    said = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "A valid report is in force for Finance, July 2025 (Finance_2025-07.xlsx): it stays" in said
    con = db.connect(db_path)
    assert db.scalar(con, "SELECT count(*) FROM uploads WHERE status = 'rejected'") == 0
    con.close()
    assert not list((tmp_path / "outbox").glob("rejected-*.eml"))


def test_what_to_do_wraps(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    problems = table(at, "severity", "message")
    longest = int(problems.value["message"].str.len().max())
    assert longest > 100  # "'Maybe' is not a status: use Not started, …"
    # the grid wraps a cell's text only in rows taller than 4rem (64 px)
    assert problems.proto.row_height > 64
    assert list(problems.proto.column_order)[:3] == ["severity", "cell", "message"]
    # and no warning sits beside the error on I5 ('Maybe' at 100%)
    i5 = problems.value[problems.value["cell"] == "I5"]
    assert list(i5["severity"]) == ["error"]
