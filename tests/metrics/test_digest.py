"""The monthly digest (metrics.digest, issue 15) on the hand-made history of
tests/support/digest_history.py: every figure below is worked out by hand in that module's
docstring (June 2025 against May 2025)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from backends import built
from digest_history import HOSTILE, build
from metrics_history import add_upload

from ingest import db
from ingest.errors import QueryError
from metrics.digest import CAP, KINDS, ActionRef, Sentence, digest, previous
from presentation.cli import main


@pytest.fixture(scope="module")
def con(digest_history: db.Connection) -> db.Connection:
    return digest_history


@pytest.fixture(scope="module")
def organisation(con: db.Connection) -> list[Sentence]:
    return digest(con, "2025-06")


def of(sentences: list[Sentence], kind: str) -> list[Sentence]:
    return [s for s in sentences if s.kind == kind]


def test_previous_is_the_month_before_with_data(con: db.Connection) -> None:
    assert previous(con, "2025-06") == "2025-05"
    assert previous(con, "2025-06", "Works") == "2025-05"
    assert previous(con, "2025-05") is None


def test_a_slip_of_21_days_with_its_reason_code(organisation: list[Sentence]) -> None:
    moved = {s.actions[0].action_id: s for s in of(organisation, "due_date_moved")}
    f2 = moved["F2"]  # 10 Jun -> 1 Jul 2025: 20 days left in June + 1 = 21
    assert f2.figures["days_moved"] == 21
    assert f2.figures["reason_code"] == "Supplier delay"
    assert f2.text == ("F2 “Upgrade the general ledger” (Finance): due date moved from "
                       "10 Jun 2025 to 1 Jul 2025 (+21 days), reason code: Supplier delay.")
    assert f2.actions == (ActionRef("Finance", "F2", "Finance_2025-06.xlsx", "Status report", 6),)
    # larger moves first: H2's +46 days (15 Jun -> 31 Jul: 15 + 31) before F2's 21
    assert [s.figures["days_moved"] for s in of(organisation, "due_date_moved")] == [46, 21]


def test_a_completion(organisation: list[Sentence]) -> None:
    (done,) = of(organisation, "completed")
    assert done.text == ("F1 “Roll out the new procurement system” (Finance) was completed on "
                         "20 Jun 2025, on time.")
    assert done.figures["days_late"] == 0  # completed 20 Jun, due 30 Jun
    assert done.actions[0].row == 5


def test_the_reports_missing_late_rejected_and_on_time(organisation: list[Sentence]) -> None:
    (missing,) = of(organisation, "report_missing")
    assert missing.text == ("Works: the June 2025 report has not come in (it was due by "
                            "7 Jul 2025).")  # day 7 of the following month
    (late,) = of(organisation, "report_late")
    assert late.figures["days_late"] == 5  # submitted 12 Jul, deadline 7 Jul
    assert late.text == ("Health: the June 2025 report came in 5 days late (12 Jul 2025; due by "
                         "7 Jul 2025).")
    (rejected,) = of(organisation, "report_rejected")
    assert rejected.figures["rejected_versions"] == 1  # upload 4, before upload 5 was accepted
    assert rejected.text == ("Finance: the June 2025 report had 1 version rejected before one "
                             "was accepted.")
    (on_time,) = of(organisation, "report_on_time")
    assert on_time.text == "Finance: the June 2025 report came in on time (3 Jul 2025)."


def test_a_version_rejected_after_the_accepted_one_is_said_so() -> None:
    con = built("digest_history", build, lake=False)
    # Health's June report, accepted on 12 July (upload 6); a version rejected on 13 July
    add_upload(con, (7, "Health", "2025-06", datetime(2025, 7, 13, 9), "rejected", False, 0, 0))
    rejected = {s.text for s in digest(con, "2025-06") if s.kind == "report_rejected"}
    assert rejected == {
        "Finance: the June 2025 report had 1 version rejected before one was accepted.",
        "Health: the June 2025 report had 1 later version rejected (the accepted one stands)."}
    con.close()


def test_a_kpi_move_in_percentage_points(organisation: list[Sentence]) -> None:
    budget = next(s for s in of(organisation, "kpi_move")
                  if s.figures.get("kpi") == "budget_utilisation")
    # F1 alone has a budget: 69 000 / 100 000 in May, 81 000 / 100 000 in June; Works has not
    # reported June, so May's figure is Finance's and Health's, and the sentence says so
    assert budget.text == ("Budget utilisation rose from 69.0% to 81.0% (+12.0 pp) across the 2 "
                           "departments that reported both May 2025 and June 2025.")
    assert budget.figures["compared_over"] == ["Finance", "Health"]
    assert budget.figures["previous_value"] == pytest.approx(0.69)
    assert budget.figures["value"] == pytest.approx(0.81)
    assert budget.figures["change_text"] == "+12.0 pp"


def test_a_kpi_move_over_the_only_department_that_reported_names_it(
        con: db.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    rows = pd.DataFrame([{"kpi": "completion_rate", "value": 0.5, "previous_value": 0.25,
                          "compared_value": 0.5, "change": 0.25, "previous_period": "2025-05",
                          "month": "2025-06", "previous_month": "2025-05",
                          "compared_over": ["Finance"]}])
    monkeypatch.setattr("metrics.digest.kpi_changes", lambda *_: rows)
    (move,) = of(digest(con, "2025-06"), "kpi_move")
    assert move.text == ("Completion rose from 25.0% to 50.0% (+25.0 pp) for Finance, the only "
                         "department that reported both May 2025 and June 2025.")  # not "across the 1 departments"


def test_a_kpi_move_states_the_difference_of_the_figures_shown(
        con: db.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    # 76.04% is shown 76.0% and 85.06% is shown 85.1%: a reader works out 85.1 - 76.0 = +9.1 pp,
    # though the exact change, 9.02 pp, would be written +9.0 pp; days: 12.35 is shown 12.4 and
    # 2.04 is shown 2.0, so 12.4 - 2.0 = +10.4 days, not the exact 10.31 written +10.3
    rows = pd.DataFrame([
        {"kpi": "target_attainment", "value": 0.8506, "previous_value": 0.7604,
         "compared_value": 0.8506, "change": 0.8506 - 0.7604, "previous_period": "2025-05",
         "month": "2025-06", "previous_month": "2025-05", "compared_over": None},
        {"kpi": "mean_slip_days", "value": 12.35, "previous_value": 2.04,
         "compared_value": 12.35, "change": 12.35 - 2.04, "previous_period": "2025-05",
         "month": "2025-06", "previous_month": "2025-05", "compared_over": None}])
    monkeypatch.setattr("metrics.digest.kpi_changes", lambda *_: rows)
    moves = {s.figures["kpi"]: s for s in of(digest(con, "2025-06"), "kpi_move")}
    target = moves["target_attainment"]
    assert target.text == "Target attainment rose from 76.0% to 85.1% (+9.1 pp)."
    assert target.figures["change_text"] == "+9.1 pp"
    assert target.figures["change"] == pytest.approx(0.0902)  # the JSON keeps the exact change
    assert moves["mean_slip_days"].text.endswith("from 2.0 days to 12.4 days (+10.4 days).")


def test_newly_overdue_and_at_risk_red_before_amber(organisation: list[Sentence]) -> None:
    (overdue,) = of(organisation, "overdue")
    assert overdue.figures["days_overdue"] == 10  # due 20 Jun, month ends 30 Jun
    assert overdue.figures["reason_code"] == "Staff shortage"
    at_risk = of(organisation, "at_risk")
    # H2 Red (slip 30 Jun - 20 May = 41 > 30) before H1 Amber (At risk), though H1 sorts first
    assert [(s.actions[0].action_id, s.figures["rag"]) for s in at_risk] == [
        ("H2", "Red"), ("H1", "Amber")]
    assert at_risk[0].figures["slip_days"] == 41


def test_new_and_dropped_actions_and_the_cap(organisation: list[Sentence]) -> None:
    new = of(organisation, "new_action")
    # F4 and H-N1..H-N6: 7 new actions, CAP (5) shown and one sentence for the other 2
    assert CAP == 5 and len(new) == 6
    assert [s.actions[0].action_id for s in new[:5]] == ["F4", "H-N1", "H-N2", "H-N3", "H-N4"]
    assert new[5].text == "And 2 more new actions: H-N5, H-N6."
    assert new[5].figures == {"more": 2, "named": ["H-N5", "H-N6"]}
    assert [a.action_id for a in new[5].actions] == ["H-N5", "H-N6"]
    (dropped,) = of(organisation, "dropped_action")
    assert dropped.text == "F5 “Digitise invoices” (Finance) was cancelled."


def test_kinds_come_in_order_and_the_department_has_only_its_own(
        con: db.Connection, organisation: list[Sentence]) -> None:
    order = [KINDS.index(s.kind) for s in organisation]
    assert order == sorted(order)
    finance = digest(con, "2025-06", "Finance")
    assert {a.department for s in finance for a in s.actions} == {"Finance"}
    assert "(Finance)" not in " ".join(s.text for s in finance)  # its own name left out
    assert finance[0].text == "The June 2025 report had 1 version rejected before one was accepted."
    assert not of(digest(con, "2025-06", "Works"), "completed")  # no report, nothing compared


def test_the_same_data_gives_the_same_words(con: db.Connection,
                                            organisation: list[Sentence]) -> None:
    assert digest(con, "2025-06") == organisation
    with pytest.raises(QueryError):
        digest(con, "2025-06", "Nowhere")


def test_report_text_is_kept_as_written(organisation: list[Sentence]) -> None:
    (overdue,) = of(organisation, "overdue")
    assert HOSTILE[:40] in overdue.text  # plain text: escaping is each rendering's job


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("digest") / "digest.duckdb"
    build(db.connect(path)).close()
    return str(path)


def test_cli_json_is_a_list_of_sentences(db_file: str, capsys: pytest.CaptureFixture[str],
                                         organisation: list[Sentence]) -> None:
    assert main(["digest", "--db", db_file, "--period", "2025-06", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == [s.as_json() for s in organisation]
    moved = next(s for s in got if s["kind"] == "due_date_moved" and s["figures"]["days_moved"] == 21)
    assert set(moved) == {"kind", "text", "figures", "actions"}
    assert moved["figures"]["from_due_date"] == "2025-06-10"
    assert moved["actions"] == [{"department": "Finance", "action_id": "F2",
                                 "file_name": "Finance_2025-06.xlsx", "sheet": "Status report",
                                 "row": 6}]


def test_cli_text_is_one_sentence_a_line(db_file: str, capsys: pytest.CaptureFixture[str],
                                         con: db.Connection) -> None:
    assert main(["digest", "--db", db_file, "--period", "2025-06", "--department", "Finance"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [s.text for s in digest(con, "2025-06", "Finance")]
    assert main(["digest", "--db", db_file, "--period", "2025-06", "--department", "Nope"]) == 2


def test_lekgotla_runs_digest(db_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    import lekgotla_cli

    assert "digest" in lekgotla_cli.commands()
    assert lekgotla_cli.main(["digest", "--db", db_file, "--period", "2025-06", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["kind"] == "report_missing"
    assert Path(db_file).exists()


def _works(*months: tuple[str, list[list[object]]]) -> db.Connection:
    """A database holding Works' reports of these months (each a list of action rows)."""
    from backends import empty_connection
    from testdata import xlsx

    from ingest.access import CLI
    from ingest.load import load_file

    con = empty_connection()
    for period, rows in months:
        data = xlsx([["Department", "Works"], ["Reporting period", period], [], WORKS_HEADER,
                     *rows])
        [o] = load_file(con, data, f"Works_{period}.xlsx", user=CLI)
        assert o.status == "accepted"
    return con


