"""The rules a report's rows must keep (SPEC §2.4): a pandera model, run lazily, plus the warnings.

Every failure is mapped back to the cell a person sees: sheet, Excel row, column letter, header.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series

from ingest.problems import Problem, display_value
from ingest.values import STATUSES

# canonical column -> (Excel column letter, header as written)
Letters = dict[str, tuple[str, str]]


class ActionRows(pa.DataFrameModel):
    """One department's report after parsing: index = Excel row number."""

    action_id: Series[Any] = pa.Field(nullable=False)
    action: Series[Any] = pa.Field(nullable=False)
    status: Series[Any] = pa.Field(nullable=False, isin=list(STATUSES))
    percent_complete: Series[float] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 100})
    budget_allocated: Series[float] = pa.Field(nullable=True, ge=0)
    budget_spent: Series[float] = pa.Field(nullable=True, ge=0)

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check(name="action_id_twice")
    @classmethod
    def action_id_once(cls, df: pd.DataFrame) -> Series[bool]:
        """An action ID used by two rows, capitals aside ('FIN-12', 'fin-12'), is an error."""
        keys = _id_keys(df["action_id"])  # empty IDs are not one ID twice: each is "required"
        return ~(keys.duplicated(keep=False) & keys.notna())  # type: ignore[no-any-return]

    @pa.dataframe_check(name="start_after_due")
    @classmethod
    def start_not_after_due(cls, df: pd.DataFrame) -> Series[bool]:
        """start_date after due_date is an error."""
        bad = df["start_date"].notna() & df["due_date"].notna() & (df["start_date"] > df["due_date"])
        return ~bad  # type: ignore[no-any-return]

    @pa.dataframe_check(name="completion_after_period")
    @classmethod
    def completion_within_period(cls, df: pd.DataFrame) -> Series[bool]:
        """completion_date after the reporting period's last day is an error."""
        bad = df["completion_date"].notna() & (df["completion_date"] > df["period_end"])
        return ~bad  # type: ignore[no-any-return]


def _id_keys(ids: pd.Series) -> pd.Series:
    """Action IDs as compared: capitals aside."""
    return ids.map(lambda v: str(v).lower() if v is not None and v == v else v)


def _messages(df: pd.DataFrame, period_label: str) -> dict[str, Callable[[int, Any], str]]:
    def dup(row: int, value: Any) -> str:
        keys = _id_keys(df["action_id"])
        rows = [int(r) for r in df.index[keys == keys.at[row]]]
        others = ", ".join(str(r) for r in rows if r != row)
        # a row pasted twice: a new ID for the copy would invent an action
        same = [r for r in rows if r != row and df.loc[r].equals(df.loc[row])]
        if same:
            return (f"Row {row} repeats row {same[0]} cell for cell (Action ID {value!r}): delete "
                    "one of the two rows.")
        return (f"Action ID {value!r} is used more than once (also row {others}): give each action "
                "its own ID, or delete the row if it is the same action.")

    return {
        "not_nullable": lambda r, v: "This cell is required: fill it in.",
        "action_id_twice": dup,
        "isin": lambda r, v: f"{v!r} is not a status: use {', '.join(STATUSES)}.",
        "in_range": lambda r, v: f"{display_value(v)}% is outside 0–100: write the progress as a percentage.",
        "greater_than_or_equal_to": lambda r, v: "Money cannot be negative.",
        "start_after_due": lambda r, v: (
            f"The start date {df.at[r, 'start_date']} is after the due date {df.at[r, 'due_date']}: "
            "correct one of them."),
        "completion_after_period": lambda r, v: (
            f"The completion date {df.at[r, 'completion_date']} is after the end of the reporting period "
            f"({period_label}): a report can only record what was completed by then."),
    }


# the cell a dataframe-wide check points at
_CHECK_COLUMN = {"start_after_due": "start_date", "completion_after_period": "completion_date",
                 "action_id_twice": "action_id"}


