"""Issue 11/12 loose ends: every table the dashboard draws has Lekgotla's own download beside it
(SPEC §7; the tables' built-in one is off), periods in tables read as months in words, and the
Overview's caption says how to open a department on a phone too."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import (
    ROOT,
    Downloads,
    app,
    finance_july,
    finance_july_bad,
    texts,
    workbook,
)
from streamlit.testing.v1 import AppTest

from ingest import db
from ingest.load import load_file
from ingest.words import MONTHS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- the Overview's caption on a phone (issue 12 point 10) -------------------------------------

def test_overview_caption_reads_right_with_cards_on_a_phone(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)
    assert not at.exception
    said = texts(at)
    assert "Choose a row" not in said  # on a phone there is no row: the league is cards
    assert "a row, or the name on its card on a phone" in said


# ---- every table has Lekgotla's own download (SPEC §7, issue 11) ------------------------------

# Tables drawn without a Lekgotla download beside them, and why: (file, key given) -> reason.
NOT_DOWNLOADED = {
    ("dashboard/mapping_form.py", "data_editor"): "an input form (the mapping being built), not "
                                                  "a table of data",
    ("dashboard/uploads.py", "problems"): "the uploader's own problems: the workbook offered "
                                          "under them lists every one (a department head, who "
                                          "may not export, needs it to fix the file)",
}


def _tables_without_download() -> list[str]:
    """Every st.dataframe / st.data_editor call in dashboard/ not followed, in the same block,
    by a call to `downloads` (components.downloads), and not a listed exception."""
    found = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for parent in ast.walk(tree):
            for field in ("body", "orelse", "finalbody"):
                body = getattr(parent, field, None)
                if not isinstance(body, list):
                    continue
                for i, stmt in enumerate(body):
                    if not isinstance(stmt, ast.stmt):
                        continue
                    for call in _own_calls(stmt):
                        what = call.func.attr  # type: ignore[attr-defined]
                        key = next((k.value.value for k in call.keywords if k.arg == "key"
                                    and isinstance(k.value, ast.Constant)), what)
                        if (name, key) in NOT_DOWNLOADED or (name, what) in NOT_DOWNLOADED:
                            continue
                        if not any(_calls_downloads(s) for s in body[i:]):
                            found.append(f"{name}:{call.lineno} {what} key={key}")
    return found


def _own_calls(stmt: ast.stmt) -> list[ast.Call]:
    """The table calls in `stmt` itself, not in a block nested in it (checked with that block)."""
    nested = {id(n) for s in ast.walk(stmt) if s is not stmt and isinstance(s, ast.stmt)
              for n in ast.walk(s)}
    return [n for n in ast.walk(stmt) if isinstance(n, ast.Call) and id(n) not in nested
            and isinstance(n.func, ast.Attribute) and n.func.attr in ("dataframe", "data_editor")]


def _calls_downloads(stmt: ast.stmt) -> bool:
    return any(isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == "downloads")
        or (isinstance(n.func, ast.Attribute) and n.func.attr in ("downloads", "table")))
        for n in ast.walk(stmt))


def test_every_table_in_the_dashboard_has_its_download() -> None:
    assert _tables_without_download() == []


def _csv(downloads: Downloads, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(downloads.named(name)), encoding="utf-8-sig")


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def test_users_tables_download(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "users", role="admin")
    assert not at.exception
    heads = _csv(downloads, "lekgotla-heads-to-add.csv")
    shown = _table(at, "department", "head", "email")
    assert len(heads) == len(shown) == 7  # the sample register's heads, none a user yet
    assert list(heads["Department"]) == list(shown["department"])
    at.button(key="seed-heads").click().run()  # now they are users
    assert not at.exception
    users = _csv(downloads, "lekgotla-users.csv")
    shown = _table(at, "email", "role", "active")
    assert list(users["Email"]) == list(shown["email"]) and len(users) == 7
    assert set(users["Role"]) == {"Department head"}  # as the table reads


def test_settings_tables_download(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "settings", role="admin")
    assert not at.exception
    objectives = _csv(downloads, "lekgotla-objectives.csv")
    assert list(objectives["ID"]) == list(_table(at, "objective_id", "reported_rows")["objective_id"])
    fixed = _csv(downloads, "lekgotla-settings-at-start-up.csv")
    assert list(fixed["Setting"]) == list(_table(at, "setting", "from", "meaning")["setting"])
    assert "lekgotla-departments.csv" in downloads.names()  # it had one already
    bad = workbook([["objective_id", "objective"], ["SO1", "Something"]], sheet="Goals")
    at.file_uploader(key="register_file").set_value(("register.xlsx", bad, XLSX)).run()
    problems = _csv(downloads, "lekgotla-register-problems.csv")
    shown = _table(at, "message", "severity")
    assert len(problems) == len(shown) == 1
    assert "no sheet named 'Objectives'" in " ".join(str(v) for v in problems.iloc[0])


def test_department_crosstab_and_chart_figures_download(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "department", role="me")
    at.selectbox(key="department").set_value("Finance").run()
    assert not at.exception
    crosstab = _csv(downloads, "lekgotla-status-against-rag-2025-06-Finance.csv")
    shown = _table(at, "status", "total")
    assert list(crosstab["Reported status"]) == list(shown["status"])
    assert list(crosstab["All"]) == list(shown["total"])
    # the chart's figures, as its table shows them
    charts = [n for n in downloads.names() if "-chart-" in n and n.endswith(".csv")]
    assert charts, downloads.names()


def test_versions_table_downloads(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    first = db.scalar(con, "SELECT upload_id FROM uploads WHERE department = 'Finance' AND "
                           "period = '2025-06' AND is_current")
    original = con.execute("SELECT r.content FROM uploads u JOIN raw_files r USING (sha256) "
                           "WHERE upload_id = $u", {"u": first}).fetchall()[0][0]
    [outcome] = load_file(con, _second_version(bytes(original)), "Finance_2025-06.xlsx",
                          department="Finance", period="2025-06")
    con.close()
    assert outcome.status == "accepted"
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "department", role="me",
             query={"period": "2025-06", "department": "Finance"})
    at.selectbox(key="department").set_value("Finance").run()
    assert not at.exception
    versions = _csv(downloads, "lekgotla-versions-2025-06-Finance.csv")
    assert sorted(versions["Upload #"]) == sorted(_table(at, "upload_id", "is_current")["upload_id"])
    assert len(versions) == 2


def _second_version(data: bytes) -> bytes:
    """The same report with one comment changed: a second version, not a duplicate."""
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value == "Comments":
                below = sheet.cell(row=cell.row + 1, column=cell.column)
                below.value = f"{below.value or ''} (second version)"
                out = io.BytesIO()
                book.save(out)
                return out.getvalue()
    raise AssertionError("no Comments column")


def test_review_pack_reports_in_force_download(db_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "review_pack", role="me")
    assert not at.exception
    reports = _csv(downloads, "lekgotla-reports-in-force-2025-06-all.csv")
    shown = _table(at, "department", "sha256", "upload_id")
    assert list(reports["Department"]) == list(shown["department"])
    assert list(reports["SHA-256 (first 12)"]) == list(shown["sha256"])


def test_upload_change_summary_downloads_for_me(db_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "upload", role="me")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    assert not at.exception
    changes = _csv(downloads, "lekgotla-changes-2025-07-Finance.csv")
    shown = _table(at, "action_id", "change", "before", "after")
    assert list(changes["Action ID"]) == list(shown["action_id"])
    assert list(changes["Change"]) == list(shown["change"])


def test_a_head_keeps_their_problems_in_the_marked_workbook(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "upload", role="department_head")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    assert not at.exception
    assert "-problems.xlsx" in " ".join(downloads.names())
    assert not [n for n in downloads.names() if n.endswith(".csv")]  # no export right
    assert "To keep this list, download the workbook" in texts(at)


def test_no_buttons_for_a_role_without_export(db_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "department", role="department_head")
    assert not at.exception
    assert not [n for n in downloads.names() if n.endswith((".csv", ".xlsx"))]


# ---- periods in words in every table (issue 12 point 10) ---------------------------------------

def _shown(at: AppTest, *columns: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first table with these columns: its values, and the text each cell shows (a Styler's
    display values where it has them, else the values)."""
    import pyarrow as pa
    for element in at.dataframe:
        values = element.value
        if set(columns) <= set(values.columns):
            shown = element.proto.arrow_data.styler.display_values
            if shown:
                return values, pa.ipc.open_stream(shown).read_pandas()
            return values, values.astype(str)
    raise AssertionError(f"no table with {columns}")