WORKS_HEADER = ["Action ID", "Action", "Status", "Start date", "Due date", "Percent complete"]
W1 = ["W1", "Resurface the northern access road", "In progress", "2025-01-01", "2025-12-31", 40]
W2 = ["W2", "Replace the pump station's control panel", "In progress", "2025-01-01",
      "2025-06-30", 30]


def test_an_action_left_out_of_a_report_is_said_once() -> None:
    # June's report leaves W2 out: it stays in the plan as May reported it (carried forward).
    # Its RAG: start 1 Jan, due 30 Jun, so planned progress at June's end is 100%; 30 - 100 is
    # below -25: Red (in May too: 150 of 180 days, 83%, so 30 - 83 < -25)
    con = _works(("2025-05", [W1, W2]), ("2025-06", [W1]), ("2025-07", [W1]))
    june = digest(con, "2025-06", "Works")
    assert [s.text for s in of(june, "not_reported")] == [
        "W2 “Replace the pump station's control panel” was left out of the June 2025 report: "
        "it stays in the plan as last reported in May 2025 (computed RAG Red)."]
    assert of(june, "overdue") == [] and of(june, "at_risk") == []  # due by June's end
    [ref] = of(june, "not_reported")[0].actions
    assert (ref.file_name, ref.row) == ("Works_2025-05.xlsx", 6)  # read from May's file
    # July leaves it out again: nothing new to say; now past its due date, it is overdue
    july = digest(con, "2025-07", "Works")
    assert of(july, "not_reported") == []
    assert [s.text.split(":")[0] for s in of(july, "overdue")] == [
        "W2 “Replace the pump station's control panel” is now overdue"]
    con.close()


