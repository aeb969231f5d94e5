"""Rights below the UI (issue 11, items 8-10): department names in every script, saved mappings,
the template, rejected uploads and unverified login emails."""

from __future__ import annotations

import json
from pathlib import Path

import non_latin
import pytest

from ingest import db, mappings_store
from ingest.access import CLI, AccessDenied, User, allowed
from ingest.errors import LekgotlaError, ValidationFailed
from ingest.load import load_file
from ingest.locate import department_key
from ingest.mapping import mapping_from_dict
from ingest.register import load_register, parse_register
from ingest.users import save_user
from metrics.catalogue import match_department

N = non_latin.NAMES


def audit_rows(con: db.Connection, action: str) -> list[tuple[object, ...]]:
    return con.execute("SELECT actor, outcome, department, detail FROM audit_log WHERE action = $a "
                       "ORDER BY audit_id", {"a": action}).fetchall()


# --- item 8: department names in other scripts -------------------------------------------------

def test_every_script_keeps_its_letters_and_names_stay_apart() -> None:
    keys = {name: department_key(name) for name in N.values()}
    assert all(keys.values()), keys  # no name of another script is the empty key
    assert len(set(keys.values())) == len(keys)  # and no two of them are one department


@pytest.mark.parametrize(("a", "b"), non_latin.SAME)
def test_one_department_written_differently_has_one_key(a: str, b: str) -> None:
    assert department_key(a) == department_key(b)


def test_reports_for_two_cyrillic_departments_are_stored_apart(con: db.Connection) -> None:
    [first] = load_file(con, non_latin.report(N["cyrillic2"]), "a.xlsx")
    [second] = load_file(con, non_latin.report(N["cyrillic"]), "b.xlsx")
    assert (first.department, second.department) == (N["cyrillic2"], N["cyrillic"])
    assert second.status == "accepted" and "replaced" not in second.message
    stored = {r[0] for r in con.execute("SELECT department FROM uploads").fetchall()}
    assert stored == {N["cyrillic"], N["cyrillic2"]}
    # written in capitals, Кадры is still Кадры
    [again] = load_file(con, non_latin.report(N["cyrillic"].upper(), period="March 2025"), "c.xlsx")
    assert again.department == N["cyrillic"]


def test_a_register_in_other_scripts_matches_each_report_to_its_department(con: db.Connection) -> None:
    names = [N[k] for k in ("greek", "arabic", "hebrew", "cjk", "cjk2", "devanagari", "devanagari2")]
    load_register(con, non_latin.register(names), "register.xlsx")
    for name in names:
        [o] = load_file(con, non_latin.report(name), f"{name}.xlsx")
        assert (o.status, o.department) == ("accepted", name), o.message
    # a name the register does not list is refused, not stored as the first one listed
    [o] = load_file(con, non_latin.report(N["cyrillic"]), "x.xlsx")
    assert o.status == "rejected"
    assert any("is not in the strategy register" in p.message for p in o.problems)
    rows = con.execute("SELECT department, count(*) FROM action_status GROUP BY 1").fetchall()
    assert dict(rows) == dict.fromkeys(names, 1)


def test_the_head_of_one_non_latin_department_is_not_the_owner_of_another(con: db.Connection) -> None:
    head = User("head@org.example", "department_head", departments=frozenset({N["cyrillic2"]}))
    assert head.owns(N["cyrillic2"]) and head.owns(N["cyrillic2"].upper())
    for other in (N["cyrillic"], N["greek"], N["cjk"], N["arabic"]):
        assert not head.owns(other)
        assert not allowed(head, "upload", other)
    kamal = User("k@org.example", "department_head", departments=frozenset({N["devanagari"]}))
    assert not kamal.owns(N["devanagari2"])  # one vowel sign apart: two departments
    load_file(con, non_latin.report(N["cyrillic2"]), "own.xlsx", user=head)
    with pytest.raises(AccessDenied):
        load_file(con, non_latin.report(N["cyrillic"]), "other.xlsx", user=head)
    assert {r[0] for r in con.execute("SELECT department FROM uploads").fetchall()} == {N["cyrillic2"]}


@pytest.mark.parametrize("name", non_latin.NO_LETTERS)
def test_a_department_name_without_letters_is_refused_at_report_load(con: db.Connection,
                                                                        name: str) -> None:
    [o] = load_file(con, non_latin.report(name), "r.xlsx", department=name)
    assert o.status == "rejected"
    assert any("has no letter or digit" in p.message for p in o.problems), o.problems
    assert con.execute("SELECT count(*) FROM departments").fetchall() == [(0,)]


