"""Issue 11, items 1-3: no upload can stop the server or the command line.

A workbook whose cells span a huge range is refused before the dense read that would abort the
process; the workbook's relationship parts are parsed in linear time; a CSV is capped before its
rows are held; every read the dashboard makes of uploaded bytes runs in a bounded worker, so even
a reader that dies costs only its own process; a bulk load survives a worker's death. The hostile
files are generated (tests/data/make_bad_files.py), never stored as large binaries.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from functools import partial
from pathlib import Path
from typing import Any

import make_bad_files as bad
import pytest
from dashboard_helpers import Downloads, app, clear_caches, texts
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from ingest import db
from ingest.access import SYSTEM
from ingest.annotate import annotate_bounded
from ingest.bulk import _parse, load_files
from ingest.errors import IngestError
from ingest.parse import Options, ParsedFile, parse_file
from ingest.read import read_csv, read_sheets, read_workbook, sheet_extent
from ingest.worker import parse_file_bounded, run_bounded

ROOT = Path(__file__).resolve().parents[2]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIMITS = {"max_bytes": 20_000_000, "max_uncompressed": 100_000_000}
DIES = "dies-"  # a file whose name starts so kills the process that parses it (see `_abort_or_parse`)


def _abort_or_parse(item: tuple[str, bytes], opts: Options) -> ParsedFile:
    """The bulk load's parse, except that a file named `dies-...` aborts the process parsing it, as a
    native reader that runs out of memory does (module-level: it runs in forkserver workers)."""
    if item[0].startswith(DIES):
        os.abort()
    return _parse(item, opts)


def _abort() -> None:
    os.abort()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


# --- 1. the range check -------------------------------------------------------------------------------


def test_the_corner_cell_workbook_is_refused_with_the_far_cell_named() -> None:
    with pytest.raises(IngestError) as e:
        _ = read_workbook(bad.corner_cells(), "corner.xlsx", **LIMITS).sheets[0].rows
    assert "Sheet 'Sheet' of corner.xlsx" in e.value.message
    assert "cell XFD1048576" in e.value.message and "Delete the stray content" in e.value.message


def test_the_real_extent_counts_not_the_dimension_tag() -> None:
    data = bad.far_cell_no_dimension()
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    parsed = parse_file(data, "Finance_2025-02.xlsx", Options())
    assert parsed.unreadable and "cell XFD200000" in parsed.errors[0].message


def test_formatting_far_away_is_not_content() -> None:
    """Empty formatted cells (a whole column coloured, say) are not read, so they are not refused."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in [bad.HEADER, *bad.rows(3)]:
        ws.append(r)
    ws["XFD1048576"].fill = PatternFill("solid", start_color="FFFF00")
    out = io.BytesIO()
    wb.save(out)
    parsed = parse_file(out.getvalue(), "Finance_2025-02.xlsx", Options())
    assert not parsed.errors and parsed.rows == 3


@pytest.mark.parametrize("sheet_data, rows, columns", [
    (b'<row><c><v>1</v></c><c><v>2</v></c></row><row><c/><c/><c><v>3</v></c></row>', 2, 3),
    (b'<row r="7"><c><v>1</v></c><c><v>2</v></c></row>', 7, 2),
    (b'<row r="2"><c r="D2"><v>1</v></c><c><v>2</v></c></row>', 2, 5),
    (b'<row r="1"><c r="A1"><v>1</v></c></row><row r="50"><c r="z50"><v>1</v></c></row>', 50, 26),
    (b'<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c r="Z9" s="3"/><c r="Y9"></c></row>', 1, 1),
    (b'<row r="1"><c s="1" r="B1"><v>1</v></c></row><row r="3"><c t="s" r="C3"><v>0</v></c></row>', 3, 3),
])
def test_the_extent_without_or_with_late_refs_covers_what_the_reader_reads(sheet_data: bytes, rows: int,
                                                                           columns: int) -> None:
    ext = sheet_extent(b"<worksheet><sheetData>" + sheet_data + b"</sheetData></worksheet>")
    assert (ext.rows, ext.columns) == (rows, columns)