def test_a_cancelled_action_leaves_the_plan_once() -> None:
    # Works cancels W2 in June (a sentence then); July's report leaves it out, as its template
    # does: no second sentence, and July's upload shows no change for it
    from backends import empty_connection
    from testdata import xlsx

    from ingest.access import CLI
    from ingest.dates import Period
    from ingest.load import change_summary, load_file
    from ingest.parse import Options, parse_file

    header = ["Action ID", "Action", "Status", "Start date", "Due date", "Percent complete"]
    w1 = ["W1", "Resurface the northern access road", "In progress", "2025-01-01", "2025-12-31", 40]
    w2 = ["W2", "Replace the pump station's control panel", "In progress", "2025-01-01",
          "2025-12-31", 30]

    def month(period: str, *rows: list[object]) -> tuple[bytes, str]:
        return xlsx([["Department", "Works"], ["Reporting period", period], [], header,
                     *rows]), f"Works_{period}.xlsx"

    con = empty_connection()
    for data, name in (month("2025-05", w1, w2),
                       month("2025-06", w1, [*w2[:2], "Cancelled", *w2[3:]])):
        [o] = load_file(con, data, name, user=CLI)
        assert o.status == "accepted"
    assert [s.text for s in digest(con, "2025-06", "Works") if s.kind == "dropped_action"] == [
        "W2 “Replace the pump station's control panel” was cancelled."]
    data, name = month("2025-07", w1)
    [report] = parse_file(data, name, Options()).reports
    assert report.period == Period(2025, 7)
    assert change_summary(con, report).empty
    [o] = load_file(con, data, name, user=CLI)
    assert o.status == "accepted"
    assert of(digest(con, "2025-07", "Works"), "dropped_action") == []
    con.close()


