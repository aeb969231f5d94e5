"""Who may do what, enforced in the functions that write or export (issue 5), with refusals logged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from testdata import SAMPLE, report

from ingest import backup, db, lake
from ingest.access import CLI, AccessDenied, User, allowed, check_export
from ingest.errors import LekgotlaError
from ingest.load import load_file, restore_upload
from ingest.register import load_register
from ingest.settings_store import change_setting
from ingest.users import get_user, save_user, seed_department_heads

ADMIN = User("admin@org.example", "admin")
LEADER = User("ceo@org.example", "leadership")
ME = User("me@org.example", "me")
HEAD = User("head@org.example", "department_head", departments=frozenset({"Finance"}))

ROW = ["FIN-01", "Roll out the new procurement system", "SO1", "T. Mokoena", 10000, 5000,
       dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 40, None, None]

# role -> (view, upload own, upload other, restore own, register, export, settings, users)
MATRIX = {
    ADMIN: (True, False, False, True, True, True, True, True),
    LEADER: (True, False, False, False, False, True, False, False),
    ME: (True, True, True, True, False, True, False, False),
    HEAD: (True, True, False, True, False, False, False, False),
}
ACTIONS = ("view", "upload own", "upload other", "restore", "register", "export", "settings", "users")


@pytest.mark.parametrize("user", list(MATRIX), ids=lambda u: u.role)
@pytest.mark.parametrize("i", range(len(ACTIONS)), ids=lambda i: ACTIONS[i])
def test_permission_table(user: User, i: int) -> None:
    action = ACTIONS[i].split()[0]
    dept = "Human Resources" if ACTIONS[i] == "upload other" else "Finance"
    assert allowed(user, action, dept) is MATRIX[user][i]


@pytest.fixture
def loaded(con: db.Connection) -> db.Connection:
    load_register(con, (SAMPLE / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx")
    return con


def audit_rows(con: db.Connection) -> list[tuple[object, ...]]:
    return con.execute("SELECT actor, action, outcome, department FROM audit_log ORDER BY audit_id").fetchall()


@pytest.mark.parametrize("user", list(MATRIX), ids=lambda u: u.role)
def test_upload_own_and_other_department(loaded: db.Connection, user: User) -> None:
    for dept, i in (("Finance", 1), ("Human Resources", 2)):
        data = report([ROW], department=dept)
        if MATRIX[user][i]:
            [o] = load_file(loaded, data, f"{dept}_2025-02.xlsx", user=user)
            assert o.status == "accepted" and o.department == dept
        else:
            before = loaded.execute("SELECT count(*) FROM uploads").fetchall()
            with pytest.raises(AccessDenied):
                load_file(loaded, data, f"{dept}_2025-02.xlsx", user=user)
            assert loaded.execute("SELECT count(*) FROM uploads").fetchall() == before  # nothing written
            assert audit_rows(loaded)[-1] == (user.email, "upload", "refused", dept)


def test_department_head_cannot_smuggle_another_department_in_a_consolidated_file(loaded: db.Connection) -> None:
    from testdata import xlsx

    data = xlsx([["Reporting period", "February 2025"], ["Department", "Action ID", "Action", "Status"],
                 ["Finance", "F1", "Pay suppliers within thirty days", "In progress"],
                 ["Human Resources", "H1", "Fill the vacant posts this year", "In progress"]])
    with pytest.raises(AccessDenied) as err:
        load_file(loaded, data, "tracker.xlsx", user=HEAD)
    assert "only for their own department (Finance)" in err.value.message
    assert loaded.execute("SELECT count(*) FROM action_status").fetchall() == [(0,)]


def test_head_uploading_with_own_department_gets_row_errors_for_others(loaded: db.Connection) -> None:
    from testdata import xlsx

    data = xlsx([["Reporting period", "February 2025"], ["Department", "Action ID", "Action", "Status"],
                 ["Finance", "F1", "Pay suppliers within thirty days", "In progress"],
                 ["Human Resources", "H1", "Fill the vacant posts this year", "In progress"]])
    [o] = load_file(loaded, data, "tracker.xlsx", user=HEAD, department="Finance")
    assert o.status == "rejected"
    assert any("is for 'Human Resources' but the report is for 'Finance'" in p.message for p in o.problems)


def test_restore_an_older_version(loaded: db.Connection) -> None:
    [first] = load_file(loaded, report([ROW]), "Finance_2025-02.xlsx", user=HEAD)
    changed = ROW[:9] + [60] + ROW[10:]
    load_file(loaded, report([changed]), "Finance_2025-02.xlsx", user=HEAD)
    with pytest.raises(AccessDenied):
        restore_upload(loaded, LEADER, first.upload_id or 0)
    restore_upload(loaded, HEAD, first.upload_id or 0)
    pct = loaded.execute("SELECT percent_complete FROM action_status WHERE is_current").fetchall()
    assert pct == [(40.0,)]
    assert audit_rows(loaded)[-2:] == [(LEADER.email, "restore", "refused", "Finance"),
                                       (HEAD.email, "restore", "restored", "Finance")]


@pytest.mark.parametrize("user", list(MATRIX), ids=lambda u: u.role)
def test_register_settings_export(loaded: db.Connection, user: User) -> None:
    reg = (SAMPLE / "strategy_register.xlsx").read_bytes()
    for i, act in ((4, lambda: load_register(loaded, reg, "r.xlsx", user=user)),
                   (6, lambda: change_setting(loaded, user, "on_time_day", "8")),
                   (5, lambda: check_export(loaded, user, rows=3, period="2025-02", departments=["Finance"]))):
        if MATRIX[user][i]:
            act()
        else:
            with pytest.raises(AccessDenied):
                act()
    if MATRIX[user][5]:
        row = loaded.execute("SELECT actor, period, detail FROM audit_log WHERE action = 'export'").fetchall()
        assert row[0][:2] == (user.email, "2025-02")
        assert json.loads(row[0][2]) == {"rows": 3, "departments": ["Finance"]}


def test_a_refusal_says_who_and_what_in_words(loaded: db.Connection) -> None:
    with pytest.raises(AccessDenied) as e:
        change_setting(loaded, HEAD, "on_time_day", "8")
    assert e.value.message == "head@org.example (Department head) may not change settings."
    with pytest.raises(AccessDenied) as e:
        save_user(loaded, ME, "x@org.example", "leadership")
    assert e.value.message == "me@org.example (M&E team) may not add or change users."


def test_putting_a_whole_database_back_is_the_admins_as_a_backup_is(loaded: db.Connection,
                                                                    tmp_path: Path) -> None:
    # every table at once: not the `restore` of one department's report that M&E and heads have
    for restore in (lambda: backup.restore_into_store(loaded, tmp_path / "x.duckdb", ME),
                    lambda: lake.restore(loaded, tmp_path / "x.lake.json", HEAD)):
        with pytest.raises(AccessDenied, match=r"may not take, download or restore backups\.$"):
            restore()
    assert [r[1:3] for r in audit_rows(loaded)[-2:]] == [("backup", "refused")] * 2


def test_users_are_managed_by_admin_and_seeded_from_the_register(loaded: db.Connection) -> None:
    with pytest.raises(AccessDenied):
        save_user(loaded, ME, "x@org.example", "leadership")
    assert seed_department_heads(loaded, ADMIN) == 7
    user = get_user(loaded, "Pieter.vanderMerwe@LEKGOTLA.example")
    assert user is not None and user.role == "department_head" and user.departments == frozenset({"Human Resources"})
    save_user(loaded, ADMIN, "ceo@org.example", "leadership", "The CEO")
    assert get_user(loaded, "ceo@org.example") == User("ceo@org.example", "leadership", "The CEO")
    assert get_user(loaded, "nobody@org.example") is None


def test_saving_a_user_never_overwrites_one_or_leaves_no_admin(loaded: db.Connection) -> None:
    boss = User("boss@org.example", "admin", "Boss")
    save_user(loaded, CLI, boss.email, "admin", "Boss", new=True)
    save_user(loaded, boss, "ceo@org.example", "leadership", "The CEO", new=True)
    # a "new" user with an existing email (any capitals): refused, the CEO as they were
    with pytest.raises(LekgotlaError, match="ceo@org.example is a user already"):
        save_user(loaded, boss, "CEO@Org.Example", "admin", "Impostor", new=True)
    assert get_user(loaded, "ceo@org.example") == User("ceo@org.example", "leadership", "The CEO")
    # also two addresses, or a display name: a mail header would read them as more recipients
    for bad in ("@", "ceo", "ceo@org", "a b@org.example", "ceo@@org.example",
                "boss,intruder@evil.example", "<script>@x.example", "a@x.example, b@y.example",
                '"Boss" <boss@org.example>'):
        with pytest.raises(LekgotlaError, match="is not an email address"):
            save_user(loaded, boss, bad, "leadership", new=True)
    # an admin cannot demote or deactivate themselves, however the email is written
    for role, active in (("leadership", True), ("admin", False)):
        with pytest.raises(LekgotlaError, match="away from yourself"):
            save_user(loaded, boss, "BOSS@org.example", role, "Boss", active=active)
    # nor can anyone take the last active admin away (the command line here)
    with pytest.raises(LekgotlaError, match="last active admin"):
        save_user(loaded, CLI, "boss@org.example", "leadership", "Boss")
    assert get_user(loaded, "boss@org.example") == boss
    save_user(loaded, boss, "ceo@org.example", "admin", "The CEO")  # a second admin: then it may
    save_user(loaded, CLI, "boss@org.example", "leadership", "Boss")
    assert get_user(loaded, "boss@org.example").role == "leadership"  # type: ignore[union-attr]


def test_the_command_line_may_do_everything() -> None:
    assert all(allowed(CLI, a, "Anything") for a in ("upload", "register", "settings", "users", "export"))
