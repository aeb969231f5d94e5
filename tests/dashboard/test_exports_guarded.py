"""The only exports are Lekgotla's own (issue 11, items 6 and 7): the tables' built-in "Download
as CSV" (and copy) is off however the app is started (every table of every page is hovered in
tests/browser/test_offline_browser.py's walk), the template writes report text as neutralised
strings (never a formula), and that text reads back unchanged when uploaded."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import (
    APP,
    ROOT,
    app,
    clear_caches,
    copy_db,
    texts,
    workbook,
)
from openpyxl import load_workbook
from streamlit import config
from streamlit.testing.v1 import AppTest

from ingest import db
from ingest.cli import main
from ingest.neutral import FORMULA_STARTS, neutral, unneutral
from tools.browser import CHROMIUM, exceptions, settle, toolbar_labels
from tools.launch import running_app

DISABLE = "client.disableDataExport"


def test_config_turns_off_the_tables_own_download() -> None:
    # `streamlit run dashboard/app.py` from the project folder (README) reads this file
    options = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert options["client"]["disableDataExport"] is True


def test_app_turns_it_off_when_started_without_the_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # started from another folder, .streamlit/config.toml is not read: the router sets it itself
    before = config.get_option(DISABLE)
    config.set_option(DISABLE, False)
    try:
        monkeypatch.setenv("LEKGOTLA_DB", str(tmp_path / "lekgotla.duckdb"))
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.secrets = {"lekgotla": {}}
        at.run()
        assert not at.exception
        assert config.get_option(DISABLE) is True
    finally:
        config.set_option(DISABLE, before)
        clear_caches()


# ---- in the browser ---------------------------------------------------------------------------

browser_only = [pytest.mark.browser,
                pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                   reason="Debian chromium is not installed")]


@pytest.fixture(scope="module")
def url(sample_app: str) -> str:
    return sample_app


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_started_from_another_folder_the_first_page_has_no_table_download(
        browser: Any, sample_db: Path, tmp_path: Path) -> None:
    # no .streamlit/config.toml is read from /tmp: the router turns it off before the first page
    # (on a copy of the sample data: the first start's own load of it is tested elsewhere)
    with running_app(copy_db(sample_db, tmp_path), cwd=tmp_path, address="127.0.0.1",
                     secrets=tmp_path / "no-secrets.toml", env={"PYTHONPATH": str(ROOT)}) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/explore?dept=Finance")
        settle(page, "Explore & export")
        page.locator("[data-testid='stDataFrame']").first.wait_for()
        settle(page)
        assert not exceptions(page)
        [labels] = toolbar_labels(page)
        assert "Search" in labels and not any("CSV" in x for x in labels), labels
        context.close()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_explore_keeps_lekgotlas_own_downloads_for_roles_that_export(
        page: Any, url: str, tmp_path: Path) -> None:
    page.goto(f"{url}/explore?dept=Finance&status=Completed&demo_role=M%26E+team")
    settle(page, "Explore & export")
    assert not exceptions(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="XLSX (7 rows)").click()
    target = tmp_path / "export.xlsx"
    shutil.copy(info.value.path(), target)
    assert load_workbook(target).active.max_row == 8  # the header and Finance's 7 Completed
    # a department head reads the rows but has no download at all
    page.goto(f"{url}/explore?dept=Finance&demo_role=Department+head&demo_dept=Finance")
    settle(page, "Explore & export")
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    settle(page)
    assert not exceptions(page)
    assert page.get_by_role("button", name=re.compile(r"^(CSV|XLSX)")).count() == 0
    assert page.locator("[data-testid='stDownloadButton']").count() == 0
    [labels] = toolbar_labels(page)
    assert not any("CSV" in x for x in labels), labels


# ---- the template ------------------------------------------------------------------------------

# report text a spreadsheet would run, one per free-text column (SPEC §7's starts: = + - @)
PAYLOADS = {
    "action": '=HYPERLINK("https://example.invalid","open")',
    "responsible": "+cmd|' /C calc'!A0",
    "resources": "@SUM(1+1)",
    "success_metric": "-2+3",
    "risk": '=WEBSERVICE("https://example.invalid/leak")',
    "mitigation": "+27 11 555 0100",
    "comments": "-5% variance, see '=A1'",
}
HEADERS = {"action": "Action", "responsible": "Responsible", "resources": "Resources",
           "success_metric": "Success metric", "risk": "Risk", "mitigation": "Mitigation",
           "comments": "Comments"}
TEXT_COLUMNS = tuple(PAYLOADS)


def _payload_report() -> bytes:
    """Finance's June 2025 report: two open actions whose every free-text cell looks like a
    formula (written as text cells, as a department's spreadsheet holds them)."""
    rows: list[list[Any]] = [
        ["Department", "Finance"], ["Reporting period", "June 2025"], [],
        ["Action ID", "Objective ID", "Budget allocated", "Budget spent", "Start date", "Due date",
         "Status", "Percent complete", *HEADERS.values()],
    ]
    for n, status in ((1, "In progress"), (2, "Not started")):
        rows.append([f"FIN-{n:02d}", "SO1", 1000, 100 * n, dt.date(2025, 1, 6), dt.date(2025, 9, 30),
                     status, 40 if n == 1 else 0, *PAYLOADS.values()])
    return workbook(rows)  # text that looks like a formula stays a text cell


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    """A database with the sample register and the payload report for Finance, June 2025."""
    dbp = tmp_path / "lekgotla.duckdb"
    assert main(["strategy", str(ROOT / "sample_data" / "strategy_register.xlsx"),
                 "--db", str(dbp)]) == 0
    report = tmp_path / "Finance_2025-06.xlsx"
    report.write_bytes(_payload_report())
    assert main(["load", str(report), "--db", str(dbp)]) == 0
    return dbp


def _stored(dbp: Path, period: str) -> dict[str, tuple[Any, ...]]:
    con = db.connect(dbp)
    try:
        rows = con.execute(
            f"SELECT action_id, {', '.join(TEXT_COLUMNS)} FROM action_status "
            "WHERE department = 'Finance' AND period = $p AND is_current ORDER BY action_id",
            {"p": period}).fetchall()
    finally:
        con.close()
    return {r[0]: tuple(r[1:]) for r in rows}


def _template(dbp: Path, out: Path) -> Path:
    assert main(["template", "--department", "Finance", "--period", "2025-07", "--out", str(out),
                 "--db", str(dbp)]) == 0
    return out


def _formula_elements(path: Path) -> list[str]:
    """Every <f> (formula) element in any part of the workbook."""
    with zipfile.ZipFile(path) as z:
        return [f"{name}: {m.group(0)}" for name in z.namelist() if name.endswith(".xml")
                for m in re.finditer(r"<(?:\w+:)?f[ >/][^<]*", z.read(name).decode())]


def test_neutral_and_its_inverse() -> None:
    for text in (*PAYLOADS.values(), "\t=1+1", "\r@SUM(1)"):
        assert text.startswith(FORMULA_STARTS)
        assert neutral(text) == "'" + text and unneutral(neutral(text)) == text
    for text in ("Plain words", "'tis the season", "'", "", "3 - 2"):
        assert neutral(text) == text and unneutral(text) == text
    assert neutral(5) == 5 and neutral(None) is None


def test_template_writes_report_text_as_strings_never_formulas(loaded: Path,
                                                               tmp_path: Path) -> None:
    assert _stored(loaded, "2025-06") == {a: tuple(PAYLOADS.values()) for a in ("FIN-01", "FIN-02")}
    # text led by a tab or carriage return (a mapping's defaults, an older version) too
    con = db.connect(loaded)
    con.execute("UPDATE action_status SET comments = chr(9) || '=1+1', risk = chr(13) || '@SUM(1)' "
                "WHERE department = 'Finance' AND action_id = 'FIN-02'")
    con.close()
    out = _template(loaded, tmp_path / "Finance_2025-07.xlsx")
    assert _formula_elements(out) == []
    ws = load_workbook(out)["Actions"]
    header = {c.value: c.column for c in ws[6]}
    for row, expected in ((7, PAYLOADS), (8, dict(PAYLOADS, comments="\t=1+1", risk="\r@SUM(1)"))):
        for canon, text in expected.items():
            cell = ws.cell(row=row, column=header[HEADERS[canon]])
            # (XML reads a stored carriage return back as a line feed)
            assert cell.data_type == "s", (canon, cell.value)
            assert cell.value == ("'" + text).replace("\r", "\n"), (canon, cell.value)
    for row in load_workbook(out)["Actions"].iter_rows():
        for cell in row:
            assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS))


def test_template_uploaded_back_unchanged_keeps_the_text(loaded: Path, tmp_path: Path) -> None:
    out = _template(loaded, tmp_path / "Finance_2025-07.xlsx")
    assert main(["load", str(out), "--db", str(loaded)]) == 0
    june, july = _stored(loaded, "2025-06"), _stored(loaded, "2025-07")
    assert july == june  # the apostrophe the template added is read away, nothing else


# ---- the original file -------------------------------------------------------------------------


def test_original_file_says_it_is_the_raw_upload(sample_db: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(copy_db(sample_db, tmp_path), monkeypatch, "department", query={"dept": "Finance"})
    clear_caches()
    assert not at.exception
    [button] = [b for b in at.get("download_button") if b.proto.label == "Original file"]
    assert "not checked or neutralised" in button.proto.help
    assert "exactly as it was uploaded" in texts(at)
    assert "open it only if you trust the sender" in texts(at)