def keeps_the_rules(df: pd.DataFrame) -> bool:
    """True when every rule of ActionRows holds, checked with column-wide masks: most reports are
    valid, and this costs a tenth of running pandera. False sends the report to pandera, whose
    failure cases say which cells break which rule."""
    columns = {"action_id", "action", "status", "percent_complete", "budget_allocated", "budget_spent",
               "start_date", "due_date", "completion_date", "period_end"}
    if not columns <= set(df.columns) or any(df[c].dtype != "float64" for c in _NUMBERS):
        return False
    ids, action, status, pct, allocated, spent, start, due, completed, end = (
        df[c].to_numpy() for c in ("action_id", "action", "status", "percent_complete", "budget_allocated",
                                   "budget_spent", "start_date", "due_date", "completion_date", "period_end"))
    if pd.isna(ids).any() or _id_keys(df["action_id"]).duplicated().any() or pd.isna(action).any():
        return False
    if not all(v in _STATUS_SET for v in status):
        return False
    if ((pct < 0) | (pct > 100)).any() or (allocated < 0).any() or (spent < 0).any():
        return False
    try:  # the two dataframe checks of ActionRows, row by row on plain values
        return not any(_given(s) and _given(d) and s > d for s, d in zip(start, due, strict=True)) \
            and not any(_given(c) and c > e for c, e in zip(completed, end, strict=True))
    except TypeError:  # values that do not compare: pandera will say where
        return False


def _given(v: Any) -> bool:
    return v is not None and v == v


_STATUS_SET = frozenset(STATUSES)
_NUMBERS = ("percent_complete", "budget_allocated", "budget_spent")


def schema_problems(
    df: pd.DataFrame, sheet: str, letters: Letters, period_label: str, already: set[tuple[int, str]]
) -> list[Problem]:
    """Run ActionRows lazily and turn every failure into a Problem at its cell.

    `already` holds (row, column) cells that failed to parse; they are not reported twice.
    """
    if keeps_the_rules(df):
        return []
    try:
        ActionRows.validate(df, lazy=True)
        return []
    except SchemaErrors as e:
        cases = e.failure_cases
    messages = _messages(df, period_label)
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set(already)
    for case in cases.itertuples(index=False):
        check = str(case.check).split("(")[0]
        column = _CHECK_COLUMN.get(check, str(case.column))
        if case.index is None or pd.isna(case.index):
            continue
        row = int(case.index)
        if (row, column) in seen or column not in letters and check not in _CHECK_COLUMN:
            continue
        seen.add((row, column))
        letter, header = letters.get(column, (None, column))
        value = df.at[row, column] if column in df.columns else case.failure_case
        make = messages.get(check)
        message = make(row, value) if make else f"Check {case.check} failed."
        problems.append(Problem("error", message, sheet=sheet, row=row, column=letter, header=header,
                                value=display_value(value)))
    return problems


