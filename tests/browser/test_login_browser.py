"""A real login end to end: the dashboard with an `[auth]` section in its secrets, a local OpenID
Connect provider started by the test (oidc-provider-mock), and headless Chromium. A department
head logs in and sees their pages, a page their role may not use is not reachable by its URL, a
tampered identity cookie sends the browser back to the login page, an unknown identity is told
to ask the administrator, and the administrator's Audit page counts the logins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from ingest.register import load_register
from ingest.users import save_user
from presentation.markup import JOINER
from tools.browser import CHROMIUM, exceptions, settle
from tools.browser import log_in as sign_in
from tools.launch import auth_secrets, free_port, running_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")
oidc = pytest.importorskip("oidc_provider_mock")

HEAD = "nomvula.dlamini@lekgotla.example"  # head of Finance in the sample register
ADMIN = "policy.office@lekgotla.example"
STRANGER = "stranger@elsewhere.example"
UNVERIFIED = "lindiwe.unverified@lekgotla.example"  # a user whose provider sends no email_verified
COOKIE = "_streamlit_user"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The identity provider and the dashboard configured to log in with it."""
    folder = tmp_path_factory.mktemp("login")
    path = folder / "lekgotla.duckdb"
    con = db.connect(path)  # the register and one month of two departments: enough, and quick
    load_register(con, (SAMPLE / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx")
    for name in ("Finance_2025-06.xlsx", "Operations_2025-06.xlsx"):
        load_file(con, (SAMPLE / "reports" / name).read_bytes(), name)
    save_user(con, CLI, HEAD, "department_head", "Nomvula Dlamini", ("Finance",))
    save_user(con, CLI, ADMIN, "admin", "Policy Office")
    save_user(con, CLI, UNVERIFIED, "leadership", "Lindiwe")
    con.close()
    with oidc.run_server_in_thread(port=0) as server:
        idp = f"http://localhost:{server.server_port}"
        port = free_port()
        secrets = auth_secrets(folder / "secrets.toml", port, idp)
        with running_app(path, port=port, secrets=secrets,
                         env={"LEKGOTLA_REQUIRE_LOGIN": "true"}):
            # the redirect URI names localhost, so the browser must use it too (cookies)
            yield {"app": f"http://localhost:{port}", "idp": idp}



@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def log_in(page: Any, site: dict[str, str], email: str, verified: bool | None = True) -> None:
    """From the login page through the identity provider's form and back to the dashboard."""
    sign_in(page, site["app"], site["idp"], email, verified)


def on_login_page(page: Any) -> bool:
    page.get_by_role("button", name="Log in").wait_for()
    return page.locator("[data-testid='stMetric']").count() == 0


def nav_links(page: Any) -> list[str]:
    # each link's text is its icon's name, then its title
    return [t.split("\n")[-1].strip() for t in page.get_by_test_id("stSidebarNav")
            .get_by_role("link").all_inner_texts()]


def test_login_then_a_tampered_cookie_sends_back_to_the_login_page(
        context: Any, site: dict[str, str]) -> None:
    page = context.new_page()
    page.goto(f"{site['app']}/explore")
    assert on_login_page(page)  # no data before a login, whatever the URL
    log_in(page, site, HEAD)
    settle(page, "Department")  # a department head's home: their own Department page (issue 12)
    assert page.get_by_text("June 2025 · Finance").first.is_visible()
    assert not exceptions(page)
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "Nomvula Dlamini" in sidebar and "Department head (Finance)" in sidebar
    assert "Demo mode" not in page.inner_text("body")
    links = nav_links(page)
    assert "Upload" in links and "Explore & export" in links
    assert not {"Settings", "Users", "Audit"} & set(links)
    # the URL of a page the role may not use says so instead of showing it
    page.goto(f"{site['app']}/settings")
    settle(page, "Not available to your role")
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    # a department head's Upload offers their own department only
    page.goto(f"{site['app']}/upload")
    settle(page, "Upload")
    assert "You upload for Finance as its head" in page.inner_text("body")

    # change one character of the signed identity cookie: Streamlit no longer trusts it
    cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
    value = cookie["value"]
    middle = len(value) // 2
    cookie["value"] = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1:]
    context.clear_cookies()
    context.add_cookies([cookie])
    page.goto(site["app"])
    assert on_login_page(page)
    assert "Nomvula" not in page.inner_text("body")


def test_an_unknown_identity_is_refused_and_the_admin_sees_it_in_the_audit_log(
        browser: Any, site: dict[str, str]) -> None:
    stranger = browser.new_context(viewport={"width": 1280, "height": 900})
    page = stranger.new_page()
    page.goto(site["app"])
    log_in(page, site, STRANGER)
    settle(page, "No access yet")  # the whole script run, not only its first line
    body = page.inner_text("body").replace(JOINER, "")  # as read (presentation.markup.md)
    assert STRANGER in body and "Ask your administrator" in body
    assert page.locator("[data-testid='stMetric']").count() == 0
    assert nav_links(page) == []
    stranger.close()

    admin = browser.new_context(viewport={"width": 1280, "height": 900})
    page = admin.new_page()
    page.goto(site["app"])
    log_in(page, site, ADMIN)
    audit = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Audit")
    audit.wait_for()
    assert {"Settings", "Users", "Audit"} <= set(nav_links(page))
    audit.click()
    settle(page, "Audit")
    assert not exceptions(page)
    tiles = {t.locator("[data-testid='stMetricLabel']").inner_text().strip():
             t.locator("[data-testid='stMetricValue']").inner_text().strip()
             for t in page.locator("[data-testid='stMetric']").all()}
    assert int(tiles["Refused"]) >= 1
    # the stranger's refused login, found by choosing who
    page.get_by_test_id("stMultiSelect").filter(has_text="Who").click()
    page.keyboard.type("stranger")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_test_id("stMultiSelect").filter(has_text=STRANGER).wait_for()
    settle(page)
    tiles = {t.locator("[data-testid='stMetricLabel']").inner_text().strip():
             t.locator("[data-testid='stMetricValue']").inner_text().strip()
             for t in page.locator("[data-testid='stMetric']").all()}
    assert (tiles["Entries"], tiles["Refused"]) == ("1", "1")
    admin.close()


def test_a_token_without_email_verified_is_refused(browser: Any, site: dict[str, str]) -> None:
    """The provider sends no email_verified claim and the email_verified_providers setting does
    not name it: an active user's address is not trusted, so nobody gets in with it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site["app"])
    log_in(page, site, UNVERIFIED, verified=None)
    settle(page, "No access yet")  # the whole script run, not only its first line
    body = page.inner_text("body")
    assert "did not say whether this email address is verified" in body
    assert page.locator("[data-testid='stMetric']").count() == 0 and nav_links(page) == []
    context.close()


def test_require_login_in_the_secrets_file_given_keeps_the_dashboard_out_of_demo_mode(
        context: Any, tmp_path: Path) -> None:
    # deploy/start --secrets and the systemd unit give the dashboard its secrets file; a
    # require_login written there, with no [auth] section, refuses to start: no demo admin
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[lekgotla]\nrequire_login = true\n", encoding="utf-8")
    with running_app(tmp_path / "l.duckdb", secrets=secrets,
                     env={"LEKGOTLA_LOAD_SAMPLE_DATA": "false"}) as url:
        page = context.new_page()
        page.goto(url)
        settle(page)
        body = page.inner_text("body")
        assert "Login is required but not configured" in body
        assert f"add an [auth] section to {secrets} (see" in body  # the file it was given
        assert "Demo mode" not in body
