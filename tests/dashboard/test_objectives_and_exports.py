"""Issue 12 points 5 and 7: objectives by name (code · title) in natural order, the Alignment grid
with a row for every objective, the template's Objectives sheet and its messages; downloads whose
names carry the filters, whose columns carry the tables' headers, and whose XLSX has a Filters
sheet. Expected values are worked by hand from sample_data/ (README there)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from dashboard_helpers import (
    Downloads,
    app,
    finance_july,
    texts,
)
from openpyxl import load_workbook

import metrics
from dashboard.filters import file_stem
from ingest import db
from ingest.access import CLI
from ingest.errors import QueryError
from ingest.load import load_file
from ingest.template import build_template
from ingest.values import Period
from metrics.actions import RAGS
from metrics.filters import Filters, sort_objectives
from presentation import charts
from presentation.export import export_actions
from presentation.labels import COLUMN_LABELS, RATE_COLUMNS, RATE_LABELS, labelled, objective_label

# the sample register's objectives, by hand from sample_data/strategy_register.xlsx, in natural
# order; each title cut at a word to 28 characters with an ellipsis (objective_label): e.g. SO1's
# first 27 characters end inside "client", so it is cut after "on"
SIDEBAR = [
    "SO1 · Reduce turnaround time on…",
    "SO2 · Raise client satisfaction…",
    "SO3 · Achieve a clean audit…",
    "SO4 · Keep operating expenditure…",  # the issue's own example
    "SO5 · Diversify revenue through…",
    "SO6 · Fill critical vacancies…",
    "SO7 · Build leadership and…",
    "SO8 · Digitise core business…",
    "SO9 · Strengthen cyber security…",
    "SO10 · Build an engaged, healthy…",
]
SO4 = "Keep operating expenditure within 2% of the approved budget"


def _values(array: Any) -> list[Any]:
    """A Plotly array as the browser receives it (a list, or packed numbers)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


# --- objectives by name, in natural order -------------------------------------------------------

def test_objective_codes_sort_naturally() -> None:
    codes = ["SO10", "SO2", "SO1", "SO1.10", "SO1.2", "SO9", ""]
    # digits compare as numbers: 2 < 9 < 10, and 1.2 < 1.10 (2 < 10); the empty code last
    assert sort_objectives(codes) == ["SO1", "SO1.2", "SO1.10", "SO2", "SO9", "SO10", ""]


def test_the_register_is_listed_in_natural_order(sample_con: db.Connection) -> None:
    con = sample_con
    # before: by priority then text, SO1 SO3 SO4 SO8 SO9 SO2 SO6 SO7 SO10 SO5
    assert list(metrics.list_objectives(con)["objective_id"]) == [f"SO{i}" for i in range(1, 11)]
    # the objectives a filter may name: the register's and those reported (SO11, SO12 are not in it)
    with pytest.raises(QueryError, match="Objectives: SO1, SO2, SO3, SO4, SO5, SO6, SO7, SO8, "
                                         "SO9, SO10, SO11, SO12."):
        metrics.checked_filters(con, Filters("2025-06", objectives=("SO99",)))


def test_objective_label_cuts_the_title_at_a_word() -> None:
    assert objective_label("SO4", SO4) == "SO4 · Keep operating expenditure…"
    assert objective_label("SO4", SO4, width=40) == "SO4 · Keep operating expenditure within 2% of…"
    assert objective_label("SO4", SO4, width=None) == f"SO4 · {SO4}"
    assert objective_label("SO11", None) == "SO11"  # not in the register: the code alone


def test_sidebar_offers_objectives_by_name_in_natural_order(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "overview")
    box = at.multiselect(key="obj")
    assert box.options == SIDEBAR
    at.multiselect(key="obj").set_value(["SO10", "SO4"]).run()
    assert not at.exception
    assert at.multiselect(key="obj").value == ["SO10", "SO4"]
    # the caption names them in natural order whatever the order chosen
    assert "Objectives SO4, SO10" in texts(at)


def test_an_address_with_objective_codes_still_chooses_them(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "overview", query={"obj": ["SO3", "SO4"]})
    assert not at.exception
    assert at.multiselect(key="obj").value == ["SO3", "SO4"]


def test_alignment_grid_keeps_objectives_without_action_as_empty_rows(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "alignment")
    assert not at.exception
    grid = next(c for c in (json.loads(e.proto.spec) for e in at.get("plotly_chart"))
                if c["data"][0]["type"] == "heatmap")["data"][0]
    rows = _values(grid["y"])
    # every objective of the register, SO2 before SO10; the actions with no valid objective last
    # (HR 3.1 and five others: test_dashboard's orphans)
    codes, titles = _register(db_path)
    assert rows == [objective_label(c, t, width=38) for c, t in zip(codes, titles, strict=True)
                    ] + ["No valid objective"]
    assert [r.split(" · ")[0] for r in rows[:10]] == [f"SO{i}" for i in range(1, 11)]
    assert rows[4] == "SO5 · Diversify revenue through…"  # 38 characters: cut after "through"
    # SO5 has no action in June (objective coverage 9/10): its row is there, every cell empty
    z = grid["z"]  # packed numbers with their shape, or a list of rows
    cells = (np.array(_values(z)).reshape([int(n) for n in str(z["shape"]).split(",")])
             if isinstance(z, dict) else np.array([_values(r) for r in z], dtype=float))
    assert np.isnan(cells[4]).all()
    assert not np.isnan(cells[3]).all()  # SO4 has actions
    assert all(t == "" for t in grid["text"][4])
    assert "Empty rows: no action in scope serves SO5" in texts(at)


