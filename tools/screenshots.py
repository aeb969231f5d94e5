"""Start the dashboard on a fresh database, open every page in headless Chromium, and save a
screenshot of each in docs/screenshots/ (the README shows them). Fails on any Streamlit exception.

    python -m tools.screenshots [--out docs/screenshots] [--width 1440] [--only phone]

Overview, Department and Upload are also taken at a phone's width (PHONE, 390 px), as
`<name>-phone.png`.

The app is started by tools/launch.py and driven by tools/browser.py, as in the browser tests.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tools.browser import exceptions, full_screenshot, launch, log_in, settle
from tools.launch import ROOT, auth_secrets, free_port, running_app

# (file name of the screenshot, URL path, page title)
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "", "Overview"),
    ("alignment", "alignment", "Alignment"),
    ("dependencies", "dependencies", "Dependencies"),
    ("initiatives", "initiatives", "Initiatives"),
    ("slippage", "slippage", "Slippage"),
    ("department", "department", "Department"),
    ("submissions", "submissions", "Submissions"),
    ("explore", "explore", "Explore & export"),
    ("upload", "upload", "Upload"),
    ("settings", "settings", "Settings"),
    ("users", "users", "Users"),
    ("audit", "audit", "Audit"),
    ("notifications", "notifications", "Notifications"),
)
# The pages taken at a phone's width too (an iPhone 12-14's 390 CSS px), as `<name>-phone.png`.
PHONE = 390
PHONE_PAGES = ("overview", "department", "upload")
# demo mode acts as an admin; a page for another role is opened as that role (URL parameter)
DEMO_ROLE = {"upload": "demo_role=M%26E+team"}


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