def test_a_quarters_more_reports_are_named_with_their_month(sample_con: db.Connection) -> None:
    # Finance alone reports July and August 2025: the six others miss both months, 12 reports
    from dashboard_helpers import finance_july

    from ingest.access import CLI
    from ingest.load import load_file

    for period in ("2025-07", "2025-08"):
        [o] = load_file(sample_con, finance_july(), f"Finance_{period}.xlsx", user=CLI,
                        period=period)
        assert o.status == "accepted"
    missing = of(digest(sample_con, "2025-Q3"), "report_missing")
    assert len(missing) == 6 and missing[-1].figures["more"] == 7  # 5, and "7 more"
    assert missing[-1].text.startswith("And 7 more reports missing: ")
    named = missing[-1].text.removeprefix("And 7 more reports missing: ").rstrip(".").split(", ")
    assert len(set(named)) == 7 and all(n.endswith(("(July 2025)", "(August 2025)"))
                                        for n in named)
    # Finance's reports came in now, late; its on-time sentences, had they come in time, would
    # count one report a month: "1 report", not "1 reports"
    from metrics.digest import _Names, _on_time

    assert [i.text for i in _on_time([("Finance", "2025-07", None, None),
                                      ("Health", "2025-08", None, None)], _Names(scoped=False))] == [
        "1 report for July 2025 came in on time: Finance.",
        "1 report for August 2025 came in on time: Health."]


@pytest.fixture(scope="module")
def quarter() -> Iterator[db.Connection]:
    from digest_quarter import build as build_quarter

    con = build_quarter()
    yield con
    con.close()