def test_validate_refuses_the_corner_file_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "corner.xlsx"
    path.write_bytes(bad.corner_cells())
    for args in (["validate", str(path)], ["annotate", str(path), "--out", str(tmp_path / "out.xlsx")]):
        done = _cli(*args, "--db", str(tmp_path / "none.duckdb"))
        assert done.returncode in (1, 2), (done.returncode, done.stderr[-2000:])
        assert "cell XFD1048576" in done.stderr and "Delete the stray content" in done.stderr
        assert "panicked" not in done.stderr and "backtrace" not in done.stderr.lower()


def test_a_cli_bulk_load_stores_the_good_file_and_reports_the_corner_file(tmp_path: Path) -> None:
    good, corner = tmp_path / "Finance_2025-02.xlsx", tmp_path / "corner.xlsx"
    good.write_bytes(bad.good())
    corner.write_bytes(bad.corner_cells())
    done = _cli("load", str(good), str(corner), "--db", str(tmp_path / "db.duckdb"))
    # a file read that cannot be used is a rejected upload: exit 1 (SPEC §6, README)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Finance, February 2025: 3 actions stored" in done.stdout
    assert "corner.xlsx: Rejected" in done.stdout and "cell XFD1048576" in done.stdout


# --- a dead reader costs only its own process ------------------------------------------------------


def test_a_reader_that_dies_is_a_message_not_a_dead_caller() -> None:
    with pytest.raises(IngestError) as e:
        run_bounded(_abort, file_name="x.xlsx", timeout_s=60)
    assert "Lekgotla could not read x.xlsx (the reader stopped with exit code -6)" in e.value.message


