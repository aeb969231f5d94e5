"""The filters every metrics function takes, and the periods (months and quarters) they name."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ingest.errors import QueryError

# the one order of objective codes (ingest's template uses it too), for metrics and the dashboard
from ingest.objectives import objective_order as objective_order
from ingest.objectives import sort_objectives as sort_objectives
from ingest.values import STATUSES as STATUSES

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
ORGANISATION = "Organisation"


def check_period(period: str) -> str:
    """The period in canonical form (`2025-02` or `2025-Q1`), or QueryError."""
    text = str(period).strip()
    m = _MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return text
    q = _QUARTER.match(text)
    if q:
        return f"{q.group(1)}-Q{q.group(2)}"
    raise QueryError(
        f"The period {period!r} is not a month written YYYY-MM (2025-02) "
        "or a quarter written YYYY-Qn (2025-Q1)."
    )


def is_quarter(period: str) -> bool:
    """True for a quarter such as `2025-Q1`."""
    return "Q" in check_period(period)


def months_of(period: str) -> list[str]:
    """The months a period covers: itself for a month, three for a quarter."""
    p = check_period(period)
    if "Q" not in p:
        return [p]
    year, quarter = int(p[:4]), int(p[-1])
    return [f"{year}-{m:02d}" for m in range(3 * quarter - 2, 3 * quarter + 1)]


def quarter_of(month: str) -> str:
    """The quarter a month belongs to (`2025-02` -> `2025-Q1`)."""
    m = check_period(month)
    return f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}"


def period_end(month: str) -> date:
    """The last day of a month."""
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month_label(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def periods_between(first: str, last: str) -> list[str]:
    """Every period from `first` to `last` inclusive, both months or both quarters."""
    a, b = check_period(first), check_period(last)
    if ("Q" in a) != ("Q" in b):
        raise QueryError(f"A range of periods is months or quarters, not both ({a} to {b}).")
    if "Q" in a:
        start, stop = _month_index(months_of(a)[0]) // 3, _month_index(months_of(b)[0]) // 3
        return [quarter_of(_month_label(3 * i)) for i in range(start, stop + 1)]
    return [_month_label(i) for i in range(_month_index(a), _month_index(b) + 1)]


@dataclass(frozen=True)
class Filters:
    """What a page or command asks about; an empty tuple means no filter on that field.

    `period` is a month `YYYY-MM` or a quarter `YYYY-Qn`. `departments` empty means the
    whole organisation; one name a department; several names that set of departments,
    pooled. `period_from` (same kind as `period`) starts the range of a trend.
    """

    period: str
    departments: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    period_from: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", check_period(self.period))
        for name in ("departments", "objectives", "statuses"):
            values = getattr(self, name)
            if isinstance(values, str):
                raise QueryError(f"The {name} filter is a list of names, not the text {values!r}.")
            object.__setattr__(self, name, tuple(str(v) for v in values))
        canonical = {s.casefold(): s for s in STATUSES}
        unknown = [s for s in self.statuses if s.casefold() not in canonical]
        if unknown:
            raise QueryError(
                f"Unknown status {', '.join(unknown)}; the statuses are {', '.join(STATUSES)}."
            )
        object.__setattr__(
            self, "statuses", tuple(canonical[s.casefold()] for s in self.statuses)
        )
        if self.period_from is not None:
            start = check_period(self.period_from)
            object.__setattr__(self, "period_from", start)
            if ("Q" in start) != ("Q" in self.period):
                raise QueryError(
                    f"The trend runs from {start} to {self.period}: use two months or two quarters."
                )
            if months_of(start)[0] > months_of(self.period)[0]:
                raise QueryError(f"The trend starts ({start}) after it ends ({self.period}).")

    @property
    def is_organisation(self) -> bool:
        """True when no department filter is set (every action of the organisation)."""
        return not self.departments

    @property
    def scope(self) -> str:
        """The scope's name: `Organisation`, one department, or the departments joined."""
        return ORGANISATION if not self.departments else ", ".join(sorted(set(self.departments)))

    def params(self) -> dict[str, list[str]]:
        """The filter lists as query parameters."""
        return {
            "departments": sorted(set(self.departments)),
            "objectives": sorted(set(self.objectives)),
            "statuses": sorted(set(self.statuses)),
        }


def natural_rows(df: pd.DataFrame, column: str = "objective_id") -> pd.DataFrame:
    """The table's rows in the natural order of its objective codes (stable for equal codes),
    with a fresh index."""
    if df.empty or column not in df.columns:
        return df
    order = sorted(range(len(df)), key=lambda i: objective_order(df[column].iloc[i]))
    return df.iloc[order].reset_index(drop=True)
