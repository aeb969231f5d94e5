"""Several dashboard processes behind HAProxy (deploy/, issue 14 item 2), in headless Chromium:
a browser stays on one instance (the LEKGOTLA_NODE cookie) while its pages render over the
WebSocket through the proxy; a login works through the proxy whichever instance serves the
identity provider's callback, and its cookie holds on every instance; a stopped instance's users
reach the other. (`deploy/start` and the shared store behind the proxy: test_proxy_deploy.py.)

The two instances each have a DuckDB file of their own, with different months of Finance, so
that the page itself says which instance drew it."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import finance_july
from proxy_helpers import NODE, new_page, proxy_marks
from proxy_helpers import node as node_of

from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from ingest.register import load_register
from ingest.users import save_user
from tools.browser import exceptions, settle
from tools.browser import log_in as sign_in
from tools.launch import (
    auth_secrets,
    free_port,
    running_proxy,
    started_app,
)

pytestmark = proxy_marks()
sync_api = pytest.importorskip("playwright.sync_api")
oidc = pytest.importorskip("oidc_provider_mock")

HEAD = "nomvula.dlamini@lekgotla.example"  # head of Finance in the sample register
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
# each instance's one month of Finance: what its Department page shows
MONTHS = {"app1": "June 2025", "app2": "May 2025"}


def _database(path: Path, report: str) -> Path:
    con = db.connect(path)
    load_register(con, (SAMPLE / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx")
    load_file(con, (SAMPLE / "reports" / report).read_bytes(), report)
    save_user(con, CLI, HEAD, "department_head", "Nomvula Dlamini", ("Finance",))
    con.close()
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The identity provider, two dashboards configured alike (one secrets file: the same
    cookie_secret, and redirect_uri on the proxy) and HAProxy in front of them."""
    folder = tmp_path_factory.mktemp("proxy")
    databases = [_database(folder / "app1.duckdb", "Finance_2025-06.xlsx"),
                 _database(folder / "app2.duckdb", "Finance_2025-05.xlsx")]
    with oidc.run_server_in_thread(port=0) as server:
        idp = f"http://localhost:{server.server_port}"
        proxy_port = free_port()
        secrets = auth_secrets(folder / "secrets.toml", proxy_port, idp)
        env = {"LEKGOTLA_REQUIRE_LOGIN": "true", "LEKGOTLA_LOAD_SAMPLE_DATA": "false"}
        with started_app(databases[0], secrets=secrets, env=env, address="127.0.0.1") as app1, \
                started_app(databases[1], secrets=secrets, env=env, address="127.0.0.1") as app2:
            ports = [int(a.url.rsplit(":", 1)[1]) for a in (app1, app2)]
            with running_proxy(ports, folder, proxy_port) as proxy:
                # the redirect URI names localhost, so the browser must use it too (cookies)
                yield {"proxy": proxy, "url": proxy.url, "idp": idp,
                       "apps": {"app1": app1, "app2": app2}}


def _shows_month_of(page: Any, node: str) -> bool:
    settle(page, "Department")
    return bool(page.get_by_text(f"{MONTHS[node]} · Finance").first.is_visible())


def test_a_browser_sticks_to_one_instance_and_its_pages_render_over_the_websocket(
        browser: Any, site: dict[str, Any]) -> None:
    assert site["proxy"].servers() == {"app1": "UP", "app2": "UP"}
    context, page = new_page(browser)
    sockets: list[Any] = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(site["url"])
    page.get_by_role("button", name="Log in").wait_for()
    node = node_of(context)
    sign_in(page, site["url"], site["idp"], HEAD)
    assert _shows_month_of(page, node)  # drawn by the instance the cookie names
    for path in ("explore", "department"):
        page.goto(f"{site['url']}/{path}")
        settle(page)
        assert not exceptions(page), path
        assert node_of(context) == node
    assert _shows_month_of(page, node)
    # every page came over Streamlit's WebSocket, through the proxy (none went to an instance)
    assert sockets and all(ws.url.startswith(site["url"].replace("http", "ws", 1) + "/_stcore/stream")
                           for ws in sockets)
    assert "Nomvula Dlamini" in page.get_by_test_id("stSidebar").inner_text()

    # another browser, while this one's WebSocket is open: the other instance (leastconn)
    other_context, other = new_page(browser)
    other.goto(site["url"])
    other.get_by_role("button", name="Log in").wait_for()
    assert node_of(other_context) != node
    sign_in(other, site["url"], site["idp"], HEAD)
    assert _shows_month_of(other, node_of(other_context))
    other_context.close()
    context.close()


