"""The review pack (SPEC §7): the workbook's sheets, figures, formats and neutralised text; the HTML
report's stamp, sections and offline promise; reproducibility; the command line."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from dashboard_helpers import finance_july
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from testdata import ROOT, SAMPLE

import metrics
from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from metrics.kpi_catalogue import KPIS
from metrics.pack import ReviewPack, build_pack
from presentation import theme
from presentation.cli import main
from presentation.pack_blocks import change_text
from presentation.pack_files import write_pack
from presentation.pack_html import pack_html
from presentation.pack_pdf import PdfUnavailable, html_to_pdf
from presentation.pack_xlsx import pack_xlsx

DEPARTMENTS = ["Finance", "Human Resources", "Information Technology", "Legal and Compliance",
               "Marketing and Communications", "Operations", "Strategy and Planning"]
Q2 = metrics.Filters("2025-Q2")



@pytest.fixture(scope="module")
def con(sample_db: Path) -> Iterator[db.Connection]:
    connection = db.connect(sample_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def pack(con: db.Connection) -> ReviewPack:
    return build_pack(con, Q2)


@pytest.fixture(scope="module")
def workbook(pack: ReviewPack) -> dict[str, Worksheet]:
    wb = load_workbook(io.BytesIO(pack_xlsx(pack)))
    return {ws.title: ws for ws in wb.worksheets}


@pytest.fixture(scope="module")
def html(pack: ReviewPack) -> str:
    return pack_html(pack)


def table_below(ws: Worksheet, header_row: int) -> list[dict[str, object]]:
    """The rows of the table whose header is on `header_row`, until the first empty row."""
    header = [c.value for c in ws[header_row]]
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(dict(zip(header, row, strict=False)))
    return rows


def find_row(ws: Worksheet, column: int, value: str) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == value:
            return int(row[0].row)
    raise AssertionError(f"{value!r} not in column {column} of {ws.title}")


# --- workbook ---------------------------------------------------------------------------------

def test_workbook_has_a_summary_a_sheet_per_department_and_the_sources(
        workbook: dict[str, Worksheet]) -> None:
    assert list(workbook) == ["Summary", "What changed", "Across departments", *DEPARTMENTS, "Sources"]


def test_summary_kpis_are_the_metrics_values_with_the_change_since_the_previous_quarter(
        con: db.Connection, workbook: dict[str, Worksheet]) -> None:
    ws = workbook["Summary"]
    now, before = metrics.kpis(con, Q2), metrics.kpis(con, metrics.Filters("2025-Q1"))
    header = find_row(ws, 1, "KPI")
    assert [c.value for c in ws[header]][:4] == ["KPI", "Q2 2025", "Q1 2025", "Change"]
    rows = {r["KPI"]: r for r in table_below(ws, header)}
    # by hand (sample_data/README.md): June has 73 action rows and no Cancelled one, and the plan
    # carries over 2 Completed actions its reports leave out (HR 3.1, Strategy 2): 75; March has
    # 64 rows of which OPS-07 is Cancelled, and HR 3.1 carried: 64
    assert rows["Actions (Cancelled left out)"]["Q2 2025"] == 75
    assert rows["Actions (Cancelled left out)"]["Q1 2025"] == 64
    assert rows["Actions (Cancelled left out)"]["Change"] == 11
    assert rows["Completion"]["Q2 2025"] == pytest.approx(now["completion_rate"])
    assert rows["Completion"]["Q1 2025"] == pytest.approx(before["completion_rate"])
    # rates change in percentage points, the difference of the figures shown: 42 of 75 Completed
    # is 56.0%, 17 of 64 is 26.5625%, shown 26.6%: +29.4 pp (the exact change is 29.4375)
    assert (now["completion_rate"], before["completion_rate"]) == (42 / 75, 17 / 64)
    assert rows["Completion"]["Change"] == 29.4
    assert rows["Mean progress"]["Q2 2025"] == pytest.approx(now["mean_progress"] / 100)
    assert rows["Slipped actions"]["Q2 2025"] == now["slipped_count"]
    assert rows["Mean slip"]["Q2 2025"] == pytest.approx(now["mean_slip_days"])
    assert rows["CPI"]["Q2 2025"] == pytest.approx(
        now["cost_performance_index"])
    assert rows["Objective coverage"]["Q2 2025"] == pytest.approx(now["objective_coverage"])


def test_a_quarter_every_department_reported_is_not_provisional(
        workbook: dict[str, Worksheet], html: str) -> None:
    assert workbook["Summary"].cell(4, 1).value is None
    assert "Provisional" not in html


def test_summary_league_table_has_the_computed_rag(con: db.Connection,
                                                  workbook: dict[str, Worksheet]) -> None:
    ws = workbook["Summary"]
    league = metrics.department_league(con, Q2)
    rows = table_below(ws, find_row(ws, 1, "Department"))
    assert [r["Department"] for r in rows] == list(league["department"])
    assert [r["RAG"] for r in rows] == list(league["department_rag"])
    assert [r["Completion"] for r in rows] == pytest.approx(list(league["completion_rate"]))
    # mean progress is 0-100 points: written as a fraction, shown with one decimal (89.1%)
    assert [r["Mean progress"] for r in rows] == pytest.approx(
        [v / 100 for v in league["mean_progress"]])
    progress = next(c for c in ws[find_row(ws, 1, "Department")] if c.value == "Mean progress")
    assert ws.cell(row=progress.row + 1, column=progress.column).number_format == "0.0%"
    red = ws.cell(row=find_row(ws, 1, "Operations"), column=2)
    assert red.value == "Red"
    assert red.fill.fgColor.rgb.endswith("C0392B")
    # Legal and Compliance did not report for April (sample_data/README.md)
    missing = table_below(ws, find_row(ws, 1, "Departments that did not report in Q2 2025") + 1)
    assert [(r["Department"], r["Month"], r["State"]) for r in missing] == [
        ("Legal and Compliance", "2025-04", "missing")]


def test_days_read_in_the_workbook_as_in_the_report(workbook: dict[str, Worksheet],
                                                   html: str) -> None:
    ws = workbook["Summary"]
    r = find_row(ws, 1, next(k.label for k in KPIS if k.name == "mean_slip_days"))
    value, previous, change = (ws.cell(row=r, column=c) for c in (2, 3, 4))
    # Q2 40.68 days against Q1's 11.5: whole days from 10 on, as the HTML ("41 days", "+29 days")
    assert value.value == pytest.approx(40.68, abs=0.01) and value.number_format == "0"
    assert previous.value == pytest.approx(11.5) and previous.number_format == "0"
    assert change.number_format.startswith('+0" days"')
    assert "41 days" in html and "+29 days" in html


def test_department_sheet_worked_by_hand(con: db.Connection,
                                         workbook: dict[str, Worksheet]) -> None:
    ws = workbook["Finance"]
    header = find_row(ws, 1, "Action ID")
    actions = table_below(ws, header)
    # sample_data/README.md: Finance 2025-06 has 11 actions, 7 of them Completed
    assert len(actions) == 11
    assert sum(a["Reported status"] == "Completed" for a in actions) == 7
    kpi_names = [c.value for c in ws[4]]
    values = [c.value for c in ws[5]]
    assert values[kpi_names.index("Completion")] == pytest.approx(7 / 11)
    assert values[kpi_names.index("Actions (Cancelled left out)")] == 11
    figures = metrics.action_figures(con, metrics.Filters("2025-Q2", ("Finance",)))
    by_id = figures.set_index("action_id")
    row = next(a for a in actions if a["Action ID"] == "FIN-04")
    # FIN-04 moved from 31 May to 31 Jul 2025 (README): open at 30 Jun, 30 days past baseline
    assert row["Slip (days)"] == 30 == by_id.loc["FIN-04", "slip_days"]
    assert row["Computed RAG"] == by_id.loc["FIN-04", "rag"]
    assert row["Progress"] == pytest.approx(by_id.loc["FIN-04", "percent_complete"] / 100)
    assert row["Source file"] == "Finance_2025-06.xlsx"
    assert row["Row"] == by_id.loc["FIN-04", "source_row"]


def test_formats_widths_and_frozen_headers(workbook: dict[str, Worksheet]) -> None:
    summary, finance = workbook["Summary"], workbook["Finance"]
    assert summary.freeze_panes == "B6"
    completion = summary.cell(row=find_row(summary, 1, "Completion"), column=2)
    assert completion.number_format == "0.0%"
    header = find_row(finance, 1, "Action ID")
    assert finance.freeze_panes == f"C{header + 1}"
    columns = {c.value: c.column_letter for c in finance[header]}
    first = header + 1
    assert finance[f"{columns['Budget']}{first}"].number_format == '"R" #,##0'
    assert finance[f"{columns['Progress']}{first}"].number_format == "0%"
    assert finance[f"{columns['Due']}{first}"].number_format == "d mmm yyyy"
    assert finance.column_dimensions[columns["Action"]].width == 46
    assert finance.column_dimensions[columns["Comments"]].width == 50
    rag = finance[f"{columns['Computed RAG']}{first}"]
    assert rag.value == "Complete" and rag.fill.fgColor.rgb.endswith(
        theme.RAG_COLOURS["Complete"].lstrip("#"))
    assert workbook["Sources"].freeze_panes == "A6"


def test_no_cell_holds_a_formula_and_formula_text_is_neutralised(
        sample_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "lekgotla.duckdb"
    shutil.copy(sample_db, copy)
    con = db.connect(copy)
    [outcome] = load_file(con, finance_july(), "Finance_2025-07.xlsx")
    assert outcome.status == "accepted"
    pack = build_pack(con, metrics.Filters("2025-07", ("Finance",)))
    con.close()
    wb = load_workbook(io.BytesIO(pack_xlsx(pack)))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    ws = wb["Finance"]
    comments = {r["Action ID"]: r["Comments"] for r in table_below(ws, find_row(ws, 1, "Action ID"))}
    assert comments["FIN-04"] == "'=HYPERLINK(\"http://example.com\",\"click\")"
    assert comments["FIN-05"] == "'+27 11 555 0100"
    assert comments["FIN-07"] == "'-5% variance"
    # and in the HTML report the same text is shown as text, escaped
    report = pack_html(pack)
    assert "=HYPERLINK(&quot;http://example.com&quot;,&quot;click&quot;)" in report


# --- HTML report ------------------------------------------------------------------------------

class Report(HTMLParser):
    """Collects ids, department sections, every src/href, scripts and the embedded stamp."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.departments: list[str] = []
        self.links: list[str] = []
        self.script_sources: list[str] = []
        self.meta: dict[str, str] = {}
        self._in_stamp = False
        self.stamp = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "section" and "data-department" in a:
            self.departments.append(a["data-department"])
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            if name in a:
                self.links.append(a[name])
        if tag == "script" and "src" in a:
            self.script_sources.append(a["src"])
        if tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        self._in_stamp = tag == "script" and a.get("id") == "lekgotla-stamp"

    def handle_endtag(self, tag: str) -> None:
        self._in_stamp = False

    def handle_data(self, data: str) -> None:
        if self._in_stamp:
            self.stamp += data


