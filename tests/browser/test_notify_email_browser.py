"""A digest email's HTML part as a mail program shows it, in headless Chromium: the sentences,
their kinds and sources, the link, and hostile report text shown as text. The sentences are
given here (metrics.digest's own are tested in tests/metrics/test_digest.py), so the email is
what is tested."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from backends import empty_database

from followup import messages
from followup.recipients import Person
from followup.schedule import Due
from ingest import db
from metrics.digest import ActionRef, Sentence

HOSTILE = 'Works & <b>Roads</b> <script>alert("x")</script>'
# where the screenshot goes (to look at it: LEKGOTLA_SHOTS=folder)
SHOTS = Path(os.environ.get("LEKGOTLA_SHOTS", tempfile.gettempdir()))


def fake_digest(con: db.Connection, period: str, department: str | None = None) -> list[Sentence]:
    def ref(action_id: str, row: int) -> ActionRef:
        return ActionRef(str(department), action_id, "finance-june.xlsx", "Actions", row)
    return [Sentence("report_missing", f"The report of {HOSTILE} is missing.", {}, ()),
            Sentence("due_date_moved", "FIN-03 Procurement system: due date moved by 21 days, "
                     "from 9 Jun 2025 to 30 Jun 2025 (reason: Supplier delay).", {"days": 21},
                     (ref("FIN-03", 9),)),
            Sentence("completed", "1 action completed: FIN-01 Budget policy.", {"count": 1},
                     (ref("FIN-01", 7),))]


def test_a_digest_email_in_chromium(browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "digest", fake_digest)
    con = db.connect(empty_database())
    try:
        person = Person("head@example.org", "Nomvula Dlamini", "department_head",
                        frozenset({"Finance"}))
        msg = messages.compose(con, Due("digest", person, "2025-06", ("Finance",)), datetime(2025, 7, 10, 8))
    finally:
        con.close()
    html_part = msg.get_body(("html",))
    assert html_part is not None
    html = str(html_part.get_content())
    assert "<script>" not in html and "&lt;script&gt;" in html
    page_file = tmp_path / "digest.html"
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 760, "height": 700})
    try:
        page.goto(page_file.as_uri())
        body = page.inner_text("body")
        assert "What changed in June 2025: Finance" in body
        assert ("Due date moved: FIN-03 Procurement system: due date moved by 21 days, from 9 Jun "
                "2025 to 30 Jun 2025 (reason: Supplier delay). (from finance-june.xlsx, Actions "
                "row 9)") in body
        # shown as text, run as nothing
        assert f"Report missing: The report of {HOSTILE} is missing." in body
        assert page.locator("script").count() == 0 and page.locator("b").count() == 0
        assert page.get_by_role("link", name="Open the dashboard").get_attribute("href") == (
            "http://localhost:8501/department")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "digest-email.png"), full_page=True)
    finally:
        page.close()
