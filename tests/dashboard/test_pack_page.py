"""The Review pack page (AppTest): the quarter's stamp, the downloads and the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dashboard_helpers import TIMEOUT, app, texts

from ingest import db
from metrics import pack as review_pack

PAGE = "app_pages/review_pack.py"



def open_page(db_path: Path, monkeypatch: pytest.MonkeyPatch, **query: str):  # type: ignore[no-untyped-def]
    at = app(db_path, monkeypatch, query=query)
    at.switch_page(PAGE).run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


def test_review_pack_page_for_the_quarter(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(db_path, monkeypatch, view="Quarter")
    assert at.title[0].value == "Review pack"
    shown = texts(at)
    # Q2 2025: 7 departments, 75 actions (sample_data/README.md: June has 73 rows; the plan carries
    # over 2 Completed actions its reports leave out), 41 reports
    assert "7 departments, 75 actions" in shown
    assert "figures as of June 2025, compared with Q1 2025" in shown
    assert "built from 41 reports" in shown
    assert "Legal and Compliance (April 2025, missing)" in shown
    labels = [b.label for b in at.get("download_button")]
    assert labels[:2] == ["Workbook (XLSX)", "Report (HTML)"]
    assert at.button(key="pack-pdf-make").label == "Make the PDF"
    assert len(at.dataframe[0].value) == 7  # the reports in force, one per department


def test_a_provisional_month_is_said_so_and_compared_like_for_like(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # April 2025: Legal and Compliance, which reported March, did not report April; the page had
    # no banner, where the pack's own files and every other leadership page say so
    at = open_page(db_path, monkeypatch, period="April 2025")
    [warning] = [w.value.replace("\\", "") for w in at.warning if "Provisional" in w.value]
    assert warning.startswith("**Provisional: 6 of 7 departments reported April 2025**")
    shown = texts(at)
    assert "compared with March 2025 (the same 6 departments)" in shown
    assert "1 section in the report, 7 sheets in the workbook" not in shown  # 6 reported
    assert "6 sections in the report, 7 sheets in the workbook" in shown


def test_one_department_one_month(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(db_path, monkeypatch, period="April 2025", dept="Finance")
    shown = texts(at)
    # Finance 2025-04: 11 actions (sample_data/README.md); compared with March
    assert "1 department, 11 actions" in shown
    assert "compared with March 2025" in shown
    assert "This pack covers one month" in shown


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no chromium")
def test_make_the_pdf(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(db_path, monkeypatch, view="Quarter")
    at.button(key="pack-pdf-make").click().run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Download the PDF" in [b.label for b in at.get("download_button")]
    # an export like any other: checked and written to the audit log with the pack's file
    con = db.connect(db_path)
    rows = con.execute("SELECT outcome, period, detail FROM audit_log WHERE action = 'export'"
                       ).fetchall()
    con.close()
    assert [(o, p) for o, p, _ in rows] == [("ok", "2025-Q2")]
    detail = json.loads(rows[0][2])
    assert detail["file"] == "lekgotla-review-2025-Q2-all.pdf"
    assert detail["table"] == "review-pack" and detail["rows"] == 75


def test_a_large_pack_is_built_when_asked(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a pack of more action rows than the page builds on opening (here 10; June has 75)
    monkeypatch.setattr(review_pack, "BUILD_ON_OPEN_ROWS", 10)
    at = open_page(db_path, monkeypatch, view="Quarter")
    assert "The pack lists up to 75 actions" in texts(at)
    assert len(at.get("download_button")) == 0
    at.button(key="pack-build").click().run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert "7 departments, 75 actions" in texts(at)
    assert [b.label for b in at.get("download_button")][:2] == ["Workbook (XLSX)", "Report (HTML)"]
    at.run(timeout=TIMEOUT)  # another run of the page (a widget changed): the pack stays
    assert "7 departments, 75 actions" in texts(at)


@pytest.mark.parametrize(("query", "undo"), [
    ({"period": "June 2025", "obj": "SO5"}, "clear the objective filter"),  # SO5: no action
    ({"view": "Quarter", "period": "Q2 2025", "obj": "SO5"}, "clear the objective filter"),
    ({"period": "April 2025", "dept": "Legal and Compliance"}, "choose other departments")])
def test_a_pack_with_nothing_in_scope_says_so(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             query: dict[str, str], undo: str) -> None:
    # it raised KeyError: 'department' (an empty row choice read as a choice of no columns)
    at = app(db_path, monkeypatch, "review_pack", query=query)
    assert not at.exception
    assert f"No actions match these filters for {query['period']}: {undo}" in texts(at)
