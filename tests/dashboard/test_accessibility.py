"""WCAG 2.2 AA for text on colour (1.4.3, 4.5:1): the contrast ratio worked out here, from the
formula, for every (text colour, background) pair the app draws — chips, coloured table cells,
the submission grid, the counts in the alignment grid, text on bars and sunburst segments, the
review pack's chips and XLSX cells, and the page's own text."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.io as pio
import pytest

from dashboard import components, uploads
from presentation import charts, pack_style, pack_xlsx, theme
from presentation.xlsx_book import Style

ROOT = Path(__file__).resolve().parents[2]
AA = 4.5


def channel(value: int) -> float:
    """One sRGB channel (0–255) made linear (WCAG 2.2, 'relative luminance')."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """L = 0.2126 R + 0.7152 G + 0.0722 B of the linear channels."""
    h = colour.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = (channel(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(text: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), L1 the lighter."""
    light, dark = sorted((luminance(text), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def named(colour: str) -> str:
    """CSS 'white' as hex; hex as it is."""
    return {"white": "#FFFFFF", "#fff": "#FFFFFF"}.get(colour.strip().lower(), colour.strip())


def test_the_formula_gives_the_issues_figures() -> None:
    # issue 12 measured these on the old colours: the formula here must reproduce them
    assert ratio("#FFFFFF", "#E67E22") == pytest.approx(2.85, abs=0.01)  # white on Amber
    assert ratio("#FFFFFF", "#27AE60") == pytest.approx(2.87, abs=0.01)  # on Green
    assert ratio("#FFFFFF", "#2E86C1") == pytest.approx(3.97, abs=0.01)  # on Complete
    assert ratio("#FFFFFF", "#D4AC0D") == pytest.approx(2.16, abs=0.01)  # "late"
    assert ratio("#FFFFFF", "#95A5A6") == pytest.approx(2.56, abs=0.01)  # "missing"
    assert ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast("#FFFFFF", "#E67E22") == pytest.approx(ratio("#FFFFFF", "#E67E22"))


def css(style: str) -> dict[str, str]:
    """`background:#X;color:#Y;…` as a dict."""
    return {k.strip(): v.strip() for k, v in
            (part.split(":", 1) for part in style.split(";") if ":" in part)}


STATE_COLOURS = {**theme.RAG_COLOURS, **theme.SUBMISSION_COLOURS}


@pytest.mark.parametrize("name", list(STATE_COLOURS))
def test_chips_on_every_rag_and_submission_colour(name: str) -> None:
    html = theme.chip(name, STATE_COLOURS[name])
    style = css(re.search(r'style="([^"]*)"', html).group(1))  # type: ignore[union-attr]
    assert style["background"] == STATE_COLOURS[name]
    assert ratio(named(style["color"]), style["background"]) >= AA, (name, style)


@pytest.mark.parametrize("column", list(components.COLOURED_COLUMNS))
def test_coloured_table_cells(column: str) -> None:
    colours = components.COLOURED_COLUMNS[column]
    for value, colour in colours.items():
        style = css(components._colour_cells(value, colours))
        assert style["background-color"] == colour
        assert ratio(named(style["color"]), colour) >= AA, (column, value, style)


def page_theme() -> dict[str, str]:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]


def test_page_text_and_problem_rows() -> None:
    t = page_theme()
    assert t["textColor"] == theme.TEXT
    for background in (t["backgroundColor"], t["secondaryBackgroundColor"]):
        assert ratio(t["textColor"], background) >= AA
        assert ratio(theme.MUTED, background) >= AA  # chart notes ("end of period")
    # the Upload page's problem list: page text on the error / warning rows
    for severity in uploads.SEVERITY_COLOURS:
        style = css(uploads._severity_style(severity))
        text = named(style.get("color", t["textColor"]))
        assert ratio(text, style["background-color"]) >= AA, severity


def test_review_pack_chips_and_xlsx_cells() -> None:
    sheet = pack_style.stylesheet()
    for name, colour in STATE_COLOURS.items():
        rule = re.search(r"\.chip\." + re.escape(name.lower().replace(" ", "-")) + r" \{([^}]*)\}",
                         sheet)
        assert rule, name
        style = css(rule.group(1))
        assert ratio(named(style["color"]), style["background"]) >= AA, (name, style)
        cell = pack_xlsx._rag(Style(), name, STATE_COLOURS)
        assert cell.fill == colour.lstrip("#")
        assert ratio("#" + str(cell.colour), "#" + cell.fill) >= AA, (name, cell)


def quality_grid() -> pd.DataFrame:
    rows = [(d, p, s) for d, states in (("Finance", ("on time", "late")),
                                        ("HR", ("rejected", "missing")))
            for p, s in zip(("2025-05", "2025-06"), states, strict=True)]
    return pd.DataFrame(rows, columns=["department", "period", "state"])


def test_submission_grid_text_on_each_state() -> None:
    fig = charts.submission_grid(quality_grid(), "")
    seen = set()
    for trace in fig.data:
        assert trace.texttemplate, "each cell says its state"
        fills = {c for _, c in trace.colorscale}
        assert len(fills) == 1, "one state, one colour, one text colour"
        fill = fills.pop()
        assert ratio(trace.textfont.color, fill) >= AA, (trace.name, fill, trace.textfont.color)
        # it writes its own state only: another state's ink over a cell made "on time" unreadable
        assert {t for row in trace.text for t in row} == {trace.name, ""}, trace.name
        seen.add(trace.name)
    assert seen == set(theme.SUBMISSION_ORDER)


def scale_colour(scale: list[list[Any]], at: float) -> str:
    """The colour Plotly draws at `at` (0–1) of a colour scale: RGB interpolated between stops."""
    for (a, ca), (b, cb) in zip(scale, scale[1:], strict=False):
        if a <= at <= b:
            w = 0 if b == a else (at - a) / (b - a)
            one = [int(ca.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
            two = [int(cb.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
            return "#" + "".join(f"{round(x + (y - x) * w):02X}" for x, y in zip(one, two,
                                                                               strict=True))
    raise AssertionError(at)


def test_alignment_grid_counts_read_on_every_shade() -> None:
    alignment = pd.DataFrame({
        "objective_id": ["SO1", "SO1", "SO2", None], "objective": ["Grow", "Grow", "Save", None],
        "department": ["Finance", "HR", "Finance", "HR"], "actions": [1, 9, 4, 2],
        "budget_allocated": [10.0, 90.0, 40.0, 20.0]})
    for value in ("actions", "budget_allocated"):
        trace = charts.alignment_heatmap(alignment, value, "", "R").data[0]
        assert trace.texttemplate
        scale = [[s, c] for s, c in trace.colorscale]
        for step in range(101):  # every shade a cell can take, lightest to darkest
            fill = scale_colour(scale, step / 100)
            assert ratio(trace.textfont.color, fill) >= AA, (value, fill)


def test_text_on_bars_and_sunburst_segments() -> None:
    smart = pd.DataFrame({"department": [None, None], "check": ["Specific", "All five"],
                          "pass_rate": [0.9, 0.8], "failed": [1, 2]})
    bar = charts.smart_bars(smart, "").data[0]
    for fill, ink in zip(bar.marker.color, bar.insidetextfont.color, strict=True):
        assert ratio(ink, fill) >= AA, fill
    assert ratio(bar.outsidetextfont.color, page_theme()["backgroundColor"]) >= AA

    rags = list(theme.RAG_ORDER)
    figures = pd.DataFrame({
        "objective_id": [f"SO{i % 12}" for i in range(24)] + [None],
        "objective_valid": [True] * 24 + [False],
        "department": ["Finance", "HR"] * 12 + ["IT"],
        "action_id": [f"A{i}" for i in range(25)], "action": ["Do it"] * 25,
        "budget_allocated": [100.0] * 25, "rag": [rags[i % 4] for i in range(25)],
        "status": ["In progress"] * 25})
    for size in ("count", "budget"):
        sun = charts.alignment_sunburst(figures, size, "R").data[0]
        fills, inks = sun.marker.colors, sun.insidetextfont.color
        assert len(fills) == len(inks) == len(sun.labels)
        for fill, ink in zip(fills, inks, strict=True):
            assert ratio(ink, fill) >= AA, fill


def test_the_sunburst_table_names_the_ring_of_actions_without_an_objective() -> None:
    # the ring's own label is shortened to "None"; its text equivalent names it in full
    figures = pd.DataFrame({
        "objective_id": ["SO1", "SO1", None], "objective_valid": [True, True, False],
        "department": ["Finance", "HR", "IT"], "action_id": ["F1", "H1", "I1"],
        "action": ["Do it"] * 3, "budget_allocated": [100.0] * 3,
        "rag": ["Red", "Green", "Amber"], "status": ["In progress"] * 3})
    table = charts.figure_table(charts.alignment_sunburst(figures, "count", "R"))
    values = dict(zip(table["Segment"], table["Value"], strict=True))
    assert values["No valid objective"] == 1 and values["SO1"] == 2
    assert values["No valid objective › IT"] == 1 and values["IT › I1"] == 1
    assert "None" not in values


def test_the_submission_grids_table_keeps_its_months_in_order() -> None:
    # the first state drawn ("on time") has cells only in the later months: the table's columns
    # still run in the grid's order, not in the order the states fill them
    quality = pd.DataFrame({
        "department": ["Finance", "Finance", "Finance", "HR", "HR", "HR"],
        "period": ["2024-11", "2024-12", "2025-01"] * 2,
        "state": ["missing", "late", "on time", "missing", "missing", "on time"]})
    table = charts.figure_table(charts.submission_grid(quality, ""))
    months = [c for c in table.columns if c != "Row"]
    assert months == [theme.short_period(p) for p in ("2024-11", "2024-12", "2025-01")]
    assert table.set_index("Row").loc["Finance"].tolist() == ["missing", "late", "on time"]


def test_a_sparklines_words_end_on_the_value_its_tile_shows(
        sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import html
    import re

    from dashboard_helpers import app, copy_db, metric_values

    at = app(copy_db(sample_db, tmp_path), monkeypatch, query={"period": "June 2025"})
    tiles = metric_values(at)
    said = [html.unescape(m) for e in at.markdown
            for m in re.findall(r'<img src="data:image/svg\+xml[^"]*" alt="([^"]*)"', e.value)]
    assert len(said) >= 5
    for words in said:  # "On time from Jan 2025 to Jun 2025: 92.9% then 78.6% (lowest …, highest …)"
        found = re.fullmatch(r"(.+) from \S+ \d{4} to \S+ \d{4}: (\S+) then (\S+) "
                             r"\(lowest (\S+), highest (\S+)\)", words)
        assert found, words
        assert tiles[found.group(1)] == found.group(3), (words, tiles[found.group(1)])


def test_every_series_colour_takes_a_readable_ink() -> None:
    # sunburst objectives cycle through SERIES; a RAG, a state or a series colour all carry text
    for colour in [*theme.SERIES, *STATE_COLOURS.values(), theme.MUTED, charts.DEPARTMENT_FILL]:
        assert ratio(theme.ink(colour), colour) >= AA, colour


def test_chart_text_on_the_page() -> None:
    # axis labels, legends and titles take the template's font, and any note the same contrast
    background = page_theme()["backgroundColor"]
    assert ratio(pio.templates[theme.TEMPLATE].layout.font.color, background) >= AA
    figures = pd.DataFrame({
        "department": ["Finance"], "action_id": ["F1"], "action": ["Do it"],
        "status": ["In progress"], "rag": ["Red"], "start_date": [pd.Timestamp("2025-01-01")],
        "due_date": [pd.Timestamp("2025-05-31")], "baseline_due_date": [pd.Timestamp("2025-04-30")],
        "period_end": [pd.Timestamp("2025-06-30")], "forecast_finish": [pd.Timestamp("2025-08-01")],
        "forecast_slip_days": [62.0]})
    fig = charts.gantt(figures)
    # the period's end is named in the legend, in the template's font (a note above the plot sat
    # on the legend's entries)
    assert "End of period (30 Jun 2025)" in [t.name for t in fig.data]
    for note in fig.layout.annotations:
        assert ratio(note.font.color, background) >= AA, note.text


# --- Charts keep a text equivalent: every chart on every page has its numbers in a table ---


def chart_numbers(spec: dict[str, Any]) -> set[float]:
    """The numbers a chart draws as the browser receives them (bars, lines, cells, segments),
    rounded; a timeline's spans (milliseconds from a date) left out: the table shows dates."""
    import base64

    import numpy as np

    def values(array: Any) -> list[Any]:
        if isinstance(array, dict) and "bdata" in array:
            return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
        return list(array) if isinstance(array, list) else []

    found: set[float] = set()
    for trace in spec["data"]:
        if trace.get("base") is not None:
            continue
        # a grid of states (one named heatmap per state) draws words, its z only codes them
        words = trace.get("type") == "heatmap" and trace.get("name")
        for field in ("x", "y", "values") if words else ("x", "y", "z", "values"):
            for v in values(trace.get(field)):
                for item in v if isinstance(v, list) else [v]:
                    if isinstance(item, int | float) and item == item:
                        found.add(round(float(item), 6))
    return found


def table_numbers(frame: pd.DataFrame) -> set[float]:
    out: set[float] = set()
    for column in frame.columns:
        for v in pd.to_numeric(frame[column], errors="coerce").dropna():
            out.add(round(float(v), 6))
    return out


def charts_and_tables(block: Any) -> list[tuple[Any, Any]]:
    """Each plotly chart in the page's tree with the element drawn right after it."""
    pairs: list[tuple[Any, Any]] = []
    children = list(getattr(block, "children", {}).values())
    for i, child in enumerate(children):
        if getattr(child, "type", None) == "plotly_chart":
            pairs.append((child, children[i + 1] if i + 1 < len(children) else None))
        pairs += charts_and_tables(child)
    return pairs


@pytest.mark.parametrize("page", ["overview", "alignment", "slippage", "department",
                                  "submissions"])
def test_every_chart_has_its_numbers_in_a_table_beside_it(
        page: str, sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from dashboard_helpers import app, clear_caches, copy_db

    clear_caches()
    at = app(copy_db(sample_db, tmp_path), monkeypatch, page)
    assert not at.exception, at.exception
    pairs = charts_and_tables(at.main)
    assert pairs, f"{page} draws a chart"
    for chart, after in pairs:
        assert after is not None and getattr(after, "type", None) == "expander", (page, after)
        assert after.label == "The figures in this chart"
        [frame] = [e.value for e in after.children.values() if e.type == "dataframe"]
        assert len(frame) > 0
        spec = json.loads(chart.proto.spec)
        missing = chart_numbers(spec) - table_numbers(frame)
        assert not missing, (page, sorted(missing)[:10])
        for trace in spec["data"]:  # and the words a grid of states writes in its cells
            if trace.get("type") == "heatmap" and trace.get("name"):
                assert trace["name"] in set(frame.astype(str).to_numpy().ravel()), trace["name"]