@pytest.mark.parametrize("count", [2, 9])  # 2: one bounded worker per file; 9: the process pool
def test_a_bulk_load_survives_a_worker_that_dies(count: int, tmp_path: Path) -> None:
    files = [(f"Finance_2025-{m:02d}.xlsx", bad.good()) for m in range(1, count)]
    files.insert(len(files) // 2, (f"{DIES}Finance_2025-12.xlsx", bad.good()))
    con = db.connect(tmp_path / "db.duckdb")
    outcomes = {o.file_name: o for batch in load_files(con, files, user=SYSTEM, workers=2, isolated=True,
                                                       parse=_abort_or_parse)
                for o in batch}
    dead = outcomes.pop(f"{DIES}Finance_2025-12.xlsx")
    assert dead.status == "rejected" and "stopped with exit code -6" in dead.problems[0].message
    assert [o.status for o in outcomes.values()] == ["accepted"] * (count - 1)
    stored = con.execute("SELECT count(DISTINCT period) FROM uploads WHERE status = 'accepted'").fetchall()
    assert stored == [(count - 1,)]
    con.close()


# --- 2. linear parsing of the workbook's parts ------------------------------------------------------


def test_the_relationship_bait_is_answered_in_under_two_seconds() -> None:
    data = bad.relationship_bait()
    assert len(data) < 100_000
    start = time.perf_counter()
    parsed = parse_file(data, "bait.xlsx", Options())
    elapsed = time.perf_counter() - start
    assert parsed.unreadable
    assert elapsed < 2, f"{elapsed:.1f} s"  # the bound the issue names (was 13-16 s)


def test_cell_issues_stay_linear_on_unclosed_cells() -> None:
    """`<c` tags that never close, with a formula marker: each cell's body ends at the next cell."""
    xml = b'<worksheet><sheetData><row r="1">' + b'<c r="A1"><f>1' * 50_000 + b"</row></sheetData></worksheet>"
    data = bad.with_sheet_xml(bad.good(), lambda _: xml.decode())
    start = time.perf_counter()
    parse_file(data, "Finance_2025-02.xlsx", Options())
    assert time.perf_counter() - start < 2, "quadratic scan"


# --- 3. the CSV and the annotated workbook --------------------------------------------------------------


def test_a_million_line_csv_is_refused_before_its_rows_are_held() -> None:
    data = bad.million_line_csv()
    tracemalloc.start()
    try:
        with pytest.raises(IngestError) as e:
            read_csv(data, "Finance_2025-02.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "more than the 5,000 allowed" in e.value.message
    assert peak < 60_000_000, f"{peak / 1e6:.0f} MB"  # the whole list took ~0.5 GB


def test_the_mapping_editor_view_is_plain_bounded_rows() -> None:
    """What the editor gets back from its worker: every sheet read, cut at max_rows + 1000 rows."""
    data = bad.save(bad.workbook([bad.HEADER, *bad.rows(1100)]))
    wb = run_bounded(partial(read_sheets, **LIMITS, max_rows=20), data, "f.xlsx", file_name="f.xlsx",
                     timeout_s=60)
    assert [s._load for s in wb.sheets] == [None]
    assert len(wb.sheets[0].rows) == 1020 and wb.sheets[0].rows[0] == bad.HEADER
    with pytest.raises(IngestError):
        read_sheets(bad.million_line_csv(), "x.csv", **LIMITS)


def test_the_annotated_workbook_of_a_hidden_big_sheet_is_made_in_a_worker() -> None:
    data = bad.hidden_big_sheet(50_000)
    parsed = parse_file_bounded(data, "Finance_2025-02.xlsx", Options(), timeout_s=120)
    assert parsed.problems
    marked = load_workbook(io.BytesIO(annotate_bounded(data, "Finance_2025-02.xlsx", parsed.problems,
                                                       timeout_s=120)))
    assert marked["Lookup"].sheet_state == "hidden" and marked["Lookup"].max_row == 5000
    # too little time for the file: the problem list alone, saying why
    alone = load_workbook(io.BytesIO(annotate_bounded(data, "Finance_2025-02.xlsx", parsed.problems,
                                                      timeout_s=0.001)))
    assert alone.sheetnames == ["Lekgotla problems"]
    assert "could not be marked cell by cell" in str(alone["Lekgotla problems"]["A1"].value)


# --- the Upload page -----------------------------------------------------------------------------------


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("LEKGOTLA_LOAD_SAMPLE_DATA", "0")
    clear_caches()
    yield tmp_path / "lekgotla.duckdb"
    clear_caches()


@pytest.mark.parametrize("name, data", [("corner.xlsx", bad.corner_cells()),
                                        ("Finance_2025-02.csv", bad.million_line_csv())])
def test_the_mapping_editor_refuses_a_hostile_file_and_the_server_lives(
        name: str, data: bytes, empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = hashlib.sha256(data).hexdigest()[:12]
    at = app(empty_db, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value((name, data, XLSX)).run()
    at.selectbox(key=f"how-{key}").set_value("A new mapping…").run()
    assert not at.exception
    shown = texts(at).replace("\\", "")  # as read, without Markdown escapes
    assert ("Delete the stray content" if name.endswith(".xlsx") else "more than the 5,000 allowed") in shown
    at.run()  # the server's process still runs the page
    assert not at.exception and at.file_uploader(key="report_file")


def test_the_marked_workbook_is_made_only_when_asked_for(empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(empty_db, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-02.xlsx", bad.hidden_big_sheet(20_000), XLSX)).run()
    assert not at.exception
    made = downloads.files[next(k for k in downloads.files if k.endswith("-problems.xlsx"))]
    assert callable(made)  # not built on this run: on the click, in a worker
    marked = load_workbook(io.BytesIO(downloads.named("-problems.xlsx")))
    assert "Lekgotla problems" in marked.sheetnames and marked["Lookup"].sheet_state == "hidden"


def test_the_settings_register_upload_reads_in_a_worker_and_refuses_the_corner_file(
        empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.worker

    ran: list[str] = []
    real = ingest.worker.run_bounded

    def spy(fn: Any, *args: Any, **kw: Any) -> Any:
        ran.append(fn.__name__)
        return real(fn, *args, **kw)

    monkeypatch.setattr(ingest.worker, "run_bounded", spy)
    wb = Workbook()
    ws = wb.active
    ws.title = "Objectives"  # the corner cells on the sheet the register is read from
    ws["A1"], ws["XFD1048576"] = "objective_id", "x"
    out = io.BytesIO()
    wb.save(out)
    at = app(empty_db, monkeypatch, "settings")
    at.file_uploader(key="register_file").set_value(("register.xlsx", out.getvalue(), XLSX)).run()
    assert not at.exception
    assert ran == ["parse_register"]  # the register is read in a bounded worker, not in the server
    assert "Delete the stray content" in texts(at).replace("\\", "")
    at.run()
    assert not at.exception and at.file_uploader(key="register_file")
