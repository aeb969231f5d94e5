"""Values as people read them: percentages, percentage points, days, dates, money, periods.

Pure functions of a value (no colours, no Streamlit, no Plotly), so that metrics' plain-text
sentences (metrics.digest) and every rendering in presentation (which imports them through
presentation.theme) write a figure the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd

from ingest.words import MONTHS, period_words
from metrics.filters import months_of

DASH = "—"  # a figure whose denominator is empty (SPEC §5)


def missing(value: Any) -> bool:
    """True for None, NaN, NA and NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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


