"""The ground every cell parser stands on: the parse error, blank cells, text, name matching."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ingest.neutral import unneutral


class ParseError(ValueError):
    """A cell value that cannot be read as its column's type; str(e) is the message for people."""


DATE_ORDERS: tuple[str, ...] = ("DMY", "MDY", "YMD")

_STRIP = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\ufeff"
# not allowed in XML 1.0, so in no .xlsx cell (openpyxl refuses to write them)
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# a line break pasted from Word (Excel saves it as _x000B_), a form feed, a Unicode line break
_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
# other control characters (they break the .xlsx Lekgotla writes and reach terminals as escape
# codes) and the bidirectional overrides and isolates (they make text read backwards)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069"
                       "\ufffe\uffff]")
# either: whether clean_text changes a text (one search, cheap enough for every cell read)
unclean = re.compile(f"{_BREAKS.pattern}|{_CONTROLS.pattern}").search
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")
_MONTHS: dict[str, int] = {n.lower(): i for i, n in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({n[:3].lower(): i for i, n in enumerate(_MONTH_NAMES, 1)})
_MONTHS["sept"] = 9
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_EXAMPLE = {"DMY": "28/02/2025", "MDY": "02/28/2025", "YMD": "2025-02-28"}


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """Text reduced for matching: lower case, only letters and digits."""
    return _NON_ALNUM.sub("", text.casefold())


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def clean_text(text: str) -> str:
    """Text as Lekgotla keeps it: each line break character a newline, other control characters
    and bidirectional overrides removed; tabs and newlines stay."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", text)) if unclean(text) else text


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
    """The cell as text: stripped; 3.0 reads "3", 1.1 reads "1.1", a date its ISO form; the
    apostrophe Lekgotla's files put before `=`, `+`, `-`, `@` (ingest.neutral) is read away."""
    if value is None:
        return None
    if isinstance(value, str):
        return unneutral(value.strip(_STRIP)).strip(_STRIP) or None
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


# names the sibling parser modules (values, dates) share
text_key = _key
clip = _clip
shown = _show
MONTHS = _MONTHS
EXAMPLE_DATE = _EXAMPLE
STRIP = _STRIP
MONTH_NAMES = _MONTH_NAMES