def row_warnings(df: pd.DataFrame, sheet: str, letters: Letters, objective_ids: frozenset[str] | None
                 ) -> list[Problem]:
    """The warnings of SPEC §2.4 that concern rows; call before `complete_rows` normalises them."""
    out: list[Problem] = []

    class _Row:  # reads only the cells a warning needs, from flagged rows only
        def __init__(self, row: int) -> None:
            self.row = row

        def __getitem__(self, column: str) -> Any:
            return df.at[self.row, column]

    def _said(r: _Row, column: str) -> bool:
        value = r[column] if column in df.columns else None
        return isinstance(value, str) and bool(value.strip())

    def warn(row: int, column: str, message: str) -> None:
        # a column the file does not have is named as the template heads it: "Reason code"
        letter, header = letters.get(column, (None, column.replace("_", " ").capitalize()))
        value = df.at[row, column] if column in df.columns else None
        out.append(Problem("warning", message, sheet=sheet, row=row, column=letter, header=header,
                           value=display_value(value)))

    # masks on plain arrays: pandas' per-operation cost is most of the time on a few hundred rows
    status = df["status"].to_numpy(dtype=object)
    pct = df["percent_complete"].to_numpy(dtype="float64")
    completed = status == "Completed"
    reason = df["reason_code"].to_numpy(dtype=object)
    checks: list[tuple[np.ndarray, str, Callable[[Any], str]]] = []
    if objective_ids is not None:
        unknown = np.array([v is not None and v == v and v not in objective_ids
                            for v in df["objective_id"].to_numpy(dtype=object)], dtype=bool)
        checks.append((unknown, "objective_id",
                       lambda r: f"Objective {r['objective_id']!r} is not in the strategy register: "
                                 "choose one of its objectives (the template's Objective drop-down "
                                 "lists them), or ask for this one to be added to the register."))
    checks += [
        (df["budget_spent"].to_numpy(dtype="float64") > df["budget_allocated"].to_numpy(dtype="float64"),
         "budget_spent", lambda r: "More was spent than allocated: " + (
             "check that the comments explain the overrun." if _said(r, "comments")
             else "explain the overrun in the comments.")),
        (completed & (pct < 100), "percent_complete",
         lambda r: f"Completed but {display_value(r['percent_complete'])}% complete: stored as 100%."),
        (completed & pd.isna(df["completion_date"].to_numpy(dtype=object)), "completion_date",
         lambda r: "Completed without a completion date: add the date it was completed."),
        (np.array([v not in ("Completed", "Cancelled") for v in status], dtype=bool) & (pct == 100), "status",
         lambda r: f"100% complete but the status is {r['status']!r}: should it be Completed?"),
        (np.array([v in ("At risk", "Delayed") for v in status], dtype=bool)
         & pd.isna(reason), "reason_code",
         lambda r: f"{r['status']} without a reason: choose a reason code."),
        # a template carries last month's reason code over: one that no longer holds misleads
        (completed & ~pd.isna(reason), "reason_code",
         lambda r: f"Completed, yet the reason code still says {r['reason_code']!r} (why an action "
                   "is at risk or delayed): clear it, unless it explains a late finish."),
        (~completed & (reason == "Not begun") & (pct > 0), "reason_code",
         lambda r: f"The reason code says 'Not begun', but the action is "
                   f"{display_value(r['percent_complete'])}% complete: clear it, or choose the "
                   "reason that holds now."),
    ]
    for mask, column, message in checks:
        for row in df.index[mask]:
            warn(int(row), column, message(_Row(int(row))))
    for row, value in df["action_id"].items():
        odd = look_alikes(value)
        if odd:
            warn(int(row), "action_id",
                 f"Action ID {value!r} contains {_characters(odd)}: not a plain letter, digit or "
                 "dash, though it looks like one (or nothing), so the ID will not match one typed "
                 "plainly, in other months' reports or in Depends on. Type the ID again with plain "
                 "letters, digits and dashes.")
    return out


def look_alikes(value: Any) -> list[str]:
    """The characters of an ID that pass for others: full-width and other compatibility forms
    (`Ａ`, `１`, a no-break space), letters of another alphabet or dashes other than `-` beside
    plain letters and digits (Greek `Α` in `Α1`, `FIN–01`), and invisible ones (a zero-width
    joiner). An ID with no plain letter or digit is of its own alphabet, not a look-alike;
    accented Latin letters are letters."""
    if not isinstance(value, str) or value.isascii():
        return []
    plain = any(ch.isascii() and ch.isalnum() for ch in value)
    return list(dict.fromkeys(
        ch for ch in value
        if not ch.isascii() and (
            unicodedata.normalize("NFKC", ch) != ch
            or unicodedata.category(ch) == "Cf"
            or (plain and unicodedata.category(ch) == "Pd")
            or (plain and ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")))))


def _characters(odd: list[str]) -> str:
    named = [f"{ch!r} ({unicodedata.name(ch, f'U+{ord(ch):04X}').lower()})" for ch in odd]
    return ("the character " if len(named) == 1 else "the characters ") + ", ".join(named)


def complete_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Store Completed actions as 100% complete (SPEC §2.4)."""
    done = df["status"] == "Completed"
    df.loc[done, "percent_complete"] = 100.0
    return df
