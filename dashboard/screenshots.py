"""Start the dashboard on a fresh database, open every page in headless Chromium, and save a
screenshot of each in docs/screenshots/ (the README shows them). Fails on any Streamlit exception.

    python dashboard/screenshots.py [--out docs/screenshots] [--width 1440] [--only phone]

Overview, Department and Upload are also taken at a phone's width (PHONE, 390 px), as
`<name>-phone.png`.

The browser test (tests/test_browser.py) drives the app with the same helpers.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# (file name of the screenshot, URL path, page title)
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "", "Overview"),
    ("alignment", "alignment", "Alignment"),
    ("slippage", "slippage", "Slippage"),
    ("department", "department", "Department"),
    ("submissions", "submissions", "Submissions"),
    ("explore", "explore", "Explore & export"),
    ("upload", "upload", "Upload"),
    ("settings", "settings", "Settings"),
    ("users", "users", "Users"),
    ("audit", "audit", "Audit"),
)
# The pages taken at a phone's width too (an iPhone 12-14's 390 CSS px), as `<name>-phone.png`.
PHONE = 390
PHONE_PAGES = ("overview", "department", "upload")
# demo mode acts as an admin; a page for another role is opened as that role (URL parameter)
DEMO_ROLE = {"upload": "demo_role=M%26E+team"}
EXCEPTION = "[data-testid='stException']"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(db_path: Path, port: int | None = None, timeout: float = 60,
                secrets: Path | None = None, env: dict[str, str] | None = None
                ) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on `db_path`; yields the base URL, stops it after.

    `secrets`: the secrets file to use instead of .streamlit/secrets.toml (login tests);
    without it, none is read, so the app runs in demo mode whatever the folder holds."""
    port = port or free_port()
    env = dict(os.environ, LEKGOTLA_DB=str(db_path), **(env or {}))
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets or Path(tempfile.gettempdir()) / "no-secrets.toml")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("The dashboard did not start:\n"
                                   + log.read().decode(errors="replace")[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def settle(page: Any, title: str | None = None, timeout_ms: int = 60_000) -> None:
    """Wait until the page's script has finished and its charts are drawn."""
    if title is not None:
        page.locator("h1", has_text=title).first.wait_for(timeout=timeout_ms)
    page.wait_for_function(
        "() => !Array.from(document.querySelectorAll('[data-testid=\"stStatusWidget\"]'))"
        ".some(e => /running/i.test(e.innerText))", timeout=timeout_ms)
    page.wait_for_timeout(600)
    # no element still drawn as a grey placeholder (a run in progress after the first one)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')",
                           timeout=timeout_ms)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every(p => p.querySelector('.main-svg'))", timeout=timeout_ms)
    page.wait_for_timeout(400)


def exceptions(page: Any) -> list[str]:
    """The text of every Streamlit exception block on the page."""
    return [e.inner_text() for e in page.query_selector_all(EXCEPTION)]


def full_screenshot(page: Any, path: Path, width: int) -> None:
    """The whole page (Streamlit scrolls inside its main block, so grow the window to fit)."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }")
    page.set_viewport_size({"width": width, "height": max(900, min(int(height) + 40, 7000))})
    page.wait_for_timeout(700)
    settle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 900})


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def capture_all(url: str, out: Path, width: int = 1440, names: tuple[str, ...] | None = None,
                suffix: str = "") -> dict[str, float]:
    """Open every page (or those in `names`), fail on an exception block, save
    `<name><suffix>.png`; seconds per page."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for name, path, title in PAGES:
            if names is not None and name not in names:
                continue
            start = time.monotonic()
            page.goto(f"{url}/{path}" + (f"?{DEMO_ROLE[name]}" if name in DEMO_ROLE else ""))
            settle(page, title)
            timings[name] = time.monotonic() - start
            found = exceptions(page)
            if found:
                raise AssertionError(f"{name}: Streamlit exception:\n" + "\n".join(found))
            full_screenshot(page, out / f"{name}{suffix}.png", width)
        browser.close()
    return timings


def capture_phone(url: str, out: Path) -> dict[str, float]:
    """Overview, Department and Upload at a phone's width: `<name>-phone.png`."""
    return capture_all(url, out, PHONE, PHONE_PAGES, "-phone")


def example_report() -> bytes:
    """A Finance report for July 2025 with mistakes, to show the validation report."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Actions"
    for row in (
        ["Department", "Finance"], ["Reporting period", "July 2025"], [],
        ["Action ID", "Action", "Objective ID", "Responsible", "Budget allocated",
         "Budget spent", "Start date", "Due date", "Status", "Percent complete"],
        ["FIN-03", "Reduce supplier payment turnaround to 30 days", "SO4", "Ruan Pretorius",
         400000, 320000, "01/02/2025", "30/06/2025", "Nearly done", 95],
        ["FIN-04", "Upgrade the financial system to the vendor's cloud release", "SO8",
         "Priya Govender", 1850000, 2063800, "01/03/2025", "31/02/2025", "In progress", 90],
        ["FIN-05", "Prepare interim financial statements for the half-year", "SO3",
         "Kagiso Molefe", "R 150 000", 90000, "01/04/2025", "31/07/2025", "At risk", "eighty"],
    ):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def capture_upload(url: str, out: Path, width: int = 1440) -> None:
    """The Upload page with a report that has mistakes: every problem with its cell."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = Path(tmp) / "Finance_2025-07.xlsx"
        path.write_bytes(example_report())
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{url}/upload?{DEMO_ROLE['upload']}")
        settle(page, "Upload")
        page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(path))
        page.get_by_text("Fix these cells and upload again").wait_for()
        settle(page)
        found = exceptions(page)
        if found:
            raise AssertionError("upload: Streamlit exception:\n" + "\n".join(found))
        full_screenshot(page, out / "upload-validation.png", width)
        browser.close()