def _register(path: Path) -> tuple[list[str], list[str]]:
    con = db.connect(path)
    try:
        register = metrics.list_objectives(con)
        return list(register["objective_id"]), list(register["objective"])
    finally:
        con.close()


def test_alignment_grid_without_the_page_shows_no_action_rows() -> None:
    alignment = pd.DataFrame({"objective_id": ["SO10", "SO2"], "objective": ["Ten", "Two"],
                              "pillar": None, "priority": 1, "department": ["Finance", "Finance"],
                              "actions": [3, 1], "budget_allocated": [10.0, 5.0],
                              "budget_spent": [1.0, 1.0]})
    unserved = pd.DataFrame({"objective_id": ["SO9"], "objective": ["<b>Nine</b> & $x$"]})
    fig = charts.alignment_grid(alignment, "actions", "R", unserved)
    # natural order; the title from the register is text: & < > $ escaped for Plotly
    assert list(fig.data[0].y) == ["SO2 · Two", "SO9 · &lt;b&gt;Nine&lt;/b&gt; &amp; &#36;x&#36;",
                                   "SO10 · Ten"]
    assert np.isnan(fig.data[0].z[1]).all() and list(fig.data[0].text[1]) == [""]
    assert charts.grid_shape(alignment, unserved) == (3, 1)


def test_explore_shows_the_objective_by_name_and_downloads_code_and_title(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "explore")
    at.multiselect(key="dept").set_value(["Finance"]).run()
    at.multiselect(key="obj").set_value(["SO4"]).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert set(shown["objective_id"]) == {"SO4 · Keep operating expenditure…"}
    csv = pd.read_csv(io.BytesIO(downloads.named(".csv")), encoding="utf-8-sig")
    assert set(csv["Objective"]) == {"SO4"} and set(csv["Objective title"]) == {SO4}


def test_department_page_names_the_objective(db_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "department", query={"department": "Finance"})
    assert not at.exception
    action = at.selectbox(key="action").value
    con = db.connect(db_path)
    code = db.scalar(con, "SELECT objective_id FROM action_status WHERE department = 'Finance' "
                          "AND action_id = $a AND is_current ORDER BY period DESC LIMIT 1",
                     {"a": action})
    con.close()
    titles = dict(zip(*_register(db_path), strict=True))
    assert f"Objective: {code} · {titles[code]}" in texts(at)


# --- the template -------------------------------------------------------------------------------

def test_template_lists_the_objectives_with_their_titles(db_path: Path) -> None:
    con = db.connect(db_path)
    data = build_template(con, "Finance", Period(2025, 7), user=CLI)
    con.close()
    wb = load_workbook(io.BytesIO(data))
    sheet = wb["Objectives"]
    assert sheet.sheet_state == "visible"
    rows = [r for r in sheet.iter_rows(min_row=5, max_col=2, values_only=True) if r[0]]
    assert [r[0] for r in rows] == [f"SO{i}" for i in range(1, 11)]
    assert dict(rows)["SO4"] == SO4
    # the drop-down lists codes in the same natural order
    lists = wb["Lists"]
    column = [c.value for c in lists["B"][1:11]]
    assert column == [f"SO{i}" for i in range(1, 11)]
    # messages read right
    errors = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.error
              for dv in wb["Actions"].data_validations.dataValidation}
    assert errors["C"].startswith("Choose an objective from the list.")
    assert "Objectives sheet" in errors["C"]
    assert errors["J"] == "Choose a status from the list."
    assert not [e for e in errors.values() if e and ("a objective" in e or "_" in e)]
    said = [c.value for c in wb["Instructions"]["A"]]
    assert any("Objectives sheet" in str(line) for line in said)


# --- exports say what they hold -----------------------------------------------------------------

