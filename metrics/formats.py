"""Values as people read them: percentages, percentage points, days, dates, money, periods.

Pure functions of a value (no colours, no Streamlit, no Plotly), so that metrics' plain-text
sentences (metrics.digest) and every rendering in presentation (which imports them through
presentation.theme) write a figure the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
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


def fixed(value: float, digits: int, sign: bool = False, thousands: bool = False) -> str:
    """`value` with `digits` decimals, a half rounded away from zero as people round it (44.5 →
    `45`, 6.25 → `6.3`; Python's format rounds a half to even: `44`, `6.2`), never `-0`; with
    `sign`, `+` before a positive or zero value; with `thousands`, `12,500`."""
    shown = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if shown == 0:
        shown = abs(shown)
    return format(shown, ("+" if sign else "") + ("," if thousands else "") + "f")


def pct(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: 0.5479 → `54.8%`."""
    if missing(value):
        return DASH
    return f"{fixed(float(value) * 100, digits)}%"


def percent_points(value: Any, digits: int = 1) -> str:
    """A value already in percent: 82.1 → `82.1%`."""
    if missing(value):
        return DASH
    return f"{fixed(value, digits)}%"


def ratio(value: Any) -> str:
    """A ratio such as the CPI: `1.03`."""
    if missing(value):
        return DASH
    return fixed(value, 2)


def number(value: Any) -> str:
    """A count or amount with thousands separated by a space: `12 500`."""
    if missing(value):
        return DASH
    v = float(value)
    return fixed(v, _digits("count", v), thousands=True).replace(",", " ")


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


def days(value: Any, exact: bool = False) -> str:
    """A number of days: `40 days`, `1 day`; `exact`: tenths kept at 10 days and over too (`20.4
    days`), for a sentence that also gives the difference of two."""
    if missing(value):
        return DASH
    v = float(value)
    shown = fixed(v, _digits("days", v, exact))
    return f"{shown} day" if shown in ("1", "-1") else f"{shown} days"


def _digits(kind: str, v: float, exact: bool = False) -> int:
    """How many decimals `kpi_value` (and `days`, `number`) write of `v`, a rate in percent."""
    if kind in ("rate", "percent"):
        return 1
    if kind == "ratio":
        return 2
    if kind == "days":
        return 0 if v.is_integer() or (abs(v) >= 10 and not exact) else 1
    return 0 if v.is_integer() or abs(v) >= 100 else 1  # a count


def _as_shown(kind: str, value: Any, exact: bool) -> Decimal:
    """The number `kpi_value` writes for `value` (a rate in percent), rounded as it rounds it."""
    v = float(value) * (100 if kind == "rate" else 1)
    return Decimal(repr(v)).quantize(Decimal(1).scaleb(-_digits(kind, v, exact)),
                                     rounding=ROUND_HALF_UP)


def shown_difference(kind: str, previous: Any, value: Any, exact: bool = False) -> float:
    """The change from `previous` to `value` as the difference of the two as shown (a rate's in
    percentage points): 76.0% to 85.1% is 9.1 even when the exact change rounds to 9.0; 0.0 when
    the two read alike."""
    return float(_as_shown(kind, value, exact) - _as_shown(kind, previous, exact))


def shown_change(kind: str, previous: Any, value: Any, exact: bool = False) -> str:
    """`shown_difference` in words: `+9.1 pp`, `-3 days`, `+0.02`, `+2`."""
    change = shown_difference(kind, previous, value, exact)
    if kind in ("rate", "percent"):
        return f"{fixed(change, 1, sign=True)} pp"
    if kind == "days":
        return ("+" if change >= 0 else "-") + days(abs(change), exact)
    if kind == "ratio":
        return fixed(change, 2, sign=True)
    return fixed(change, 0 if change.is_integer() else 1, sign=True)


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


def kpi_value(kind: str, value: Any, exact: bool = False) -> str:
    """A KPI value as shown on a tile (dashboard and review pack): `54.8%`, `1.03`, `40 days`
    (`exact`: as `days` says)."""
    return days(value, exact) if kind == "days" else KPI_FORMATS.get(kind, number)(value)


