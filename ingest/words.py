"""How messages count things and name months, the same way everywhere people read them:
"1 warning", "2 errors"; "July 2025", "Q3 2025". Keys such as 2025-07 stay in file names, SQL
and JSON; these are for text."""

from __future__ import annotations

import pandas as pd

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

# plurals that are not the word + "s"
_IRREGULAR = {"row with errors": "rows with errors"}


def plural(n: float, word: str, many: str | None = None) -> str:
    """`n` and the word, singular for 1 and plural otherwise: plural(1, "warning") → "1 warning",
    plural(2, "error") → "2 errors", plural(3, "entry") → "3 entries"; `many` gives the plural form
    where it is not the word + "s"."""
    count = int(n) if float(n).is_integer() else n  # a numpy or float count reads as a whole number
    if count == 1:
        return f"1 {word}"
    if many is None:
        many = _IRREGULAR.get(word) or (
            word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s")
    return f"{count:,} {many}"


def listing(items: list[str] | tuple[str, ...], last: str = "and") -> str:
    """Items in a sentence: "a, b and c" ("a, b or c" with `last="or"`); one alone; none: ""."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def possessive(name: str) -> str:
    """A name owning something: "Finance's", "Operations'" (a name ending in s takes the
    apostrophe alone)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def period_words(period: object) -> str:
    """A period key as people read it: "2025-07" → "July 2025", "2025-Q3" → "Q3 2025"; anything
    else (a key that is not a month or quarter) as it is, and a missing one (None, NaN, "") as
    ""."""
    if period is None or (not isinstance(period, str) and pd.isna(period)):  # NULL in a column
        return ""
    text = str(period).strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit():
        if text[5] == "Q" and text[6] in "1234":
            return f"{text[5:]} {text[:4]}"
        if text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
            return f"{MONTHS[int(text[5:]) - 1]} {text[:4]}"
    return text


def where(department: str | None, period: object) -> str:
    """A department's report for a month as a message starts: "Finance, July 2025"; either part
    alone when the other is unknown."""
    return ", ".join(part for part in (department or "", period_words(period)) if part)
