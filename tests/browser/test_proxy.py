"""Several dashboard processes behind HAProxy (deploy/, issue 14 item 2), in headless Chromium:
a browser stays on one instance (the LEKGOTLA_NODE cookie) while its pages render over the
WebSocket through the proxy; a login works through the proxy whichever instance serves the
identity provider's callback, and its cookie holds on every instance; a stopped instance's users
reach the other; `deploy/start` starts and stops the whole set with one command (with PostgreSQL
and the shared store, and with a DuckDB file each); and on the shared store an upload through one
instance shows on the other at its next rerun.

Where the login and stickiness are checked, the two instances each have a DuckDB file of their
own, with different months of Finance, so that the page itself says which instance drew it. The
shared-store tests need the lake extra and PostgreSQL: skipped without them, failed in CI."""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import finance_july

from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from ingest.register import load_register
from ingest.users import save_user
from tools.browser import CHROMIUM, exceptions, settle
from tools.browser import log_in as sign_in
from tools.launch import (
    DEPLOY_START,
    auth_secrets,
    deploy_start,
    free_port,
    free_ports,
    haproxy_binary,
    running_proxy,
    started_app,
)

if haproxy_binary() is None and os.environ.get("CI"):
    pytest.fail("HAProxy is not installed: .ci/run installs Debian's haproxy", pytrace=False)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(haproxy_binary() is None,
                       reason="HAProxy is not installed (apt-get install haproxy; .ci/run does)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")
oidc = pytest.importorskip("oidc_provider_mock")

HEAD = "nomvula.dlamini@lekgotla.example"  # head of Finance in the sample register
NODE = "LEKGOTLA_NODE"
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


def _node(context: Any) -> str:
    """The instance the proxy keeps this browser on."""
    return str(next(c["value"] for c in context.cookies() if c["name"] == NODE))


def _new_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    return context, context.new_page()


def _shows_month_of(page: Any, node: str) -> bool:
    settle(page, "Department")
    return bool(page.get_by_text(f"{MONTHS[node]} · Finance").first.is_visible())


def test_a_browser_sticks_to_one_instance_and_its_pages_render_over_the_websocket(
        browser: Any, site: dict[str, Any]) -> None:
    assert site["proxy"].servers() == {"app1": "UP", "app2": "UP"}
    context, page = _new_page(browser)
    sockets: list[Any] = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(site["url"])
    page.get_by_role("button", name="Log in").wait_for()
    node = _node(context)
    sign_in(page, site["url"], site["idp"], HEAD)
    assert _shows_month_of(page, node)  # drawn by the instance the cookie names
    for path in ("explore", "department"):
        page.goto(f"{site['url']}/{path}")
        settle(page)
        assert not exceptions(page), path
        assert _node(context) == node
    assert _shows_month_of(page, node)
    # every page came over Streamlit's WebSocket, through the proxy (none went to an instance)
    assert sockets and all(ws.url.startswith(site["url"].replace("http", "ws", 1) + "/_stcore/stream")
                           for ws in sockets)
    assert "Nomvula Dlamini" in page.get_by_test_id("stSidebar").inner_text()

    # another browser, while this one's WebSocket is open: the other instance (leastconn)
    other_context, other = _new_page(browser)
    other.goto(site["url"])
    other.get_by_role("button", name="Log in").wait_for()
    assert _node(other_context) != node
    sign_in(other, site["url"], site["idp"], HEAD)
    assert _shows_month_of(other, _node(other_context))
    other_context.close()
    context.close()


def test_a_login_holds_whichever_instance_serves_the_callback(
        browser: Any, site: dict[str, Any]) -> None:
    """The login starts on one instance and the provider's callback lands on the other: the OAuth
    state (Streamlit's session cookie) and the identity cookie are signed with the one shared
    cookie_secret, so either instance accepts what the other wrote."""
    context, page = _new_page(browser)
    page.goto(site["url"])
    page.get_by_role("button", name="Log in").wait_for()
    first = _node(context)
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
    assert _node(context) == second
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
    context, page = _new_page(browser)
    page.goto(proxy.url)
    page.get_by_role("button", name="Log in").wait_for()
    node = _node(context)
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
    assert not exceptions(page) and _node(context) == node
    stopped = time.monotonic()
    site["apps"][node].process.terminate()
    site["apps"][node].process.wait(timeout=15)
    # before the health check has noticed: the refused connection is sent to the other
    survivor = "app2" if node == "app1" else "app1"
    page.goto(proxy.url)
    assert _shows_month_of(page, survivor)
    assert _node(context) == survivor
    assert "Nomvula Dlamini" in page.get_by_test_id("stSidebar").inner_text()
    deadline = time.monotonic() + 40
    while proxy.servers()[node].startswith("UP") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proxy.servers()[node].startswith("DOWN")
    print(f"the proxy took the stopped instance out {time.monotonic() - stopped:.1f} s "
          "after its stop (the page had already come from the other)")
    context.close()