def test_an_action_cancelled_inside_a_quarter_is_said_cancelled(quarter: db.Connection) -> None:
    # F3 was In progress in December (row 7), Cancelled in January (row 7), then left out:
    # the quarter says it was cancelled, and cites January's row, not December's
    for sentences in (digest(quarter, "2026-Q1"), digest(quarter, "2026-01")):
        [dropped] = of(sentences, "dropped_action")
        assert dropped.text == ("F3 “Roll out cost centre budget dashboards” (Finance) was "
                                "cancelled.")
        assert dropped.actions == (ActionRef("Finance", "F3", "Finance_2026-01.xlsx", "Actions",
                                             7),)
        assert dropped.figures["status"] == "Cancelled"
        assert dropped.figures["last_reported"] is None
    [own] = of(digest(quarter, "2026-Q1", "Finance"), "dropped_action")
    assert own.text == "F3 “Roll out cost centre budget dashboards” was cancelled."
    # the next quarter says nothing of it: Q1's March leaves it out, as April would
    assert of(digest(quarter, "2026-03"), "dropped_action") == []


def test_a_departments_quarter_speaks_of_its_missing_months_after_its_last_report(
        quarter: db.Connection) -> None:
    # Operations reported February, not January nor March; Finance reported March, so March's
    # report was due (7 Apr 2026) as January's was (7 Feb 2026): both are said missing
    for department, named in (("Operations", "The {} report"),
                              (None, "Operations: the {} report")):
        missing = of(digest(quarter, "2026-Q1", department), "report_missing")
        assert [s.text for s in missing] == [
            named.format("January 2026") + " has not come in (it was due by 7 Feb 2026).",
            named.format("March 2026") + " has not come in (it was due by 7 Apr 2026)."]
    # the department's page at Q1 and the organisation's agree
    assert [s.figures["period"] for s in of(digest(quarter, "2026-Q1", "Operations"),
                                            "report_missing")] == ["2026-01", "2026-03"]


def test_and_n_more_names_every_one_it_leaves_out_in_the_json() -> None:
    # 17 reports missing: 5 said, "And 12 more": the text names 10 and "2 more", the JSON all 12
    from metrics.digest import _capped, _Item

    items = [_Item((f"D{n:02d}",), f"D{n:02d}: missing.", {}, more=f"D{n:02d} (March 2026)")
             for n in range(17)]
    *said, more = _capped("report_missing", items)
    assert len(said) == 5
    assert more.text.startswith("And 12 more reports missing: D05 (March 2026), ")
    assert more.text.endswith("D14 (March 2026) and 2 more.")
    assert more.figures["more"] == 12
    assert more.as_json()["figures"]["named"] == [f"D{n:02d} (March 2026)" for n in range(5, 17)]


def _history(reports: dict[tuple[str, str], list[list[object]]]) -> db.Connection:
    """A new database holding these reports, laid out as digest_quarter's: (department, month)
    -> its action rows."""
    from backends import empty_connection
    from digest_quarter import HEADER
    from testdata import xlsx

    from ingest.access import CLI
    from ingest.load import load_file

    con = empty_connection()
    for (department, period), rows in reports.items():
        data = xlsx([["Department", department], ["Reporting period", period], [], HEADER, *rows])
        [o] = load_file(con, data, f"{department}_{period}.xlsx", user=CLI)
        assert o.status == "accepted", o
    return con