def test_stale_actions_and_the_trail_read_months_in_words(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "submissions")
    at.selectbox(key="period").set_value("2025-05").run()  # one action unchanged since March
    assert not at.exception
    values, shown = _shown(at, "since_period", "action_id")
    assert list(shown["since_period"]) == ["March 2025"]
    assert not shown["since_period"].str.match(r"\d{4}-\d\d").any()
    assert list(shown["since_period"]) == [
        f"{MONTHS[int(p[5:]) - 1]} {p[:4]}" for p in values["since_period"]]
    assert values["since_period"].str.match(r"\d{4}-\d\d$").all()  # sorted by the key

    at = app(db_path, monkeypatch, "department", role="me")
    at.selectbox(key="department").set_value("Finance").run()
    assert not at.exception
    values, shown = _shown(at, "period", "status", "comments")
    assert "June 2025" in list(shown["period"]) and "2025-06" in list(values["period"])
    assert not shown["period"].str.contains("2025-").any()


# ---- a long table is sent a page at a time (issue 14 item 5) -----------------------------------

def test_a_table_longer_than_lazy_rows_is_sent_a_page_at_a_time() -> None:
    import pyarrow as pa

    from dashboard import components

    rows = components.LAZY_ROWS
    long, short = (pd.DataFrame({"action_id": [f"A{i}" for i in range(n)], "x": range(n)})
                   for n in (rows + 1, rows))
    assert components.lazy(components.arrow(long), {}) is True
    assert components.lazy(long, {}) is True
    assert components.lazy(components.arrow(short), {}) is None  # Streamlit's choice: eager
    # a lazy table cannot select a row: the league's selection keeps the whole table
    assert components.lazy(components.arrow(long), {"on_select": "rerun"}) is None
    assert components.lazy(components.arrow(long), {"on_select": "ignore"}) is True
    assert components.lazy(long.style, {}) is None  # a Styler is drawn whole
    # no index column: Streamlit would otherwise rebuild a lazy table on every run to add one
    table = components.arrow(long.iloc[3:])
    assert isinstance(table, pa.Table) and table.column_names == ["action_id", "x"]
    assert table.schema.pandas_metadata["index_columns"] == []