def _run_deploy_start(args: list[str], port: int) -> tuple[subprocess.Popen[str], list[str]]:
    """deploy/start with `args`, once it says it is ready (its output so far)."""
    proc = subprocess.Popen(
        [sys.executable, str(DEPLOY_START), "--port", str(port), "--python", sys.executable,
         *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, LEKGOTLA_LOAD_SAMPLE_DATA="false"))
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Open "):
            break
    assert lines and lines[-1].startswith(f"Open http://localhost:{port}"), "".join(lines)
    return proc, lines


def _stop_deploy_start(proc: subprocess.Popen[str], ports: list[int]) -> str:
    """SIGTERM (as Ctrl-C): it exits 0 and nothing answers on `ports` any more."""
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, rest
    assert "Stopped." in rest
    for p in ports:
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{p}/_stcore/health", timeout=2)
    return rest


def test_deploy_start_with_postgresql_and_the_shared_store() -> None:
    """The one command as documented: a PostgreSQL cluster in the state folder (initdb, the
    catalog database), the shared store created and migrated, two dashboards and the proxy; all
    stopped, PostgreSQL too, on SIGTERM; a second start reuses cluster and store."""
    missing = _lake_missing()
    if missing:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)
    # not under pytest's tmp_path: its folders are private to root, and PostgreSQL runs as postgres
    state = Path(tempfile.mkdtemp(prefix="lekgotla-deploy-"))
    state.chmod(0o755)
    try:
        port, first, pg_port = free_port(), free_ports(2), free_port()
        args = ["--state", str(state), "--instances", "2", "--first-port", str(first),
                "--pg-port", str(pg_port), "--secrets", str(state / "none.toml")]
        for run in ("new", "again"):
            start = time.monotonic()
            proc, lines = _run_deploy_start(args, port)
            try:
                text = "".join(lines)
                assert "PostgreSQL ready" in text and "Store ready" in text, text
                assert deploy_start().servers_state(state / "run" / "haproxy.sock") == {
                    "app1": "UP", "app2": "UP"}
                print(f"deploy/start ({run} cluster and store): up in "
                      f"{time.monotonic() - start:.1f} s")
            finally:
                _stop_deploy_start(proc, [port, first, first + 1])
            assert not (state / "postgres" / "postmaster.pid").exists()  # stopped too
        assert (state / "lake").is_dir() and any((state / "lake").rglob("*.parquet"))
    finally:
        shutil.rmtree(state, ignore_errors=True)


def test_deploy_start_starts_and_stops_everything_with_one_command(tmp_path: Path) -> None:
    """`deploy/start` with a DuckDB file per dashboard (no PostgreSQL): the proxy answers and
    sets its cookie, with every dashboard UP; SIGTERM (as Ctrl-C) stops them all."""
    port, first = free_port(), free_ports(2)
    state = tmp_path / "state"
    start = time.monotonic()
    proc, _ = _run_deploy_start(
        ["--state", str(state), "--instances", "2", "--first-port", str(first),
         "--db", str(tmp_path / "app{i}.duckdb"), "--secrets", str(tmp_path / "none.toml")], port)
    try:
        started = time.monotonic() - start
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
            assert r.status == 200
            assert any(c.startswith(f"{NODE}=app") for c in r.headers.get_all("Set-Cookie"))
        sock = state / "run" / "haproxy.sock"
        assert deploy_start().servers_state(sock) == {"app1": "UP", "app2": "UP"}
        print(f"deploy/start: 2 instances and the proxy up in {started:.1f} s")
        # docs/deployment.md's drain before a restart: new browsers go to the other dashboard,
        # one that holds the drained one's cookie stays there
        deploy_start().haproxy_command(sock, "set server dashboards/app1 state drain")
        assert deploy_start().servers_state(sock)["app1"] == "DRAIN"
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                assert f"{NODE}=app2; path=/; HttpOnly; SameSite=Lax" in r.headers.get_all(
                    "Set-Cookie")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/",
                                         headers={"Cookie": f"{NODE}=app1"})
        with urllib.request.urlopen(request, timeout=5) as r:
            assert r.status == 200
            assert not any(c.startswith(NODE) for c in r.headers.get_all("Set-Cookie") or [])
    finally:
        _stop_deploy_start(proc, [port, first, first + 1])