def test_file_names_carry_the_filters() -> None:
    f = Filters("2025-06", ("Finance",), ("SO4",), ("Delayed",))
    assert file_stem(f, "actions") == "lekgotla-actions-2025-06-Finance-SO4-Delayed"
    assert file_stem(Filters("2025-06"), "actions") == "lekgotla-actions-2025-06-all"
    several = Filters("2025-Q2", ("Human Resources", "Finance"), ("SO10", "SO2"),
                      ("In progress", "Not started"))
    # departments alphabetical, objectives natural, statuses in the order of SPEC's list
    assert (file_stem(several, "smart-failing") == "lekgotla-smart-failing-2025-Q2-Finance-"
            "Human_Resources-SO2-SO10-Not_started-In_progress")
    many = Filters("2025-06", tuple("ABCDE"), tuple(f"SO{i}" for i in range(1, 10)))
    assert file_stem(many, "actions") == "lekgotla-actions-2025-06-5-departments-9-objectives"
    odd = file_stem(Filters("2025-06", ("../../etc/passwd", "Zoë & Co: <x>")), "action-FIN/03")
    assert odd == "lekgotla-action-FIN_03-2025-06-etc_passwd-Zoë_Co_x"
    # Explore's own filters: the computed RAGs in their order, and the search as typed
    assert (file_stem(f, "actions", ("Green", "Red"), " budget  overrun ")
            == "lekgotla-actions-2025-06-Finance-SO4-Delayed-Red-Green-search_budget_overrun")
    assert file_stem(f, "actions", tuple(RAGS), "<b>") == (
        "lekgotla-actions-2025-06-Finance-SO4-Delayed-4-rags-search_b")
    assert file_stem(f, "actions", (), " %% ") == "lekgotla-actions-2025-06-Finance-SO4-Delayed"
    long = file_stem(Filters("2025-06", ("x" * 80, "y" * 80, "z" * 80), ("S" * 60,)), "a" * 60)
    assert len(long) <= 120 and not long.endswith(("-", "_"))


def test_dashboard_downloads_carry_filters_labels_and_a_filters_sheet(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    [outcome] = load_file(con, finance_july(), "Finance_2025-07.xlsx")
    con.close()
    assert outcome.status == "accepted"
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "explore")
    at.selectbox(key="period").set_value("2025-07").run()
    at.multiselect(key="dept").set_value(["Finance"]).run()
    at.multiselect(key="obj").set_value(["SO4"]).run()
    at.multiselect(key="status").set_value(["In progress"]).run()
    at.text_input(key="q").set_value("-5%").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 1  # FIN-07: SO4, In progress, comment "-5% variance"
    # the caption says the whole view, the page's search too (as typed, escaped for Markdown)
    assert any(r"· search “\-5\%”** — **1 action** in 1 department" in c.value
               for c in at.caption)
    stem = "lekgotla-actions-2025-07-Finance-SO4-In_progress-search_5"  # searched for "-5%"
    assert {f"{stem}.csv", f"{stem}.xlsx"} <= set(downloads.names())

    raw = downloads.named(f"{stem}.csv")
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    # the headers of the table on screen (presentation.labels), then the fields it does not show
    assert header[:8] == ["Department", "Period", "Period end", "Action ID", "Action",
                          "Objective", "Objective title", "Objective in register"]
    assert {"Reported status", "Computed RAG", "Progress", "Budget", "Slip (days)", "Comments",
            "File", "Row"} <= set(header)
    assert not [h for h in header if "_" in h]  # no snake_case key left
    csv = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert csv.loc[0, "Comments"] == "'-5% variance"  # still neutralised

    book = load_workbook(io.BytesIO(downloads.named(f"{stem}.xlsx")))
    assert book.sheetnames == ["Actions", "Filters"]
    assert [c.value for c in book["Actions"][1]][:4] == ["Department", "Period", "Period end",
                                                         "Action ID"]
    about = {r[0]: r[1] for r in book["Filters"].iter_rows(values_only=True)}
    assert about["Rows"] == "1"
    assert about["Period"] == "July 2025 (2025-07)"
    assert about["Departments"] == "Finance"
    assert about["Objectives"] == f"SO4 · {SO4}"
    assert about["Statuses"] == "In progress"
    assert about["Search"] == "'-5%"  # what the user typed, neutralised like every cell
    assert about["Exported by"].startswith("demo mode")
    assert about["Exported"][:2].isdigit()
    assert about["Data"].endswith(tuple("0123456789")) and "reports in force" in about["Data"]
    assert about["Strategy register"].startswith("version 1")


def test_audit_download_carries_the_audit_tables_headers(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "audit", role="admin")
    assert not at.exception
    header = downloads.named(".csv").decode("utf-8-sig").splitlines()[0].split(",")
    assert header == ["#", "When", "Who", "What", "Outcome", "Department", "Period", "Detail"]


def test_labels_are_unique_and_a_repeated_header_is_told_apart() -> None:
    every = list(COLUMN_LABELS.values())
    assert len(every) == len(set(every)), [x for x in every if every.count(x) > 1]
    out = labelled(pd.DataFrame(columns=["status", "state", "first_period"]),
                   {"state": "Reported status"})
    assert list(out.columns) == ["Reported status", "Reported status (state)", "First period"]
    assert set(RATE_LABELS) <= set(RATE_COLUMNS) | set(RATE_LABELS)


def test_the_cli_export_keeps_the_snake_case_keys(db_path: Path, tmp_path: Path) -> None:
    con = db.connect(db_path)
    out = tmp_path / "actions.csv"
    export_actions(con, Filters("2025-06", ("Finance",)), "csv", out)
    con.close()
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["department", "period", "period_end", "action_id", "action"]
