"""The review pack's Across departments section (issue 16) on the hand-built chain of
tests/support/dependency_pages_history.py: IT-01 (overdue) holds up HR-03, which holds up FIN-05."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from backends import LAKE
from dependency_pages_history import build
from openpyxl import load_workbook

from ingest import db
from metrics import Filters
from metrics.pack import ReviewPack, build_pack
from presentation.pack_html import pack_html
from presentation.pack_xlsx import pack_xlsx

pytestmark = pytest.mark.skipif(LAKE, reason="the hand-built history is a DuckDB file")


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> ReviewPack:
    con = db.connect(build(tmp_path_factory.mktemp("across") / "across.duckdb"))
    try:
        return build_pack(con, Filters("2025-06"))
    finally:
        con.close()


def test_html_section(pack: ReviewPack) -> None:
    html = pack_html(pack)
    section = html[html.index('<section id="across"'):]
    section = section[:section.index("</section>")]
    # 3 open dependencies across departments (HR-03 on IT-01, HR-04 on IT-02, FIN-05 on HR-03),
    # 2 late: 66.7%
    assert "3 open dependencies across departments; 2 late (66.7%)." in section
    assert "<h3>Blocked by another department (2)</h3>" in section
    # the most days late first: FIN-05 (on HR-03), then HR-03 (on IT-01); both ends' sources
    assert section.index("FIN-05") < section.index("Onboard forty new recruits</td>")
    assert "Finance_2025-06.xlsx · Actions · row 5" in section
    assert '<a href="#across">Across departments</a>' in html


def test_workbook_sheet(pack: ReviewPack) -> None:
    wb = load_workbook(io.BytesIO(pack_xlsx(pack)))
    ws = wb["Across departments"]
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Blocked by another department (2)" in cells and "Initiatives (1)" in cells
    assert cells.count("FIN-05") == 1 and "Human Resources_2025-06.xlsx · Actions · row 5" in cells


def test_no_dependencies_says_so(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "empty.duckdb")
    assert "No open action waits" in pack_html_for(con)


def pack_html_for(con: db.Connection) -> str:
    from dashboard_helpers import finance_july

    from ingest.load import load_file
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    return pack_html(build_pack(con, Filters("2025-07")))