def _lake_missing() -> str | None:
    """Why the shared store cannot run here (None when it can): the lake extra, PostgreSQL."""
    if importlib.util.find_spec("duckdb_ext") is None:
        return 'the lake extra is not installed (pip install -e ".[lake]"; .ci/run does)'
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") and shutil.which("initdb") is None:
        return "PostgreSQL is not installed (apt-get install postgresql; .ci/run does)"
    return None


def _reports_in_force(page: Any) -> int:
    """The sidebar's count of the reports in force, as the page's session last read the store."""
    found = re.search(r"Data: (\d+) reports? in force",
                      page.get_by_test_id("stSidebar").inner_text())
    assert found, page.get_by_test_id("stSidebar").inner_text()
    return int(found.group(1))


def test_an_upload_through_one_instance_shows_on_the_other_at_its_next_rerun(
        browser: Any, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two dashboards on one shared store (DuckLake on a throw-away PostgreSQL) behind the proxy,
    each with a browser open on it: Finance's June report uploaded through one shows on the other
    as soon as that one reruns (a move to another page), without a reload or a restart."""
    missing = _lake_missing()
    if missing:  # CI installs both: there a missing one is a failure
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)
    from tools.postgres import Cluster

    folder = tmp_path_factory.mktemp("proxy-lake")
    with Cluster.started() as pg:
        target = "ducklake:postgres:" + pg.create_database("proxylake")
        data = folder / "lake"
        data.mkdir()
        monkeypatch.setenv("LEKGOTLA_DATA_PATH", f"{data}/")
        con = db.connect(target)  # the register and Finance's May: June is to come
        load_register(con, (SAMPLE / "strategy_register.xlsx").read_bytes(),
                      "strategy_register.xlsx")
        load_file(con, (SAMPLE / "reports" / "Finance_2025-05.xlsx").read_bytes(),
                  "Finance_2025-05.xlsx")
        con.close()
        env = {"LEKGOTLA_DATA_PATH": f"{data}/", "LEKGOTLA_LOAD_SAMPLE_DATA": "false"}
        with started_app(target, env=env, address="127.0.0.1") as app1, \
                started_app(target, env=env, address="127.0.0.1") as app2:
            ports = [int(a.url.rsplit(":", 1)[1]) for a in (app1, app2)]
            with running_proxy(ports, folder) as proxy:
                reader_context, reader = _new_page(browser)
                reader.goto(f"{proxy.url}/department?department=Finance")
                settle(reader, "Department")
                assert reader.get_by_text("May 2025 · Finance").first.is_visible()
                assert _reports_in_force(reader) == 1
                uploader_context, uploader = _new_page(browser)
                uploader.goto(f"{proxy.url}/upload?demo_role=M%26E+team")
                settle(uploader, "Upload")
                # one browser on each dashboard (leastconn: the reader's WebSocket is open)
                assert _node(uploader_context) != _node(reader_context)
                uploader.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(
                    str(SAMPLE / "reports" / "Finance_2025-06.xlsx"))
                uploader.get_by_role("button", name="Commit").click()
                uploader.get_by_text("Finance, June 2025:").first.wait_for()
                assert not exceptions(uploader)
                # the reader's next rerun, in the same session (a move to another page through
                # the sidebar, so that the new page's title marks the new run): the new report
                reader.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview").click()
                settle(reader, "Overview")
                sync_api.expect(reader.get_by_test_id("stSidebar")).to_contain_text(
                    "Data: 2 reports in force", timeout=30_000)
                assert not exceptions(reader)
                # a new session on the Department page starts on the latest month
                reader.goto(f"{proxy.url}/department?department=Finance")
                settle(reader, "Department")
                assert reader.get_by_text("June 2025 · Finance").first.is_visible()
                uploader_context.close()
                reader_context.close()
