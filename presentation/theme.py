"""Colours, the Plotly template and number formats: defined once, used by every page.

RAG colours always mean the computed RAG of SPEC §5.10 and nothing else.

Text drawn on a colour takes `ink(colour)`: white or the page's text colour, whichever contrasts
more. Every fill that carries text is chosen so that its ink reaches WCAG 2.2 AA (4.5:1); the
test in tests/dashboard/test_accessibility.py works the ratio out for every pair the app draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ingest.words import MONTHS, period_words
from metrics.filters import Filters, months_of, sort_objectives

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

DASH = "—"  # a figure whose denominator is empty (SPEC §5)


def missing(value: Any) -> bool:
    """True for None, NaN, NA and NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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


def text(value: Any) -> str:
    """A text cell as shown in a sentence: the dash when empty."""
    return DASH if missing(value) or str(value).strip() == "" else str(value)


def period_label(period: str | None) -> str:
    """`2025-06` → `June 2025`; `2025-Q2` → `Q2 2025`; none → `—` (ingest.words.period_words, the
    same words as ingest's messages)."""
    return period_words(period) or DASH


def period_span(period: str) -> str:
    """The months a period covers in words: `April – June 2025`, or `June 2025`."""
    months = months_of(period)
    if len(months) == 1:
        return period_label(months[0])
    return f"{MONTHS[int(months[0][5:7]) - 1]} – {period_label(months[-1])}"


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


def short_period(period: str) -> str:
    """`2025-06` → `Jun 2025` (axis labels)."""
    text = str(period)
    if "Q" in text:
        return f"{text[5:]} {text[:4]}"
    return f"{MONTHS[int(text[5:7]) - 1][:3]} {text[:4]}"


def pct(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: 0.5479 → `54.8%`."""
    if missing(value):
        return DASH
    return f"{float(value) * 100:.{digits}f}%"


def percent_points(value: Any, digits: int = 1) -> str:
    """A value already in percent: 82.1 → `82.1%`."""
    if missing(value):
        return DASH
    return f"{float(value):.{digits}f}%"


def pp_change(value: Any) -> str | None:
    """A change of a fraction, in percentage points: 0.123 → `+12.3 pp`."""
    if missing(value):
        return None
    return f"{float(value) * 100:+.1f} pp"


def ratio(value: Any) -> str:
    """A ratio such as the CPI: `1.03`."""
    if missing(value):
        return DASH
    return f"{float(value):.2f}"


def number(value: Any) -> str:
    """A count or amount with thousands separated by a space: `12 500`."""
    if missing(value):
        return DASH
    v = float(value)
    return f"{v:,.0f}".replace(",", " ") if v.is_integer() or abs(v) >= 100 else f"{v:,.1f}"


def money(value: Any, currency: str, compact: bool = False) -> str:
    """Money with the currency setting: `R 1 250 000`, or `R 1.25m` when compact."""
    if missing(value):
        return DASH
    v = float(value)
    if compact:
        for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
            if abs(v) >= size:
                return f"{currency} {v / size:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{currency} {v:,.0f}".replace(",", " ")


def days(value: Any) -> str:
    """A number of days: `40 days`, `1 day`."""
    if missing(value):
        return DASH
    v = float(value)
    shown = f"{v:.0f}" if abs(v) >= 10 or v.is_integer() else f"{v:.1f}"
    return f"{shown} day" if shown in ("1", "-1") else f"{shown} days"


def a_date(value: Any) -> str:
    """A date as people read it: `30 Jun 2025`."""
    if missing(value):
        return DASH
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, datetime | date | pd.Timestamp):
        return f"{value.day} {MONTHS[value.month - 1][:3]} {value.year}"
    return str(value)


def a_datetime(value: Any) -> str:
    """A moment as people read it: `2 Jul 2025, 14:05`."""
    if missing(value):
        return DASH
    ts = pd.Timestamp(value)
    return f"{a_date(ts)}, {ts:%H:%M}"


# A KPI's value as people read it, by its format in metrics.kpi_catalogue (a count otherwise).
KPI_FORMATS: dict[str, Callable[[Any], str]] = {
    "rate": pct, "percent": percent_points, "ratio": ratio, "days": days, "count": number}


def kpi_value(kind: str, value: Any) -> str:
    """A KPI value as shown on a tile (dashboard and review pack): `54.8%`, `1.03`, `40 days`."""
    return KPI_FORMATS.get(kind, number)(value)


def finite(values: Any) -> list[float]:
    """The numbers of a series without the gaps (for sparklines)."""
    out = []
    for v in values:
        if not missing(v):
            f = float(v)
            if not math.isinf(f):
                out.append(f)
    return out