def log_in(page: Any, app_url: str, idp_url: str, email: str, verified: bool | None = True) -> None:
    """From the login page through a local oidc-provider-mock's form and back to the app, as a
    user whose token says `email_verified: verified` (None: no such claim, the mock's default)."""
    claims: dict[str, Any] = {"email": email}
    if verified is not None:
        claims["email_verified"] = verified
    request = urllib.request.Request(f"{idp_url}/users/{urllib.parse.quote(email)}", method="PUT",
                                     data=json.dumps(claims).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (the local mock provider)
        pass
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{idp_url}/**")
    page.fill("input[name=sub]", email)  # the mock provider's user: its email is the subject
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")


def auth_secrets(path: Path, app_port: int, idp_url: str) -> Path:
    """A secrets file whose [auth] logs in with the identity provider at `idp_url`."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{app_port}/oauth2callback"\n'
        'cookie_secret = "local-test-cookie-secret-0123456789"\n'
        'client_id = "lekgotla"\n'
        'client_secret = "lekgotla-test-secret"\n'
        f'server_metadata_url = "{idp_url}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    return path


def capture_login(out: Path, width: int = 1440) -> None:
    """The login page, the page an unknown identity sees, and the admin's Users and Audit pages:
    the app with login configured against a local OpenID Connect provider (oidc-provider-mock,
    a development dependency), on the sample data with the register's heads as users."""
    from oidc_provider_mock import run_server_in_thread
    from playwright.sync_api import sync_playwright

    from ingest import db
    from ingest.access import CLI
    from ingest.sample import load_sample_data
    from ingest.users import save_user, seed_department_heads

    admin = "thabo.nkosi@lekgotla.example"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lekgotla.duckdb"
        con = db.connect(path)
        load_sample_data(con)
        seed_department_heads(con, CLI)
        save_user(con, CLI, admin, "admin", "Thabo Nkosi")
        save_user(con, CLI, "refilwe.sithole@lekgotla.example", "me", "Refilwe Sithole")
        save_user(con, CLI, "ceo@lekgotla.example", "leadership", "Naledi Mahlangu")
        con.close()
        with run_server_in_thread(port=0) as server:
            idp = f"http://localhost:{server.server_port}"
            port = free_port()
            secrets = auth_secrets(Path(tmp) / "secrets.toml", port, idp)
            with running_app(path, port=port, secrets=secrets), sync_playwright() as p:
                url = f"http://localhost:{port}"
                browser = launch(p)
                for who, shots in (
                        ("stranger@elsewhere.example", ("login", "no-access")),
                        ("nomvula.dlamini@lekgotla.example", ("not-for-role",)),
                        (admin, ("users", "audit"))):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(url)
                    page.get_by_role("button", name="Log in").wait_for()
                    page.wait_for_timeout(500)
                    if "login" in shots:
                        full_screenshot(page, out / "login.png", width)
                    log_in(page, url, idp, who)
                    for shot in shots:
                        if shot == "no-access":
                            page.locator("h1", has_text="No access yet").wait_for()
                            settle(page)
                        elif shot == "not-for-role":
                            page.goto(f"{url}/settings")
                            settle(page, "Not available to your role")
                        elif shot in ("users", "audit"):
                            page.goto(f"{url}/{shot}")
                            settle(page, shot.title())
                        else:
                            continue
                        found = exceptions(page)
                        if found:
                            raise AssertionError(f"{shot}: Streamlit exception:\n"
                                                 + "\n".join(found))
                        full_screenshot(page, out / f"{shot}.png", width)
                    page.close()
                browser.close()


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots on a fresh database holding the sample data."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--only", choices=["phone"], help="take only the phone screenshots")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "lekgotla.duckdb") as url:
        # the first request loads the sample data into the empty database
        timings = {} if args.only else capture_all(url, args.out, args.width)
        timings.update({f"{name}-phone": seconds
                        for name, seconds in capture_phone(url, args.out).items()})
        if not args.only:
            capture_upload(url, args.out, args.width)
    if not args.only:
        capture_login(args.out, args.width)
    for name, seconds in timings.items():
        print(f"{name:12} {seconds:5.1f} s  {args.out / (name + '.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