def test_a_quarters_new_actions_cite_the_report_that_added_them_in_every_department() -> None:
    # December is what Q1 is compared with. Finance adds F6 in January (row 6) and keeps it to
    # March; Operations adds O3 in February (row 6) and misses March. The organisation's quarter
    # names both, each from the report that added it, and Operations' actions as of its own last
    # report of the quarter (February), as its figures are (the leadership review: F6 was cited
    # from March's file, and O3 not said at all)
    f1 = ["F1", "Close the year-end books", "In progress", "2025-07-01", "2026-12-31", 40]
    f6 = ["F6", "Reconcile the asset register", "In progress", "2026-01-05", "2026-11-30", 10]
    o1 = ["O1", "Renew the fleet maintenance contract", "In progress", "2025-07-01", "2026-12-31", 30]
    o3 = ["O3", "Survey the depots", "In progress", "2026-02-02", "2026-10-31", 5]
    # F7, added in January (row 7) and due 15 Feb, is overdue at the end of March: said as
    # overdue, it cites March's report (row 7), which says so, not the one that added it
    f7 = ["F7", "Close the audit findings", "In progress", "2026-01-05", "2026-02-15", 50]
    reports = {("Finance", "2025-12"): [f1], ("Finance", "2026-01"): [f1, f6, f7],
               ("Finance", "2026-02"): [f1, f6, f7], ("Finance", "2026-03"): [f1, f6, f7],
               ("Operations", "2025-12"): [o1], ("Operations", "2026-02"): [o1, o3]}
    con = _history(reports)
    try:
        said = {s.text: s.actions for s in of(digest(con, "2026-Q1"), "new_action")}
        assert said == {
            "New action F6 “Reconcile the asset register” (Finance), due 30 Nov 2026.":
                (ActionRef("Finance", "F6", "Finance_2026-01.xlsx", "Actions", 6),),
            "New action O3 “Survey the depots” (Operations), due 31 Oct 2026.":
                (ActionRef("Operations", "O3", "Operations_2026-02.xlsx", "Actions", 6),)}
        [overdue] = of(digest(con, "2026-Q1"), "overdue")
        assert overdue.text.startswith("New action F7 “Close the audit findings” (Finance) is overdue")
        assert overdue.actions == (ActionRef("Finance", "F7", "Finance_2026-03.xlsx", "Actions", 7),)
        # Operations' own quarter says the same of O3
        [own] = of(digest(con, "2026-Q1", "Operations"), "new_action")
        assert own.actions == (ActionRef("Operations", "O3", "Operations_2026-02.xlsx", "Actions", 6),)
        # a month cites its own report, as before
        assert [s.actions for s in of(digest(con, "2026-01"), "new_action")] == [
            (ActionRef("Finance", "F6", "Finance_2026-01.xlsx", "Actions", 6),),
            (ActionRef("Finance", "F7", "Finance_2026-01.xlsx", "Actions", 7),)]
    finally:
        con.close()


def test_an_action_added_and_cancelled_inside_a_quarter_is_said_once() -> None:
    # Finance: F1 all along; F4 new in January, Cancelled in February (row 6), left out in March;
    # F5 new and Cancelled at once in March (row 6). December is what Q1 is compared with.
    f1 = ["F1", "Close the year-end books", "In progress", "2025-07-01", "2026-12-31", 40]
    f4 = ["F4", "Tender for a new audit firm", "In progress", "2026-01-05", "2026-06-30", 10]
    f5 = ["F5", "Pilot e-invoicing", "Cancelled", "2026-03-02", "2026-09-30", 0]
    reports = {"2025-12": [f1], "2026-01": [f1, f4], "2026-02": [f1, [*f4[:2], "Cancelled", *f4[3:]]],
               "2026-03": [f1, f5]}
    con = _history({("Finance", period): rows for period, rows in reports.items()})
    try:
        said = {s.text: s.actions for s in of(digest(con, "2026-Q1"), "new_action")}
        assert said == {
            "New action F4 “Tender for a new audit firm” (Finance) was added and cancelled.":
                (ActionRef("Finance", "F4", "Finance_2026-02.xlsx", "Actions", 6),),
            "New action F5 “Pilot e-invoicing” (Finance) was added and cancelled.":
                (ActionRef("Finance", "F5", "Finance_2026-03.xlsx", "Actions", 6),)}
        assert of(digest(con, "2026-Q1"), "dropped_action") == []
        # the months say it as they happen: F4 new in January, cancelled in February; F5 in March
        assert [s.text for s in of(digest(con, "2026-01"), "new_action")] == [
            "New action F4 “Tender for a new audit firm” (Finance), due 30 Jun 2026."]
        assert [s.text for s in of(digest(con, "2026-02"), "dropped_action")] == [
            "F4 “Tender for a new audit firm” (Finance) was cancelled."]
        assert [s.text for s in of(digest(con, "2026-03"), "new_action")] == [
            "New action F5 “Pilot e-invoicing” (Finance) was added and cancelled."]
        assert of(digest(con, "2026-03"), "dropped_action") == []
    finally:
        con.close()