def parse(html: str) -> Report:
    report = Report()
    report.feed(html)
    return report


def test_report_has_the_stamp_naming_every_upload_it_used(pack: ReviewPack, html: str) -> None:
    report = parse(html)
    assert report.meta["lekgotla-pack"] == pack.pack_id
    assert re.fullmatch(r"[0-9a-f]{12}", pack.pack_id)
    stamp = json.loads(report.stamp)
    assert stamp["pack_id"] == pack.pack_id and stamp["period"] == "2025-Q2"
    assert stamp["month"] == "2025-06"
    # 41 sample reports, every one read by the Q2 pack (figures, comparison or trend history)
    assert len(stamp["uploads"]) == 41
    finance = next(u for u in stamp["uploads"] if u["file_name"] == "Finance_2025-06.xlsx")
    # the stamp traces the figures to the very file: its SHA-256 prefix
    digest = hashlib.sha256((SAMPLE / "reports" / "Finance_2025-06.xlsx").read_bytes()).hexdigest()
    assert finance == {"upload_id": finance["upload_id"], "file_name": "Finance_2025-06.xlsx",
                       "sha256": digest[:12], "department": "Finance", "period": "2025-06",
                       "use": "figures"}
    assert {u["use"] for u in stamp["uploads"]} == {"figures", "comparison", "history"}
    assert f'id="pack-stamp">{pack.pack_id}<' in html


