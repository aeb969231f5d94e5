"""Cell-value parsers of SPEC §2.2–2.3: one raw cell in, its canonical value out.

Every parser takes a cell as a reader gives it (None, str, int, float, bool, datetime,
date or time), returns the canonical value (None for an empty cell) or raises ParseError,
whose message tells a department head what to write instead. Pure functions, no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


class ParseError(ValueError):
    """A cell value that cannot be read as its column's type; str(e) is the message for people."""


STATUSES: tuple[str, ...] = (
    "Not started", "In progress", "At risk", "Delayed", "On hold", "Completed", "Cancelled",
)
QUALITY: tuple[str, ...] = ("Meets", "Partially meets", "Does not meet")
RISK_LEVELS: tuple[str, ...] = ("Low", "Medium", "High")
REASON_CODES: tuple[str, ...] = (
    "Not begun", "Too early to measure", "Postponed", "Blocked by resources",
    "Blocked by dependency", "Scope changed", "Other",
)
DATE_ORDERS: tuple[str, ...] = ("DMY", "MDY", "YMD")

_STRIP = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\ufeff"
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")
_MONTHS: dict[str, int] = {n.lower(): i for i, n in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({n[:3].lower(): i for i, n in enumerate(_MONTH_NAMES, 1)})
_MONTHS["sept"] = 9
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_EXAMPLE = {"DMY": "28/02/2025", "MDY": "02/28/2025", "YMD": "2025-02-28"}


def _listing(options: tuple[str, ...]) -> str:
    return ", ".join(options[:-1]) + " or " + options[-1]


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """Text reduced for matching: lower case, only letters and digits."""
    return _NON_ALNUM.sub("", text.casefold())


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def is_blank(value: object) -> bool:
    """True for an empty cell: None, an empty or whitespace-only string, NaN or NaT."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(_STRIP)
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NaTType", "NAType")


def parse_text(value: object) -> str | None:
    """The cell as text: stripped; 3.0 reads "3", 1.1 reads "1.1", a date its ISO form."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip(_STRIP) or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value != value:
            return None
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.replace(tzinfo=None).isoformat(" ", "seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat("seconds" if value.second else "minutes")
    if is_blank(value):
        return None
    return str(value).strip(_STRIP) or None


def _show(value: object) -> str:
    return _clip(parse_text(value) or "")


def _lookup(value: object, table: dict[str, str], message: str) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    found = table.get(_key(text))
    if found is None:
        found = table.get(text)
        if found is None:
            raise ParseError(message.format(_clip(text)))
    return found


def _table(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {_key(canonical): canonical for canonical in groups}
    for canonical, synonyms in groups.items():
        table.update({(_key(s) or s): canonical for s in synonyms})
    return table


_STATUS = _table({
    "Not started": (), "In progress": ("on track", "ongoing", "started"), "At risk": (),
    "Delayed": ("behind", "behind schedule", "late"), "On hold": ("paused",),
    "Completed": ("complete", "done", "finished"), "Cancelled": ("canceled", "dropped"),
}), "'{}' is not a status: use " + _listing(STATUSES) + "."
_QUALITY = _table({
    "Meets": ("yes", "y", "met", "meets standard", "meets the standard", "true"),
    "Partially meets": ("partial", "partially", "partly", "partially met",
                        "partially meets standard", "partially meets the standard"),
    "Does not meet": ("no", "n", "not met", "does not meet standard", "doesn't meet",
                      "does not meet the standard", "false"),
}), "'{}' is not a quality review: use " + _listing(QUALITY) + "."
_DIRECTION = _table({
    "increase": ("increasing", "up", "higher", "higher is better", "more is better",
                 "maximise", "maximize", "+", "\u2191"),
    "decrease": ("decreasing", "down", "lower", "lower is better", "less is better",
                 "minimise", "minimize", "-", "\u2212", "\u2193"),
}), "'{}' is not a direction: use increase (higher is better) or decrease (lower is better)."
_RISK = _table({
    "Low": ("l", "lo"), "Medium": ("m", "med", "moderate", "mid"), "High": ("h", "hi"),
}), "'{}' is not a risk level: use " + _listing(RISK_LEVELS) + "."
_REASON = _table({
    "Not begun": (), "Too early to measure": ("too early",), "Postponed": (),
    "Blocked by resources": ("blocked resources",),
    "Blocked by dependency": ("blocked dependency",), "Scope changed": ("scope change",),
    "Other": (),
}), "'{}' is not a reason code: use " + _listing(REASON_CODES) + "."


def parse_status(value: object) -> str | None:
    """One of STATUSES, from its name or a SPEC §2.3 synonym, ignoring case and punctuation."""
    return _lookup(value, *_STATUS)


def parse_quality(value: object) -> str | None:
    """One of QUALITY; also yes/partial/no, "meets standard", "partially", "not met"."""
    return _lookup(value, *_QUALITY)


def parse_direction(value: object) -> str | None:
    """"increase" or "decrease" (also up/down, higher/lower is better, +/-); None when blank."""
    return _lookup(value, *_DIRECTION)


def parse_risk_level(value: object) -> str | None:
    """One of RISK_LEVELS; also L/M/H, "med" and "moderate"."""
    return _lookup(value, *_RISK)


def parse_reason_code(value: object) -> str | None:
    """One of REASON_CODES, ignoring case, spaces and punctuation."""
    return _lookup(value, *_REASON)


# ---- numbers, money, percentages -------------------------------------------------------

_NUM_TEXT = re.compile(
    r"(?P<s1>[-+\u2212\u2013])?\s*(?P<cur>zar|usd|gbp|eur|us\$|r|\$|£|€)?\s*"
    r"(?P<s2>[-+\u2212\u2013])?\s*(?P<body>\d[\d.,'\s]*|\.\d+)"
    r"(?P<mult>k|m|mn|bn|thousand|million|billion)?\s*(?P<cur2>zar|usd|gbp|eur|rand)?\s*"
    r"(?P<pct>%|percent)?\s*(?P<s3>-)?", re.IGNORECASE)
_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_COMMA_K = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_SPACE_K = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_DOT_K = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_DEC_COMMA = re.compile(r"\d+,\d+")
_SPACES = re.compile(r"[\s']+")
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6,
         "bn": 1e9, "billion": 1e9}


@lru_cache(maxsize=8192)
def _amount(body: str) -> float | None:
    """A digit string with thousands separators and a decimal point or unambiguous comma."""
    b = _SPACES.sub(" ", body).strip()
    if _PLAIN.fullmatch(b):
        return float(b)
    if _COMMA_K.fullmatch(b):
        return float(b.replace(",", ""))
    if _SPACE_K.fullmatch(b):
        return float(b.replace(" ", "").replace(",", "."))
    if _DOT_K.fullmatch(b):
        return float(b.replace(".", "").replace(",", "."))
    if _DEC_COMMA.fullmatch(b):
        return float(b.replace(",", "."))
    return None


@lru_cache(maxsize=8192)
def _read_number(text: str) -> tuple[float, bool, bool, bool, bool] | None:
    """(value, negative, percent sign, currency, multiplier) of a number written as text."""
    negative = text[0] == "(" and text[-1] == ")"
    m = _NUM_TEXT.fullmatch(text[1:-1].strip(_STRIP) if negative else text)
    if m is None or (m["cur"] and m["cur2"]):
        return None
    value = _amount(m["body"])
    if value is None or not math.isfinite(value):
        return None
    signs = [s for s in (m["s1"], m["s2"], m["s3"]) if s]
    if len(signs) > 1 or (signs and negative):
        return None
    negative = negative or (bool(signs) and signs[0] != "+")
    mult = m["mult"]
    if mult:
        value = round(value * _MULT[mult.lower()], 6)
    return value, negative, bool(m["pct"]), bool(m["cur"] or m["cur2"]), bool(mult)


def _cell_number(value: object, message: str) -> tuple[float, bool, bool, bool, bool] | None:
    """The cell as _read_number's tuple; None when blank; ParseError(message) otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        v = float(value)
        if v != v:
            return None
        if math.isinf(v):
            raise ParseError(message.format(_show(value)))
        return abs(v), v < 0, False, False, False
    if isinstance(value, str):
        text = value.strip(_STRIP)
        if not text:
            return None
        read = _read_number(text)
        if read is None:
            raise ParseError(message.format(_clip(text)))
        return read
    if is_blank(value):
        return None
    raise ParseError(message.format(_show(value)))


_MONEY_MSG = "'{}' is not an amount of money: write a number such as 12500 or R 12 500."


def parse_money(value: object) -> float | None:
    """A non-negative amount from a number or text such as "R 12 500", "R12,500.00", "$3,000".

    Currency: R, ZAR, USD, US$, GBP, EUR, $, £, € before or after the amount; k/m/bn
    (thousand/million/billion) after it. Thousands separators: comma, space (also
    non-breaking), apostrophe, or dot when a decimal comma follows ("1.200,50") or there
    are several groups ("1.200.000"). A single dot is always a decimal point ("1.200" is
    1.2). A comma is a decimal comma only when unambiguous: "12,5", "12,50" and
    "0,500" are decimals, "1,200" is twelve hundred. Negative amounts are an error.
    """
    read = _cell_number(value, _MONEY_MSG)
    if read is None:
        return None
    number, negative, percent, _, _ = read
    if percent:
        raise ParseError(_MONEY_MSG.format(_show(value)))
    if negative and number:
        raise ParseError(f"Money cannot be negative ('{_show(value)}'): write the amount "
                         "without a minus sign or brackets, e.g. R 12 500.")
    return number + 0.0


_NUMBER_MSG = "'{}' is not a number: write just the number, such as 1200 or 12.5."


def parse_number(value: object) -> float | None:
    """A number, also from text: "1,200", "12 500", decimal comma "12,5", "-3".

    Separators follow parse_money. A currency symbol is allowed and dropped ("R 500" is
    500), and so is a percent sign ("45%" is 45, the number as written, not 0.45);
    k/m/bn multipliers are not (a unit would be ambiguous here).
    """
    read = _cell_number(value, _NUMBER_MSG)
    if read is None:
        return None
    number, negative, _, _, multiplier = read
    if multiplier:
        raise ParseError(_NUMBER_MSG.format(_show(value)))
    return -number if negative and number else number + 0.0


_PERCENT_MSG = "'{}' is not a percentage: write a number from 0 to 100, such as 45 or 45%."
_PERCENT_RANGE_MSG = "'{}' is not a percentage between 0 and 100: write e.g. 45 or 45%."


def parse_percent_column(
    values: Sequence[object],
) -> tuple[list[float | None], list[tuple[int, str]], bool]:
    """Percentages of one column: (values 0-100 or None, [(index, message)], fractional).

    "45", 45, "45%" and "45 percent" read as 45; a value with a percent sign is always a
    percentage. If every value written without a percent sign is <= 1 (and one is above 0),
    the column holds fractions (SPEC §2.3): those values are multiplied by 100 and
    fractional is True, so a column of 0s and 1s reads as 0% and 100%. Afterwards, a
    value outside 0-100 is an error.
    """
    parsed: list[float | None] = []
    signed: list[bool] = []
    errors: list[tuple[int, str]] = []
    for i, value in enumerate(values):
        try:
            read = _cell_number(value, _PERCENT_MSG)
            if read is not None and (read[3] or read[4]):
                raise ParseError(_PERCENT_MSG.format(_show(value)))
        except ParseError as e:
            errors.append((i, str(e)))
            read = None
        parsed.append(None if read is None else (-read[0] if read[1] else read[0]))
        signed.append(read is not None and read[2])
    plain = [v for v, s in zip(parsed, signed, strict=True) if v is not None and not s]
    fractional = bool(plain) and all(v <= 1 for v in plain) and any(v > 0 for v in plain)
    for i, (v, s) in enumerate(zip(parsed, signed, strict=True)):
        if v is None:
            continue
        if fractional and not s:
            v = parsed[i] = round(v * 100, 9)
        if not 0 <= v <= 100:
            errors.append((i, _PERCENT_RANGE_MSG.format(_show(values[i]))))
            parsed[i] = None
        else:
            parsed[i] = v + 0.0
    errors.sort()
    return parsed, errors, fractional


# ---- dates ------------------------------------------------------------------------------

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
    """A reporting month from "2025-02", "February 2025", "Feb 2025", "02/2025", or a date."""
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        try:
            day = parse_date(value)
        except ParseError:
            day = None
        if day is not None:
            return Period.of(day)
    elif isinstance(value, str):
        text = value.strip(_STRIP)
        if not text:
            return None
        period = _text_period(text)
        if period is not None:
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