def _reports(department: str, *months: tuple[str, list[list[object]]]) -> db.Connection:
    """A database holding the department's reports of these months, with a completion date and
    a reason code (each row: ID, action, status, start, due, percent, completed, reason)."""
    from backends import empty_connection
    from testdata import xlsx

    from ingest.access import CLI
    from ingest.load import load_file

    header = [*WORKS_HEADER, "Completion date", "Reason code"]
    con = empty_connection()
    for period, rows in months:
        data = xlsx([["Department", department], ["Reporting period", period], [], header,
                     *rows])
        [o] = load_file(con, data, f"{department}_{period}.xlsx", user=CLI)
        assert o.status == "accepted", o
    return con


def test_an_action_new_and_completed_or_overdue_is_said_so() -> None:
    # Works: W1 all along from December 2025. January 2026: W4 new and Completed 20 Jan, due
    # 31 Jan (on time); W5 new, due 15 Jan, open: 31 Jan - 15 Jan = 16 days overdue. February:
    # W6 new, due 28 Feb; March: W6 Completed 10 Mar, 10 days after its due date (28 Feb + 10).
    # W5 stays open: at the end of March 16 + 28 + 31 = 75 days past its due date.
    w1 = ["W1", "Resurface the northern access road", "In progress", "2025-01-01", "2026-12-31",
          40, None, None]
    w4 = ["W4", "Paint the depot", "Completed", "2026-01-05", "2026-01-31", 100, "2026-01-20",
          None]
    w5 = ["W5", "Clear the storm drains", "In progress", "2026-01-05", "2026-01-15", 50, None,
          None]
    w6 = ["W6", "Fence the quarry", "In progress", "2026-02-02", "2026-02-28", 60, None, None]
    w6_done = [*w6[:2], "Completed", *w6[3:5], 100, "2026-03-10", None]
    con = _reports("Works", ("2025-12", [w1]), ("2026-01", [w1, w4, w5]),
                   ("2026-02", [w1, w4, w5, w6]), ("2026-03", [w1, w4, w5, w6_done]))
    try:
        january = digest(con, "2026-01", "Works")
        assert [s.text for s in of(january, "completed")] == [
            "New action W4 “Paint the depot” was added and completed on 20 Jan 2026, on time."]
        assert [s.text for s in of(january, "overdue")] == [
            "New action W5 “Clear the storm drains” is overdue: due 15 Jan 2026, 16 days past "
            "it at the end of January 2026; no reason code given."]
        assert of(january, "new_action") == []
        assert of(january, "completed")[0].figures["new"] is True
        # the quarter, against December: each said once, under what befell it
        quarter = digest(con, "2026-Q1")
        assert [s.text for s in of(quarter, "completed")] == [
            "New action W4 “Paint the depot” (Works) was added and completed on 20 Jan 2026, "
            "on time.",
            "New action W6 “Fence the quarry” (Works) was added and completed on 10 Mar 2026, "
            "10 days after its due date."]
        assert [s.text for s in of(quarter, "overdue")] == [
            "New action W5 “Clear the storm drains” (Works) is overdue: due 15 Jan 2026, "
            "75 days past it at the end of March 2026; no reason code given."]
        assert of(quarter, "new_action") == []
        # an action new and still open is said as before
        assert [s.text for s in of(digest(con, "2026-02", "Works"), "new_action")] == [
            "New action W6 “Fence the quarry”, due 28 Feb 2026."]
    finally:
        con.close()


