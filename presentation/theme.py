"""Colours, the Plotly template and number formats: defined once, used by every page. The
formats of values themselves live in metrics.formats (metrics writes sentences with them); this
module gives them under their old names.

RAG colours always mean the computed RAG of SPEC §5.10 and nothing else.

Text drawn on a colour takes `ink(colour)`: white or the page's text colour, whichever contrasts
more. Every fill that carries text is chosen so that its ink reaches WCAG 2.2 AA (4.5:1); the
test in tests/dashboard/test_accessibility.py works the ratio out for every pair the app draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from ingest.words import listing
from metrics.filters import Filters, sort_objectives
from metrics.formats import DASH as DASH
from metrics.formats import KPI_FORMATS as KPI_FORMATS
from metrics.formats import a_date as a_date
from metrics.formats import a_datetime as a_datetime
from metrics.formats import days as days
from metrics.formats import fixed as fixed
from metrics.formats import kpi_value as kpi_value
from metrics.formats import missing as missing
from metrics.formats import money as money
from metrics.formats import number as number
from metrics.formats import pct as pct
from metrics.formats import percent_points as percent_points
from metrics.formats import period_label as period_label
from metrics.formats import period_span as period_span
from metrics.formats import ratio as ratio
from metrics.formats import short_period as short_period
from metrics.formats import shown_change as shown_change
from metrics.formats import shown_difference as shown_difference
from metrics.formats import text as text

# Text colours: the page's (as in .streamlit/config.toml) and white, for text on a colour.
TEXT = "#1B1F24"
WHITE = "#FFFFFF"
# The contrast WCAG 2.2 AA asks of normal-size text (1.4.3).
AA_TEXT = 4.5

RAG_COLOURS: dict[str, str] = {
    "Red": "#C0392B",  # white text 5.4:1
    "Amber": "#E67E22",  # dark text 5.8:1 (white text fails AA)
    "Green": "#27AE60",  # dark text 5.8:1 (white text fails AA)
    "Complete": "#2471A3",  # white text 5.3:1
}
RAG_ORDER: tuple[str, ...] = ("Red", "Amber", "Green", "Complete")

# Submission states (Submissions page): their own palette, so that they never read as a RAG.
SUBMISSION_COLOURS: dict[str, str] = {
    "on time": "#1E8449",  # white text 4.7:1
    "late": "#D4AC0D",  # dark text 7.7:1 (white text fails AA)
    "rejected": "#8E44AD",  # white text 5.9:1
    "missing": "#95A5A6",  # dark text 6.5:1 (white text fails AA)
}
SUBMISSION_ORDER: tuple[str, ...] = ("on time", "late", "rejected", "missing")

# Self-reported statuses: neutral blues and greys, never the RAG colours.
STATUS_COLOURS: dict[str, str] = {
    "Not started": "#BDC3C7",
    "In progress": "#5DADE2",
    "At risk": "#85929E",
    "Delayed": "#566573",
    "On hold": "#D7DBDD",
    "Completed": "#1F4E79",
    "Cancelled": "#ECF0F1",
}

# KPI sparklines: the tile's change is good, bad, or neither (Streamlit's own delta colours).
SPARK_COLOURS: dict[str, str] = {"good": "#21A05A", "bad": "#D8413F", "off": "#808495"}


def spark_lines(points: list[str], stroke: str, dashed_last: bool = False) -> str:
    """A sparkline's SVG polylines through `points` ("x,y"), drawn with the `stroke` attributes;
    `dashed_last`: the last point is over fewer departments than those before it (a provisional
    month), so the line to it is dashed, not drawn as like for like."""
    solid = points[:-1] if dashed_last else points
    lines = f'<polyline {stroke} points="{" ".join(solid)}"/>' if len(solid) > 1 else ""
    if dashed_last and len(points) > 1:
        lines += f'<polyline {stroke} stroke-dasharray="3 3" points="{points[-2]} {points[-1]}"/>'
    return lines

PRIMARY = "#1F4E79"
MUTED = "#646F70"  # also a text colour (chart notes): 5.2:1 on white
GRID = "#E5E8EC"
BASELINE = "#566573"
# Counts in a grid: light to mid blue, so the numbers written in the cells (in TEXT) read at
# 4.5:1 or more on every shade (the darkest, #4292C6, gives 4.9:1).
SEQUENTIAL: list[list[Any]] = [[0.0, "#F3F6FA"], [0.25, "#C6DBEF"], [0.5, "#9ECAE1"],
                               [0.75, "#6BAED6"], [1.0, "#4292C6"]]
# Lines and categories that are not RAG: navy, teal, purple, slate, mustard... (no RAG hue).
# Each takes white or dark text at 4.5:1 or more (sunburst labels): #D35490 reached neither.
SERIES: list[str] = ["#1F4E79", "#17A589", "#8E44AD", "#5D6D7E", "#B7950B", "#A93B78",
                     "#76D7C4", "#34495E", "#A9CCE3", "#633974"]

pio.templates["lekgotla"] = go.layout.Template(
    layout=go.Layout(
        font={"family": "Source Sans Pro, Segoe UI, sans-serif", "size": 13, "color": TEXT},
        colorway=SERIES,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"gridcolor": GRID, "zerolinecolor": GRID, "automargin": True},
        yaxis={"gridcolor": GRID, "zerolinecolor": GRID, "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": {"text": ""}},
        hoverlabel={"bgcolor": "white", "font": {"size": 12}},
        title={"font": {"size": 15}, "x": 0, "xanchor": "left"},
    )
)
TEMPLATE = "lekgotla"

def luminance(colour: str) -> float:
    """The relative luminance of a `#RRGGBB` colour (WCAG 2.2, definition of terms)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour.lstrip("#")[i:i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two `#RRGGBB` colours, 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink(colour: str) -> str:
    """The text colour for text drawn on `colour`: white or TEXT, whichever contrasts more."""
    return WHITE if contrast(WHITE, colour) >= contrast(TEXT, colour) else TEXT


def chip(label: str, colour: str) -> str:
    """A small coloured label (HTML), e.g. a RAG beside a figure, its text in `ink(colour)`."""
    return (f'<span style="background:{colour};color:{ink(colour)};border-radius:0.6em;'
            f'padding:0.1em 0.55em;font-size:0.85em;font-weight:600;white-space:nowrap">'
            f'{label}</span>')


def report_months(league: Any) -> list[str]:
    """The "Report of" of each league row (a quarter's figures are each department's last month
    with a report): its month as read, "" for a department with no actions to report."""
    return [period_label(str(m)) if not missing(a) and a else ""
            for m, a in zip(league["month"], league["actions"], strict=True)]


def compared_over(changes: Any) -> list[str] | None:
    """The departments a provisional month's changes (`metrics.kpi_changes`) compare, from any
    of its rows (the submission rates' rows have none); None when every department compares."""
    return next((list(o) for o in changes.get("compared_over", ()) if isinstance(o, list | tuple)),
                None)


def same_departments(over: Any, short: bool = False) -> str:
    """What a change compares with, in words, to add to the previous period's name, given its
    `compared_over` (a row's, or `compared_over`'s): " (the same 6 departments)", " (Finance
    alone)"; `short`: for a tile, ", same 6 depts"; empty when every department compares."""
    if not isinstance(over, list | tuple) or not over:
        return ""
    if short:
        return f", same {len(over)} dept{'s' if len(over) > 1 else ''}"
    return f" ({over[0]} alone)" if len(over) == 1 else f" (the same {len(over)} departments)"


def compared_words(row: Any) -> str:
    """Which departments a KPI's change compares and which it leaves out, as a sentence, from a
    row of `metrics.kpi_changes` (a mapping); empty when it compares every department: the
    tile's "same 3 depts" in full, for its help and the review pack."""
    over = row.get("compared_over")
    if not isinstance(over, list | tuple) or not over:
        return ""
    before, month = period_label(str(row.get("previous_month"))), period_label(str(row.get("month")))
    left = [f"{listing(list(names))} (no report for {when})"
            for names, when in ((row.get("joined"), before), (row.get("missing"), month)) if names]
    return (f"The change compares {listing(list(over))}, which reported both {before} and "
            f"{month}" + (f"; left out of it: {'; '.join(left)}" if left else "") + ".")


def change_ends(row: Any) -> tuple[Any, Any]:
    """The two figures a tile's change is told as the difference of (a row of
    `metrics.kpi_changes`): the previous figure and the month's, so that a reader's subtraction
    agrees; for a like-for-like change (`compared_words`), whose figures no tile shows, 0 and
    the change itself, which is so rounded as a figure of its kind. (None, …) when there is no
    previous figure."""
    if missing(row.get("previous_value")):
        return None, row.get("compared_value")
    if compared_words(row):
        return 0.0, row.get("change")
    return row.get("previous_value"), row.get("compared_value")


def provisional(reporting: dict[str, Any]) -> tuple[str, str]:
    """A month not every department in scope has reported (`metrics.views.period_reporting`), in
    words: its headline ("Provisional: 6 of 7 departments reported April 2025") and what follows,
    as plain text (escape both). A department that has reported later months is not "not yet
    reported": its report of this month is overdue."""
    since = [d for d in reporting["missing"] if d in reporting["since"]]
    pending = [d for d in reporting["missing"] if d not in since]
    # the deadline, so that a month long past does not read as one still to come
    due = f" (due by {a_date(reporting['deadline'])})" if reporting.get("deadline") else ""
    said = [f"Not yet reported{due}: {', '.join(pending)}"] if pending else []
    if since:
        said.append(f"{'Not reported either' if pending else 'Not reported'}: {', '.join(since)}, "
                    f"which {'has' if len(since) == 1 else 'have'} reported later months")
    change = ("as their reports arrive" if pending else
              f"if {'its report comes' if len(since) == 1 else 'their reports come'} in late")
    return (f"Provisional: {len(reporting['reported'])} of {reporting['expected']} departments "
            f"reported {period_label(reporting['month'])}",
            f"{'. '.join(said)}. The figures will change {change}; until then, changes compare "
            "the departments that reported both months")


def scope_label(filters: Filters) -> str:
    """`All departments`, one department, or several joined."""
    return filters.scope if filters.departments else "All departments"


def describe_filters(filters: Filters, escape: Callable[[str], str] = str) -> str:
    """The filters in words: `Q2 2025 · All departments · Objectives SO1, SO3` (objectives in
    their natural order). `escape` is applied to the department and objective names, which are
    report text (e.g. `presentation.markup.md` for a page caption)."""
    parts = [period_label(filters.period), escape(scope_label(filters))]
    if filters.objectives:
        parts.append("Objectives " + ", ".join(escape(o) for o in sort_objectives(filters.objectives)))
    if filters.statuses:
        parts.append("Status " + ", ".join(filters.statuses))
    return " · ".join(parts)


def finite(values: Any) -> list[float]:
    """The numbers of a series without the gaps (for sparklines)."""
    out = []
    for v in values:
        if not missing(v):
            f = float(v)
            if not math.isinf(f):
                out.append(f)
    return out
