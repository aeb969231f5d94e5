"""Access control at the page layer, through AppTest with the user mocked (`at.user`, as Streamlit's
st.user gives it after an OpenID Connect login): which pages each role's navigation lists, that a
page it does not list shows nothing of itself when its URL is opened, who is refused and how,
demo mode, the refusal to start when login is required but not configured, and that every write
and export goes through `ingest` as the signed-in user (audit log)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dashboard_helpers import (
    APP,
    AUTH,
    EMAILS,
    HR_HEAD,
    PAGES,
    ROLE_PAGES,
    TIMEOUT,
    Downloads,
    app,
    clear_caches,
    copy_db,
    finance_july,
    finance_july_bad,
    metric_values,
    texts,
    workbook,
)
from streamlit.testing.v1 import AppTest
from testdata import report

import metrics
from dashboard import data, startup
from ingest import db
from ingest.errors import LekgotlaError
from ingest.load import load_file
from metrics import views

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLES = ("admin", "leadership", "me", "department_head")
TITLES = {"overview": "Overview", "alignment": "Alignment", "dependencies": "Dependencies",
          "initiatives": "Initiatives", "slippage": "Slippage",
          "department": "Department", "submissions": "Submissions",
          "explore": "Explore & export", "upload": "Upload", "settings": "Settings",
          "users": "Users", "audit": "Audit", "review_pack": "Review pack",
          "notifications": "Notifications"}
# what only that page draws: a file uploader's key, or the columns of a table
MARKERS: dict[str, str | tuple[str, ...]] = {
    "upload": "report_file", "settings": "register_file", "users": ("email", "created_by"),
    "audit": ("actor", "outcome"), "review_pack": "pack-xlsx",
    "notifications": ("gets", "opted_out")}
# the pages every role reads: all but those some roles' navigation adds
EVERYONE = set(PAGES) - set().union(*ROLE_PAGES.values())


@pytest.fixture
def db_path(users_db: Path, tmp_path: Path) -> Path:
    return copy_db(users_db, tmp_path)


def signed_in(email: str, name: str | None = None) -> dict[str, Any]:
    """What st.user holds after a login with this email."""
    return {"is_logged_in": True, "email": email, "name": name or email.split("@")[0],
            "email_verified": True, "iss": "http://idp.test"}


def open_url(db_path: Path, monkeypatch: pytest.MonkeyPatch, page: str,
             user: dict[str, Any] | None) -> AppTest:
    """The app opened straight at a page's URL (before any run, AppTest asks for the page by its
    file name, which is the page's URL path here) — as a browser opening /settings would."""
    monkeypatch.setenv("LEKGOTLA_DB", str(db_path))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets = {"auth": dict(AUTH)}
    if user is not None:
        at.user = user
    # every page by its file (the site root's is Overview's)
    at.switch_page(PAGES[page])
    return at.run()


def listed(at: AppTest) -> set[str]:
    """The pages the last run's navigation lists (switch_page refuses any other)."""
    found = set()
    for name, path in PAGES.items():
        try:
            at.switch_page(path)
        except ValueError:
            continue
        found.add(name)
    at.switch_page(PAGES["overview"])  # leave the app where it was
    return found


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame | None:
    """The first table shown that has these columns, or None."""
    return next((df.value for df in at.dataframe if set(columns) <= set(df.value.columns)),
                None)


def audit_rows(path: Path, action: str | None = None) -> list[tuple[Any, ...]]:
    con = db.connect(path)
    try:
        rows = con.execute("SELECT actor, action, outcome, department, period, detail "
                           "FROM audit_log WHERE $a IS NULL OR action = $a ORDER BY audit_id",
                           {"a": action}).fetchall()
    finally:
        con.close()
    return rows


def scalar(path: Path, sql: str, params: dict[str, Any] | None = None) -> Any:
    con = db.connect(path)
    try:
        return db.scalar(con, sql, params)
    finally:
        con.close()


# --- the matrix: every role × every page ---------------------------------------------------