def test_a_completion_by_a_moved_due_date_says_how_far_past_the_first_one() -> None:
    # I1: first due 28 Feb 2026 (January), moved to 31 Mar (February), then to 30 Apr (March);
    # Completed 20 Apr 2026: by its due date then, 20 Apr - 28 Feb = 31 + 20 = 51 days after
    # the first one. I2, due 31 Mar all along, Completed 25 Mar: on time.
    i1 = ["I1", "Configure the service desk", "In progress", "2026-01-05", "2026-02-28", 20, None,
          None]
    i2 = ["I2", "Renew the licences", "In progress", "2026-01-05", "2026-03-31", 20, None, None]

    def moved(due: str, percent: int) -> list[object]:
        return [*i1[:4], due, percent, None, "Blocked by resources"]

    con = _reports("IT", ("2026-01", [i1, i2]), ("2026-02", [moved("2026-03-31", 40), i2]),
                   ("2026-03", [moved("2026-04-30", 70), i2]),
                   ("2026-04", [[*i1[:2], "Completed", i1[3], "2026-04-30", 100, "2026-04-20",
                                 None],
                                [*i2[:2], "Completed", *i2[3:5], 100, "2026-03-25", None]]))
    try:
        done = of(digest(con, "2026-04", "IT"), "completed")
        assert [s.text for s in done] == [
            "I1 “Configure the service desk” was completed on 20 Apr 2026, by its moved due "
            "date (51 days after the first one).",
            "I2 “Renew the licences” was completed on 25 Mar 2026, on time."]
        # the KPI's on time stays against the due date in force: not late by it
        assert done[0].figures["days_late"] == 0 and done[0].figures["slip_days"] == 51
    finally:
        con.close()


def test_a_department_without_a_report_gets_one_sentence(con: db.Connection) -> None:
    # Works reported May (on time), not June: its submission rate falls from 100% to 0%, which
    # only restates the missing report; Finance, which reported, keeps its KPI moves
    assert [s.text for s in digest(con, "2025-06", "Works")] == [
        "The June 2025 report has not come in (it was due by 7 Jul 2025)."]
    assert "Budget utilisation rose from 69.0% to 81.0% (+12.0 pp)." in [
        s.text for s in of(digest(con, "2025-06", "Finance"), "kpi_move")]


def test_a_departments_quarter_with_a_missing_month_does_not_call_its_submission_better() -> None:
    # Works: March 2026 late (20 Apr), April on time (5 May), May missing while Finance reported
    # May. Its Q2 figures are April's, against Q1's (March's): "On-time submission rose from 0.0%
    # to 100.0%" stood under "The May 2026 report has not come in"
    from backends import empty_connection
    from testdata import xlsx

    from ingest.access import CLI
    from ingest.load import load_file

    header = [*WORKS_HEADER, "Completion date", "Reason code"]
    w1 = ["W1", "Resurface the northern access road", "In progress", "2026-01-01", "2026-12-31"]
    con = empty_connection()
    try:
        for department, period, percent, came in (
                ("Works", "2026-03", 20, datetime(2026, 4, 20)),
                ("Works", "2026-04", 30, datetime(2026, 5, 5)),
                ("Finance", "2026-05", 10, datetime(2026, 6, 5))):
            data = xlsx([["Department", department], ["Reporting period", period], [], header,
                         [*w1, percent, None, None]])
            [o] = load_file(con, data, f"{department}_{period}.xlsx", user=CLI, submitted_at=came)
            assert o.status == "accepted", o
        said = digest(con, "2026-Q2", "Works")
        assert [s.text for s in of(said, "report_missing")] == [
            "The May 2026 report has not come in (it was due by 7 Jun 2026)."]
        assert not [s for s in of(said, "kpi_move")
                    if s.figures["kpi"] in ("submission_rate", "on_time_submission_rate")]
        # its other figures still move: mean progress 20% in March, 30% in April
        assert "Mean progress rose from 20.0% to 30.0% (+10.0 pp)." in [
            s.text for s in of(said, "kpi_move")]
    finally:
        con.close()


def test_a_departments_quarter_without_reports_names_only_the_months_that_are_due(
        sample_con: db.Connection) -> None:
    # Finance alone reports July 2025; Information Technology's last report is June's. In Q3
    # only July is due (the data's latest month): August and September are not spoken of, on
    # the department's page as in the organisation's digest
    from dashboard_helpers import finance_july

    from ingest.access import CLI
    from ingest.load import load_file

    [o] = load_file(sample_con, finance_july(), "Finance_2025-07.xlsx", user=CLI)
    assert o.status == "accepted"
    missing = of(digest(sample_con, "2025-Q3", "Information Technology"), "report_missing")
    assert [s.text for s in missing] == [
        "The July 2025 report has not come in (it was due by 7 Aug 2025)."]
    organisation = of(digest(sample_con, "2025-Q3"), "report_missing")
    assert {s.figures.get("period") for s in organisation} == {"2025-07"}
