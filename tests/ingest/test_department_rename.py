"""A department renamed at a lekgotla: the register's Formerly column moves its history to the new
name, so it reads as one department with one history (it read as a new department beside an old
one gone quiet), and a report that still writes the former name is stored under the new one."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from backends import empty_connection
from testdata import report, xlsx

from ingest import db, mappings_store
from ingest.access import CLI, User
from ingest.cli import main
from ingest.errors import ValidationFailed
from ingest.load import load_file
from ingest.mapping import mapping_from_dict
from ingest.register import load_register, parse_register
from ingest.renames import aliases, planned_renames
from ingest.template import build_template
from ingest.users import get_user, save_user
from ingest.values import Period
from metrics import Filters
from metrics.catalogue import expected_departments, match_department
from metrics.kpis import kpis

HR, PC = "Human Resources", "People and Culture"


def register(departments: list[tuple[str, str | None]]) -> bytes:
    """A register of one objective and these (department, formerly) rows."""
    return xlsx([["Objective ID", "Objective"], ["SO1", "Objective SO1"]], sheet="Objectives",
                extra_sheets={"Departments": [["Department", "Head", "Formerly"], *(
                    [name, f"Head of {name}", former] for name, former in departments)]})


def row(aid: str, status: str = "In progress", pct: int = 50, depends: str | None = None
        ) -> list[object]:
    return [aid, f"Do {aid}", "SO1", "R. P.", 100, 50, dt.date(2025, 1, 6), dt.date(2025, 12, 31),
            status, pct, None, None, depends]


HEADER = ["Action ID", "Action", "Objective ID", "Responsible", "Budget allocated", "Budget spent",
          "Start date", "Due date", "Status", "Percent complete", "Completion date", "Reason code",
          "Depends on"]


def load(con: db.Connection, department: str, month: str, rows: list[list[object]]) -> object:
    [outcome] = load_file(con, report(rows, department, month, header=HEADER),
                          f"{department}_{month}.xlsx", user=CLI)
    assert outcome.status == "accepted", outcome.message
    return outcome


@pytest.fixture
def con() -> Iterator[db.Connection]:
    # v1 lists Finance and Human Resources; both report July to September, Finance's FIN-1
    # waiting for HR's HR-1; HR's head is a user
    connection = empty_connection()
    load_register(connection, register([("Finance", None), (HR, None)]), "register-v1.xlsx")
    save_user(connection, CLI, "thandi@example.org", "department_head", departments=(HR,))
    for month in ("July 2025", "August 2025", "September 2025"):
        load(connection, "Finance", month, [row("FIN-1", depends=f"{HR}: HR-1")])
        load(connection, HR, month, [row("HR-1"), row("HR-2")])
    yield connection
    connection.close()


def departments(con: db.Connection) -> list[str]:
    return [r[0] for r in con.execute("SELECT department FROM departments ORDER BY 1").fetchall()]


def test_a_register_that_renames_a_department_moves_its_history(con: db.Connection) -> None:
    before = {m: kpis(con, Filters(m)) for m in ("2025-07", "2025-09", "2025-Q3")}
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    # one department, with its three months: not People and Culture new beside HR gone quiet
    assert departments(con) == ["Finance", PC]
    assert con.execute("SELECT DISTINCT department FROM uploads ORDER BY 1").fetchall() == [
        ("Finance",), (PC,)]
    assert expected_departments(con, "2025-07") == ["Finance", PC]
    # the organisation's figures do not move: by hand, July to September 2 of 2 departments
    # reported, 3 open actions each month
    for month, figures in before.items():
        after = kpis(con, Filters(month))
        assert (after["submission_rate"], after["actions"]) == (
            figures["submission_rate"], figures["actions"]) == (pytest.approx(1.0), 3)
    assert kpis(con, Filters("2025-09", departments=(PC,)))["actions"] == 2
    # its head heads it still, and Finance's dependency names it
    assert get_user(con, "thandi@example.org").departments == {PC}
    assert con.execute("SELECT DISTINCT depends_on FROM action_status WHERE department = "
                       "'Finance'").fetchall() == [(f"{PC}: HR-1",)]
    [entry] = con.execute("SELECT department, detail FROM audit_log WHERE outcome = 'renamed'"
                          ).fetchall()
    assert entry[0] == PC and f'"former": "{HR}"' in entry[1] and '"months": 3' in entry[1]
    # next year's register keeps the Formerly cell: nothing more to move, and nothing to warn of
    renames, problems = planned_renames(con, parse_register(register(
        [("Finance", None), (PC, HR)]), "register-v3.xlsx").departments)
    assert (renames, problems) == ([], [])
    # a Formerly name nobody knows is a warning on its cell
    [problem] = planned_renames(con, parse_register(register(
        [("Finance", None), (PC, "Human Resourses")]), "register-v3.xlsx").departments)[1]
    assert (problem.severity, problem.row, problem.column) == ("warning", 3, "C")
    assert problem.message.startswith("No department called 'Human Resourses' has reported")


def test_a_report_that_writes_the_former_name_is_stored_under_the_new_one(
        con: db.Connection) -> None:
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    outcome = load(con, HR, "October 2025", [row("HR-1", pct=80)])  # the head's old template
    assert outcome.department == PC
    [said] = [p for p in outcome.problems if "renamed" in p.message]
    assert (said.severity, said.row, said.column, said.value) == ("warning", 1, "B", HR)
    assert said.message == (f"'{HR}' is now called '{PC}' (the strategy register renamed it): the "
                            f"report is stored under '{PC}'. Write the new name next time; a new "
                            "template has it.")
    assert departments(con) == ["Finance", PC]
    # the Upload page passes the department chosen, by its name now: the cell is still said
    [outcome] = load_file(con, report([row("HR-1", pct=90)], HR, "October 2025", header=HEADER),
                          f"{HR}_October 2025.xlsx", user=CLI, department=PC)
    assert [(p.row, p.column, p.value) for p in outcome.problems if "renamed" in p.message] == [
        (1, "B", HR)]
    # October's template carries HR-2, left out of October, under the new name
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, PC, Period(2025, 11), user=CLI)))
    ids = [c.value for c in wb["Actions"]["A"][6:] if c.value]
    assert ids == ["HR-1", "HR-2"]


def test_a_mapping_saved_for_the_former_name_is_the_departments_now(con: db.Connection) -> None:
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    me = User("me@example.org", "me")
    mapping = mapping_from_dict({"columns": {"action_id": "Code"}}, "tracker")
    mappings_store.save_mapping(con, me, "HR tracker", mapping, "human resources")
    assert mappings_store.mapping_department(con, "HR tracker") == PC
    # so its head, whose rights moved to the new name, reads and saves it as their own
    head = User("thandi@example.org", "department_head", departments=frozenset({PC}))
    assert "HR tracker" in mappings_store.list_mappings(con, head)
    mappings_store.save_mapping(con, head, "HR tracker", mapping, PC)
    # a department listed again under the former name is that department: its mapping is its own
    load_register(con, register([("Finance", None), (PC, None), (HR, None)]), "register-v3.xlsx")
    mappings_store.save_mapping(con, me, "New HR tracker", mapping, HR)
    assert mappings_store.mapping_department(con, "New HR tracker") == HR


def test_a_new_name_that_reported_already_takes_the_former_names_history(
        con: db.Connection) -> None:
    # v2 listed People and Culture without saying it was HR: it reported October as new, and
    # HR read as not reporting. v3 says so: October joins July to September, HR-2 (left out of
    # October) carried into it from September
    load_register(con, register([("Finance", None), (PC, None)]), "register-v2.xlsx")
    load(con, PC, "October 2025", [row("HR-1", pct=90)])
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v3.xlsx")
    assert departments(con) == ["Finance", PC]
    assert con.execute("SELECT period, count(*) FILTER (WHERE carried_from_upload IS NOT NULL) "
                       "FROM action_status WHERE is_current AND department = $d GROUP BY 1 "
                       "ORDER BY 1", {"d": PC}).fetchall() == [
        ("2025-07", 0), ("2025-08", 0), ("2025-09", 0), ("2025-10", 1)]
    assert kpis(con, Filters("2025-10", departments=(PC,)))["actions"] == 2


def test_two_names_with_a_report_of_the_same_month_are_not_joined(con: db.Connection) -> None:
    # v2 lists both, and both report October
    load_register(con, register([("Finance", None), (HR, None), (PC, None)]), "register-v2.xlsx")
    load(con, HR, "October 2025", [row("HR-1")])
    load(con, PC, "October 2025", [row("PC-1")])
    with pytest.raises(ValidationFailed) as refused:
        load_register(con, register([("Finance", None), (PC, HR)]), "register-v3.xlsx")
    [problem] = [p for p in refused.value.problems if p.severity == "error"]
    assert (problem.sheet, problem.row, problem.column) == ("Departments", 3, "C")
    assert problem.message.startswith(f"'{HR}' cannot become '{PC}': both have a report of "
                                      "October 2025")
    # nothing written: no version 3, the two kept apart
    assert db.scalar(con, "SELECT max(register_version) FROM register_versions") == 2
    assert departments(con) == ["Finance", HR, PC]


def test_the_formerly_column_is_checked_when_read() -> None:
    parsed = parse_register(register([("Finance", None), (PC, HR), (HR, None), ("Works", HR)]),
                            "register.xlsx")
    messages = [(p.row, p.message) for p in parsed.problems if p.severity == "error"]
    assert messages == [
        (3, f"'{HR}' is listed as a department and as the former name of '{PC}': a renamed "
            "department is listed once, under its new name. Delete its own row, or this "
            "Formerly cell."),
        (5, f"'{HR}' is listed as a department and as the former name of 'Works': a renamed "
            "department is listed once, under its new name. Delete its own row, or this "
            "Formerly cell.")]
    parsed = parse_register(register([(PC, HR), ("Works", "human resources")]), "register.xlsx")
    assert [(p.row, p.message[:40]) for p in parsed.problems] == [
        (3, "'human resources' is the former name of ")]


def test_the_command_line_says_what_a_register_renamed(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    v1, v2 = tmp_path / "register-v1.xlsx", tmp_path / "register-v2.xlsx"
    v1.write_bytes(register([("Finance", None), (HR, None)]))
    v2.write_bytes(register([("Finance", None), (PC, HR)]))
    july = tmp_path / "Human Resources_2025-07.xlsx"
    july.write_bytes(report([row("HR-1")], HR, "July 2025", header=HEADER))
    target = str(tmp_path / "lekgotla.duckdb")
    for args in (["strategy", str(v1)], ["load", str(july)], ["strategy", str(v2)]):
        assert main([*args, "--db", target]) == 0
    assert capsys.readouterr().out.endswith(
        f"{v2}: register version 2 in force — 1 objective, 2 departments.\n"
        f"  {HR} is now {PC}: its history moved with it.\n")
    # a Formerly name nobody knows is said, and nothing moves
    v3 = tmp_path / "register-v3.xlsx"
    v3.write_bytes(register([("Finance", None), (PC, None), ("Works", "Human Resourses")]))
    assert main(["strategy", str(v3), "--db", target]) == 0
    assert capsys.readouterr().out.endswith(
        f"{v3}: register version 3 in force — 1 objective, 3 departments.\n"
        "  WARNING: sheet 'Departments', cell C4, column 'Formerly': No department called "
        "'Human Resourses' has reported or been listed, so there is no history to move to "
        "'Works': check the spelling, or leave the cell empty. (value 'Human Resourses')\n")
    # a script written before the rename still asks for the former name: it means the department
    template = tmp_path / "template.xlsx"
    assert main(["template", "--department", HR, "--period", "2025-08", "--out", str(template),
                 "--db", target]) == 0
    assert capsys.readouterr().out == f"{template}: template for {PC}, August 2025.\n"
    con = db.connect(target)
    assert match_department(con, "human resources") == PC
    assert save_user(con, CLI, "lebo@example.org", "department_head", departments=(HR,)
                     ).departments == {PC}


def test_an_initiative_of_the_register_that_renames_may_name_the_former_name() -> None:
    # the same register's Initiatives sheet still names Human Resources: it reads as the new name
    wb = openpyxl.load_workbook(io.BytesIO(register([("Finance", None), (PC, HR)])))
    ws = wb.create_sheet("Initiatives")
    ws.append(["Initiative ID", "Name", "Lead department", "Member departments"])
    ws.append(["INI-1", "Wellness", HR, f"Finance; {HR}"])
    data = io.BytesIO()
    wb.save(data)
    parsed = parse_register(data.getvalue(), "register.xlsx")
    assert parsed.problems == []
    [initiative] = parsed.initiatives
    assert (initiative["lead_department"], initiative["member_departments"]) == (PC, f"{PC}; Finance")


def test_renames_one_after_another(con: db.Connection) -> None:
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    # a Formerly cell naming the department's first name: its history, People and Culture's
    # now, moves to Works (it did nothing, and a report written "Human Resources" was refused)
    load_register(con, register([("Finance", None), ("Works", HR)]), "register-v3.xlsx")
    assert departments(con) == ["Finance", "Works"]
    assert load(con, HR, "October 2025", [row("HR-1")]).department == "Works"
    assert load(con, PC, "November 2025", [row("HR-1")]).department == "Works"
    # a new Human Resources beside Works takes the name back; renamed later itself, its own
    # history moves, not Works' (the old alias made the load fail on a duplicate key)
    load_register(con, register([("Finance", None), ("Works", None), (HR, None)]), "register-v4.xlsx")
    load(con, HR, "December 2025", [row("NEW-1")])
    load_register(con, register([("Finance", None), ("Works", None), ("Talent", HR)]),
                  "register-v5.xlsx")
    assert departments(con) == ["Finance", "Talent", "Works"]
    assert con.execute("SELECT department, count(*) FROM uploads WHERE is_current "
                       "GROUP BY 1 ORDER BY 1").fetchall() == [
        ("Finance", 3), ("Talent", 1), ("Works", 5)]


def test_a_former_name_cannot_leave_its_history_with_a_department_listed_too(
        con: db.Connection) -> None:
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    with pytest.raises(ValidationFailed) as refused:
        load_register(con, register([("Finance", None), (PC, None), ("Works", HR)]),
                      "register-v3.xlsx")
    [problem] = refused.value.problems
    assert problem.message.startswith(f"'{HR}' is now called '{PC}', which this register lists "
                                      "too")


def test_objective_owners_follow_the_rename(con: db.Connection) -> None:
    con.execute("UPDATE objectives SET owner = $o", {"o": HR})  # v1's SO1, owned by HR
    wb = openpyxl.load_workbook(io.BytesIO(register([("Finance", None), (PC, HR)])))
    wb["Objectives"]["C1"], wb["Objectives"]["C2"] = "Owner", HR  # the new register's own cell
    data = io.BytesIO()
    wb.save(data)
    load_register(con, data.getvalue(), "register-v2.xlsx")
    assert con.execute("SELECT register_version, owner FROM objectives ORDER BY 1").fetchall() == [
        (1, PC), (2, PC)]


def test_a_department_renamed_back_takes_its_history_back(con: db.Connection) -> None:
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    # it was refused: "'People and Culture' cannot become 'People and Culture': both have a report"
    renames, problems = planned_renames(con, parse_register(register(
        [("Finance", None), (HR, PC)]), "register-v3.xlsx").departments)
    assert problems == [] and [str(r) for r in renames] == [
        f"{PC} becomes {HR}: its 3 months of reports move with it"]
    load_register(con, register([("Finance", None), (HR, PC)]), "register-v3.xlsx")
    assert departments(con) == ["Finance", HR]
    assert get_user(con, "thandi@example.org").departments == {HR}
    assert kpis(con, Filters("2025-09", departments=(HR,)))["actions"] == 2
    assert load(con, PC, "October 2025", [row("HR-1")]).department == HR


def test_a_register_listing_a_former_name_again_says_what_it_would_do(
        con: db.Connection) -> None:
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    # last quarter's register loaded again: HR would start anew, without its history
    [problem] = planned_renames(con, parse_register(register(
        [("Finance", None), (HR, None)]), "register-v1.xlsx").departments)[1]
    assert (problem.severity, problem.row, problem.column, problem.value) == (
        "warning", 3, "A", HR)
    assert problem.message.startswith(f"'{HR}' was renamed '{PC}' by an earlier register. Listed "
                                      "under its former name, it starts a new department")
    # beside the department's name now, the name is taken again on purpose: nothing to say
    assert planned_renames(con, parse_register(register(
        [("Finance", None), (PC, None), (HR, None)]), "register-v3.xlsx").departments)[1] == []


def test_a_later_register_writing_the_former_name_as_an_owner_or_member_means_the_name_now(
        con: db.Connection) -> None:
    load_register(con, register([("Finance", None), (PC, HR)]), "register-v2.xlsx")
    # copied forward from before the rename: the owner and the initiative still say HR
    wb = openpyxl.load_workbook(io.BytesIO(register([("Finance", None), (PC, None)])))
    wb["Objectives"]["C1"], wb["Objectives"]["C2"] = "Owner", HR
    sheet = wb.create_sheet("Initiatives")
    sheet.append(["Initiative ID", "Name", "Objective ID", "Lead department", "Member departments",
                  "Target date"])
    sheet.append(["INI-1", "One payroll", "SO1", HR, f"Finance; {HR}", dt.date(2025, 12, 31)])
    data = io.BytesIO()
    wb.save(data)
    parsed = parse_register(data.getvalue(), "register-v3.xlsx", aliases(con))
    assert not [p.message for p in parsed.problems if HR in p.message]
    load_register(con, data.getvalue(), "register-v3.xlsx")
    assert con.execute("SELECT owner FROM objectives WHERE register_version = 3").fetchall() == [
        (PC,)]
    assert con.execute("SELECT lead_department, member_departments FROM initiatives "
                       "WHERE register_version = 3").fetchall() == [(PC, f"{PC}; Finance")]


def test_a_formerly_cell_of_other_capitals_or_no_letters_is_said() -> None:
    parsed = parse_register(register([("FINANCE", "Finance"), (PC, "- -")]),
                            "register.xlsx")
    assert [(p.severity, p.row, p.column) for p in parsed.problems] == [
        ("warning", 2, "C"), ("error", 3, "C")]
    assert parsed.problems[0].message == (
        "'Finance' and 'FINANCE' differ only in capitals, spaces or punctuation, which Lekgotla "
        "reads as one name: nothing is renamed.")


def test_a_department_name_is_at_most_100_characters() -> None:
    long = "Department of " + "very " * 4000
    parsed = parse_register(register([("Finance", None), (long, None), (PC, long)]),
                            "register.xlsx")
    # a Formerly cell may name a long name stored before there was a limit: its way out
    assert [(p.row, p.column) for p in parsed.problems if p.severity == "error"] == [(3, "A")]
    assert parsed.problems[0].message == (
        "A department name is at most 100 characters; this one has 20,013. Write a shorter name.")
