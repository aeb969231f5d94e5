"""Cell-value parsers of SPEC §2.2–2.3: one raw cell in, its canonical value out.

Every parser takes a cell as a reader gives it (None, str, int, float, bool, datetime,
date or time), returns the canonical value (None for an empty cell) or raises ParseError,
whose message tells a department head what to write instead. Pure functions, no I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from ingest.cells import DATE_ORDERS, ParseError, is_blank, parse_text
from ingest.cells import STRIP as _STRIP
from ingest.cells import clip as _clip
from ingest.cells import shown as _show
from ingest.cells import text_key as _key
from ingest.dates import (  # re-exported: every parser's public name can be imported from here
    Period,
    parse_date,
    parse_due,
    parse_period,
    parse_quarter,
)
from ingest.words import listing

__all__ = [
    "DATE_ORDERS", "QUALITY", "REASON_CODES", "RISK_LEVELS", "STATUSES", "ParseError", "Period",
    "is_blank", "parse_date", "parse_direction", "parse_due", "parse_money", "parse_number",
    "parse_percent_column", "parse_period", "parse_quality", "parse_quarter", "parse_reason_code",
    "parse_risk_level", "parse_status", "parse_text",
]

STATUSES: tuple[str, ...] = (
    "Not started", "In progress", "At risk", "Delayed", "On hold", "Completed", "Cancelled",
)
QUALITY: tuple[str, ...] = ("Meets", "Partially meets", "Does not meet")
RISK_LEVELS: tuple[str, ...] = ("Low", "Medium", "High")
REASON_CODES: tuple[str, ...] = (
    "Not begun", "Too early to measure", "Postponed", "Blocked by resources",
    "Blocked by dependency", "Scope changed", "Other",
)



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
}), "'{}' is not a status: use " + listing(STATUSES, "or") + "."
_QUALITY = _table({
    "Meets": ("yes", "y", "met", "meets standard", "meets the standard", "true"),
    "Partially meets": ("partial", "partially", "partly", "partially met",
                        "partially meets standard", "partially meets the standard"),
    "Does not meet": ("no", "n", "not met", "does not meet standard", "doesn't meet",
                      "does not meet the standard", "false"),
}), "'{}' is not a quality review: use " + listing(QUALITY, "or") + "."
_DIRECTION = _table({
    "increase": ("increasing", "up", "higher", "higher is better", "more is better",
                 "maximise", "maximize", "+", "\u2191"),
    "decrease": ("decreasing", "down", "lower", "lower is better", "less is better",
                 "minimise", "minimize", "-", "\u2212", "\u2193"),
}), "'{}' is not a direction: use increase (higher is better) or decrease (lower is better)."
_RISK = _table({
    "Low": ("l", "lo"), "Medium": ("m", "med", "moderate", "mid"), "High": ("h", "hi"),
}), "'{}' is not a risk level: use " + listing(RISK_LEVELS, "or") + "."
_REASON = _table({
    "Not begun": (), "Too early to measure": ("too early",), "Postponed": (),
    "Blocked by resources": ("blocked resources",),
    "Blocked by dependency": ("blocked dependency",), "Scope changed": ("scope change",),
    "Other": (),
}), "'{}' is not a reason code: use " + listing(REASON_CODES, "or") + "."


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
    r"(?P<mult>k|m|mn|bn|thousand|million|billion)?\s*(?P<cur2>zar|usd|us\$|gbp|eur|rand|r|\$|£|€)?\s*"
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


MAX_MONEY = 1e15  # a thousand trillion
_MONEY_MSG = "'{}' is not an amount of money: write a number such as 12500 or R 12 500."


def parse_money(value: object) -> float | None:
    """A non-negative amount from a number or text such as "R 12 500", "R12,500.00", "$3,000".

    Currency: R, ZAR, USD, US$, GBP, EUR, $, £, € before or after the amount; k/m/bn
    (thousand/million/billion) after it. At most MAX_MONEY. Thousands separators: comma, space (also
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
    if number > MAX_MONEY:  # sums of a few such budgets would overflow the organisation's totals
        raise ParseError(f"'{_show(value)}' is too large for an amount of money (at most "
                         "1 000 000 000 000 000): check the amount.")
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

