"""One small bad file per failure mode of SPEC §2.4, with the exact message and cell asserted."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from testdata import HEADER, report, xlsx

from ingest.locate import Register
from ingest.parse import Options, parse_file
from ingest.problems import Problem

GOOD = ["FIN-01", "Roll out the new procurement system", "SO1", "T. Mokoena", 10000, 5000,
        dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 40, None, None]


def row(**changes: object) -> list[object]:
    values = dict(zip(HEADER, GOOD, strict=True))
    for key, value in changes.items():
        header = next(h for h in HEADER if h.lower() == key.replace("_", " "))
        values[header] = value
    return [values[h] for h in HEADER]


def parse(data: bytes, name: str = "report.xlsx", **kw: object) -> tuple[list[Problem], list[Problem]]:
    parsed = parse_file(data, name, Options(**kw))  # type: ignore[arg-type]
    return parsed.errors, parsed.warnings


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [p.describe() for p in problems]
    return problems[0]


def test_a_valid_report_has_no_errors() -> None:
    errors, warnings = parse(report([row()]))
    assert errors == [] and warnings == []


def test_an_overspend_asks_for_an_explanation_or_to_check_the_one_given() -> None:
    header = [*HEADER, "Comments"]
    over = [*row(budget_spent=12000), None]
    explained = [*row(action_id="FIN-02", budget_spent=12000), "Virement requested from EXCO"]
    warnings = parse(report([over, explained], header=header))[1]
    assert [(w.row, w.column, w.message) for w in warnings] == [
        (5, "F", "More was spent than allocated: explain the overrun in the comments."),
        (6, "F", "More was spent than allocated: check that the comments explain the overrun.")]


def test_a_row_of_its_action_id_alone_is_left_out_unless_merged_cells_fill_it_or_a_snapshot(
        ) -> None:
    only_id = ["FIN-02", *[None] * (len(HEADER) - 1)]
    warnings = parse(report([row(), only_id]))[1]
    assert [(w.row, w.column, w.value) for w in warnings] == [(6, "A", "FIN-02")]
    # every other cell merged down from the row above: read as Excel shows it, not left out
    wb = openpyxl.load_workbook(io.BytesIO(report([row(), only_id])))
    for letter in "BCDEFGHIJKL":
        wb["Actions"].merge_cells(f"{letter}5:{letter}6")
    data = io.BytesIO()
    wb.save(data)
    errors, warnings = parse(data.getvalue())
    assert not [w for w in warnings if w.message.startswith("Only the Action ID")]
    assert errors == [] and len([w for w in warnings if "are merged" in w.message]) == 11
    # a portfolio snapshot: an action left out leaves the plan, so the row is an error, as before
    errors = parse(report([row(), only_id]), absent_actions="left")[0]
    assert {(e.row, e.header) for e in errors} == {(6, "Action"), (6, "Status")}


def test_missing_required_column_names_the_header_row() -> None:
    header = [h for h in HEADER if h != "Status"]
    good = [v for h, v in zip(HEADER, GOOD, strict=True) if h != "Status"]
    e = only(parse(report([good], header=header))[0])
    assert (e.sheet, e.row, e.header) == ("Actions", 4, "status")
    assert e.message == "The required column 'status' is missing from the header row (row 4). Add a column headed 'Status'."


def test_empty_required_cell() -> None:
    e = only(parse(report([row(action=None)]))[0])
    assert (e.row, e.column, e.header, e.message) == (5, "B", "Action", "This cell is required: fill it in.")


def test_duplicate_action_id_points_at_both_rows() -> None:
    errors, _ = parse(report([row(), row(action="Second action with a proper name")]))
    assert [(e.row, e.column) for e in errors] == [(5, "A"), (6, "A")]
    assert errors[0].message == ("Action ID 'FIN-01' is used more than once (also row 6): give each "
                                 "action its own ID, or delete the row if it is the same action.")


def test_a_row_pasted_twice_is_to_be_deleted_not_given_a_new_id() -> None:
    # "give each action its own ID" had a head rename the copy: an action that does not exist
    errors, _ = parse(report([row(), row()]))
    assert [(e.row, e.message) for e in errors] == [
        (5, "Row 5 repeats row 6 cell for cell (Action ID 'FIN-01'): delete one of the two rows."),
        (6, "Row 6 repeats row 5 cell for cell (Action ID 'FIN-01'): delete one of the two rows.")]


def test_two_empty_action_ids_are_each_required_not_one_id_used_twice() -> None:
    # they read "Action ID nan is used more than once (also row ): give each action its own ID."
    errors, _ = parse(report([row(action_id=None), row(),
                              row(action_id=None, action="Third action with a proper name")]))
    assert [(e.row, e.column, e.message) for e in errors] == [
        (5, "A", "This cell is required: fill it in."), (7, "A", "This cell is required: fill it in.")]


def test_an_action_id_in_other_capitals_is_the_same_id() -> None:
    # 'fin-01' beside 'FIN-01' would count one action twice: its budget, its lateness
    errors, _ = parse(report([row(), row(action_id="fin-01", action="Second action with a proper name")]))
    assert [(e.row, e.column, e.value) for e in errors] == [(5, "A", "FIN-01"), (6, "A", "fin-01")]
    assert errors[1].message.startswith("Action ID 'fin-01' is used more than once (also row 5): ")


def test_unparseable_status() -> None:
    e = only(parse(report([row(status="Doing it")]))[0])
    assert (e.row, e.column, e.header, e.value) == (5, "I", "Status", "Doing it")
    assert e.message.startswith("'Doing it' is not a status: use Not started, In progress")


def test_impossible_date() -> None:
    e = only(parse(report([row(due_date="31/02/2025")]))[0])
    assert (e.row, e.column, e.header) == (5, "H", "Due date")
    assert e.message == "31/02/2025 is not a real date (February 2025 has 28 days)."


def test_negative_money() -> None:
    e = only(parse(report([row(budget_spent="R -500")]))[0])
    assert (e.row, e.column) == (5, "F")
    assert "cannot be negative" in e.message


def test_start_after_due() -> None:
    e = only(parse(report([row(start_date=dt.date(2025, 4, 1))]))[0])
    assert (e.row, e.column, e.header) == (5, "G", "Start date")
    assert e.message == "The start date 2025-04-01 is after the due date 2025-03-31: correct one of them."


def test_completion_after_period_end() -> None:
    e = only(parse(report([row(status="Completed", percent_complete=100,
                               completion_date=dt.date(2025, 3, 3))]))[0])
    assert (e.row, e.column, e.header) == (5, "K", "Completion date")
    assert "after the end of the reporting period (February 2025)" in e.message


def test_percent_outside_range() -> None:
    e = only(parse(report([row(percent_complete=140)]))[0])
    assert (e.row, e.column) == (5, "J")
    assert "0" in e.message and "100" in e.message


def test_too_many_rows() -> None:
    rows = [row(action_id=f"A{i}") for i in range(6)]
    e = only(parse(report(rows), max_rows=5)[0])
    assert e.message == "The sheet has 6 action rows, more than the 5 allowed: split the report."


def test_every_problem_is_reported_in_one_pass() -> None:
    errors, _ = parse(report([row(status="??"), row(action_id="FIN-02", due_date="soon"),
                              row(action_id="FIN-03", percent_complete=-3)]))
    assert [(e.row, e.column) for e in errors] == [(5, "I"), (6, "H"), (7, "J")]


def test_unknown_department_against_the_register() -> None:
    reg = Register(1, {"finance": "Finance"}, frozenset({"SO1"}))
    e = only(parse(report([row()], department="Catering"), register=reg)[0])
    assert e.message.startswith("Department 'Catering' is not in the strategy register (Finance).")


def test_unknown_department_in_the_metadata_block_names_its_cell() -> None:
    # the marked workbook can then fill the cell the name was read from (B1 of report())
    reg = Register(1, {"finance": "Finance"}, frozenset({"SO1"}))
    e = only(parse(report([row()], department="Catering"), register=reg)[0])
    assert (e.sheet, e.row, e.column, e.header, e.value) == ("Actions", 1, "B", "Department", "Catering")


def _with_escapes(data: bytes, marker: bytes, escape: bytes) -> bytes:
    """The workbook with `marker` written as Excel writes a control character (`_x000B_`)."""
    inside = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in inside.infolist():
            z.writestr(item, inside.read(item.filename).replace(marker, escape))
    return out.getvalue()


def test_a_line_break_pasted_from_word_stays_a_line_break_and_control_characters_go() -> None:
    # Word's soft line break reaches Excel as U+000B, saved as _x000B_; an escape code (U+001B)
    # and a right-to-left override (U+202E) are dropped: no .xlsx could hold the first, and the
    # others would reach a terminal or turn the text round on a page
    data = _with_escapes(report([row(action="First line SOFT second line ESC[2J and RLOtail")]),
                         b"SOFT", b"_x000B_")
    data = _with_escapes(data, b"ESC", b"_x001B_")
    data = _with_escapes(data, b"RLO", "\u202e".encode())
    parsed = parse_file(data, "report.xlsx", Options())
    assert parsed.errors == []
    assert parsed.reports[0].frame["action"].tolist() == ["First line \n second line [2J and tail"]


def test_csv_control_characters_are_dropped_from_messages_and_values() -> None:
    text = ",".join(HEADER) + "\r\n" + ",".join(
        "Bad\x1b[8mstatus" if h == "Status" else str(v or "") for h, v in zip(HEADER, GOOD, strict=True))
    e = only(parse(text.encode(), "Finance_2025-02.csv")[0])
    assert (e.row, e.column, e.value) == (2, "I", "Bad[8mstatus")
    assert "\x1b" not in e.message and e.message.startswith("'Bad[8mstatus' is not a status")


def test_an_override_mark_does_not_make_a_second_action_id() -> None:
    errors, _ = parse(report([row(), row(action_id="FIN-01\u202e", action="Second action with a name")]))
    assert [(e.row, e.column) for e in errors] == [(5, "A"), (6, "A")]
    assert errors[0].message.startswith("Action ID 'FIN-01' is used more than once (also row 6)")


def test_department_matched_ignoring_case_and_punctuation() -> None:
    reg = Register(1, {"humanresources": "Human Resources"}, frozenset())
    parsed = parse_file(report([row()], department="human-resources"), "x.xlsx", Options(register=reg))
    assert parsed.departments == ["Human Resources"]


def test_department_and_period_from_file_name() -> None:
    data = xlsx([HEADER, row()])
    parsed = parse_file(data, "Human Resources_2025-03.xlsx", Options())
    assert parsed.departments == ["Human Resources"] and parsed.period is not None
    assert parsed.period.key == "2025-03"


def test_a_file_name_that_disagrees_with_the_metadata_block_is_a_warning() -> None:
    # the cell wins (SPEC §2.1's order), but a report for August still saying July would replace
    # July's report unnoticed
    w = only(parse(report([row()], period="July 2025"), "Finance_2025-08.xlsx")[1])
    assert (w.row, w.column) == (None, None)
    assert w.message == ("The file name says '2025-08', but the report is loaded for July 2025, "
                         "as its Reporting period cell says: check that this is the right file.")
    w = only(parse(report([row()]), "Human Resources_2025-02.xlsx")[1])
    assert w.message.startswith("The file name says 'Human Resources', but the report is loaded "
                                "for Finance, as its Department cell says")
    assert parse(report([row()]), "Finance_2025-02.xlsx")[1] == []  # they agree


def test_an_argument_repeating_the_metadata_block_still_compares_the_file_name() -> None:
    # the upload form fills its boxes with what the file says: the file name is compared as
    # when nothing is chosen, in the same words
    data = report([row()], period="July 2025")
    for period in ("2025-07", "July 2025"):
        w = only(parse(data, "Finance_2025-08.xlsx", period=period)[1])
        assert w.message == ("The file name says '2025-08', but the report is loaded for July "
                             "2025, as its Reporting period cell says: check that this is the "
                             "right file.")
    w = only(parse(report([row()]), "Human Resources_2025-02.xlsx", department="Finance")[1])
    assert w.message == ("The file name says 'Human Resources', but the report is loaded for "
                         "Finance, as its Department cell says: check that this is the right file.")
    # chosen otherwise, the cell is what the choice overrules, and the warning names it
    w = only(parse(data, "Finance_2025-08.xlsx", period="2025-08")[1])
    assert (w.row, w.column) == (2, "B")
    assert w.message.startswith("The report's Reporting period cell says 'July 2025', but the "
                                "report is loaded for August 2025, as chosen")
    # all three agree: nothing to say
    assert parse(data, "Finance_2025-07.xlsx", period="2025-07", department="Finance")[1] == []


def test_unknown_period_says_how_to_give_it() -> None:
    e = only(parse(xlsx([HEADER, row()]), "report.xlsx", department="Finance")[0])
    assert e.message.startswith("The reporting period is unknown.")


def test_no_header_row() -> None:
    e = only(parse(xlsx([["just", "some"], ["text", "here"]]))[0])
    assert e.message.startswith("No header row found in sheet 'Actions'")


def test_a_table_laid_out_sideways_is_said_to_be_so() -> None:
    # as the UK's 2016 major projects list: field names down column A, a project to a column;
    # a mapping cannot turn it, so the message says how to (Paste Special, Transpose)
    fields = ["Project Name", "Department", "Description", "Start date", "End date"]
    rows = [[name, *(f"{name} {i}" for i in range(12))] for name in fields]
    e = only(parse(xlsx(rows), "Finance_2025-02.xlsx")[0])
    assert e.message.startswith("No header row found in sheet 'Actions': it seems to be laid out "
                                "sideways, its field names down column A (Project Name, "
                                "Department, Description, …) and one project to a column.")
    assert "Paste Special → Transpose" in e.message
    # a sheet as tall as it is wide is not: the usual message, with the mapping's way out
    e = only(parse(xlsx([row[:4] for row in rows] * 2), "Finance_2025-02.xlsx")[0])
    assert "map the columns on the Upload page" in e.message


def test_formula_without_cached_value_names_the_cell() -> None:
    data = report([row(budget_spent="=F1*2")])  # openpyxl writes a formula with no cached value
    e = only(parse(data)[0])
    assert (e.row, e.column, e.header) == (5, "F", "Budget spent")
    assert e.message.startswith("This cell holds a formula with no saved value")


def test_a_formula_without_a_value_in_a_required_cell_is_said_once() -> None:
    # not "This cell is required" as well: the formula's message says what to do
    e = only(parse(report([row(status="=A1")]))[0])
    assert (e.row, e.column, e.header) == (5, "I", "Status")
    assert e.message.startswith("This cell holds a formula with no saved value")


def test_hidden_sheets_are_never_read() -> None:
    data = xlsx([["nothing here"]], sheet="Cover", extra_sheets={"Actions": [HEADER, row()]}, hidden=("Actions",))
    e = only(parse(data, "Finance_2025-02.xlsx")[0])
    assert e.message.startswith("The sheet 'Actions' is hidden, and hidden sheets are never read")
    assert (e.sheet, e.row) == ("Actions", None)


def test_a_hidden_actions_sheet_is_not_replaced_by_a_visible_report() -> None:
    # an old copy left visible was read in its place without a word, and its figures stored
    old_copy = [HEADER, row(status="Completed", percent_complete=100)]
    data = xlsx(old_copy, sheet="Old copy", extra_sheets={"Actions": [HEADER, row()]}, hidden=("Actions",))
    errors, _ = parse(data, "Finance_2025-02.xlsx")
    assert only(errors).message == (
        "The sheet 'Actions' is hidden, and hidden sheets are never read, so the report was not "
        "read from any other sheet (visible: 'Old copy'). Unhide 'Actions' in Excel (right-click a "
        "sheet tab, Unhide) and save again; or, if another sheet is the report, delete the hidden one.")


@pytest.mark.parametrize(
    ("data", "name", "start"),
    [
        (b"", "x.xlsx", "x.xlsx is empty (0 bytes)."),
        (b"hello, this is text", "x.xlsx", "x.xlsx is not an Excel workbook even though its name ends in .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls", "old.xls is an old Excel 97-2003 (.xls) workbook."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "locked.xlsx", "locked.xlsx is protected with a password"),
        # the streams an OLE directory names decide, not the file name: an old workbook renamed
        # (the Upload page takes only .xlsx) was told to remove a password it does not have
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + b"\0" * 600, "renamed.xlsx",
         "renamed.xlsx is an old Excel 97-2003 (.xls) workbook."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600, "locked.xls",
         "locked.xls is protected with a password"),
        (b"PK\x03\x04" + b"\0" * 40, "cut.xlsx", "cut.xlsx is damaged or incomplete"),
    ],
)
def test_file_level_errors(data: bytes, name: str, start: str) -> None:
    parsed = parse_file(data, name, Options())
    assert parsed.unreadable
    assert only(parsed.errors).message.startswith(start)


def test_zip_bomb_is_refused_before_parsing() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * 5_000_000)
    parsed = parse_file(buf.getvalue(), "bomb.xlsx", Options(max_uncompressed=1_000_000))
    assert "unpacks to 5 MB, more than the 1 MB allowed" in only(parsed.errors).message


def test_file_over_the_upload_limit() -> None:
    parsed = parse_file(report([row()]), "big.xlsx", Options(max_bytes=1000))
    assert "more than the 0 MB upload limit" in only(parsed.errors).message or "upload limit" in parsed.errors[0].message


# --- warnings: the file loads, each warning names its cell


def test_unknown_column_is_a_warning_and_kept() -> None:
    parsed = parse_file(report([row() + ["blue"]], header=HEADER + ["Colour"]), "x.xlsx", Options())
    w = only(parsed.warnings)
    assert (w.row, w.column, w.header) == (4, "M", "Colour")
    assert parsed.reports[0].frame["extra"].iloc[0] == '{"Colour": "blue"}'


def test_unknown_objective_against_the_register() -> None:
    reg = Register(1, {}, frozenset({"SO2"}))
    w = only(parse(report([row()]), register=reg)[1])
    assert (w.row, w.column) == (5, "C")
    assert w.message == ("Objective 'SO1' is not in the strategy register: choose one of its "
                         "objectives (the template's Objective drop-down lists them), or ask for "
                         "this one to be added to the register.")


def test_overspend_warning() -> None:
    w = only(parse(report([row(budget_spent=12000)]))[1])
    assert (w.row, w.column) == (5, "F")


def test_completed_below_100_is_stored_as_100() -> None:
    parsed = parse_file(report([row(status="Done", percent_complete=80, completion_date=dt.date(2025, 2, 20))]),
                        "x.xlsx", Options())
    w = only(parsed.warnings)
    assert (w.column, w.message) == ("J", "Completed but 80% complete: stored as 100%.")
    assert parsed.reports[0].frame["percent_complete"].iloc[0] == 100.0


def test_completed_without_completion_date() -> None:
    w = only(parse(report([row(status="Completed", percent_complete=100)]))[1])
    assert (w.column, w.message) == ("K", "Completed without a completion date: add the date it was completed.")


def test_hundred_percent_but_not_completed() -> None:
    w = only(parse(report([row(percent_complete=100)]))[1])
    assert w.column == "I" and "should it be Completed?" in w.message


def test_totals_row_skipped_with_warning() -> None:
    parsed = parse_file(report([row(), ["Total", None, None, None, 10000]]), "x.xlsx", Options())
    w = only(parsed.warnings)
    assert (w.row, w.message) == (6, "Totals row skipped: totals are computed by Lekgotla.")
    assert len(parsed.reports[0].frame) == 1


def test_fractional_percent_column() -> None:
    parsed = parse_file(report([row(percent_complete=0.4), row(action_id="B", percent_complete=0.75)]),
                        "x.xlsx", Options())
    w = only(parsed.warnings)
    assert w.column == "J" and "read as fractions" in w.message
    assert list(parsed.reports[0].frame["percent_complete"]) == [40.0, 75.0]


def test_at_risk_without_reason() -> None:
    w = only(parse(report([row(status="At risk")]))[1])
    assert (w.column, w.message) == ("L", "At risk without a reason: choose a reason code.")


def test_a_reason_code_that_no_longer_holds_is_questioned() -> None:
    # the template carries last month's reason code over: Completed and still "Blocked by
    # resources", or 50% done and still "Not begun"
    done = row(status="Completed", percent_complete=100, completion_date=dt.date(2025, 2, 20),
               reason_code="Blocked by resources")
    w = only(parse(report([done]))[1])
    assert (w.row, w.column, w.message) == (
        5, "L", "Completed, yet the reason code still says 'Blocked by resources' (why an action is "
                "at risk or delayed): clear it, unless it explains a late finish.")
    w = only(parse(report([row(percent_complete=50, reason_code="Not begun")]))[1])
    assert (w.column, w.message) == (
        "L", "The reason code says 'Not begun', but the action is 50% complete: clear it, or "
             "choose the reason that holds now.")
    assert parse(report([row(percent_complete=0, status="Not started", reason_code="Not begun")]))[1] == []


def test_skip_invalid_rows_keeps_the_rest() -> None:
    parsed = parse_file(report([row(), row(action_id="FIN-02", status="??")]), "x.xlsx",
                        Options(skip_invalid_rows=True))
    rep = parsed.reports[0]
    assert rep.skipped_rows == [6]
    assert list(rep.frame["action_id"]) == ["FIN-01"]


# --- regressions found in review


def test_blank_department_cell_in_a_consolidated_file_is_an_error_not_a_department() -> None:
    data = xlsx([["Department", "Action ID", "Action", "Status"],
                 ["Finance", "F1", "Pay suppliers within thirty days", "In progress"],
                 [None, "F2", "Move payroll to the new system", "In progress"],
                 ["FINANCE", "F3", "Close the books on time", "Completed"]])
    parsed = parse_file(data, "tracker_2025-02.xlsx", Options())
    e = only(parsed.errors)
    assert (e.row, e.column, e.value) == (3, "A", None)
    assert e.message == "The department is empty: every row of a consolidated report needs one."
    assert parsed.departments == ["Finance"]  # 'FINANCE' is the same department


def test_a_report_with_no_action_rows_is_rejected() -> None:
    e = only(parse(xlsx([["Action ID", "Action", "Status"]]), "Finance_2025-06.xlsx")[0])
    assert e.message == "There are no action rows under the header (row 1): add the actions, one per row."


def test_excel_error_cells_are_reported() -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(report([row()])))
    cell = wb["Actions"]["J5"]
    cell.value, cell.data_type = "#DIV/0!", "e"
    buf = io.BytesIO()
    wb.save(buf)
    e = only(parse(buf.getvalue())[0])
    assert (e.row, e.column, e.header, e.value) == (5, "J", "Percent complete", "#DIV/0!")


def test_formula_error_is_located_past_styled_empty_cells() -> None:
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    wb = load_workbook(io.BytesIO(report([row(completion_date=None, reason_code="=1+1")])))
    wb["Actions"]["K5"].font = Font(bold=True)  # written as <c r="K5" s="1"/>
    buf = io.BytesIO()
    wb.save(buf)
    e = only(parse(buf.getvalue())[0])
    assert (e.row, e.column) == (5, "L")


def test_errors_are_all_listed_even_without_a_period() -> None:
    errors, _ = parse(xlsx([HEADER, row(status="Bogus")]), "report.xlsx", department="Finance")
    assert [e.message.split(":")[0] for e in errors] == ["The reporting period is unknown. Put 'Reporting period | February 2025' above the header, name the file like Finance_2025-02.xlsx, or choose the period when uploading.".split(":")[0], "'Bogus' is not a status"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('columns = "x"', "[columns] must be a table"),
        ('sheet = 5', "sheet must be text in quotes"),
        ('[defaults]\nstatus = "Bogus"', "[defaults] status: 'Bogus' is not a status"),
        ('[columns]\nwhatever = "A"', "[columns] names 'whatever', which is not a Lekgotla column"),
        ('colour = "red"', "unknown key ['colour']"),
    ],
)
def test_mapping_mistakes_are_named(toml: str, message: str) -> None:
    from ingest.errors import IngestError
    from ingest.mapping import parse_mapping

    with pytest.raises(IngestError) as err:
        parse_mapping(toml, "m")
    assert message in err.value.message


def test_semicolon_csv_with_commas_in_text() -> None:
    data = "Action ID;Action;Status\n1;Fix roads, bridges, drains, and culverts;In progress\n".encode("cp1252")
    parsed = parse_file(data, "Finance_2025-02.csv", Options())
    assert parsed.errors == [] and parsed.rows == 1


def test_annotating_a_csv_keeps_formula_text_as_text() -> None:
    from openpyxl import load_workbook

    from ingest.annotate import annotate

    name = "A_very_long_department_status_report_name_Finance_2025-02.csv"
    data = b"Action ID,Action,Status\nF1,=HYPERLINK(\"http://x\"),Doing it\n"
    parsed = parse_file(data, name, Options())
    wb = load_workbook(io.BytesIO(annotate(data, name, parsed.problems)))
    ws = wb[wb.sheetnames[1]]
    assert ws["C2"].comment is not None and "not a status" in ws["C2"].comment.text
    assert ws["B2"].data_type == "s"


def test_a_report_for_a_month_not_yet_begun_is_warned_about() -> None:
    today = dt.date.today()
    this_month = today.strftime("%B %Y")
    following = (today.replace(day=1) + dt.timedelta(days=32)).strftime("%B %Y")
    early = parse_file(report([GOOD], period=this_month), "f.xlsx", Options())
    assert not [w for w in early.warnings if "not begun" in w.message]  # sent before month end
    ahead = parse_file(report([GOOD], period=following), "f.xlsx", Options())
    assert not ahead.errors
    assert [w.message for w in ahead.warnings if "not begun" in w.message] == [
        f"The report is for {following}, which has not begun yet (this month is {this_month}): "
        "check the reporting period."]


@pytest.mark.parametrize(("value", "shown"), [
    (250.0, "250"), (1e15, "1000000000000000"), (1e308, "1e+308"), (-3e20, "-3e+20"), (0.5, "0.5")])
def test_a_number_is_shown_as_the_cell_holds_it(value: float, shown: str) -> None:
    # 1e308 was echoed as a 309-digit integer of floating-point noise the user never typed
    from ingest.problems import display_value

    assert display_value(value) == shown


@pytest.mark.parametrize(("action_id", "named"), [
    ("ＦＩＮ-01", "the characters 'Ｆ' (fullwidth latin capital letter f), 'Ｉ' (fullwidth latin "
                 "capital letter i), 'Ｎ' (fullwidth latin capital letter n)"),
    ("FIN-0\u0031\u200d", "the character '\\u200d' (zero width joiner)"),
    ("FΙN-01", "the character 'Ι' (greek capital letter iota)"),
    ("FIN–01", "the character '–' (en dash)"),
])
def test_look_alike_characters_in_an_action_id_are_warned(action_id: str, named: str) -> None:
    # such an ID is stored as written, and so never matches the plain FIN-01 of another month
    w = only(parse(report([row(action_id=action_id)]))[1])
    assert (w.sheet, w.row, w.column, w.header) == ("Actions", 5, "A", "Action ID")
    assert w.message == (
        f"Action ID {action_id!r} contains {named}: not a plain letter, digit or dash, though it "
        "looks like one (or nothing), so the ID will not match one typed plainly, in other months' "
        "reports or in Depends on. Type the ID again with plain letters, digits and dashes.")


@pytest.mark.parametrize("action_id", ["FIN-01", "ÉCO-01", "ΔΙΟ", "12"])
def test_plain_accented_or_one_alphabet_ids_are_not_look_alikes(action_id: str) -> None:
    assert parse(report([row(action_id=action_id)])) == ([], [])


def test_a_row_of_another_department_says_why_the_report_is_for_its_own() -> None:
    header = ["Department", *HEADER]
    data = report([["Finance", *row()], ["Human Resources", *row(action_id="FIN-02")]],
                  header=header)
    by_cell = "but the report is for 'Finance', as its Department cell says: move the row"
    # the cell alone, and the Upload page's box holding what the cell says: the cell's word
    for department in (None, "Finance"):
        e = only(parse(data, "report.xlsx", department=department)[0])
        assert (e.row, e.column, e.value) == (6, "A", "Human Resources")
        assert e.message == f"This row is for 'Human Resources' {by_cell} to that department's report."
    # another department chosen: the choice is why (and the cell it overrules is warned about)
    errors, warnings = parse(data, "report.xlsx", department="Human Resources")
    e = only(errors)
    assert (e.row, e.value) == (5, "Finance")
    assert e.message == ("This row is for 'Finance' but the report is for 'Human Resources', as "
                         "chosen: move the row to that department's report.")
    assert only(warnings).message.startswith("The report's Department cell says 'Finance'")


def test_a_reporting_period_outside_1900_2100_is_an_error_at_its_cell() -> None:
    # a slip in the year, as for a plan's dates: 1850 would stretch every history to 2,100 months
    e = only(parse(report([row()], period="January 1850"))[0])
    assert (e.row, e.column, e.header) == (2, "B", "Reporting period")
    assert e.message == ("The reporting period cannot be read: 'January 1850' is outside the "
                         "years 1900–2100: check the year of the reporting period.")


@pytest.mark.parametrize(("name", "said"), [
    ("Finance_2300-01.xlsx", "'2300-01' is outside the years 1900–2100: check the year of the "
                             "reporting period."),
    ("Finance_2025-13.xlsx", "'2025-13' is not a reporting period: write it as 2025-02, February "
                             "2025, Feb 2025 or 02/2025."),
])
def test_a_bad_period_in_the_file_name_points_at_no_cell(name: str, said: str) -> None:
    # the name is the file's: no cell of the sheet holds it (A1 is the header's Action ID)
    e = only(parse(xlsx([HEADER, row()]), name, department="Finance")[0])
    assert (e.row, e.column, e.header) == (None, None, None)
    assert e.message == (f"The reporting period in the file name {name!r} cannot be read: {said} "
                         "Rename the file, put 'Reporting period | February 2025' above the "
                         "header, or choose the period when uploading.")


def test_a_second_sheet_that_looks_like_a_report_is_named_not_read() -> None:
    # no sheet named Actions: the first with a header row is read, and the other is said unread
    data = xlsx([HEADER, row()], sheet="July",
                extra_sheets={"July revised": [HEADER, row(percent_complete=60)], "Notes": [["x"]]})
    parsed = parse_file(data, "Finance_2025-07.xlsx", Options())
    assert parsed.errors == [] and parsed.sheet == "July"
    w = only(parsed.warnings)
    assert (w.sheet, w.row, w.column) == ("July revised", None, None)
    assert w.message == ("Sheet 'July revised' looks like a report too, but only 'July', the "
                         "first, was read. Name the sheet to read 'Actions', or upload the other "
                         "as a file of its own.")
    # a sheet named Actions is read whatever else the workbook holds: nothing to say
    named = xlsx([HEADER, row()], sheet="Actions", extra_sheets={"Old": [HEADER, row()]})
    assert parse_file(named, "Finance_2025-07.xlsx", Options()).warnings == []


def test_merged_cells_are_read_as_excel_shows_them_and_warned_about() -> None:
    # Status merged down two rows shows "In progress" beside both actions in Excel; the second
    # row's cell is empty in the file, and read "This cell is required: fill it in."
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report([row(), row(action_id="FIN-02", action="Second action",
                                                       status=None)])))
    book.active.merge_cells("I5:I6")
    book.active.merge_cells("B7:C7")
    book.active["A7"] = "FIN-03"
    book.active["B7"] = "Third action"
    book.active["I7"], book.active["J7"] = "In progress", 10
    book.active.merge_cells("A20:D20")  # below the table, over no action row: not read, not said
    book.active.merge_cells("L7:L9")  # beside one action row only: it reads the same
    out = io.BytesIO()
    book.save(out)
    parsed = parse_file(out.getvalue(), "report.xlsx", Options())
    assert [p.message for p in parsed.errors] == []
    assert [(w.row, w.column, w.header, w.message) for w in parsed.warnings] == [
        (5, "I", "Status", "Cells I5:I6 are merged: 'In progress' is read for each of rows 5 and 6. "
                           "Unmerge them and fill in each row, so that each action says its own."),
        (7, "B", "Action", "Cells B7:C7 are merged: only B7 is read. Unmerge them and put each "
                           "value in its own column.")]
    assert list(parsed.reports[0].frame["status"]) == ["In progress"] * 3


def test_a_problem_inside_a_merged_range_is_marked_on_its_first_cell() -> None:
    # 'Maybe' merged down I5:I6 is an error in both rows; marking I6, a merged cell, crashed
    from openpyxl import load_workbook

    from ingest.annotate import annotate

    book = load_workbook(io.BytesIO(report([row(status="Maybe"),
                                            row(action_id="FIN-02", action="Second action")])))
    book.active.merge_cells("I5:I6")
    out = io.BytesIO()
    book.save(out)
    parsed = parse_file(out.getvalue(), "report.xlsx", Options())
    assert [(e.row, e.column) for e in parsed.errors] == [(5, "I"), (6, "I")]
    marked = load_workbook(io.BytesIO(annotate(out.getvalue(), "report.xlsx", parsed.problems)))
    comment = marked["Actions"]["I5"].comment.text
    assert comment.count("ERROR: 'Maybe' is not a status") == 2, comment


def test_a_department_name_over_100_characters_is_no_new_department() -> None:
    # with no register listing departments a report's name starts one: not one of 20,000 characters
    long = "Department of " + "very " * 4000
    e = only(parse(report([row()], department=long))[0])
    assert (e.row, e.column) == (1, "B")
    assert e.message == (
        "A department name is at most 100 characters; this one has 20,013. Write a shorter name.")
