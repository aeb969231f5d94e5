"""A digest email's HTML part as a mail program shows it, in headless Chromium: Finance's June
2025 digest on the digest's hand-made history (tests/support/digest_history.py, where the figures
are worked out), its sources, the link, and the hostile action description shown as text."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from digest_history import HOSTILE

from followup import messages
from followup.recipients import Person
from followup.schedule import Due
from ingest import db

# where the screenshot goes (to look at it: LEKGOTLA_SHOTS=folder)
SHOTS = Path(os.environ.get("LEKGOTLA_SHOTS", tempfile.gettempdir()))


def test_a_digest_email_in_chromium(browser: Any, tmp_path: Path,
                                    digest_history: db.Connection) -> None:
    person = Person("fin@example.org", "Fatima Finance", "department_head", frozenset({"Finance"}))
    msg = messages.compose(digest_history, Due("digest", person, "2025-06", ("Finance",)),
                           datetime(2025, 7, 10, 8))
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
        assert ("Due date moved: F2 “Upgrade the general ledger”: due date moved from 10 Jun 2025 "
                "to 1 Jul 2025 (+21 days), reason code: Supplier delay. (from "
                "Finance_2025-06.xlsx, Status report row 6)") in body
        assert "Budget utilisation rose from 69.0% to 81.0% (+12.0 pp)." in body
        # shown as text, run as nothing (an invisible word joiner keeps "https:" from a link)
        assert f"Overdue: F3 “{HOSTILE}” is now overdue" in body.replace("\u2060", "")
        assert page.locator("script").count() == 0 and page.locator("b").count() == 0
        assert page.locator("a[href*=evil]").count() == 0  # the Markdown link stays text
        assert page.get_by_role("link", name="Open the dashboard").get_attribute("href") == (
            "http://localhost:8501/department?period=2025-06")  # the month it speaks of
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "digest-email.png"), full_page=True)
    finally:
        page.close()