def test_a_carried_row_names_the_report_it_was_read_from(html: str) -> None:
    # Human Resources' 3.1 is not in its June report: carried forward from February's, row 14
    section = html.split('id="dept-human-resources"')[1].split("</section>")[0]
    row = next(r for r in section.split("<tr") if ">3.1<" in r)
    assert "carried forward from Human Resources_2025-02.xlsx · Action Plan · row\u00a014" in row


def test_report_sections_and_one_section_per_department(html: str) -> None:
    report = parse(html)
    for section in ("cover", "kpis", "trends", "alignment", "slippage", "departments",
                    "not-reported", "sources"):
        assert section in report.ids
    assert report.departments == DEPARTMENTS
    for chart in ("fig-department-rag", "fig-completion-trend", "fig-quality-trend",
                  "fig-rag-months", "fig-alignment-heatmap", "fig-smart-checks",
                  "fig-slippage-by-department"):
        assert chart in report.ids
    assert len(report.ids) == len(set(report.ids)), "duplicate ids"
    # the slippage section names the actions rescheduled in the story (sample_data/README.md)
    slippage = html[html.index('id="slippage"'):html.index('id="departments"')]
    for action in ("ICT-01", "OPS-02", "LC-03", "FIN-04"):
        assert f">{action}<" in slippage
    missing = html[html.index('id="not-reported"'):html.index('id="sources"')]
    assert "Legal and Compliance" in missing and "2025-04" in missing