@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_page_access_matrix(role: str, page: str, reads_users_db: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(reads_users_db, monkeypatch, page, signed_in(EMAILS[role]))
    assert not at.exception, at.exception
    if role == "department_head" and page == "overview":
        # the site root sends a head on to their Department page at a session's start; Overview
        # is a click away
        assert at.title[-1].value == "Department"
        at.switch_page(PAGES["overview"]).run()
    expected = EVERYONE | ROLE_PAGES[role]
    assert listed(at) == expected
    title = at.title[-1].value
    if page in expected:
        assert title == TITLES[page]
    else:
        # the URL of a page the role may not use says so, and nothing of the page runs
        assert title == "Not available to your role"
        assert f"{TITLES[page]}** is for " in texts(at)
        marker = MARKERS[page]
        if isinstance(marker, str):
            assert marker not in {e.key for e in (*at.get("file_uploader"),
                                                  *at.get("download_button"))}
        else:
            assert frame_with(at, *marker) is None


def test_opening_a_page_not_for_the_role_is_logged_once(db_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "users", signed_in(EMAILS["me"]))
    at.run()
    refused = [r for r in audit_rows(db_path, "page")]
    assert [r[:3] for r in refused] == [(EMAILS["me"], "page", "refused")]
    assert json.loads(refused[0][5]) == {"page": "users", "role": "me"}


def test_every_role_signed_in_is_named_in_the_sidebar_with_a_way_out(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "overview", signed_in(EMAILS["department_head"],
                                                             "Nomvula Dlamini"))
    sidebar = "\n".join(str(m.value) for m in (*at.sidebar.markdown, *at.sidebar.caption,
                                                 *at.sidebar.text))
    assert "nomvula.dlamini@lekgotla.example" in sidebar
    assert "Department head (Finance)" in sidebar
    assert at.button(key="logout").label == "Log out"
    assert "Demo mode" not in texts(at)


# --- who is let in -------------------------------------------------------------------------

def test_a_visitor_who_has_not_logged_in_sees_only_the_login_page(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "explore", {"is_logged_in": False})
    assert not at.exception
    assert at.title[0].value == "Lekgotla"
    assert at.button(key="login-default").label == "Log in"
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not at.sidebar.selectbox  # no filters: they would name departments and periods
    assert audit_rows(db_path, "login") == []


def test_log_out_returns_to_the_login_page(db_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "overview", signed_in(EMAILS["leadership"]))
    assert at.metric
    at.button(key="logout").click().run()
    assert not at.exception
    assert at.user.get("is_logged_in") is False
    at.run()
    assert at.button(key="login-default").label == "Log in"
    assert not at.metric


def test_an_unknown_identity_is_told_to_ask_the_administrator_and_sees_no_data(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "overview", signed_in("stranger@elsewhere.example"))
    assert not at.exception
    assert at.title[0].value == "No access yet"
    assert "stranger@elsewhere.example" in texts(at)
    assert "Ask your administrator" in texts(at)
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    at.run()  # a second run of the same session: the refusal is logged once
    assert [r[:3] for r in audit_rows(db_path, "login")] == [
        ("stranger@elsewhere.example", "login", "refused")]


def test_an_inactive_user_is_refused(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "overview", signed_in("former@lekgotla.example"))
    assert at.title[0].value == "No access yet"
    assert "your access was switched off: your user is no longer active" in texts(at)
    assert not at.metric
    assert json.loads(audit_rows(db_path, "login")[0][5])["reason"] == "user inactive"


def test_an_unverified_email_is_refused(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    identity = dict(signed_in(EMAILS["admin"]), email_verified=False)
    at = open_url(db_path, monkeypatch, "users", identity)
    assert at.title[0].value == "No access yet"
    assert "not verified" in texts(at)


def test_an_email_without_the_verified_claim_is_refused(db_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    identity = signed_in(EMAILS["admin"])
    del identity["email_verified"]  # as Entra ID, or a provider letting anyone type an address
    monkeypatch.setenv("LEKGOTLA_EMAIL_VERIFIED_PROVIDERS", "https://login.microsoftonline.com/x/v2.0")
    at = open_url(db_path, monkeypatch, "users", identity)
    assert at.title[0].value == "No access yet"
    assert "did not say whether this email address is verified" in texts(at)
    refused = audit_rows(db_path, "login")
    assert [r[:3] for r in refused] == [(EMAILS["admin"], "login", "refused")]
    assert json.loads(refused[0][5])["reason"] == "email_verified missing"


def test_an_email_without_the_claim_is_trusted_from_a_provider_the_setting_names(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    identity = signed_in(EMAILS["admin"])
    del identity["email_verified"]
    monkeypatch.setenv("LEKGOTLA_EMAIL_VERIFIED_PROVIDERS", "entra, HTTP://idp.test/")
    at = open_url(db_path, monkeypatch, "users", identity)
    assert at.title[0].value != "No access yet"
    assert [r[:3] for r in audit_rows(db_path, "login")] == [(EMAILS["admin"], "login", "ok")]


def test_a_login_is_logged_once_per_session(db_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "overview", signed_in(EMAILS["leadership"]))
    at.switch_page(PAGES["slippage"]).run()
    at.run()
    logins = audit_rows(db_path, "login")
    assert [r[:3] for r in logins] == [("ceo@lekgotla.example", "login", "ok")]
    assert json.loads(logins[0][5])["role"] == "leadership"
    # a new browser session logs again
    clear_caches()
    open_url(db_path, monkeypatch, "overview", signed_in(EMAILS["leadership"]))
    assert len(audit_rows(db_path, "login")) == 2


def test_one_login_is_logged_once_however_many_tabs_it_opens(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the identity token's issue time tells one login from the next
    for _ in range(2):  # two browser sessions (tabs, reloads) on the same login
        clear_caches()
        open_url(db_path, monkeypatch, "overview", dict(signed_in(EMAILS["me"]), iat=1_700_000_000))
    assert len(audit_rows(db_path, "login")) == 1
    clear_caches()
    open_url(db_path, monkeypatch, "overview", dict(signed_in(EMAILS["me"]), iat=1_700_086_400))
    logins = audit_rows(db_path, "login")
    assert len(logins) == 2
    assert json.loads(logins[1][5])["token_issued"] == "1700086400"


def test_the_email_is_matched_whatever_its_case(db_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "users", signed_in("Policy.Office@Lekgotla.Example"))
    assert at.title[-1].value == "Users"


def test_admin_emails_let_the_first_administrator_in(db_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_ADMIN_EMAILS", "first.admin@lekgotla.example, other@x.example")
    at = open_url(db_path, monkeypatch, "users", signed_in("First.Admin@lekgotla.example"))
    assert not at.exception
    assert at.title[-1].value == "Users"
    assert scalar(db_path, "SELECT role FROM users WHERE email = 'first.admin@lekgotla.example'"
                  ) == "admin"
    # a listed email whose user was switched off stays out
    monkeypatch.setenv("LEKGOTLA_ADMIN_EMAILS", "former@lekgotla.example")
    clear_caches()
    at = open_url(db_path, monkeypatch, "users", signed_in("former@lekgotla.example"))
    assert at.title[0].value == "No access yet"


# --- demo mode and start-up ----------------------------------------------------------------

def test_demo_mode_says_so_and_acts_as_an_admin_by_default(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)
    assert not at.exception
    banner = next(w.value for w in at.warning if "Demo mode" in str(w.value))
    assert "no login is configured" in banner and "Admin (policy office)" in banner
    assert listed(at) == EVERYONE | ROLE_PAGES["admin"]
    # the sidebar switches the demo user's role: the M&E team uploads
    at.selectbox(key="demo_role").set_value("me").run()
    assert listed(at) == EVERYONE | ROLE_PAGES["me"]
    assert "M&E team" in next(str(w.value) for w in at.warning if "Demo mode" in str(w.value))
    # and a department head is head of the department chosen beside it
    at.selectbox(key="demo_role").set_value("department_head").run()
    at.selectbox(key="demo_dept").set_value("Operations").run()
    at.switch_page(PAGES["upload"]).run()
    assert at.selectbox(key="template_dept").options == ["Operations"]


def test_login_required_but_not_configured_refuses_to_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_REQUIRE_LOGIN", "true")
    path = tmp_path / "never-opened.duckdb"
    at = app(path, monkeypatch)
    assert not at.exception
    assert "Login is required but not configured" in at.error[0].value
    assert "[auth]" in at.error[0].value
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    assert not path.exists()  # it stopped before opening the database


def test_login_required_and_configured_asks_for_a_login(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_REQUIRE_LOGIN", "true")
    at = open_url(db_path, monkeypatch, "overview", {"is_logged_in": False})
    assert at.button(key="login-default").label == "Log in"


def test_an_incomplete_auth_section_stops_with_what_is_missing(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_DB", str(db_path))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets = {"auth": {"redirect_uri": AUTH["redirect_uri"],
                           "microsoft": {"client_id": "x", "server_metadata_url": "http://x"}}}
    at.run()
    message = at.error[0].value
    assert "Login is not fully configured" in message
    assert "cookie_secret" in message and "client_secret in [auth.microsoft]" in message


def test_start_up_check_names_a_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(startup, "REQUIRED_PACKAGES", (("defusedxml", "safe XML"),
                                                       ("no_such_package_xyz", "testing")))
    with pytest.raises(LekgotlaError, match="no_such_package_xyz.*pip install -e"):
        startup.check()


def test_a_bad_setting_stops_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_REQUIRE_LOGIN", "perhaps")
    at = app(tmp_path / "x.duckdb", monkeypatch)
    assert "require_login" in at.error[0].value


def test_the_dashboard_connection_is_locked_down(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "locked.duckdb")
    data.harden(con)
    data.harden(con)  # once locked, applying it again changes nothing and does not fail
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n")
    for sql in (f"SELECT * FROM read_csv('{secret}')", f"ATTACH '{tmp_path / 'other.duckdb'}'",
                f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'", "INSTALL httpfs"):
        with pytest.raises(Exception, match="disabled by configuration|Permission"):
            con.execute(sql)
    with pytest.raises(Exception, match="Cannot change configuration option"):
        con.execute("SET enable_external_access = true")
    with pytest.raises(Exception, match="Cannot change configuration option"):
        con.cursor().execute("RESET lock_configuration")
    # its own database still reads and writes
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    assert db.scalar(con, "SELECT sum(x) FROM t") == 1
    con.close()


# --- writes and exports as the signed-in user ----------------------------------------------

def test_department_heads_see_only_their_own_department_on_upload(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # two heads, one after the other in the same process (shared caches): nothing crosses
    finance = open_url(db_path, monkeypatch, "upload", signed_in(EMAILS["department_head"]))
    hr = open_url(db_path, monkeypatch, "upload", signed_in(HR_HEAD))
    finance.run()
    assert finance.selectbox(key="template_dept").options == ["Finance"]
    assert hr.selectbox(key="template_dept").options == ["Human Resources"]
    assert "Finance" not in " ".join(str(x) for x in hr.selectbox(key="template_dept").options)
    # a Finance report chosen by the HR head: only HR can be chosen, and it says why
    hr.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    assert not hr.exception
    pick = next(s for s in hr.selectbox if str(s.key).startswith("dept-"))
    assert pick.options == ["Human Resources"]
    assert "you may upload only for Human Resources" in texts(hr)
    assert not [b for b in hr.button if b.key == "commit"]


def test_a_department_head_uploads_their_own_report_as_themselves(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "upload", signed_in(EMAILS["department_head"]))
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    at.button(key="commit").click().run()
    assert not at.exception
    assert "Finance, July 2025: 4 actions stored" in texts(at)
    assert scalar(db_path, "SELECT uploaded_by FROM uploads WHERE period = '2025-07'"
                  ) == EMAILS["department_head"]
    uploads = [r for r in audit_rows(db_path, "upload") if r[4] == "2025-07"]
    assert [r[:4] for r in uploads] == [(EMAILS["department_head"], "upload", "accepted",
                                         "Finance")]


def test_a_link_to_another_department_opens_on_it_for_a_head(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the sidebar starts on the head's own department; a shared link names Human Resources
    def opened(department: str) -> AppTest:
        monkeypatch.setenv("LEKGOTLA_DB", str(db_path))
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.secrets = {"auth": dict(AUTH)}
        at.user = signed_in(EMAILS["department_head"])
        at.switch_page(PAGES["department"])
        at.query_params["department"] = department
        return at.run()

    at = opened("Human Resources")
    assert not at.exception
    assert at.selectbox(key="department").value == "Human Resources"
    assert ("Human Resources is not among the departments chosen in the sidebar (Finance): shown "
            "as the address names it.") in texts(at)
    at = opened("Nobody")
    assert at.selectbox(key="department").value == "Finance"
    assert "No department is called Nobody: showing Finance." in texts(at)


def test_a_file_name_that_names_no_department_does_not_stop_a_head(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 'status_report' is no department of the register: the head's own is the one to choose
    data = workbook([
        ["Action ID", "Action", "Status", "Percent complete"],
        ["FIN-03", "Reduce supplier payment turnaround to 30 days", "In progress", 50],
    ])
    at = open_url(db_path, monkeypatch, "upload", signed_in(EMAILS["department_head"]))
    at.file_uploader(key="report_file").set_value(("status_report_2025-07.xlsx", data, XLSX)).run()
    assert not at.exception
    pick = next(s for s in at.selectbox if str(s.key).startswith("dept-"))
    assert (pick.options, pick.value) == (["Finance"], "Finance")
    assert "The file says it is" not in texts(at)
    at.button(key="commit").click().run()
    assert "Finance, July 2025: 1 action stored" in texts(at)


def test_a_report_whose_own_cells_name_another_department_is_refused_to_a_head(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the metadata block says Finance: an HR head may not store it as Human Resources' report
    data = report([["FIN-03", "Reduce supplier payment turnaround to 30 days", "SO4", "R. P.",
                    400000, 320000, dt.date(2025, 2, 1), dt.date(2025, 6, 30), "In progress", 50,
                    None, None]], department="Finance", period="July 2025")
    at = open_url(db_path, monkeypatch, "upload", signed_in(HR_HEAD))
    at.file_uploader(key="report_file").set_value(("report.xlsx", data, XLSX)).run()
    assert not at.exception
    said = [e.value.replace("\\", "") for e in at.error]  # as written, Markdown escapes aside
    assert any("The file says it is Finance's report" in e
               and "you may upload only for Human Resources" in e for e in said), said
    assert {m.label: m.value for m in at.metric}["Errors"] == "1"  # the refusal, not "0" above it
    assert not [b for b in at.button if b.key == "commit"]
    assert scalar(db_path, "SELECT count(*) FROM uploads WHERE period = '2025-07'") == 0


def test_a_department_column_naming_another_department_is_refused_and_recorded(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = workbook([
        ["Action ID", "Action", "Department", "Status", "Percent complete"],
        ["FIN-03", "Reduce supplier payment turnaround to 30 days", "Finance", "In progress", 50],
        ["FIN-05", "Prepare interim financial statements for the half-year", "Finance",
         "In progress", 80],
    ])
    at = open_url(db_path, monkeypatch, "upload", signed_in(HR_HEAD))
    at.file_uploader(key="report_file").set_value(("report_2025-07.xlsx", data, XLSX)).run()
    pick = next(s for s in at.selectbox if str(s.key).startswith("dept-"))
    assert pick.options == ["Human Resources"]
    pick.set_value("Human Resources").run()
    assert not at.exception
    assert metric_values(at)["Errors"] != "0"
    assert not [b for b in at.button if b.key == "commit"]
    at.run()  # the check is logged once, however often the page reruns; nothing is recorded
    checks = [r[:5] for r in audit_rows(db_path, "check")]
    assert checks == [(HR_HEAD, "check", "failed", "Human Resources", "2025-07")]
    assert scalar(db_path, "SELECT count(*) FROM uploads WHERE status = 'rejected'") == 0
    at.button(key="record-rejection").click().run()  # submitted as it is: recorded, once
    at.run()
    rejected = audit_rows(db_path, "upload")
    rejected = [r for r in rejected if r[2] == "rejected"]
    assert [r[:5] for r in rejected] == [(HR_HEAD, "upload", "rejected", "Human Resources",
                                          "2025-07")]
    assert scalar(db_path, "SELECT count(*) FROM uploads WHERE status = 'rejected'") == 1
    # and the uploader is emailed the problems and the file with its cells marked, at once (no
    # mail server set: into the outbox folder)
    [eml] = (tmp_path / "outbox").glob("rejected-*.eml")
    sent = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert sent["To"] == HR_HEAD
    assert sent["Subject"].startswith("Rejected: report_2025-07.xlsx (Human Resources, July 2025)")
    assert [p.get_filename() for p in sent.iter_attachments()] == ["report_2025-07-marked.xlsx"]


def test_a_rejected_file_shows_on_submissions(db_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    at.button(key="record-rejection").click().run()
    at.run()
    assert "This file is recorded as the failed submission for Finance, July 2025" in texts(at)
    assert scalar(db_path, "SELECT count(*) FROM uploads WHERE status = 'rejected' AND "
                           "department = 'Finance' AND period = '2025-07' AND uploaded_by = 'demo'"
                  ) == 1
    at.switch_page(PAGES["submissions"]).run()
    at.selectbox(key="period").set_value("2025-06").run()  # July has no accepted report
    # so July is not a period to choose: the page says where the file is, and lists it
    assert "1 file came for July 2025, for which no report is accepted yet" in texts(at)
    ahead, files = [df.value for df in at.dataframe if "file_name" in df.value.columns
                    and "status" in df.value.columns]
    assert ahead[["period", "file_name", "status"]].values.tolist() == [
        ["2025-07", "Finance_2025-07.xlsx", "rejected"]]
    assert "rejected" not in set(files["status"])  # June's files
    con = db.connect(db_path)
    history = views.upload_history(con, metrics.Filters("2025-07"), False)
    con.close()
    assert list(history["status"]) == ["rejected"]


def test_a_rejection_whose_email_fails_says_what_to_check(db_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.launch import free_port

    port = free_port()  # nothing listens there
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("SECURITY", "none")):
        monkeypatch.setenv(f"LEKGOTLA_SMTP_{name}", value)
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    at.button(key="record-rejection").click().run()
    # one sentence each, read as shown (Markdown escapes and the address's joiners taken out)
    shown = [s.value.replace("\\", "").replace("\u2060", "") for s in at.success]
    assert ("The rejection is recorded, but its email was not sent: Nothing answers at "
            f"smtp://127.0.0.1:{port}: check smtp_host and smtp_port (LEKGOTLA_SMTP_HOST and "
            "LEKGOTLA_SMTP_PORT in the environment, or under [lekgotla] in "
            ".streamlit/secrets.toml). The next notify run tries again.") in shown


def test_explore_downloads_only_for_roles_that_export_and_each_is_logged(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    head = open_url(db_path, monkeypatch, "explore", signed_in(EMAILS["department_head"]))
    head.multiselect(key="dept").set_value(["Finance"]).run()
    assert len(head.dataframe[0].value) == 11  # Finance June: the rows are there to read
    assert not head.get("download_button")
    assert "may read these rows here but not download them" in texts(head)
    assert downloads.names() == []

    lead = open_url(db_path, monkeypatch, "explore", signed_in(EMAILS["leadership"]))
    lead.multiselect(key="dept").set_value(["Finance"]).run()
    lead.multiselect(key="status").set_value(["Completed"]).run()
    assert audit_rows(db_path, "export") == []  # offering a download is not an export
    csv = pd.read_csv(io.BytesIO(downloads.named(".csv")), encoding="utf-8-sig")
    assert len(csv) == 7  # Finance June: 7 Completed
    [entry] = audit_rows(db_path, "export")
    actor, _, outcome, _, period, detail = entry
    assert (actor, outcome, period) == (EMAILS["leadership"], "ok", "2025-06")
    logged = json.loads(detail)
    assert logged["rows"] == 7 and logged["departments"] == ["Finance"]
    assert logged["statuses"] == ["Completed"] and logged["file"].endswith(".csv")


def test_settings_changes_go_through_ingest_as_the_admin(db_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "settings", signed_in(EMAILS["admin"]))
    at.number_input(key="setting-red_slip_days").set_value(45)
    at.button[0].click()  # the form's submit button
    at.run()
    assert "Saved: Red slip days." in texts(at)
    [entry] = audit_rows(db_path, "settings")
    assert entry[:3] == (EMAILS["admin"], "settings", "ok")
    assert json.loads(entry[5]) == {"setting": "red_slip_days", "before": 30, "after": 45}
    good = (Path(__file__).resolve().parents[2] / "sample_data" /
            "strategy_register.xlsx").read_bytes()
    at.file_uploader(key="register_file").set_value(("strategy_register.xlsx", good, XLSX)).run()
    at.button(key="load-register").click().run()
    assert "Register version 2 is now in force." in texts(at)
    assert [r[0] for r in audit_rows(db_path, "register")][-1] == EMAILS["admin"]


def test_users_page_adds_a_user_and_the_register_heads(db_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "users", signed_in(EMAILS["admin"]))
    assert not at.exception
    people = frame_with(at, "email", "created_by")
    assert people is not None
    assert set(people["email"]) >= set(EMAILS.values())
    at.text_input(key="user-email-0").set_value("Analyst@Lekgotla.example")
    at.text_input(key="user-name-new-0").set_value("New Analyst")
    at.selectbox(key="user-role-new-0").set_value("me")
    at.button(key="FormSubmitter:user-form-new-0-Save user").click().run()
    assert not at.exception
    assert "Saved analyst@lekgotla.example: M&E team." in texts(at)
    assert scalar(db_path, "SELECT role FROM users WHERE email = 'analyst@lekgotla.example'") == "me"
    # the next new user starts from an empty form: it kept the last one's name, role and
    # departments, so a new head could be saved with another's name and rights
    assert at.text_input(key="user-email-1").value == ""
    assert at.text_input(key="user-name-new-1").value == ""
    assert at.selectbox(key="user-role-new-1").value == "leadership"
    assert at.multiselect(key="user-departments-new-1").value == []
    # five of the register's seven heads have no user yet (Finance and HR have one)
    heads = frame_with(at, "department", "head", "email")
    assert heads is not None
    assert len(heads) == 5 and "Finance" not in set(heads["department"])
    at.button(key="seed-heads").click().run()
    assert "Added 5 department heads from the register." in texts(at)
    assert scalar(db_path, "SELECT count(*) FROM users WHERE role = 'department_head'") == 7
    by_admin = [r for r in audit_rows(db_path, "users") if r[0] == EMAILS["admin"]]
    assert len(by_admin) == 6  # the analyst and five heads (the fixture's users are the CLI's)


def test_users_page_changes_a_role_and_switches_a_user_off(db_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "users", signed_in(EMAILS["admin"]))
    at.selectbox(key="user-pick").set_value(EMAILS["leadership"]).run()
    suffix = EMAILS["leadership"]
    at.selectbox(key=f"user-role-{suffix}").set_value("me")
    at.checkbox(key=f"user-active-{suffix}").uncheck()
    at.button(key=f"FormSubmitter:user-form-{suffix}-Save user").click().run()
    assert "Saved ceo@lekgotla.example: M&E team, not active." in texts(at)
    clear_caches()
    at = open_url(db_path, monkeypatch, "overview", signed_in(EMAILS["leadership"]))
    assert at.title[0].value == "No access yet"


def test_an_admin_cannot_lock_themselves_out(db_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_url(db_path, monkeypatch, "users", signed_in(EMAILS["admin"]))
    at.selectbox(key="user-pick").set_value(EMAILS["admin"]).run()
    at.selectbox(key=f"user-role-{EMAILS['admin']}").set_value("leadership")
    at.button(key=f"FormSubmitter:user-form-{EMAILS['admin']}-Save user").click().run()
    assert "cannot take the admin role or access away from yourself" in texts(at)
    assert scalar(db_path, "SELECT role FROM users WHERE email = $e",
                  {"e": EMAILS["admin"]}) == "admin"


def test_audit_page_filters_and_downloads(db_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    open_url(db_path, monkeypatch, "overview", signed_in(EMAILS["leadership"]))
    open_url(db_path, monkeypatch, "overview", signed_in("stranger@elsewhere.example"))
    at = open_url(db_path, monkeypatch, "audit", signed_in(EMAILS["admin"]))
    assert not at.exception
    log = frame_with(at, "actor", "outcome")
    assert log is not None
    # the sample data (41 reports and the register, by 'system'), the users set up by 'cli',
    # and three logins: leadership, the refused stranger, and this admin
    assert set(log["actor"]) >= {"system", "cli", EMAILS["leadership"], EMAILS["admin"]}
    assert metric_values(at)["Refused"] == "1"
    at.multiselect(key="audit-action").set_value(["login"]).run()
    log = frame_with(at, "actor", "outcome")
    assert log is not None
    assert sorted(zip(log["actor"], log["outcome"], strict=True)) == [
        (EMAILS["leadership"], "ok"), (EMAILS["admin"], "ok"),
        ("stranger@elsewhere.example", "refused")]
    at.multiselect(key="audit-actor").set_value(["stranger@elsewhere.example"]).run()
    assert len(frame_with(at, "actor", "outcome")) == 1  # type: ignore[arg-type]
    csv = pd.read_csv(io.BytesIO(downloads.named(".csv")), encoding="utf-8-sig")
    # headed as the Audit table is: Who, Detail
    assert list(csv["Who"]) == ["stranger@elsewhere.example"]
    assert "no active user record" in csv["Detail"].iloc[0]
    [export] = audit_rows(db_path, "export")
    assert json.loads(export[5])["actors"] == ["stranger@elsewhere.example"]


def test_restore_an_older_version_on_the_department_page(db_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # a second version of Finance's June report (one action fewer) makes June's first current
    con = db.connect(db_path)
    first = db.scalar(con, "SELECT upload_id FROM uploads WHERE department = 'Finance' AND "
                           "period = '2025-06' AND is_current")
    original = con.execute("SELECT r.content FROM uploads u JOIN raw_files r USING (sha256) "
                           "WHERE upload_id = $u", {"u": first}).fetchall()[0][0]
    con.close()
    assert original
    second = _drop_last_row(bytes(original))
    con = db.connect(db_path)
    [outcome] = load_file(con, second, "Finance_2025-06.xlsx", department="Finance",
                          period="2025-06")
    con.close()
    assert outcome.status == "accepted"

    lead = open_url(db_path, monkeypatch, "department", signed_in(EMAILS["leadership"]))
    lead.selectbox(key="department").set_value("Finance").run()
    assert "versions of this report" in " ".join(e.label for e in lead.expander)
    assert not [b for b in lead.button if b.key == "restore"]  # leadership may not restore

    at = open_url(db_path, monkeypatch, "department", signed_in(EMAILS["admin"]))
    at.selectbox(key="department").set_value("Finance").run()
    assert at.selectbox(key="restore-version").value == first
    at.button(key="restore").click().run()
    assert not at.exception
    assert f"Upload #{first} is Finance's report in force for June 2025 again" in texts(at)
    assert scalar(db_path, "SELECT upload_id FROM uploads WHERE department = 'Finance' AND "
                           "period = '2025-06' AND is_current") == first
    [entry] = audit_rows(db_path, "restore")
    assert entry[:5] == (EMAILS["admin"], "restore", "restored", "Finance", "2025-06")


def _drop_last_row(xlsx: bytes) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb["Actions"] if "Actions" in wb.sheetnames else wb.worksheets[0]
    ws.delete_rows(ws.max_row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
