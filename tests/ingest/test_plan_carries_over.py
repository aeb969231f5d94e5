"""The plan carries over from month to month (issue 12, SPEC §5): an action, once reported, stays in
its department's plan until a report marks it Cancelled. Every expected value is worked by hand."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from testdata import ROOT, report

from ingest import db
from ingest.access import CLI
from ingest.load import change_summary, load_file, options_for
from ingest.parse import parse_file
from metrics.actions import action_figures
from metrics.filters import Filters
from metrics.kpis import kpis

JAN = [
    # header on row 4: A1 is row 5, A2 row 6, A3 row 7
    ["A1", "Pay suppliers within thirty days", "SO1", "Thandi", 100, 40, "01/01/2025", "31/03/2025",
     "In progress", 40, None, None],
    ["A2", "Close the audit findings register", "SO1", "Thandi", 200, 200, "01/01/2025", "31/01/2025",
     "Completed", 100, "20/01/2025", None],
    ["A3", "Train the accounts payable clerks", "SO1", "Sipho", 50, 10, "01/01/2025", "15/02/2025",
     "In progress", 20, None, None],
]
A1_FEB = ["A1", "Pay suppliers within thirty days", "SO1", "Thandi", 100, 60, "01/01/2025", "31/03/2025",
          "In progress", 60, None, None]
A3_CANCELLED = ["A3", "Train the accounts payable clerks", "SO1", "Sipho", 50, 10, "01/01/2025",
                "15/02/2025", "Cancelled", 20, None, "Scope changed"]


def _load(con: db.Connection, rows: list[list[object]], period: str, name: str, **options: object) -> list:
    outcomes = load_file(con, report(rows, period=period), name, **options)
    assert [o.status for o in outcomes] == ["accepted"], [o.message for o in outcomes]
    return outcomes


def _feb(con: db.Connection) -> dict:
    return kpis(con, Filters(period="2025-02", departments=("Finance",)))


def test_completed_and_open_actions_left_out_stay_in_the_plan(con: db.Connection) -> None:
    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx")
    k = _feb(con)
    # A = A1 (reported), A2 (carried, Completed), A3 (carried, open): 3 actions, not 1
    assert k["actions"] == 3
    assert k["completion_rate"] == pytest.approx(1 / 3)  # A2 of three
    assert k["mean_progress"] == pytest.approx((60 + 100 + 20) / 3)  # = 60
    # A3 is open and was due 15 Feb, before period_end 28 Feb: one overdue of three
    assert k["overdue_rate"] == pytest.approx(1 / 3)
    assert k["on_time_rate"] == pytest.approx(1.0)  # A2 completed 20 Jan, due 31 Jan
    # spent 60 + 200 + 10 over allocated 100 + 200 + 50
    assert k["budget_utilisation"] == pytest.approx(270 / 350)


def test_carried_row_points_to_the_report_it_was_last_read_from(con: db.Connection) -> None:
    jan = _load(con, JAN, "January 2025", "fin-jan.xlsx")[0]
    feb = _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx")[0]
    rows = action_figures(con, Filters(period="2025-02", departments=("Finance",))).set_index("action_id")
    assert list(rows["carried_forward"].sort_index()) == [False, True, True]
    assert rows.at["A1", "upload_id"] == feb.upload_id and rows.at["A1", "file_name"] == "fin-feb.xlsx"
    for aid, row in (("A2", 6), ("A3", 7)):
        assert rows.at[aid, "upload_id"] == jan.upload_id
        assert rows.at[aid, "file_name"] == "fin-jan.xlsx"
        assert rows.at[aid, "source_row"] == row
    assert rows.at["A3", "percent_complete"] == 20 and rows.at["A3", "rag"] == "Red"  # overdue


def test_an_open_action_left_out_is_flagged_at_upload(con: db.Connection) -> None:
    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    feb = _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx")[0]
    carried = [p for p in feb.problems if p.value == "A3"]
    assert len(carried) == 1 and carried[0].severity == "warning"
    assert "not reported in February 2025" in carried[0].message
    assert "Report it, or mark it Cancelled with a reason" in carried[0].message
    assert not [p for p in feb.problems if p.value == "A2"]  # a Completed action is never a problem
    assert feb.warnings == 1
    stored = db.scalar(con, "SELECT warning_count FROM uploads WHERE upload_id = $u", {"u": feb.upload_id})
    assert stored == 1


def test_change_summary_says_carried_not_dropped(con: db.Connection) -> None:
    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    parsed = parse_file(report([A1_FEB], period="February 2025"), "fin-feb.xlsx", options_for(con))
    changes = change_summary(con, parsed.reports[0])
    gone = changes[changes["action_id"].isin(["A2", "A3"])]
    # A3 (open) is not reported, carried forward; A2 (Completed) is no change at all
    assert gone[["action_id", "change"]].values.tolist() == [["A3", "not reported (carried forward)"]]
    assert "dropped action" not in set(changes["change"])


def test_cancelled_leaves_the_plan(con: db.Connection) -> None:
    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    _load(con, [A1_FEB, A3_CANCELLED], "February 2025", "fin-feb.xlsx")
    mar = _load(con, [A1_FEB], "March 2025", "fin-mar.xlsx")[0]
    k = kpis(con, Filters(period="2025-03", departments=("Finance",)))
    # March: A1 reported, A2 carried as Completed; A3 was Cancelled in February and is not carried
    assert k["actions"] == 2 and k["completion_rate"] == pytest.approx(1 / 2)
    assert mar.warnings == 0


def test_a_late_action_cannot_be_deleted_away(con: db.Connection) -> None:
    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx")
    _load(con, [A1_FEB], "March 2025", "fin-mar.xlsx")
    rows = action_figures(con, Filters(period="2025-03", departments=("Finance",))).set_index("action_id")
    # A3 still carried from January (its last report), overdue since 15 Feb: slip 31 Mar - 15 Feb = 44 days
    assert rows.at["A3", "carried_forward"] and rows.at["A3", "overdue"]
    assert rows.at["A3", "slip_days"] == 44


def test_out_of_order_backfill_and_correction_rebuild_the_carried_rows(con: db.Connection) -> None:
    _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx")
    assert _feb(con)["actions"] == 1  # nothing reported before February yet
    _load(con, JAN, "January 2025", "fin-jan.xlsx")  # backfilled: February now carries A2 and A3
    assert _feb(con)["actions"] == 3
    # February corrected to report A3 as done: it is read, not carried
    a3_done = ["A3", "Train the accounts payable clerks", "SO1", "Sipho", 50, 50, "01/01/2025", "15/02/2025",
               "Completed", 100, "14/02/2025", None]
    _load(con, [A1_FEB, a3_done], "February 2025", "fin-feb-v2.xlsx")
    k = _feb(con)
    assert k["actions"] == 3 and k["completion_rate"] == pytest.approx(2 / 3)  # A2 and A3
    carried = db.scalar(con, "SELECT count(*) FROM action_status WHERE is_current AND period = '2025-02' "
                             "AND carried_from_upload IS NOT NULL")
    assert carried == 1  # A2 only


def _warned(con: db.Connection, period: str) -> tuple[int, list[str]]:
    """The stored warning count of the department's report in force for `period`, and the action
    IDs its "not in this report" warnings name."""
    count, messages = con.execute(
        "SELECT warning_count, messages FROM uploads WHERE period = $p AND is_current "
        "AND status = 'accepted'", {"p": period}).fetchone()
    return count, [m["value"] for m in json.loads(messages) if "carried forward" in m["message"]]


def test_a_backfilled_month_restates_the_later_reports_warnings(con: db.Connection) -> None:
    _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx")
    assert _warned(con, "2025-02") == (0, [])  # nothing was in the plan before it yet
    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    # February now carries A3 (open; A2, Completed, silently): its stored warning says so
    count, carried = _warned(con, "2025-02")
    assert carried == ["A3"] and count == 1
    # January corrected, A3 Cancelled there: February carries no open action, warns of none
    _load(con, [*JAN[:2], A3_CANCELLED], "January 2025", "fin-jan-v2.xlsx")
    assert _warned(con, "2025-02") == (0, [])


def test_portfolio_snapshot_absence_means_left(con: db.Connection) -> None:
    _load(con, JAN, "January 2025", "fin-jan.xlsx", absent_actions="left")
    parsed = parse_file(report([A1_FEB], period="February 2025"), "x.xlsx", options_for(con))
    changes = change_summary(con, parsed.reports[0], "left")
    assert changes.loc[changes["change"] == "left the plan", "action_id"].tolist() == ["A2", "A3"]
    feb = _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx", absent_actions="left")[0]
    k = _feb(con)
    assert k["actions"] == 1 and k["completion_rate"] == 0  # A1 only, as the snapshot says
    assert feb.warnings == 0


def test_a_snapshot_keeps_an_action_whose_row_it_skipped_as_invalid(con: db.Connection) -> None:
    # README's GMPP example: a project whose row was skipped for a bad cell "left the plan"
    _load(con, JAN, "January 2025", "fin-jan.xlsx", absent_actions="left")
    a3_bad = [*JAN[2][:9], 250, *JAN[2][10:]]  # 250% complete: an error on its row
    rows = [A1_FEB, a3_bad]
    parsed = parse_file(report(rows, period="February 2025"), "x.xlsx",
                        options_for(con, skip_invalid_rows=True))
    assert parsed.reports[0].skipped_actions == ["a3"]
    changes = change_summary(con, parsed.reports[0], "left")
    assert changes[["action_id", "change"]].values.tolist() == [
        ["A2", "left the plan"], ["A3", "row skipped (carried forward)"]]
    [feb] = load_file(con, report(rows, period="February 2025"), "fin-feb.xlsx",
                      absent_actions="left", skip_invalid_rows=True)
    assert (feb.status, feb.skipped) == ("accepted", 1)
    # A1 as reported, A3 as January left it (In progress 20%); A2 left the plan
    k = _feb(con)
    assert k["actions"] == 2 and k["mean_progress"] == pytest.approx((60 + 20) / 2)
    carried = con.execute("SELECT action_id, percent_complete FROM action_status "
                          "WHERE period = '2025-02' AND is_current AND carried_from_upload IS NOT NULL "
                          "ORDER BY action_id").fetchall()
    assert carried == [("A3", 20)]
    # March's snapshot leaves A3 out for real: it leaves the plan then
    _load(con, [A1_FEB], "March 2025", "fin-mar.xlsx", absent_actions="left")
    mar = kpis(con, Filters(period="2025-03", departments=("Finance",)))
    assert mar["actions"] == 1


def test_cli_absent_actions_flag(tmp_path: Path) -> None:
    dbp = tmp_path / "t.duckdb"
    jan, feb = tmp_path / "jan.xlsx", tmp_path / "feb.xlsx"
    jan.write_bytes(report(JAN, period="January 2025"))
    feb.write_bytes(report([A1_FEB], period="February 2025"))
    for f in (jan, feb):
        r = subprocess.run([sys.executable, "-m", "ingest", "load", str(f), "--db", str(dbp),
                            "--absent-actions", "left"], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr
    con = db.connect(dbp)
    try:
        assert _feb(con)["actions"] == 1
        assert db.scalar(con, "SELECT count(*) FROM uploads WHERE absent_actions = 'left'") == 2
    finally:
        con.close()


def test_template_only_month_keeps_finance_completion(sample_con: db.Connection) -> None:
    """Issue 12's steps on the sample data: Finance's July template, date submitted filled in, loaded."""
    from ingest.template import build_template

    con = sample_con
    june = kpis(con, Filters(period="2025-06", departments=("Finance",)))
    assert june["actions"] == 11 and june["completion_rate"] == pytest.approx(7 / 11)
    from ingest.dates import Period
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 7), user=CLI)))
    ws = wb["Actions"]
    assert ws["A4"].value == "Date submitted"
    ws["B4"] = datetime(2025, 8, 5)
    out = io.BytesIO()
    wb.save(out)
    load_file(con, out.getvalue(), "Finance_2025-07.xlsx")
    july = kpis(con, Filters(period="2025-07", departments=("Finance",)))
    # the 4 open actions reported unchanged + the 7 completed ones carried: 7 of 11, as in June
    assert july["actions"] == 11
    assert july["completion_rate"] == pytest.approx(7 / 11)
    assert july["budget_utilisation"] == pytest.approx(june["budget_utilisation"])


def test_a_correction_of_the_month_an_action_was_completed_reaches_the_later_templates_months(
        con: db.Connection) -> None:
    from ingest.dates import Period
    from ingest.template import build_template

    _load(con, JAN, "January 2025", "fin-jan.xlsx")  # A2 Completed on 20 January
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 2), user=CLI)))
    # A2 is on the Completed earlier sheet, not a row of the report; A1 and A3 are
    assert [wb["Actions"].cell(row=r, column=1).value for r in (7, 8, 9)] == ["A1", "A3", None]
    assert wb["Completed earlier"]["A5"].value == "A2"
    out = io.BytesIO()
    wb.save(out)
    load_file(con, out.getvalue(), "Finance_2025-02.xlsx")
    # January corrected afterwards: A2 was completed on 25 January
    a2 = [*JAN[1][:10], "25/01/2025", None]
    _load(con, [JAN[0], a2, JAN[2]], "January 2025", "fin-jan-v2.xlsx")
    feb = action_figures(con, Filters(period="2025-02", departments=("Finance",))).set_index("action_id")
    assert str(feb.at["A2", "completion_date"])[:10] == "2025-01-25"
    assert bool(feb.at["A2", "carried_forward"]) and feb.at["A2", "file_name"] == "fin-jan-v2.xlsx"


def test_the_template_of_a_month_already_reported_corrects_it(con: db.Connection) -> None:
    from ingest.dates import Period
    from ingest.template import build_template

    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    a3_done = [*JAN[2][:8], "Completed", 100, "10/02/2025", None]
    _load(con, [A1_FEB, a3_done], "February 2025", "fin-feb.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 2), user=CLI)))
    rows = {wb["Actions"].cell(row=r, column=1).value: r for r in (7, 8, 9)}
    # February's own report, not January's: A1 at 60%, and A3, completed in February, still to
    # edit (read-only below, the correction would leave it out and carry it as open); A2, completed
    # in January, for reference
    assert list(rows) == ["A1", "A3", None]
    header = {wb["Actions"].cell(row=6, column=c).value: c for c in range(1, 30)}
    assert wb["Actions"].cell(row=rows["A1"], column=header["Percent complete"]).value == 60
    assert wb["Actions"].cell(row=rows["A3"], column=header["Status"]).value == "Completed"
    assert wb["Completed earlier"]["A5"].value == "A2"
    out = io.BytesIO()
    wb.save(out)
    load_file(con, out.getvalue(), "Finance_2025-02.xlsx")  # sent back unchanged: nothing moves
    assert _feb(con)["completion_rate"] == pytest.approx(2 / 3)


def test_a_template_row_cleared_but_for_its_locked_id_is_left_out(con: db.Connection) -> None:
    # the template's sheet is protected and its IDs locked, so Excel deletes no row of it: a head
    # leaves A3 out of February by clearing its row but for the ID
    from ingest.dates import Period
    from ingest.template import build_template

    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 2), user=CLI)))
    ws = wb["Actions"]
    assert [ws.cell(row=r, column=1).value for r in (7, 8)] == ["A1", "A3"]
    for cell in ws[8][1:]:
        cell.value = None
    out = io.BytesIO()
    wb.save(out)
    [outcome] = load_file(con, out.getvalue(), "Finance_2025-02.xlsx")
    assert outcome.status == "accepted", outcome.message
    [cleared] = [p for p in outcome.problems if p.row == 8]
    assert (cleared.severity, cleared.column, cleared.value) == ("warning", "A", "A3")
    assert cleared.message.startswith("Only the Action ID of this row is filled in")
    # A3 stays in the plan with January's figures, not reported: A1, A2 (Completed) and A3
    rows = action_figures(con, Filters(period="2025-02", departments=("Finance",))).set_index("action_id")
    assert sorted(rows.index) == ["A1", "A2", "A3"]
    assert bool(rows.at["A3", "carried_forward"]) and rows.at["A3", "percent_complete"] == 20
    assert _feb(con)["completion_rate"] == pytest.approx(1 / 3)


def test_a_correction_template_keeps_a_completion_carried_into_the_month_read_only(
        con: db.Connection) -> None:
    # A2 Completed in January with no completion date; February leaves it out (carried over,
    # Completed). February's correction template lists it below as completed earlier, not as a
    # row of February's report: sent back, it would read as completed in February
    from ingest.dates import Period
    from ingest.template import build_template

    a2_undated = [*JAN[1][:10], None, None]
    _load(con, [JAN[0], a2_undated, JAN[2]], "January 2025", "fin-jan.xlsx")
    _load(con, [A1_FEB, JAN[2]], "February 2025", "fin-feb.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 2), user=CLI)))
    assert [wb["Actions"].cell(row=r, column=1).value for r in (7, 8, 9)] == ["A1", "A3", None]
    assert wb["Completed earlier"]["A5"].value == "A2"
    out = io.BytesIO()
    wb.save(out)
    load_file(con, out.getvalue(), "Finance_2025-02.xlsx")  # sent back unchanged: A2 still carried
    rows = action_figures(con, Filters(period="2025-02", departments=("Finance",))).set_index("action_id")
    assert bool(rows.at["A2", "carried_forward"]) and rows.at["A2", "file_name"] == "fin-jan.xlsx"


def test_a_correction_template_keeps_what_the_month_cancelled_and_left_out(
        con: db.Connection) -> None:
    # February cancels A3 and leaves A1 out (carried, not reported); A2 was completed in January.
    # Its template, sent back unchanged, must leave February as it was: A = A1 (carried, 40%) and
    # A2 (Completed), A3 Cancelled and out: completion 1 of 2
    from ingest.dates import Period
    from ingest.template import build_template

    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    _load(con, [A3_CANCELLED], "February 2025", "fin-feb.xlsx")
    assert _feb(con)["actions"] == 2 and _feb(con)["completion_rate"] == pytest.approx(1 / 2)
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 2), user=CLI)))
    ws = wb["Actions"]
    header = {ws.cell(row=6, column=c).value: c for c in range(1, 30)}
    # A3 as February said it, Cancelled with its reason; not A1, which February did not report
    assert [ws.cell(row=r, column=1).value for r in (7, 8)] == ["A3", None]
    assert ws.cell(row=7, column=header["Status"]).value == "Cancelled"
    assert ws.cell(row=7, column=header["Reason code"]).value == "Scope changed"
    assert wb["Completed earlier"]["A5"].value == "A2"
    out = io.BytesIO()
    wb.save(out)
    load_file(con, out.getvalue(), "Finance_2025-02.xlsx")
    assert _feb(con)["actions"] == 2 and _feb(con)["completion_rate"] == pytest.approx(1 / 2)
    rows = action_figures(con, Filters(period="2025-02", departments=("Finance",))).set_index("action_id")
    assert bool(rows.at["A1", "carried_forward"]) and rows.at["A1", "percent_complete"] == 40
    assert rows.at["A3", "status"] == "Cancelled"
    # the next month's template: A1 to report, A3 gone from the plan
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 3), user=CLI)))
    assert [wb["Actions"].cell(row=r, column=1).value for r in (7, 8)] == ["A1", None]
    # with January's figures, which February did not report: said on its ID, so that sent back
    # untouched they are not taken for March's
    assert wb["Actions"]["A7"].comment.text == (
        "Not in your February 2025 report: these are its January 2025 figures, as last reported. "
        "Update them, or mark it Cancelled with a reason.")


def test_a_report_of_no_known_month_is_not_checked_against_a_plan(con: db.Connection) -> None:
    # the month is unknown (an error already): "not reported in <this month>" would be made up
    from ingest.load import add_plan_checks

    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    parsed = parse_file(report([A1_FEB], period=None), "finance-report.xlsx", options_for(con))
    assert parsed.period is None
    add_plan_checks(con, parsed, "carried")
    assert [p.message for p in parsed.warnings if "carried forward" in p.message] == []


def test_submissions_data_quality_counts_not_reported(con: db.Connection) -> None:
    from metrics.quality import report_quality

    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx")
    q = report_quality(con, Filters(period="2025-02", period_from="2025-01", departments=("Finance",)))
    # January reported everything; February left out A2 (Completed: not counted) and A3 (open)
    assert q.set_index("period")["not_reported"].to_dict() == {"2025-01": 0, "2025-02": 1}
    assert q.set_index("period").at["2025-02", "row_count"] == 1


def test_an_action_carried_over_is_not_reported_not_stale(con: db.Connection) -> None:
    # stale is three reports in a row with the same status and progress (SPEC §5.11): a month
    # that carried an action over did not report it, so it counted as "not reported" and as stale
    from metrics.quality import report_quality, stale_actions

    a1_jan = JAN[0]
    _load(con, JAN, "January 2025", "fin-jan.xlsx")
    _load(con, [a1_jan], "February 2025", "fin-feb.xlsx")  # A3 left out: carried at 20%
    _load(con, [a1_jan], "March 2025", "fin-mar.xlsx")  # and again
    march = Filters(period="2025-03", departments=("Finance",))
    # A1 was sent three times at In progress 40%: stale since January; A3 was sent once
    stale = stale_actions(con, march)
    assert stale[["action_id", "since_period"]].values.tolist() == [["A1", "2025-01"]]
    q = report_quality(con, march).set_index("period")
    assert (q.at["2025-03", "stale_actions"], q.at["2025-03", "not_reported"]) == (1, 1)
    # A3 sent again unchanged in April: its reports are January and April, not three in a row
    _load(con, [a1_jan, JAN[2]], "April 2025", "fin-apr.xlsx")
    april = Filters(period="2025-04", departments=("Finance",))
    assert stale_actions(con, april)["action_id"].tolist() == ["A1"]
    assert report_quality(con, april).set_index("period").at["2025-04", "stale_actions"] == 1


def test_default_month_is_the_latest_most_departments_reported(con: db.Connection) -> None:
    from metrics.catalogue import reporting, settled_month

    for dept in ("Finance", "Operations", "Legal"):
        _load(con, [A1_FEB], "January 2025", f"{dept}-jan.xlsx", department=dept)
    _load(con, [A1_FEB], "February 2025", "fin-feb.xlsx", department="Finance")
    # no register: the three departments that ever reported are expected; February has 1 of 3
    assert settled_month(con) == "2025-01"
    feb = reporting(con).set_index("period").loc["2025-02"]
    assert (feb["reported"], feb["missing"], feb["expected"]) == (["Finance"], ["Legal", "Operations"], 3)
    _load(con, [A1_FEB], "February 2025", "ops-feb.xlsx", department="Operations")
    assert settled_month(con) == "2025-02"  # 2 of 3 is a majority