def test_report_references_no_network_resource(html: str) -> None:
    report = parse(html)
    assert report.script_sources == []  # plotly.js is inlined
    for link in report.links:
        assert not re.match(r"^\s*(https?:)?//", link, re.IGNORECASE), link
        assert link.startswith("#"), link  # only the table of contents' anchors
    assert "Plotly.newPlot" in html and "plotly.js v" in html
    assert not re.search(r"""<link[^>]+href=["']?https?:""", html, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?https?:""", html, re.IGNORECASE)


# --- reproducible -----------------------------------------------------------------------------

def test_the_kpis_read_as_the_one_catalogue_says(workbook: dict[str, Worksheet], html: str) -> None:
    """Labels and meanings of the summary sheet and the report's tiles are metrics.kpi_catalogue's
    (the dashboard's tiles take theirs from it too)."""
    ws = workbook["Summary"]
    rows = {r["KPI"]: r for r in table_below(ws, find_row(ws, 1, "KPI"))}
    tiles = {name: title for title, name in
             re.findall(r'<div class="tile" title="([^"]*)" data-kpi="(\w+)">', html)}
    labels = dict(re.findall(r'data-kpi="(\w+)">(?:<svg.*?</svg>)?<div class="label">([^<]*)<', html))
    for k in KPIS:
        assert k.label in rows, k.name
        assert k.help in rows[k.label].values(), k.name
        assert tiles[k.name] == escape(k.help)
        assert labels[k.name] == escape(k.label)


def test_same_data_and_filters_give_the_same_bytes(con: db.Connection, pack: ReviewPack,
                                                   html: str, tmp_path: Path) -> None:
    again = build_pack(con, Q2)
    assert again.pack_id == pack.pack_id
    assert pack_html(again) == html
    assert pack_xlsx(again) == pack_xlsx(pack)
    first = write_pack(con, Q2, tmp_path / "a", pdf=False)
    second = write_pack(con, Q2, tmp_path / "b", pdf=False)
    assert first.xlsx.read_bytes() == second.xlsx.read_bytes()
    assert first.html.read_bytes() == second.html.read_bytes()
    assert first.pdf is None and first.pdf_message == "PDF not asked for."


def test_the_workbook_is_the_same_bytes_in_processes_of_other_hash_seeds(sample_db: Path) -> None:
    # the order of a set of strings changes with PYTHONHASHSEED: nothing written may follow it
    code = ("import hashlib, sys; import metrics; from ingest import db; "
            "from metrics.pack import build_pack; from presentation.pack_xlsx import pack_xlsx; "
            "con = db.connect(sys.argv[1], read_only=True); "
            "print(hashlib.sha256(pack_xlsx(build_pack(con, metrics.Filters('2025-Q2')))).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code, str(sample_db)], capture_output=True,
                              text=True, check=True, cwd=ROOT, timeout=120,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "3")}
    assert len(digests) == 1, digests


def test_stamp_changes_only_with_the_reports_it_reads(sample_db: Path, pack: ReviewPack,
                                                      tmp_path: Path) -> None:
    copy = tmp_path / "lekgotla.duckdb"
    shutil.copy(sample_db, copy)
    con = db.connect(copy)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    # a July report is not read by the Q2 pack: same stamp, same report
    assert build_pack(con, Q2).pack_id == pack.pack_id
    q3 = build_pack(con, metrics.Filters("2025-Q3"))
    assert q3.pack_id != pack.pack_id
    assert "Finance_2025-07.xlsx" in set(q3.uploads["file_name"])
    # a new version of a June report is: the stamp changes and names the new upload
    may = (SAMPLE / "reports" / "Finance_2025-05.xlsx").read_bytes()
    [outcome] = load_file(con, may, "Finance_2025-06b.xlsx", period="2025-06")
    assert outcome.status == "accepted"
    changed = build_pack(con, Q2)
    con.close()
    assert changed.pack_id != pack.pack_id
    assert "Finance_2025-06b.xlsx" in set(changed.uploads["file_name"])


# --- command line and PDF ---------------------------------------------------------------------

def test_cli_writes_the_pack(sample_db: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out, copy = tmp_path / "pack", tmp_path / "lekgotla.duckdb"
    out.mkdir()
    shutil.copy(sample_db, copy)  # the module's read-only connection holds the original
    code = main(["pack", "--period", "2025-Q1", "--department", "finance", "--out", str(out),
                 "--db", str(copy), "--no-pdf"])
    assert code == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["lekgotla-review-2025-Q1-Finance.html",
                       "lekgotla-review-2025-Q1-Finance.xlsx"]
    assert capsys.readouterr().out.splitlines() == [str(out / n) for n in reversed(written)]
    wb = load_workbook(out / "lekgotla-review-2025-Q1-Finance.xlsx")
    assert wb.sheetnames == ["Summary", "What changed", "Across departments", "Finance", "Sources"]
    # an unknown period: exit 2 and what exists
    assert main(["pack", "--period", "2024-Q1", "--out", str(out), "--db", str(copy)]) == 2
    assert "Periods with data" in capsys.readouterr().err


def test_cli_says_what_is_wrong_with_where_it_writes(sample_db: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "lekgotla.duckdb"
    shutil.copy(sample_db, copy)
    base = ["--period", "2025-03", "--db", str(copy)]
    notes = tmp_path / "notes.txt"
    notes.write_text("not a program")
    (tmp_path / "q").mkdir()
    for args, code, said in (
            (["pack", *base, "--out", str(notes)], 2, f"{notes} is a file, not a folder."),
            (["pack", *base, "--out", str(tmp_path / "p"), "--no-pdf", "--chromium", str(notes)], 2,
             "--no-pdf and --chromium ask for opposite things"),
            # nothing is written into a folder that does not exist, as README promises
            (["pack", *base, "--out", str(tmp_path / "nopacks")], 2,
             f"--out {tmp_path / 'nopacks'}: the folder {tmp_path / 'nopacks'} does not exist. Make it first"),
            (["pack", *base, "--out", str(notes / "packs")], 2, f"{notes} is a file, not a folder."),
            (["pack", *base, "--out", "/proc"], 2, "/proc/lekgotla-review-2025-03-all.xlsx: "),
            # export's --out is checked as every command that writes one file checks it
            (["export", *base, "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")], 2,
             f"--out {tmp_path / 'no' / 'x.csv'}: the folder {tmp_path / 'no'} does not exist."),
            (["export", *base, "--format", "xlsx", "--out", str(tmp_path / "x.csv")], 2,
             "the file written is an XLSX workbook; give it a name ending in .xlsx."),
            (["export", *base, "--format", "csv", "--out", str(tmp_path)], 2,
             f"--out {tmp_path} is a folder: give a file name, such as {tmp_path / 'report.csv'}."),
            # a PDF asked for by name that cannot be made: the others written, and exit 1
            (["pack", *base, "--out", str(tmp_path / "q"), "--chromium", str(notes)], 1,
             "is not a program this user may run")):
        assert main(args) == code, args
        assert said in capsys.readouterr().err, args
    assert sorted(p.suffix for p in (tmp_path / "q").iterdir()) == [".html", ".xlsx"]
    assert not any((tmp_path / n).exists() for n in ("p", "no", "nopacks"))
    # a department asked for that did not report the month adds no rows: said (the sample's
    # Legal and Compliance did not report April 2025)
    assert main(["export", "--period", "2025-04", "--db", str(copy), "--department", "Finance",
                 "--department", "Legal and Compliance", "--format", "csv",
                 "--out", str(tmp_path / "april.csv")]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        "No report for April 2025: Legal and Compliance.")


def test_without_chromium_the_pdf_is_explained_and_the_rest_written(
        con: db.Connection, tmp_path: Path) -> None:
    with pytest.raises(PdfUnavailable, match="Chromium named, /nonexistent/chromium, is not there"):
        html_to_pdf("<html></html>", chromium="/nonexistent/chromium")
    not_a_program = tmp_path / "chromium.txt"
    not_a_program.write_text("notes")
    with pytest.raises(PdfUnavailable, match="is not a program this user may run"):
        html_to_pdf("<html></html>", chromium=str(not_a_program))
    files = write_pack(con, metrics.Filters("2025-03"), tmp_path, chromium="/nonexistent/chromium")
    assert files.pdf is None
    assert files.pdf_message is not None and "/nonexistent/chromium" in files.pdf_message
    assert files.xlsx.exists() and files.html.exists()


def test_the_period_is_said_once_for_a_month_and_with_its_months_for_a_quarter(con: db.Connection,
                                                                               html: str) -> None:
    assert "<dt>Period</dt><dd>Q2 2025 (April – June 2025); figures as of June 2025," in html
    month = pack_html(build_pack(con, metrics.Filters("2025-06")))
    assert "<dt>Period</dt><dd>June 2025; figures as of June 2025," in month


def test_a_tiles_change_in_the_pack_is_the_difference_of_the_figures_shown() -> None:
    # 76.05% and 85.06% are shown 76.0% and 85.1%: +9.1 pp (the exact change reads +9.0)
    assert change_text("target_attainment", 0.760476, 0.850646, "March 2025") == (
        '<div class="change good">▲ +9.1 pp since March 2025</div>')
    # overdue going up is bad; 20.04% and 20.01% are both shown 20.0%: no change
    assert change_text("overdue_rate", 0.10, 0.125, "March 2025", short=True) == (
        '<div class="change bad">▲ +2.5 pp</div>')
    assert change_text("overdue_rate", 0.2004, 0.2001, "March 2025") == (
        '<div class="change flat">no change since March 2025</div>')
    # an earlier period whose figure is empty is not "no earlier period" (the like-for-like review)
    assert change_text("overdue_rate", None, 0.2, "March 2025") == (
        '<div class="change flat">no figure for March 2025 to compare</div>')
    assert change_text("overdue_rate", 0.1, 0.2, None) == (
        '<div class="change flat">no earlier period to compare</div>')


def test_a_quarters_glance_says_its_figures_are_its_last_months(html: str) -> None:
    # Q2's submission rate is June's (100%); April's missing and May's late reports are listed
    glance = html[html.index('<section id="kpis"'):]
    glance = glance[:glance.index("</p>")]
    assert ("A quarter's figures, the submission rates among them, are its last month's: the "
            'reports its other months missed or sent late are under <a href="#not-reported">Did '
            "not report</a>.") in glance


def test_departments_that_did_not_report_are_not_ranked_in_either_format(
        sample_con: db.Connection) -> None:
    # Finance alone reports July 2025: Q3's league is Finance alone, rank 1, in the workbook as
    # in the HTML; the six others are under "did not report" (they were ranks 2-7 of the
    # workbook's league, with blank figures), without a rank
    load_file(sample_con, finance_july(), "Finance_2025-07.xlsx", user=CLI)
    pack = build_pack(sample_con, metrics.Filters("2025-Q3"))
    ws = {w.title: w for w in load_workbook(io.BytesIO(pack_xlsx(pack))).worksheets}["Summary"]
    league = table_below(ws, find_row(ws, 1, "Department"))
    assert [(r["Rank"], r["Department"]) for r in league] == [(1, "Finance")]
    missing = table_below(ws, find_row(ws, 1, "Departments that did not report in Q3 2025") + 1)
    # July only: nobody has reached August or September
    assert sorted((r["Department"], r["Month"]) for r in missing) == [
        (d, "2025-07") for d in DEPARTMENTS if d != "Finance"]
    glance = pack_html(pack)
    table = glance[glance.index("<h3>Department league table</h3>"):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")])[1:]
    assert len(rows) == 1 and ">Finance<" in rows[0]
    # and both say the figures are provisional, as the dashboard's pages do
    others = ", ".join(d for d in DEPARTMENTS if d != "Finance")
    said = ("Provisional: 1 of 7 departments reported July 2025. Not yet reported (due by 7 Aug 2025): "
            f"{others}. The figures will change as their reports arrive; until then, changes "
            "compare the departments that reported both months.")
    assert ws.cell(4, 1).value == said
    # a department with no report in Q3 has no count of actions (it read 0, "-11" since Q2)
    hr = next(p for p in pack.departments if p.department == "Human Resources"
              ).changes.set_index("kpi")
    assert hr.loc[["actions"], ["value", "change"]].isna().all(axis=None)
    assert hr.loc["submission_rate", "value"] == 0  # it did not report Q3: that is a figure
    # and the previous period's figures are Finance's own (Q2 2025's June), said so beside them
    assert ws.cell(5, 3).value == "Q2 2025 (Finance alone)"
    rates = {ws.cell(r, 1).value: ws.cell(r, 5).value for r in range(6, 30)}
    assert rates["Submission rate"].startswith("Its previous figure is over every department")
    assert not rates["Completion"].startswith("Its previous figure")
    assert "since Q2 2025 (Finance alone)</div>" in pack_html(pack)
    # its sparkline's line to Q3 is dashed (Finance alone); the submission rate's is drawn whole
    spark = {k: v for k, v in re.findall(r'data-kpi="(\w+)">(<svg.*?</svg>)', glance)}
    assert "stroke-dasharray" in spark["completion_rate"]
    assert "stroke-dasharray" not in spark["submission_rate"] and "<polyline" in spark["submission_rate"]
    assert (f'<p class="provisional"><strong>Provisional: 1 of 7 departments reported July 2025.'
            f"</strong> Not yet reported (due by 7 Aug 2025): {others}. The figures will change as their reports "
            "arrive; until then, changes compare the departments that reported both months.</p>") in glance


def test_the_month_after_a_provisional_one_gives_the_figure_its_change_starts_from(
        con: db.Connection) -> None:
    # May 2025 after April without Legal and Compliance: May's completion is 33 of 75 = 44.0%,
    # the change compares the six that reported both, 30 of 65 = 46.2% against 24 of 62 = 38.7%
    pack = build_pack(con, metrics.Filters("2025-05"))
    ws = {w.title: w for w in load_workbook(io.BytesIO(pack_xlsx(pack))).worksheets}["Summary"]
    assert ws.cell(5, 3).value == "April 2025 (the same 6 departments)"
    row = find_row(ws, 1, "Completion")
    assert [round(ws.cell(row, c).value, 4) for c in (2, 3, 4)] == [0.44, 0.3871, 7.5]  # the change in points
    six = ("Finance, Human Resources, Information Technology, Marketing and Communications, "
           "Operations and Strategy and Planning")
    assert ws.cell(row, 5).value.startswith(
        f"The change compares {six}, which reported both April 2025 and May 2025; left out of "
        "it: Legal and Compliance (no report for April 2025). Their figure for May 2025: 46.2%. ")
    glance = pack_html(pack)
    # the tile shows neither 46.2% nor 38.7%: its change is the exact one, 30/65 - 24/62 =
    # +7.44 pp, not the difference of two figures it does not show (+7.5)
    assert "▲ +7.4 pp since April 2025 (the same 6 departments)" in glance
    assert f"The change compares {six}, which reported both April 2025 and May 2025" in glance
    spark = dict(re.findall(r'data-kpi="(\w+)">(<svg.*?</svg>)', glance))
    assert "stroke-dasharray" not in spark["completion_rate"]  # May's own point is everyone's


def test_a_quarters_league_names_each_departments_month_and_a_cancellation() -> None:
    # tests/support/digest_quarter.py: Q1 2026, Finance's figures are of March, Operations' of
    # February (it missed March); F3 was cancelled in January
    from digest_quarter import build as build_quarter

    con = build_quarter()
    pack = build_pack(con, metrics.Filters("2026-Q1"))
    con.close()
    page = pack_html(pack)
    glance = page[page.index('<section id="kpis"'):page.index("</section>")]
    league = glance[glance.index("<h3>Department league table</h3>"):]
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", league[:league.index("</tr>")])
    assert heads[:4] == ["#", "Department", "Report of", "RAG"]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(
        r"<tr>(.*?)</tr>", league[:league.index("</table>")])]
    assert {r[1]: r[2] for r in rows if r} == {"Finance": "March 2026",
                                                "Operations": "February 2026"}
    assert "F3 “Roll out cost centre budget dashboards” (Finance) was cancelled." in page
    assert "is no longer in the plan" not in page
