"""Text a spreadsheet would run as a formula (or DDE), neutralised with a leading apostrophe
(SPEC §7): one rule for every file Lekgotla writes (exports, review pack, template) and its
inverse for the files it reads back."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def neutral(value: Any) -> Any:
    """`value` with a leading apostrophe when it is text a spreadsheet would run; else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return PREFIX + value
    return value


def unneutral(text: str) -> str:
    """The text `neutral` was given: the apostrophe it adds is dropped (a spreadsheet's own text
    marker, as Excel reads a typed `'=…`); any other text is returned as is."""
    if text.startswith(PREFIX) and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