def test_a_department_name_without_letters_is_refused_in_the_register(con: db.Connection) -> None:
    parsed = parse_register(non_latin.register(["Finance", "---"]), "register.xlsx")
    errors = [p for p in parsed.problems if p.severity == "error"]
    assert [(p.sheet, p.row, p.message) for p in errors] == [
        ("Departments", 3, "The department name '---' has no letter or digit, so it names no "
                           "department: write the department's name.")]
    with pytest.raises(ValidationFailed):
        load_register(con, non_latin.register(["Finance", "---"]), "register.xlsx")


def test_a_department_name_without_letters_is_refused_in_user_management(con: db.Connection) -> None:
    with pytest.raises(LekgotlaError, match="has no letter or digit"):
        save_user(con, CLI, "head@org.example", "department_head", "H", ("—",))
    assert con.execute("SELECT count(*) FROM users").fetchall() == [(0,)]
    # and such a name is nobody's department
    assert not User("h@org.example", "department_head", departments=frozenset({"—"})).owns("---")


def test_metrics_match_names_as_ingest_does(con: db.Connection) -> None:
    load_file(con, non_latin.report("R&D"), "rd.xlsx")
    load_file(con, non_latin.report(N["cyrillic"]), "k.xlsx")
    assert match_department(con, "R and D") == "R&D"  # '&' reads as 'and' in metrics too
    assert match_department(con, "КАДРЫ") == N["cyrillic"]
    with pytest.raises(LekgotlaError):
        match_department(con, N["cyrillic2"])  # not the first non-Latin name known
    with pytest.raises(LekgotlaError):
        match_department(con, "---")


# --- item 9: saved mappings ----------------------------------------------------------------------

ADMIN = User("admin@org.example", "admin")
ME = User("me@org.example", "me")
LEADER = User("ceo@org.example", "leadership")
HEAD = User("head@org.example", "department_head", departments=frozenset({"Finance"}))
OTHER_HEAD = User("hr@org.example", "department_head", departments=frozenset({"Human Resources"}))


def tracker(red: str = "Delayed") -> object:
    return mapping_from_dict({"columns": {"action_id": "Code", "action": "Title", "status": "RAG"},
                              "values": {"status": {"Red": red}}}, "tracker")


def test_a_department_head_cannot_overwrite_an_organisation_wide_mapping(con: db.Connection) -> None:
    mappings_store.save_mapping(con, ME, "GMPP tracker", tracker())
    before = mappings_store.get_mapping_toml(con, "GMPP tracker")
    for dept in (None, "Finance"):  # neither as organisation-wide nor as their own
        with pytest.raises(AccessDenied):
            mappings_store.save_mapping(con, HEAD, "GMPP tracker", tracker("Completed"), dept)
    assert mappings_store.get_mapping_toml(con, "GMPP tracker") == before
    assert mappings_store.get_mapping(con, "GMPP tracker").status_values["red"] == "Delayed"
    with pytest.raises(AccessDenied):
        mappings_store.delete_mapping(con, HEAD, "GMPP tracker")
    assert mappings_store.list_mappings(con) == ["GMPP tracker"]
    outcomes = [r[:3] for r in audit_rows(con, "mapping")]
    assert outcomes == [(ME.email, "saved", None), (HEAD.email, "refused", None),
                        (HEAD.email, "refused", None), (HEAD.email, "refused", None)]


