"""The dashboard with many actions (issue 6): what the Alignment, Slippage and Overview pages draw
when there is too much to draw one by one, and that the words beside each chart give the right
counts. Expected figures are worked out here from the data (metrics' per-action figures and a
pandas count), not by the chart code under test.

The history is tools/history.py's synthetic one: 30 departments × 6 months × 170 actions
(June 2021 holds about 5,000 actions in 630 objective × department pairs)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pandas as pd
import pytest
from dashboard_helpers import PAGES, copy_db, texts
from streamlit.testing.v1 import AppTest

import metrics
from ingest import db
from ingest.access import ROLE_LABELS
from presentation import charts
from tools import history

pytestmark = pytest.mark.scale

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
PERIOD = "2021-06"  # the last month of the history
DEPARTMENTS = 30


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "history.duckdb"
    history.build_file(path, DEPARTMENTS, 6, 170)
    return path


@pytest.fixture(scope="module")
def figures(history_db: Path) -> pd.DataFrame:
    """Every action of June 2021 with its figures, Cancelled left out (as the pages do)."""
    con = db.connect(history_db)
    try:
        out = metrics.action_figures(con, metrics.Filters(PERIOD))
    finally:
        con.close()
    return out[out["status"] != "Cancelled"]


def run(db_path: Path, monkeypatch: pytest.MonkeyPatch, page: str,
        query: dict[str, str] | None = None) -> AppTest:
    """The page on `db_path` without sample data, in demo mode as an admin."""
    monkeypatch.setenv("LEKGOTLA_DB", str(db_path))
    monkeypatch.setenv("LEKGOTLA_LOAD_SAMPLE_DATA", "false")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets = {"lekgotla": {}}
    at.query_params["demo_role"] = ROLE_LABELS["admin"]
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, at.exception
    return at


def plotly(at: AppTest) -> list[dict[str, Any]]:
    """The figures of every Plotly chart on the page, as the browser receives them."""
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def first_trace(figs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(t for f in figs for t in f["data"] if t["type"] == kind)


def spaced(n: int) -> str:
    """A count as the pages write it: `5 004`."""
    return f"{n:,}".replace(",", " ")


def objective_of(figures: pd.DataFrame) -> pd.Series:
    return figures["objective_id"].where(figures["objective_valid"].astype(bool),
                                         "No valid objective").fillna("No valid objective")


def test_history_rows_lie_month_by_month_as_monthly_loads_leave_them(history_db: Path) -> None:
    """Benchmarks read this history as a store of monthly uploads: each month's rows (reported,
    then carried over) after the month before, so a month's scan skips the others' row groups."""
    con = db.connect(history_db, read_only=True)
    try:
        out_of_order, carried = con.execute(
            "SELECT count(*) FILTER (WHERE period < previous), "
            "       count(*) FILTER (WHERE carried_from_upload IS NOT NULL) "
            "FROM (SELECT period, carried_from_upload, lag(period) OVER (ORDER BY rowid) AS previous "
            "      FROM action_status)").fetchone()
    finally:
        con.close()
    assert carried > 0  # the history carries actions over, so the order is tested
    assert out_of_order == 0


# --- Alignment ----------------------------------------------------------------------------------

def test_sunburst_of_many_departments_shows_each_objective_by_rag(
        history_db: Path, figures: pd.DataFrame, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(history_db, tmp_path), monkeypatch, "alignment")
    objective = objective_of(figures)
    pairs = len(pd.DataFrame({"o": objective, "d": figures["department"]}).drop_duplicates())
    assert len(figures) > charts.SUNBURST_ACTIONS and pairs > charts.SUNBURST_PAIRS
    said = texts(at)
    assert "Objective → computed RAG" in said
    assert (f"{spaced(len(figures))} actions of {DEPARTMENTS} departments, in {spaced(pairs)} "
            "objective × department pairs, are too many to draw") in said
    sunburst = first_trace(plotly(at), "sunburst")
    drawn = pd.DataFrame({"id": sunburst["ids"], "parent": sunburst["parents"],
                          "value": sunburst["values"], "colour": sunburst["marker"]["colors"]})
    outer = drawn[drawn["parent"] != ""]
    assert not outer["id"].str.contains("/a:|/d:").any()  # neither actions nor departments
    # each objective's ring segments are its actions' RAG counts
    expected = pd.crosstab(objective, figures["rag"]).stack()
    expected = expected[expected > 0]
    got = {(i.split("/r:")[0][2:], i.split("/r:")[1]): v
           for i, v in zip(outer["id"], outer["value"], strict=True)}
    assert got == {k: float(v) for k, v in expected.items()}
    assert sum(drawn.loc[drawn["parent"] == "", "value"]) == len(figures)
    for rag, colour in zip(outer["id"].str.split("/r:").str[1], outer["colour"], strict=True):
        assert colour == charts.theme.RAG_COLOURS[rag]


def test_sunburst_stops_at_departments_when_pairs_are_few(
        history_db: Path, figures: pd.DataFrame, tmp_path: Path, changed_code: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "SUNBURST_PAIRS", 1000)  # 630 pairs: few enough to draw
    at = run(copy_db(history_db, tmp_path), monkeypatch, "alignment")
    objective = objective_of(figures)
    pairs = pd.DataFrame({"o": objective, "d": figures["department"], "rag": figures["rag"]})
    n_pairs = len(pairs[["o", "d"]].drop_duplicates())
    assert (f"{spaced(len(figures))} actions are too many to draw one by one, so the outer ring "
            f"stops at the departments ({spaced(n_pairs)} objective × department pairs)"
            ) in texts(at)
    sunburst = first_trace(plotly(at), "sunburst")
    assert len(sunburst["ids"]) == objective.nunique() + n_pairs  # no action is drawn
    # a department's hover counts its actions by computed RAG
    some = pairs.iloc[0]
    rows = pairs[(pairs["o"] == some["o"]) & (pairs["d"] == some["d"])]
    hover = sunburst["hovertext"][sunburst["ids"].index(f"o:{some['o']}/d:{some['d']}")]
    assert f"{len(rows)} actions" in hover
    for rag, n in rows["rag"].value_counts().items():
        assert f"{n} {rag}" in hover


def test_sunburst_sized_by_budget_counts_the_actions_with_a_budget(
        history_db: Path, figures: pd.DataFrame, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(history_db, tmp_path), monkeypatch, "alignment", {"measure": "Budget"})
    with_budget = figures[figures["budget_allocated"].fillna(0) > 0]
    assert f"{spaced(len(with_budget))} actions with a budget of" in texts(at)
    sunburst = first_trace(plotly(at), "sunburst")
    roots = [v for v, p in zip(sunburst["values"], sunburst["parents"], strict=True) if p == ""]
    assert sum(roots) == pytest.approx(with_budget["budget_allocated"].sum())


def test_grid_of_many_cells_reads_by_colour_with_department_codes(
        history_db: Path, figures: pd.DataFrame, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(history_db, tmp_path), monkeypatch, "alignment")
    objectives = objective_of(figures).nunique()  # the invalid ones share a row
    assert (f"{objectives} objectives × {DEPARTMENTS} departments: too many cells to write a "
            "number in each") in texts(at)
    grid = first_trace(plotly(at), "heatmap")
    assert "text" not in grid and grid["showscale"] is True
    assert grid["x"][:2] == ["D00", "D01"]  # "Department 00": its code, its name in the hover
    assert grid["customdata"][0][0] == "Department 00"


def test_few_actions_are_drawn_one_by_one(sample_db: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(sample_db, tmp_path), monkeypatch, "alignment")
    said = texts(at)
    assert "Objective → department → action" in said and "too many" not in said
    figs = plotly(at)
    # June 2025: 73 rows, none Cancelled (sample_data/README.md), and 2 Completed actions carried
    # over (HR 3.1, Strategy 2): 75 actions, each one an outer segment
    assert sum("/a:" in i for i in first_trace(figs, "sunburst")["ids"]) == 75
    assert "text" in first_trace(figs, "heatmap")  # 7 departments: a number in each cell


# --- Slippage -----------------------------------------------------------------------------------

def _behind(rows: pd.DataFrame) -> pd.Series:
    """Days an action is behind: past its baseline due date, or forecast past its due date."""
    return pd.concat([rows["slip_days"].astype(float), rows["forecast_slip_days"].astype(float)],
                     axis=1).max(axis=1).fillna(0).clip(lower=0)


def test_timeline_draws_the_actions_furthest_behind(
        history_db: Path, figures: pd.DataFrame, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(history_db, tmp_path), monkeypatch, "slippage")
    moved = figures[figures["rescheduled"].astype(bool) | (figures["slip_days"].fillna(0) > 0)
                    | (figures["forecast_slip_days"].fillna(0) > 0)
                    | figures["overdue"].astype(bool)].dropna(subset=["due_date"])
    limit = charts.GANTT_ACTIONS
    assert len(moved) > limit
    assert (f"{limit} of {spaced(len(moved))} actions drawn: those furthest behind"
            in texts(at))
    gantt = next(f for f in plotly(at) if f["layout"].get("barmode") == "overlay")
    labels = gantt["layout"]["yaxis"]["categoryarray"]
    assert len(labels) == limit
    key = [f"{charts.initials(d)} {a}" for d, a in zip(moved["department"], moved["action_id"],
                                                      strict=True)]
    drawn = pd.Series([" ".join(label.split(" ")[:2]) for label in labels])
    behind = _behind(moved).set_axis(key)
    assert drawn.isin(behind.index).all()
    # nothing left out is further behind than anything drawn
    assert behind[behind.index.isin(drawn)].min() >= behind[~behind.index.isin(drawn)].max()


def test_slippage_lines_for_the_ten_highest_departments(
        history_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(history_db, tmp_path), monkeypatch, "slippage")
    assert (f"{charts.DEPARTMENT_LINES} of {DEPARTMENTS} departments drawn: those with the "
            "highest slipped actions in June 2021") in texts(at)
    con = db.connect(history_db)
    try:
        trend = metrics.kpi_trend(con, metrics.Filters(PERIOD, period_from="2021-01"),
                                  by_department=True)
    finally:
        con.close()
    june = trend[(trend["period"] == PERIOD) & trend["department"].notna()]
    june = june.assign(n=june["slipped_count"].astype(float)).sort_values(
        ["n", "department"], ascending=[False, True])
    lines = next(f for f in plotly(at) if f["data"][0]["type"] == "scatter"
                 and f["data"][0]["name"].startswith("Department"))
    assert [t["name"] for t in lines["data"]] == sorted(june["department"].head(10))


def test_small_timeline_draws_every_action(sample_db: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(sample_db, tmp_path), monkeypatch, "slippage")
    caption = next(c.value for c in at.caption if "Wide bar" in c.value)
    assert caption.startswith("Wide bar")  # fewer than the limit: no "n of m drawn"


# --- Overview -----------------------------------------------------------------------------------

def test_overview_draws_one_chart_and_the_reddest_departments(
        history_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(history_db, tmp_path), monkeypatch, "overview")
    assert len(at.metric) == 10
    limit = charts.RAG_BAR_DEPARTMENTS
    assert (f"{limit} of {DEPARTMENTS} departments drawn: those with the largest share of Red "
            "actions") in texts(at)
    figs = plotly(at)
    assert len(figs) == 1  # the other three tabs are not run until opened
    con = db.connect(history_db)
    try:
        league = metrics.department_league(con, metrics.Filters(PERIOD))
    finally:
        con.close()
    league = league[league["actions"] > 0]
    red = league["red"] / league["actions"]
    late = (league["red"] + league["amber"]) / league["actions"]
    ranked = league.assign(red_=red, late_=late).sort_values(
        ["red_", "late_", "rank"], ascending=[False, False, True])
    assert set(figs[0]["data"][0]["y"]) == set(ranked["department"].head(limit))


def test_overview_draws_the_open_tab_only(sample_db: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(sample_db, tmp_path), monkeypatch, "overview")
    at.session_state["chart"] = "Completion, timeliness and spend"  # as a click on the tab
    at.run()
    figs = plotly(at)
    assert len(figs) == 1
    assert [t["name"] for t in figs[0]["data"]] == ["Completion", "On time", "Overdue",
                                                    "Budget utilisation"]
    # 7 departments: every one drawn, no caption about a selection
    assert "departments drawn" not in texts(at)
    # the other trend tab: the same chart function on the same data, with other series (the
    # charts shared between sessions are kept apart by their arguments too)
    at.session_state["chart"] = "Quality, targets and alignment"
    at.run()
    [quality] = plotly(at)
    assert [t["name"] for t in quality["data"]] == ["Quality pass", "Target attainment",
                                                    "SMART compliance", "Alignment"]


def test_kpi_tiles_draw_their_trend(sample_db: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(copy_db(sample_db, tmp_path), monkeypatch, "overview")
    images = [m.value for m in at.markdown if m.value.startswith("<img")]
    assert len(images) == 10  # one sparkline per tile
    completion = next(i for i in images if 'alt="Completion ' in i)
    # six months, January to June 2025; completion rose to its June value, 42/75 = 56.0%
    assert "Completion from Jan 2025 to Jun 2025:" in completion
    assert completion.split('alt="')[1].split('"')[0].endswith(
        ": 3.5% then 56.0% (lowest 3.5%, highest 56.0%)")
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", completion).group(1)).decode()
    [line] = ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}polyline")  # no month provisional
    points = line.get("points").split()
    assert len(points) == 6 and line.get("stroke-dasharray") is None
    # the last point (June, the highest) is at the top of the box
    assert points[-1] == "100.00,2.00"


def _quality(departments: int, months: int) -> pd.DataFrame:
    states = ["on time", "late", "missing", "rejected"]
    return pd.DataFrame([{"department": f"Department {d:02}", "period": f"2024-{m:02}" if m <= 12
                          else f"2025-{m - 12:02}", "state": states[(d + m) % 4]}
                         for d in range(1, departments + 1) for m in range(1, months + 1)])


def test_the_submission_grid_writes_each_state_when_it_can_be_read() -> None:
    fig = charts.submission_grid(_quality(7, 6), "")
    state = {t.name: t for t in fig.data}  # one heatmap a state, each writing its own cells
    assert {t.texttemplate for t in fig.data} == {"%{text}"}
    # state = (department + month) % 4 of on time, late, missing, rejected: 1 + 1 -> missing, 2 + 1 -> rejected
    assert state["missing"].text[0][0] == "missing" and state["rejected"].text[1][0] == "rejected"
    assert state["late"].text[0][0] == ""
    assert fig.layout.height == 90 + 44 * 7


def test_the_submission_grid_of_many_departments_is_colour_only_with_the_state_in_the_hover() -> None:
    fig = charts.submission_grid(_quality(40, 24), "")  # 960 cells > GRID_TEXT_CELLS
    heatmap = {t.name: t for t in fig.data}["on time"]
    assert {t.texttemplate for t in fig.data} == {None}
    # department 40, month 24: (40 + 24) % 4 = 0 -> on time, named in the hover
    assert "%{text}" in heatmap.hovertemplate and heatmap.text[39][23] == "on time"
    assert fig.layout.height == 90 + 18 * 40
