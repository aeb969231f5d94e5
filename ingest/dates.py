"""Dates, reporting periods, quarters and the timeline phrases of SPEC §2.3 ("Week 2 (March)")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.cells import DATE_ORDERS, ParseError, is_blank
from ingest.cells import EXAMPLE_DATE as _EXAMPLE
from ingest.cells import MONTH_NAMES as _MONTH_NAMES
from ingest.cells import MONTHS as _MONTHS
from ingest.cells import STRIP as _STRIP
from ingest.cells import clip as _clip
from ingest.cells import shown as _show
from ingest.cells import text_key as _key

_TIME = (r"(?:(?:\s+|\s*t|\s*,\s*)\d{1,2}(?:[:h.]\d{2}){1,2}(?:\.\d+)?\s*(?:[ap]\.?m\.?)?"
         r"\s*(?:z|[+-]\d{2}:?\d{2})?)?")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_D_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME, re.IGNORECASE)
_D_NUM = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME, re.IGNORECASE)
_D_DAY_NAME = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?[\s./-]*([a-z]+)\.?[\s.,/-]*"
                         r"(\d{4}|\d{2})" + _TIME, re.IGNORECASE)
_D_NAME_DAY = re.compile(_WEEKDAY + r"([a-z]+)\.?[\s./-]*(\d{1,2})(?:st|nd|rd|th)?[\s.,/-]+"
                         r"(\d{4}|\d{2})" + _TIME, re.IGNORECASE)
_D_SERIAL = re.compile(r"\d+(?:\.\d+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _date_order(date_order: str) -> str:
    order = date_order.strip().upper()
    if order not in DATE_ORDERS:
        raise ValueError(f"date_order must be DMY, MDY or YMD, not {date_order!r}")
    return order


def _year(text: str) -> int:
    """A written year; two digits follow Excel: 00-29 is 2000-2029, 30-99 is 1930-1999."""
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 30 else 1900
    return y


def _make_date(y: int, m: int, d: int, shown: str) -> dt.date | str:
    """The date, or a message saying why it is not a real one."""
    if not 1 <= m <= 12:
        return f"{shown} is not a real date (there is no month {m})."
    if not 1 <= y <= 9999:
        return f"{shown} is not a real date (there is no year {y})."
    last = calendar.monthrange(y, m)[1]
    if not 1 <= d <= last:
        why = "there is no day 0" if d == 0 else f"{_MONTH_NAMES[m - 1]} {y} has {last} days"
        return f"{shown} is not a real date ({why})."
    return dt.date(y, m, d)


def _serial_date(serial: float, shown: str) -> dt.date | str | None:
    """An Excel serial (1900 date system) as a date; None when it cannot be one."""
    if not 1 <= serial < 2958466:
        return None
    if serial.is_integer() and 1900 <= serial <= 2100:
        return f"'{shown}' is a year, not a date: write it as 28/02/2025."
    n = int(serial)
    if n == 60:
        return f"{shown} is not a real date (it is Excel's 29 February 1900, which never existed)."
    return _EXCEL_EPOCH + dt.timedelta(days=n + (1 if n < 60 else 0))


@lru_cache(maxsize=8192)
def _text_date(text: str, order: str) -> dt.date | str | None:
    """A date written as text: the date, a message for an impossible one, or None."""
    shown = _clip(text)
    if m := _D_YMD.fullmatch(text):
        return _make_date(int(m[1]), int(m[3]), int(m[4]), shown)
    if m := _D_NUM.fullmatch(text):
        a, b, c = m[1], m[3], m[4]
        if order == "YMD" and len(c) == 2:
            return _make_date(_year(a), int(b), int(c), shown)
        if order == "MDY":
            return _make_date(_year(c), int(a), int(b), shown)
        return _make_date(_year(c), int(b), int(a), shown)
    for pattern, day_first in ((_D_DAY_NAME, True), (_D_NAME_DAY, False)):
        if m := pattern.fullmatch(text):
            day, name = (m[1], m[2]) if day_first else (m[2], m[1])
            month = _MONTHS.get(name.lower())
            return None if month is None else _make_date(_year(m[3]), month, int(day), shown)
    if _D_SERIAL.fullmatch(text):
        if len(text) == 8 and text[0] in "12":
            ymd = _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), shown)
            if isinstance(ymd, dt.date):
                return ymd
        return _serial_date(float(text), shown)
    return None


def parse_date(value: object, date_order: str = "DMY") -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text (ISO, day-first by default).

    Text: "2025-02-28" (time after it ignored), "28/02/2025", "28-02-2025", "28.02.2025",
    "28 Feb 2025", "28 February 2025", "Feb 28, 2025", "20250228". Two-digit years follow
    Excel (00-29 -> 20xx). date_order "MDY" reads slash/dash/dot text month-first, "YMD"
    year-first; a four-digit first part is always the year.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return None if value != value else value.date()
    if isinstance(value, dt.date):
        return value
    order = _date_order(date_order)
    example = _EXAMPLE[order]
    if isinstance(value, str):
        text = value.strip(_STRIP)
        if not text:
            return None
        found = _text_date(text, order)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:
            return None
        found = _serial_date(float(value), _show(value))
    elif is_blank(value):
        return None
    else:
        found = None
    if isinstance(found, dt.date):
        return found
    raise ParseError(found or f"'{_show(value)}' is not a date: write it as {example}.")


# ---- periods, quarters, due dates ----------------------------------------------------------

@dataclass(frozen=True, order=True)
class Period:
    """A reporting month, ordered by time; str() is its key "2025-02"."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12 and 1 <= self.year <= 9999):
            raise ParseError(f"{self.year}-{self.month:02d} is not a real month.")

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The period a date falls in."""
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        """The key written wherever a period is asked for, e.g. "2025-02"."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        """The first day of the month."""
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the month (period_end)."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        """The month as people write it, e.g. "February 2025"."""
        return f"{_MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def quarter(self) -> int:
        """The calendar quarter, 1-4."""
        return (self.month - 1) // 3 + 1

    def shift(self, months: int) -> Period:
        """The period `months` later (earlier when negative)."""
        y, m = divmod(self.year * 12 + self.month - 1 + months, 12)
        return Period(y, m + 1)

    def previous(self) -> Period:
        """The month before."""
        return self.shift(-1)

    def next(self) -> Period:
        """The month after."""
        return self.shift(1)

    def __str__(self) -> str:
        return self.key


_P_YM = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})")
_P_MY = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{4})")
_P_NAME = re.compile(r"([a-z]+)\.?[\s,/-]*(\d{4})", re.IGNORECASE)
_PERIOD_MSG = "'{}' is not a reporting period: write it as 2025-02, February 2025, Feb 2025 or 02/2025."


@lru_cache(maxsize=1024)
def _text_period(text: str) -> Period | None:
    if m := _P_YM.fullmatch(text):
        y, mo = int(m[1]), int(m[2])
    elif m := _P_MY.fullmatch(text):
        y, mo = int(m[2]), int(m[1])
    elif (m := _P_NAME.fullmatch(text)) and m[1].lower() in _MONTHS:
        y, mo = int(m[2]), _MONTHS[m[1].lower()]
    else:
        day = _text_date(text, "DMY")
        return Period.of(day) if isinstance(day, dt.date) else None
    return Period(y, mo) if 1 <= mo <= 12 and y >= 1 else None


def parse_period(value: object) -> Period | None:
    """A reporting month from "2025-02", "February 2025", "Feb 2025", "02/2025", or a date, in
    the years 1900–2100 (as a plan's dates: anything else is a slip in the year)."""
    period = None
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        try:
            day = parse_date(value)
        except ParseError:
            day = None
        if day is not None:
            period = Period.of(day)
    elif isinstance(value, str):
        text = value.strip(_STRIP)
        if not text:
            return None
        period = _text_period(text)
    if period is not None:
        if not 1900 <= period.year <= 2100:
            raise ParseError(f"'{_show(value)}' is outside the years 1900–2100: check the year of "
                             "the reporting period.")
        return period
    if is_blank(value):
        return None
    raise ParseError(_PERIOD_MSG.format(_show(value)))


_QUARTER = re.compile(r"(?:(\d{4})\s*[-/ ]?\s*q(\d)|q(\d)\s*[-/ ]?\s*(\d{4}))", re.IGNORECASE)


def parse_quarter(text: str) -> tuple[int, int] | None:
    """(year, quarter) of "2025-Q1" (also "2025 Q1", "Q1 2025"); None if not a quarter."""
    m = _QUARTER.fullmatch(text.strip(_STRIP))
    if m is None:
        return None
    year, quarter = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
    if not 1 <= quarter <= 4:
        raise ParseError(f"'{_clip(text)}' is not a quarter: use Q1, Q2, Q3 or Q4, e.g. 2025-Q1.")
    return year, quarter


_OPEN_ENDED = frozenset(_key(s) for s in (
    "Ongoing", "On-going", "TBC", "TBD", "To be confirmed", "To be determined"))
_WEEK = re.compile(r"weeks?\s*(\d{1,2})((?:\s*(?:,|&|and|-|\u2013|to|\+)\s*(?:weeks?\s*)?\d{1,2})*)"
                   r"\s*[,:]?\s*(?:\(\s*(.*?)\s*\)|(?:of|in)?\s*(.*?))")
_END = re.compile(r"(?:by\s+)?(?:(?:the\s+)?end[\s-]*(?:of[\s-]+)?(?:the[\s-]+)?)?(.*?)(?:[\s-]*end)?")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?(?:[\s,-]*(\d{4}))?")
_Q_DUE = re.compile(r"q([1-4])(?:[\s,/-]*(\d{4}))?|(\d{4})[\s/-]*q([1-4])")
_DUE_MSG = ("'{}' is not a due date: write a date such as {}, or Week 2 (February), "
            "End of March, Q1 2025, Ongoing or TBC.")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_year(text: str, default_year: int) -> tuple[int, int] | None:
    m = _MONTH_YEAR.fullmatch(text)
    if m is None or m[1] not in _MONTHS:
        return None
    return (int(m[2]) if m[2] else default_year), _MONTHS[m[1]]


@lru_cache(maxsize=4096)
def _due_text(text: str, period: Period, order: str) -> tuple[dt.date | None, bool] | str:
    """A due-date phrase resolved against the period: (date, open-ended) or a message."""
    if _key(text) in _OPEN_ENDED:
        return None, True
    t = " ".join(text.lower().split()).rstrip(".")
    if w := _WEEK.fullmatch(t):
        weeks = [int(n) for n in re.findall(r"\d+", w[1] + w[2])]
        month_text = w[3] if w[3] is not None else w[4]
        if min(weeks) < 1:
            return f"'{_clip(text)}' is not a due date: weeks count from 1, e.g. Week 2 (February)."
        if not month_text:
            return f"'{_clip(text)}' needs a month: write it as Week {max(weeks)} (February)."
        ym = _month_year(month_text, period.year)
        if ym is not None:
            return dt.date(ym[0], ym[1], min(7 * max(weeks), _month_end(*ym).day)), False
    elif e := _END.fullmatch(t):
        rest = e[1]
        if rest != t and rest in ("month", "the month"):
            return period.end, False
        if rest != t and rest in ("quarter", "the quarter"):
            return _month_end(period.year, period.quarter * 3), False
        ym = _month_year(rest, period.year)
        if ym is not None:
            return _month_end(*ym), False
        if q := _Q_DUE.fullmatch(rest):
            year = int(q[2] or q[3] or period.year)
            return _month_end(year, int(q[1] or q[4]) * 3), False
    day = _text_date(text, order)
    if isinstance(day, dt.date):
        return day, False
    return day or _DUE_MSG.format(_clip(text), _EXAMPLE[order])


def parse_due(
    value: object, period: Period, date_order: str = "DMY"
) -> tuple[dt.date | None, bool]:
    """A due date: (date, False), or (None, True) for Ongoing/TBC/TBD, or (None, False) if blank.

    Besides dates (as parse_date), timeline phrases resolve against the period's year:
    "Week N (Month)" is day 7N of that month, capped at its last day ("Week 2 and Week 4",
    "Week 2 & 4", "Weeks 2-4" take the later week; "Week 3 of March" also works);
    "End of March", "End March", "March", "March 2026" are that month's last day;
    "End of month" is the reporting month's last day; "End of Q1", "Q1", "Q1 2025" the
    quarter's last day. Ongoing, On-going, TBC, TBD, To be confirmed, To be determined
    are open-ended.
    """
    if isinstance(value, str):
        text = value.strip(_STRIP)
        if not text:
            return None, False
        found = _due_text(text, period, _date_order(date_order))
        if isinstance(found, str):
            raise ParseError(found)
        return found
    return parse_date(value, date_order), False