def test_a_department_heads_mappings_are_their_own(con: db.Connection) -> None:
    mappings_store.save_mapping(con, HEAD, "Finance tracker", tracker(), "Finance")
    assert con.execute("SELECT saved_by, department FROM mappings").fetchall() == [
        (HEAD.email, "Finance")]
    mappings_store.save_mapping(con, HEAD, "Finance tracker", tracker("At risk"), "finance")
    assert con.execute("SELECT department FROM mappings").fetchall() == [("Finance",)]
    with pytest.raises(AccessDenied, match="“Finance tracker” is Finance's mapping, which "
                                           "hr@org.example may not change: save yours under"):
        mappings_store.save_mapping(con, OTHER_HEAD, "Finance tracker", tracker(), "Human Resources")
    with pytest.raises(AccessDenied):
        mappings_store.delete_mapping(con, OTHER_HEAD, "Finance tracker")
    with pytest.raises(AccessDenied):
        mappings_store.save_mapping(con, OTHER_HEAD, "HR tracker", tracker(), "Finance")
    mappings_store.save_mapping(con, OTHER_HEAD, "HR tracker", tracker(), "Human Resources")
    mappings_store.save_mapping(con, ADMIN, "Organisation tracker", tracker())
    # a name in other capitals is the same mapping, not a second one beside it
    with pytest.raises(AccessDenied, match="“Organisation tracker” is an organisation-wide mapping"):
        mappings_store.save_mapping(con, HEAD, " ORGANISATION  tracker ", tracker(), "Finance")
    mappings_store.save_mapping(con, ME, "organisation TRACKER", tracker("At risk"))
    # a head reads with the organisation's mappings and their own department's
    assert mappings_store.list_mappings(con, HEAD) == ["Finance tracker", "Organisation tracker"]
    assert mappings_store.list_mappings(con, ME) == ["Finance tracker", "HR tracker",
                                                     "Organisation tracker"]
    assert mappings_store.delete_mapping(con, HEAD, "Finance tracker")
    assert not mappings_store.delete_mapping(con, HEAD, "Finance tracker")  # gone already
    assert mappings_store.delete_mapping(con, ME, "HR tracker")  # M&E manage every mapping
    with pytest.raises(AccessDenied):
        mappings_store.save_mapping(con, LEADER, "Mine", tracker())
    saved = [(a, o, d) for a, o, d, _ in audit_rows(con, "mapping")]
    assert saved == [
        (HEAD.email, "saved", "Finance"), (HEAD.email, "saved", "Finance"),
        (OTHER_HEAD.email, "refused", "Finance"), (OTHER_HEAD.email, "refused", "Finance"),
        (OTHER_HEAD.email, "refused", "Finance"), (OTHER_HEAD.email, "saved", "Human Resources"),
        (ADMIN.email, "saved", None), (HEAD.email, "refused", None), (ME.email, "saved", None),
        (HEAD.email, "deleted", "Finance"),
        (ME.email, "deleted", "Human Resources"), (LEADER.email, "refused", None)]
    assert json.loads(audit_rows(con, "mapping")[0][3]) == {"mapping": "Finance tracker",
                                                            "replaced": False}


def test_a_mapping_and_its_audit_row_are_written_together(con: db.Connection,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the audit log is full")

    monkeypatch.setattr(mappings_store, "audit", broken)
    with pytest.raises(RuntimeError):
        mappings_store.save_mapping(con, ME, "GMPP tracker", tracker())
    assert mappings_store.list_mappings(con) == []
    monkeypatch.undo()
    mappings_store.save_mapping(con, ME, "GMPP tracker", tracker())
    monkeypatch.setattr(mappings_store, "audit", broken)
    with pytest.raises(RuntimeError):
        mappings_store.delete_mapping(con, ME, "GMPP tracker")
    assert mappings_store.list_mappings(con) == ["GMPP tracker"]


# --- item 10: the other writes -------------------------------------------------------------------

def test_the_template_is_built_only_for_whom_may_download_it(con: db.Connection) -> None:
    from ingest.template import build_template
    from ingest.values import parse_period

    load_file(con, non_latin.report("Finance"), "f.xlsx")
    period = parse_period("2025-03")
    assert period is not None
    for user in (ADMIN, ME, HEAD, CLI):
        assert build_template(con, "Finance", period, user=user)[:2] == b"PK"
    for user, dept in ((LEADER, "Finance"), (OTHER_HEAD, "Finance"), (HEAD, "Human Resources")):
        with pytest.raises(AccessDenied):
            build_template(con, dept, period, user=user)
    refused = [r[:3] for r in audit_rows(con, "template")]
    assert refused == [(LEADER.email, "refused", "Finance"), (OTHER_HEAD.email, "refused", "Finance"),
                       (HEAD.email, "refused", "Human Resources")]


NOWHERE = non_latin.workbook({"Notes": [["Nothing here"], ["but notes"]]})  # names no department


@pytest.mark.parametrize("user", [LEADER, HEAD, ADMIN], ids=lambda u: u.role)
def test_a_user_who_may_not_upload_writes_no_upload_row(con: db.Connection, user: User) -> None:
    with pytest.raises(AccessDenied):
        load_file(con, NOWHERE, "notes.xlsx", user=user)
    assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(0,)]
    assert [r[:3] for r in audit_rows(con, "upload")] == [(user.email, "refused", None)]


def test_whoever_may_upload_records_a_file_naming_no_department(con: db.Connection) -> None:
    [o] = load_file(con, NOWHERE, "notes.xlsx", user=ME)
    assert (o.status, o.department) == ("rejected", None)
    [o] = load_file(con, NOWHERE, "notes.xlsx", user=HEAD, department="Finance")
    assert o.status == "rejected"  # a department head, for the department they chose
    assert con.execute("SELECT count(*) FROM uploads WHERE status = 'rejected'").fetchall() == [(2,)]


ENTRA = "https://login.microsoftonline.com/0f1e2d3c/v2.0"