def test_a_login_holds_whichever_instance_serves_the_callback(
        browser: Any, site: dict[str, Any]) -> None:
    """The login starts on one instance and the provider's callback lands on the other: the OAuth
    state (Streamlit's session cookie) and the identity cookie are signed with the one shared
    cookie_secret, so either instance accepts what the other wrote."""
    context, page = new_page(browser)
    page.goto(site["url"])
    page.get_by_role("button", name="Log in").wait_for()
    first = node_of(context)
    second = "app2" if first == "app1" else "app1"
    claims = {"email": HEAD, "email_verified": True}
    request = urllib.request.Request(f"{site['idp']}/users/{urllib.parse.quote(HEAD)}",
                                     method="PUT", data=json.dumps(claims).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (the local mock provider)
        pass
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site['idp']}/**")
    # at the provider: the browser now goes back to the proxy as the other instance's user
    context.add_cookies([{"name": NODE, "value": second, "url": site["url"]}])
    page.fill("input[name=sub]", HEAD)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{site['url']}/**")
    assert _shows_month_of(page, second)  # logged in, on the second instance
    assert node_of(context) == second
    # and the first accepts the identity cookie the second wrote
    context.add_cookies([{"name": NODE, "value": first, "url": site["url"]}])
    page.goto(site["url"])
    assert _shows_month_of(page, first)
    assert "Nomvula Dlamini" in page.get_by_test_id("stSidebar").inner_text()
    assert page.get_by_role("button", name="Log in").count() == 0
    context.close()


def test_an_instance_that_stops_sends_its_users_to_the_other(
        browser: Any, site: dict[str, Any], tmp_path: Path) -> None:
    """An upload through the proxy reaches the instance that holds the session; then that
    instance stops: its users reach the other one (redispatch), still logged in, and HAProxy's
    health check takes it out. It stops one of the module's two instances, so it comes after the
    tests that use both (the ones after it start their own)."""
    proxy = site["proxy"]
    assert proxy.servers() == {"app1": "UP", "app2": "UP"}
    context, page = new_page(browser)
    page.goto(proxy.url)
    page.get_by_role("button", name="Log in").wait_for()
    node = node_of(context)
    sign_in(page, proxy.url, site["idp"], HEAD)
    assert _shows_month_of(page, node)
    # an upload through the proxy: its file goes by HTTP (with the XSRF cookie) to the instance
    # that holds the session
    page.goto(f"{proxy.url}/upload")
    settle(page, "Upload")
    upload = tmp_path / "Finance_2025-07.xlsx"
    upload.write_bytes(finance_july())
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Commit").click()
    page.get_by_text("Finance, July 2025: 4 actions stored").wait_for()
    assert not exceptions(page) and node_of(context) == node
    stopped = time.monotonic()
    site["apps"][node].process.terminate()
    site["apps"][node].process.wait(timeout=15)
    # before the health check has noticed: the refused connection is sent to the other
    survivor = "app2" if node == "app1" else "app1"
    page.goto(proxy.url)
    assert _shows_month_of(page, survivor)
    assert node_of(context) == survivor
    assert "Nomvula Dlamini" in page.get_by_test_id("stSidebar").inner_text()
    deadline = time.monotonic() + 40
    while proxy.servers()[node].startswith("UP") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proxy.servers()[node].startswith("DOWN")
    print(f"the proxy took the stopped instance out {time.monotonic() - stopped:.1f} s "
          "after its stop (the page had already come from the other)")
    context.close()
