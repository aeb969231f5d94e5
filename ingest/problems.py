"""One problem found in a file, pointing at the cell a person sees in Excel."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """A validation error or warning. `row` is the spreadsheet row number as Excel shows it."""

    severity: Severity
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of SPEC §6: sheet, row, column, header, value, message."""
        d = asdict(self)
        d.pop("severity")
        return {k: d[k] for k in ("sheet", "row", "column", "header", "value", "message")}

    @property
    def cell(self) -> str:
        """`B7`-style reference, or what part of it is known."""
        return f"{self.column or ''}{self.row or ''}"

    def describe(self) -> str:
        """One line for a terminal: where, then what."""
        where = []
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.column and self.row:
            where.append(f"cell {self.cell}")
        elif self.row:
            where.append(f"row {self.row}")
        if self.header:
            where.append(f"column {self.header!r}")
        loc = ", ".join(where)
        val = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{self.severity.upper()}: {loc + ': ' if loc else ''}{self.message}{val}"


def without_contradictions(problems: list[Problem]) -> list[Problem]:
    """The problems less every warning on a cell (sheet, row, column) that has an error: the
    error says what is wrong with the cell, and a warning read from the same unusable value
    would contradict it (status 'Maybe' at 100%: "should it be Completed?"; a completion date
    that is not a date: "Completed without a completion date")."""
    broken = {(p.sheet, p.row, p.column) for p in problems
              if p.severity == "error" and p.row is not None and p.column}
    return [p for p in problems if p.severity == "error" or (p.sheet, p.row, p.column) not in broken]


def display_value(value: Any) -> str | None:
    """The value as a person would read it in the cell."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # past 1e16 a float's digits are noise: 1e+308 stays 1e+308
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
