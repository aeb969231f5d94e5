"""The digest rendered (presentation.digest) and as the review pack's "What changed" section, on
the hand-made history of tests/support/digest_history.py (June 2025 against May 2025)."""

from __future__ import annotations

import io

import pytest
from digest_history import HOSTILE
from openpyxl import load_workbook

from ingest import db
from metrics.digest import Sentence, digest
from metrics.filters import Filters
from metrics.pack import build_pack
from presentation.digest import (
    digest_html,
    digest_markdown,
    digest_rows,
    digest_text,
    heading,
    source_note,
)
from presentation.pack_html import pack_html
from presentation.pack_xlsx import pack_xlsx


@pytest.fixture(scope="module")
def sentences(digest_history: db.Connection) -> list[Sentence]:
    return digest(digest_history, "2025-06")


def hostile(sentences: list[Sentence]) -> Sentence:
    return next(s for s in sentences if s.kind == "overdue")  # F3, whose description is HOSTILE


def test_heading_names_the_previous_period() -> None:
    assert heading("2025-05") == "What changed since May 2025"
    assert heading("2025-Q1") == "What changed since Q1 2025"
    assert heading(None) == "What changed"


def test_source_note_names_file_sheet_and_rows(sentences: list[Sentence]) -> None:
    assert source_note(hostile(sentences)) == "from Finance_2025-06.xlsx, Status report row 7"
    more = next(s for s in sentences if s.kind == "new_action" and s.figures.get("more"))
    # the new actions left over: H-N5 (row 10), H-N6 (row 11)
    assert source_note(more) == "from Health_2025-06.xlsx, Status report rows 10, 11"
    kpi = next(s for s in sentences if s.kind == "kpi_move")
    assert source_note(kpi) == ""


def test_html_escapes_report_text(sentences: list[Sentence]) -> None:
    html = digest_html(sentences, "What changed since May 2025")
    assert "<script>" not in html and "**bold**" in html  # ** is no markup in HTML
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<span class="source">from Finance_2025-06.xlsx, Status report row 7</span>' in html
    assert html.count("<li") == len(sentences)
    assert "Nothing to report" in digest_html([])


def test_markdown_escapes_report_text(sentences: list[Sentence]) -> None:
    text = digest_markdown([hostile(sentences)])
    assert "<script>" not in text and "**bold**" not in text and "](https" not in text
    assert r"\<script\>alert\(1\)\</script\>" in text.replace("\\/", "/")
    assert r" *from Finance\_2025\-06\.xlsx\, Status report row 7*" in text


def test_plain_text_has_a_line_a_sentence_with_its_source(sentences: list[Sentence]) -> None:
    text = digest_text(sentences, "What changed since May 2025")
    lines = text.splitlines()
    assert lines[0] == "What changed since May 2025" and len(lines) == 2 + len(sentences)
    assert ("- Health: the June 2025 report came in 5 days late (12 Jul 2025; due by "
            "7 Jul 2025).") in lines
    assert any(HOSTILE in line and line.endswith("(from Finance_2025-06.xlsx, Status report row 7)")
               for line in lines)


@pytest.fixture(scope="module")
def pack(digest_history: db.Connection):  # noqa: ANN201 - metrics.pack.ReviewPack
    return build_pack(digest_history, Filters("2025-06"))


def test_pack_has_a_what_changed_section(pack, sentences: list[Sentence]) -> None:  # noqa: ANN001
    assert pack.digest == (("", tuple(sentences)),)
    html = pack_html(pack)
    section = html[html.index('<section id="what-changed"'):]
    section = section[:section.index("</section>")]
    assert "<h2>What changed since May 2025</h2>" in section
    assert "F2 “Upgrade the general ledger” (Finance): due date moved from 10 Jun 2025 to 1 Jul " \
           "2025 (+21 days), reason code: Supplier delay." in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section and "<script>alert" not in html
    assert '<a href="#what-changed">What changed</a>' in html


def test_pack_workbook_has_a_what_changed_sheet(pack, sentences: list[Sentence]) -> None:  # noqa: ANN001
    wb = load_workbook(io.BytesIO(pack_xlsx(pack)))
    ws = wb["What changed"]
    assert ws["A1"].value == "What changed since May 2025"
    assert [c.value for c in ws[4]] == ["Department", "Kind", "Change", "Source"]
    changes = [ws.cell(r, 3).value for r in range(5, 5 + len(sentences))]
    assert changes == [s.text for s in sentences]
    rows = digest_rows(pack.digest)
    assert rows["source"].iloc[0] == ""  # Works' missing report: no action
    # the organisation's digest: each row says whom it is about (a KPI's move: the organisation)
    assert list(rows["department"].iloc[:5]) == ["Works", "Finance", "Health", "Finance", "Health"]
    assert set(rows.loc[rows["kind"] == "KPI", "department"]) == {""}
    assert [ws.cell(r, 1).value for r in (5, 6, 7)] == ["Works", "Finance", "Health"]


def test_a_pack_of_several_departments_has_each_ones_digest(digest_history: db.Connection) -> None:
    several = build_pack(digest_history, Filters("2025-06", ("Finance", "Health")))
    assert [name for name, _ in several.digest] == ["Finance", "Health"]
    assert several.digest[0][1] == tuple(digest(digest_history, "2025-06", "Finance"))