@pytest.mark.parametrize(("claims", "setting", "trusted"), [
    ({"email_verified": True}, "", True),
    ({"email_verified": "true"}, "", True),  # some providers send it as text
    ({"email_verified": False}, ENTRA, False),  # a provider's own "no" always wins
    ({"email_verified": "false"}, "", False),
    ({}, "", False),  # no claim, no setting: refused
    ({}, "https://accounts.google.com", False),  # the setting names another provider
    ({}, ENTRA, True),
    ({}, f" {ENTRA.upper()}/ , default", True),  # spaces, case and a trailing slash ignored
    ({"iss": "https://idp.example"}, "entra", True),  # named by its [auth.entra] table
    ({"iss": "https://idp.example"}, "default", False),
])
def test_a_missing_email_verified_claim_is_trusted_only_from_a_named_provider(
        claims: dict[str, object], setting: str, trusted: bool) -> None:
    from dashboard.auth import email_verified

    identity = {"email": "a@org.example", "iss": ENTRA, "provider": "entra", **claims}
    assert email_verified(identity, setting) is trusted


# --- the Upload page saves a mapping as the acting user ------------------------------------------

@pytest.mark.parametrize(("role", "scope"), [("me", None), ("department_head", "Operations")])
def test_the_upload_page_saves_a_mapping_as_the_acting_user(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, role: str, scope: str | None) -> None:
    import hashlib

    from dashboard_helpers import app, clear_caches, texts, workbook
    from testdata import SAMPLE

    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    path = tmp_path / "lekgotla.duckdb"
    con = db.connect(path)
    load_register(con, (SAMPLE / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx")
    mappings_store.save_mapping(con, ME, "Organisation tracker", tracker())
    con.close()
    clear_caches()
    data = workbook([["Code", "Title", "RAG"], ["P-1", "Build the regional centre", "Red"]],
                    sheet="Tracker")
    key = hashlib.sha256(data).hexdigest()[:12]
    query = {"demo_dept": "Operations"} if role == "department_head" else {}
    at = app(path, monkeypatch, "upload", role=role, query=query)
    at.file_uploader(key="report_file").set_value(("Operations_2025-07.xlsx", data, xlsx_type)).run()
    at.selectbox(key=f"how-{key}").set_value("Organisation tracker").run()
    at.toggle(key=f"adjust-{key}").set_value(True).run()
    assert not at.exception
    said = []
    for name in ("Organisation tracker", "Operations tracker"):
        at.text_input(key=f"map-{key}-name").set_value(name).run()
        at.button(key=f"map-{key}-save").click().run()
        said.append(texts(at))
    assert "Saved as “Operations tracker”" in said[1]
    con = db.connect(path)
    rows = con.execute("SELECT name, saved_by, department FROM mappings ORDER BY name").fetchall()
    con.close()
    assert ("Operations tracker", "demo", scope) in rows  # the page's user, not "dashboard"
    if role == "department_head":  # the organisation's mapping is not theirs to overwrite
        assert ("Organisation tracker", ME.email, None) in rows
        assert "which demo may not change" in said[0]
    else:
        assert "Saved as “Organisation tracker”" in said[0]


def test_a_heads_own_upload_is_submitted_when_it_comes_whatever_its_date_submitted_cell_says(
        con: db.Connection) -> None:
    # SPEC §5.8: on time is "accepted on or before day 7"; a head's cell saying 5 Mar 2025 for a
    # report uploaded today made it on time; the M&E team's upload on the head's behalf keeps it
    from datetime import date, datetime

    from testdata import HEADER, xlsx

    good = ["FIN-01", "Pay suppliers within thirty days", None, "Thandi", 100, 40, "01/01/2025",
            "31/03/2025", "In progress", 40, None, None]

    def upload(user: User, department: str, file: str) -> str:
        data = xlsx([["Department", department], ["Reporting period", "February 2025"],
                     ["Date submitted", "05/03/2025"], [], HEADER, good])
        [outcome] = load_file(con, data, file, user=user)
        assert outcome.status == "accepted", outcome.message
        return outcome.message

    save_user(con, CLI, "fin@org.example", "department_head", "F", ("Finance",))
    head = User("fin@org.example", "department_head", departments=frozenset({"Finance"}))
    said = upload(head, "Finance", "Finance_2025-02.xlsx")
    today = datetime.now()
    assert said.endswith(f" Submitted {today.day} {today:%b %Y}, when it was uploaded: its Date "
                         "submitted cell (5 Mar 2025) counts only in an upload by the M&E team.")
    me = User("me@org.example", "me")
    assert "Submitted" not in upload(me, "Health", "Health_2025-02.xlsx")
    got = dict(con.execute("SELECT department, CAST(submitted_at AS DATE) FROM uploads "
                           "ORDER BY upload_id").fetchall())
    assert got == {"Finance": today.date(), "Health": date(2025, 3, 5)}
