"""What can be filtered on: departments, periods and objectives, and a check of a Filters."""

from __future__ import annotations

import pandas as pd

from ingest.db import Connection
from ingest.errors import QueryError
from ingest.locate import department_key
from ingest.renames import departments_by_key
from metrics import queries
from metrics.filters import (
    Filters,
    months_of,
    natural_rows,
    periods_between,
    quarter_of,
    sort_objectives,
)
from metrics.kpis import expected_by_month, periods_with_data


def list_departments(con: Connection) -> pd.DataFrame:
    """Every known department. Columns: department, head, email, in_register, first_period,
    last_period (months with data, None if none), periods_reported."""
    return queries.frame(con, "departments", {})


def list_periods(con: Connection, departments: tuple[str, ...] = ()) -> pd.DataFrame:
    """The months with data (for these departments; all when empty), oldest first.

    Columns: period, quarter, departments (how many reported), reported_rows.
    """
    rows = periods_with_data(con, departments)
    rows.insert(1, "quarter", [quarter_of(str(p)) for p in rows["period"]])
    return rows


def list_objectives(con: Connection) -> pd.DataFrame:
    """The objectives of the register in force, in the natural order of their codes (SO2 before
    SO10). Columns: objective_id, objective, pillar, owner, period, priority, reported_rows
    (current action rows that name it)."""
    return natural_rows(queries.frame(con, "objectives", {}))


def match_department(con: Connection, name: str) -> str:
    """The known department a name means (ignoring case, spaces, punctuation), or QueryError
    listing the departments that exist."""
    known = [str(d) for d in list_departments(con)["department"]]
    key = department_key(name)  # the one comparison ingest makes ('&' reads as 'and')
    # a department's former name (the register renamed it) is the department
    found = departments_by_key(con, known).get(key)
    if key and found is not None:
        return found
    raise QueryError(
        f"Unknown department {name!r}. Departments: {', '.join(known) or '(none loaded yet)'}."
    )


def checked_filters(con: Connection, filters: Filters) -> Filters:
    """The filters with department names as stored, or QueryError saying what exists: for an
    unknown department or objective, or a period (or range) with no data at all."""
    departments = tuple(match_department(con, d) for d in filters.departments)
    known_objectives: set[str] = set()
    if filters.objectives:  # none asked, none to look up (two queries at every call)
        known_objectives = {str(o) for o in list_objectives(con)["objective_id"]}
        known_objectives |= {str(o) for o in queries.frame(con, "reported_objective_ids", {})[
            "objective_id"]}
    unknown = [o for o in filters.objectives if o not in known_objectives]
    if unknown:
        raise QueryError(
            f"Unknown objective {', '.join(unknown)}. Objectives: "
            f"{', '.join(sort_objectives(known_objectives)) or '(no register loaded yet)'}."
        )
    available = [str(p) for p in list_periods(con)["period"]]
    asked = [filters.period] if filters.period_from is None else periods_between(
        filters.period_from, filters.period)
    if not any(m in available for p in asked for m in months_of(p)):
        quarters = sorted({quarter_of(m) for m in available})
        raise QueryError(
            f"No reports for {filters.period}. Periods with data: "
            f"{', '.join(available + quarters) or '(none loaded yet)'}."
        )
    return Filters(filters.period, departments, filters.objectives, filters.statuses,
                   filters.period_from)


def expected_departments(con: Connection, month: str) -> list[str]:
    """The departments expected to report `month` (expected_by_month)."""
    return expected_by_month(con, [month])[month]


def reporting(con: Connection) -> pd.DataFrame:
    """Each month with a report in force, oldest first: how many of the departments expected to
    report it did. Columns: period, reported (list of expected departments with a report),
    missing (list of expected departments without), expected (count)."""
    reported = [(str(p), set(ds)) for p, ds in
                queries.frame(con, "reported_departments", {}).itertuples(index=False)]
    expected = expected_by_month(con, [p for p, _ in reported])
    rows = []
    for period, have in reported:
        listed = expected[period]
        rows.append({"period": period, "reported": [d for d in listed if d in have],
                     "missing": [d for d in listed if d not in have], "expected": len(listed)})
    return pd.DataFrame(rows, columns=["period", "reported", "missing", "expected"])


def settled_month(con: Connection) -> str | None:
    """The month leadership's views open on: the latest one that most of the expected departments
    (more than half, or all of them) have reported; the latest month with data when none has."""
    months = reporting(con)
    if months.empty:
        return None
    for row in months[::-1].itertuples(index=False):
        n = len(row.reported)
        if n and (2 * n > row.expected or n == row.expected):
            return str(row.period)
    return str(months["period"].iloc[-1])
