"""Colours, the Plotly template and number formats: defined once, used by every page.

RAG colours always mean the computed RAG of SPEC §5.10 and nothing else.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

RAG_COLOURS: dict[str, str] = {
    "Red": "#C0392B",
    "Amber": "#E67E22",
    "Green": "#27AE60",
    "Complete": "#2E86C1",
}
RAG_ORDER: tuple[str, ...] = ("Red", "Amber", "Green", "Complete")

# Submission states (Submissions page): their own palette, so that they never read as a RAG.
SUBMISSION_COLOURS: dict[str, str] = {
    "on time": "#1E8449",
    "late": "#D4AC0D",
    "rejected": "#8E44AD",
    "missing": "#95A5A6",
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
MUTED = "#7F8C8D"
GRID = "#E5E8EC"
BASELINE = "#566573"
SEQUENTIAL: list[list[Any]] = [[0.0, "#F3F6FA"], [0.25, "#C6DBEF"], [0.5, "#6BAED6"],
                               [0.75, "#2171B5"], [1.0, "#08306B"]]
# Lines and categories that are not RAG: navy, teal, purple, slate, mustard... (no RAG hue).
SERIES: list[str] = ["#1F4E79", "#17A589", "#8E44AD", "#5D6D7E", "#B7950B", "#D35490",
                     "#76D7C4", "#34495E", "#A9CCE3", "#633974"]

pio.templates["lekgotla"] = go.layout.Template(
    layout=go.Layout(
        font={"family": "Source Sans Pro, Segoe UI, sans-serif", "size": 13, "color": "#1B1F24"},
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

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DASH = "—"  # a figure whose denominator is empty (SPEC §5)


def missing(value: Any) -> bool:
    """True for None, NaN, NA and NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def chip(label: str, colour: str) -> str:
    """A small coloured label (HTML), e.g. a RAG beside a figure."""
    return (f'<span style="background:{colour};color:white;border-radius:0.6em;'
            f'padding:0.1em 0.55em;font-size:0.85em;font-weight:600;white-space:nowrap">'
            f'{label}</span>')


def text(value: Any) -> str:
    """A text cell as shown in a sentence: the dash when empty."""
    return DASH if missing(value) or str(value).strip() == "" else str(value)


def period_label(period: str | None) -> str:
    """`2025-06` → `June 2025`; `2025-Q2` → `Q2 2025`."""
    if not period:
        return DASH
    text = str(period)
    if "Q" in text:
        return f"{text[5:]} {text[:4]}"
    return f"{MONTHS[int(text[5:7]) - 1]} {text[:4]}"


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


def finite(values: Any) -> list[float]:
    """The numbers of a series without the gaps (for sparklines)."""
    out = []
    for v in values:
        if not missing(v):
            f = float(v)
            if not math.isinf(f):
                out.append(f)
    return out
