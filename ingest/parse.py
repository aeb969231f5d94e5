"""From file bytes to validated department reports: read → locate → map → parse → validate.

Nothing here writes to the database; `ingest.load` stores what this returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ingest.dependencies import read_columns
from ingest.errors import IngestError
from ingest.headers import CANONICAL
from ingest.locate import (
    Located,
    Register,
    check_columns,
    chosen_by,
    department_sources,
    locate,
    match_department,
    overruled,
    resolve_period,
    unknown_column_warnings,
)
from ingest.mapping import Mapping
from ingest.names import department_key, no_department_message, too_long_message
from ingest.problems import Problem, column_letter, display_value, without_contradictions
from ingest.read import Workbook, read_workbook
from ingest.schema import Letters, complete_rows, row_warnings, schema_problems
from ingest.values import (
    ParseError,
    Period,
    parse_date,
    parse_direction,
    parse_due,
    parse_money,
    parse_number,
    parse_percent_column,
    parse_quality,
    parse_reason_code,
    parse_risk_level,
    parse_status,
    parse_text,
)
from ingest.words import listing

TEXT = ("action_id", "action", "department", "objective_id", "responsible", "resources",
        "success_metric", "risk", "mitigation", "comments", "depends_on", "initiative")
DATE_COLUMNS = ("start_date", "due_date", "completion_date")


@dataclass(frozen=True)
class Options:
    """How to read one file: explicit department/period, mapping, register, limits."""

    department: str | None = None
    period: str | None = None
    mapping: Mapping | None = None
    register: Register = field(default_factory=Register)
    known_departments: dict[str, str] = field(default_factory=dict)  # department_key -> name
    date_order: str = "DMY"
    max_rows: int = 5000
    max_bytes: int = 20_000_000
    max_uncompressed: int = 100_000_000
    skip_invalid_rows: bool = False
    # what an action missing from the report means: "carried" (stays in the plan) or "left";
    # None: the mapping's word, else "carried"
    absent_actions: str | None = None
    # the months with reports and the register version each is judged against, oldest first
    # (ingest:month_registers), and those versions other than `register`: register_for
    month_versions: tuple[tuple[str, int], ...] = ()
    registers: dict[int, Register] = field(default_factory=dict)

    def register_for(self, period: str) -> Register:
        """The register a report of `period` is checked against: that of the first month with
        reports at or after it (a register applies from the first month reported under it), else
        the register in force."""
        version = next((v for p, v in self.month_versions if p >= period), None)
        return self.registers.get(version, self.register) if version is not None else self.register

    @property
    def absence(self) -> str:
        """"carried" or "left": how this file's missing actions are read."""
        return self.absent_actions or (self.mapping.absent_actions if self.mapping else None) or "carried"


@dataclass
class DepartmentReport:
    """One department's rows for one period, ready to store (`frame` index = Excel row)."""

    department: str
    period: Period
    frame: pd.DataFrame
    problems: list[Problem]
    skipped_rows: list[int] = field(default_factory=list)
    skipped_actions: list[str] = field(default_factory=list)  # their action IDs, lower-case
    # the rows as action_status columns (ingest.load.status_columns), when a bulk load's worker
    # made them beside the parsing; None: made when stored
    status_columns: pa.Table | None = field(default=None, repr=False, compare=False)
    plan_checked: bool = False  # ingest.plan added its warnings for the actions it leaves out
    dependencies_checked: bool = False  # ingest.dependencies checked its "Depends on" against the plans

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class ParsedFile:
    """Everything learnt from one file; `problems` holds all of them, file-level ones included."""

    file_name: str
    sheet: str | None = None
    header_row: int | None = None
    letters: Letters = field(default_factory=dict)
    period: Period | None = None
    submitted_at: datetime | None = None
    reports: list[DepartmentReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    # the department the file names (argument, metadata, file name), known without any rows
    named_department: str | None = None
    unreadable: bool = False  # not a spreadsheet at all, damaged, encrypted, too big

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def departments(self) -> list[str]:
        return [r.department for r in self.reports]

    @property
    def detected_departments(self) -> list[str]:
        """The departments of the rows, else the one the file names (a file with no rows)."""
        return self.departments or ([self.named_department] if self.named_department else [])

    @property
    def file_errors(self) -> list[Problem]:
        """The errors of the file as a whole: in no department's rows (a missing column, an
        unknown period, a row no department's)."""
        own = {id(p) for r in self.reports for p in r.problems}
        return [p for p in self.errors if id(p) not in own]

    @property
    def refused(self) -> list[DepartmentReport]:
        """The reports a refused file is held against: each whose own rows have errors, or every
        one when the file as a whole has (a consolidated file's other departments were not
        stored either, but nothing of theirs was wrong)."""
        if self.file_errors:
            return list(self.reports)
        return [r for r in self.reports if r.errors] or list(self.reports)

    def problems_of(self, report: DepartmentReport) -> list[Problem]:
        """A report's problems and the errors of the file as a whole, in the file's order."""
        return sorted([*self.file_errors, *report.problems], key=_order)


def _cell_parser(canon: str, period: Period, date_order: str) -> Callable[[Any], Any]:
    if canon in TEXT:
        return parse_text
    if canon in ("budget_allocated", "budget_spent"):
        return parse_money
    if canon in ("start_date", "completion_date"):
        return lambda v: _plausible(parse_date(v, date_order), v)
    if canon == "due_date":
        return lambda v: _plausible(parse_due(v, period, date_order)[0], v)
    return {
        "status": parse_status, "target": parse_number, "actual": parse_number,
        "metric_direction": parse_direction, "quality_review": parse_quality,
        "risk_level": parse_risk_level, "reason_code": parse_reason_code,
    }[canon]


def _plausible(d: date | None, raw: Any) -> date | None:
    """A plan's dates lie between 1900 and 2100; anything else is a typing slip in the year."""
    if d is not None and not 1900 <= d.year <= 2100:
        shown = raw.isoformat() if isinstance(raw, (date, datetime)) else display_value(raw)
        raise ParseError(f"{shown} is outside the years 1900–2100: check the year.")
    return d


def _memo(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Parse each distinct value once (reports repeat statuses, dates and owners a lot)."""
    cache: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        try:
            key = (type(value), value)
            hit = cache.get(key, cache)
        except TypeError:
            return fn(value)
        if hit is cache:
            try:
                hit = fn(value)
            except ParseError as e:
                hit = e
            cache[key] = hit
        if isinstance(hit, ParseError):
            raise hit
        return hit

    return run


def _bad(sheet: str, row: int, letters: Letters, canon: str, value: Any, message: str) -> Problem:
    letter, header = letters.get(canon, (None, canon))
    return Problem("error", message, sheet=sheet, row=row, column=letter, header=header,
                   value=display_value(value))


def _data_rows(loc: Located, mapping: Mapping | None, problems: list[Problem]) -> list[tuple[int, list[Any]]]:
    """(Excel row, cells) of every action row: blank rows dropped, totals rows skipped with a warning."""
    out = []
    blank = mapping.is_blank if mapping else None
    for i in range(loc.header_index + 1, len(loc.sheet.rows)):
        cells = loc.sheet.rows[i]
        first = next((c for c in cells if c is not None and (not isinstance(c, str) or c.strip())), None)
        if first is None or (blank and all(blank(c) for c in cells)):
            continue
        if isinstance(first, str) and first.strip().lower().startswith("total"):
            problems.append(Problem("warning", "Totals row skipped: totals are computed by Lekgotla.",
                                    sheet=loc.sheet.name, row=i + 1, value=display_value(first)))
            continue
        out.append((i + 1, cells))
    return out


def _left_out(loc: Located, rows: list[tuple[int, list[Any]]], opts: Options,
              problems: list[Problem]) -> list[tuple[int, list[Any]]]:
    """The action rows without those holding only their Action ID (and Department), each with a
    warning: the template's rows cannot be deleted (its IDs are locked), so a row cleared but for
    its ID is how a head leaves an action out (carried over, not reported). Read after merged
    cells are filled in; not for a portfolio snapshot, where an action left out leaves the plan."""
    id_column = loc.by_canonical.get("action_id")
    if id_column is None or opts.absence != "carried":
        return rows
    blank = opts.mapping.is_blank if opts.mapping else None
    naming = {c.index for c in loc.columns if c.canonical in ("action_id", "department")}
    kept = []
    for row, cells in rows:
        filled = {j for j, c in enumerate(cells) if c is not None and (not isinstance(c, str) or c.strip())
                  and not (blank and blank(c))}
        if id_column.index in filled and filled <= naming:
            problems.append(Problem(
                "warning", "Only the Action ID of this row is filled in: it is read as left out of "
                "this report. An open action of the plan stays as last reported, marked not "
                "reported; to end one, mark it Cancelled with a reason.",
                sheet=loc.sheet.name, row=row, column=column_letter(id_column.index),
                header=id_column.header, value=display_value(cells[id_column.index])))
        else:
            kept.append((row, cells))
    return kept


def _merged(loc: Located, rows: list[tuple[int, list[Any]]], problems: list[Problem]
            ) -> list[tuple[int, list[Any]]]:
    """The action rows with their merged cells read as a person sees them, each with a warning: a
    range down a column gives its value to each of its rows (Excel shows it beside each); one
    across columns keeps it in its first cell."""
    by_row = {r: list(cells) for r, cells in rows}  # copies: the sheet keeps its cells as read
    # the ranges over action rows (0-based r0..r1 is Excel rows r0+1..r1+1); one below the table
    # or over blank rows (a signature block) holds nothing read
    ranges = [m for m in loc.sheet.merged_cells if m[0] > loc.header_index
              and any(r in by_row for r in range(m[0] + 1, m[2] + 2))]
    if not ranges:
        return rows
    headers = {c.index: c.header for c in loc.columns}
    for r0, c0, r1, c1 in sorted(ranges):
        top = loc.sheet.rows[r0] if r0 < len(loc.sheet.rows) else []
        value = top[c0] if c0 < len(top) else None
        cells = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        if r1 > r0:
            read = [r for r in range(r0 + 1, r1 + 2) if r in by_row]  # the action rows it spans
            if len(read) < 2 and c1 == c0:
                continue  # beside one action row only: it reads the same merged or not
            for excel_row in read:
                if excel_row != r0 + 1:
                    row = by_row[excel_row]
                    row.extend([None] * (c0 + 1 - len(row)))
                    row[c0] = value
            whole = len(read) > 2 and read[-1] - read[0] == len(read) - 1  # no gap
            span = f"{read[0]} to {read[-1]}" if whole else listing([str(r) for r in read])
            said = (f"Cells {cells} are merged: {display_value(value)!r} is read for each of rows "
                    f"{span}. Unmerge them and fill in each row, so that each action says its own."
                    ) if value is not None else (
                    f"Cells {cells} are merged and empty. Unmerge them and fill in each row.")
        else:
            said = (f"Cells {cells} are merged: only {column_letter(c0)}{r0 + 1} is read. Unmerge "
                    "them and put each value in its own column.")
        problems.append(Problem("warning", said, sheet=loc.sheet.name, row=r0 + 1,
                                column=column_letter(c0), header=headers.get(c0),
                                value=display_value(value)))
    return [(r, by_row[r]) for r, _ in rows]


def _parse_rows(
    loc: Located, rows: list[tuple[int, list[Any]]], opts: Options, period: Period, letters: Letters,
    period_known: bool = True,
) -> tuple[pd.DataFrame, list[Problem], set[tuple[int, str]]]:
    """Typed canonical columns (index = Excel row), parse errors, and the cells that failed."""
    mapping = opts.mapping
    date_order = (mapping.date_order if mapping and mapping.date_order else opts.date_order)
    sheet = loc.sheet.name
    problems: list[Problem] = []
    failed: set[tuple[int, str]] = set()
    index = [r for r, _ in rows]
    data: dict[str, list[Any]] = {}
    defaults = mapping.defaults if mapping else {}
    cols = loc.by_canonical
    columns = _transpose([cells for _, cells in rows])
    nothing = [None] * len(rows)
    for canon in CANONICAL:
        col = cols.get(canon)
        raw = list(columns[col.index]) if col and col.index < len(columns) else list(nothing)
        if mapping:
            raw = [None if mapping.is_blank(v) else v for v in raw]
        if canon in defaults:
            raw = [defaults[canon] if v is None else v for v in raw]
        if canon == "status" and mapping:
            raw = [mapping.status(v) for v in raw]
        if canon == "percent_complete":
            values, errs, fractional = parse_percent_column(raw)
            for i, msg in errs:
                failed.add((index[i], canon))
                problems.append(_bad(sheet, index[i], letters, canon, raw[i], msg))
            if fractional:
                letter, header = letters.get(canon, (None, canon))
                problems.append(Problem(
                    "warning", "Every progress value is 1 or less, so they were read as fractions "
                    "(0.45 = 45%).", sheet=sheet, row=loc.header_index + 1, column=letter, header=header))
            data[canon] = values
            continue
        parse = _memo(_cell_parser(canon, period, date_order))
        out: list[Any] = []
        for i, v in enumerate(raw):
            if v is None:
                out.append(None)
                continue
            try:
                out.append(parse(v))
            except ParseError as e:
                failed.add((index[i], canon))
                problems.append(_bad(sheet, index[i], letters, canon, v, str(e)))
                out.append(None)
        data[canon] = out
    due = cols.get("due_date")
    data["due_text"] = ([parse_text(v) for v in columns[due.index]] if due and due.index < len(columns)
                        else list(nothing))
    extra_cols = [c for c in loc.columns if c.canonical is None]
    data["extra"] = [
        _EXTRA_JSON.encode({c.header: _json_value(cells[c.index]) for c in extra_cols
                    if c.index < len(cells) and cells[c.index] is not None})
        if extra_cols else None
        for _, cells in rows
    ]
    data["metric_direction"] = ["increase" if v is None else v for v in data["metric_direction"]]
    data["period_end"] = [period.end if period_known else date.max] * len(rows)
    # numbers as float64 (None -> NaN); everything else object, keeping None as None (pandas 3 would
    # turn blank text into NaN). Built a column at a time: an object frame's astype is much slower.
    rows_index = pd.Index(index, name="row")
    df = pd.DataFrame({
        k: pd.Series(np.array([np.nan if v is None else v for v in values], dtype="float64") if k in NUMERIC
                     else _object_array(values), index=rows_index, copy=False)
        for k, values in data.items()})
    return df, problems, failed


# one encoder for every row (json.dumps with options builds a new one per call)
_EXTRA_JSON = json.JSONEncoder(ensure_ascii=False)
NUMERIC = frozenset(("percent_complete", "budget_allocated", "budget_spent", "target", "actual"))


def _transpose(rows: list[list[Any]]) -> list[tuple[Any, ...]]:
    """Cells by column (short rows padded with None)."""
    width = max((len(cells) for cells in rows), default=0)
    return list(zip(*(cells if len(cells) == width else [*cells, *[None] * (width - len(cells))]
                      for cells in rows), strict=True))


def _object_array(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _json_value(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return str(v)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _split_departments(
    df: pd.DataFrame, loc: Located, opts: Options, file_name: str, letters: Letters
) -> tuple[dict[str, list[int]], list[Problem]]:
    """Department -> its Excel rows: one department, or several for a consolidated report."""
    sheet = loc.sheet.name
    column_values = df["department"] if "department" in loc.by_canonical else None
    named = department_sources(opts.department, loc, file_name)
    # explicit argument and metadata outrank the column; the file name only fills a gap
    explicit = [(n, s) for n, s in named if s in ("argument", "metadata")]
    problems: list[Problem] = []

    def canonical(name: str) -> str | None:
        return match_department(name, opts.register, opts.known_departments)

    def not_listed(name: str, fix: str) -> str:
        if not department_key(name):  # no letter or digit: it would match any such name
            return no_department_message(name)
        if not opts.register.lists_departments and too_long_message(name):
            return str(too_long_message(name))
        listed = ", ".join(sorted(set(opts.register.departments.values())))  # a former name leads to one too
        return f"Department {name!r} is not in the strategy register ({listed}). {fix}"

    if explicit:
        name, source = explicit[0]
        dept = canonical(name)

        def cell(source: str, name: str) -> dict[str, Any]:
            if source != "metadata":
                return {}
            _, row, col = loc.metadata["department"]  # the cell it was read from, for the marked workbook
            return {"row": row + 1, "column": column_letter(col), "header": "Department", "value": name}

        if dept is None:
            return {}, [Problem("error", not_listed(name, "Choose one of those departments."),
                                sheet=sheet, **cell(source, name))]
        # a name the register gave up, said once: also when the Upload page's choice (its new
        # name) comes first, and the file's own cell still writes the former one
        former: dict[str, tuple[str, str]] = {}
        for n, s in explicit:  # the cell it was read from, when a cell writes it
            if (department_key(n) and department_key(n) != department_key(dept)
                    and canonical(n) == dept and (department_key(n) not in former or s == "metadata")):
                former[department_key(n)] = (n, s)
        for n, s in former.values():
            problems.append(renamed(n, dept, sheet, **cell(s, n)))
        problems += overruled(dept, dept, source, [
            (canonical(n), n, s) for n, s in named[1:] if department_key(n)], "Department", loc)
        if column_values is not None:
            # a choice that repeats the Department cell (the Upload page fills its box with it) is
            # the cell's word
            said = ("metadata" if source == "argument" and any(
                s == "metadata" and canonical(n) == dept for n, s in named[1:]) else source)
            for row, v in column_values.items():
                if not _blank(v) and canonical(v) != dept:
                    problems.append(_bad(sheet, int(row), letters, "department", v,
                                         f"This row is for {v!r} but the report is for {dept!r}, "
                                         f"{chosen_by(said, 'Department')}: move the row to that "
                                         "department's report."))
        return {dept: list(df.index)}, problems
    if column_values is not None and column_values.notna().any():
        groups: dict[str, list[int]] = {}
        spelling: dict[str, str] = {}  # one spelling per department within the file
        for row, v in column_values.items():
            if _blank(v):
                problems.append(_bad(sheet, int(row), letters, "department", v,
                                     "The department is empty: every row of a consolidated report needs one."))
                continue
            dept = canonical(v)
            if dept is None:
                problems.append(_bad(sheet, int(row), letters, "department", v,
                                     not_listed(v, "Correct the name or add it to the register.")))
                continue
            dept = spelling.setdefault(department_key(dept), dept)
            if department_key(v) != department_key(dept) and department_key(v) not in spelling:
                spelling[department_key(v)] = dept  # a former name: said once, on its first row
                letter, header = letters.get("department", (None, "department"))
                problems.append(renamed(v, dept, sheet, row=int(row), column=letter, header=header,
                                        value=display_value(v)))
            groups.setdefault(dept, []).append(int(row))
        return groups, problems
    for name, _source in named:
        dept = canonical(name)
        if dept is not None:
            if department_key(name) != department_key(dept):
                problems.append(renamed(name, dept, sheet))
            return {dept: list(df.index)}, problems
        return {}, [Problem("error", not_listed(name, "Rename the file or choose the department."),
                            sheet=sheet)]
    return {}, [Problem(
        "error", "The department is unknown. Put 'Department | Finance' above the header, add a "
        "Department column, name the file like Finance_2025-02.xlsx, or choose it when uploading.",
        sheet=sheet)]


def renamed(name: str, department: str, sheet: str | None = None, **at: Any) -> Problem:
    """The warning for a report that writes a department's former name (ingest.renames)."""
    return Problem("warning", f"{name!r} is now called {department!r} (the strategy register "
                   f"renamed it): the report is stored under {department!r}. Write the new name "
                   "next time; a new template has it.", sheet=sheet, **at)


def parse_workbook(wb: Workbook, opts: Options) -> ParsedFile:
    """Validate a read workbook into department reports, collecting every problem in one pass."""
    result = ParsedFile(wb.file_name)
    loc, problems = locate(wb, opts.mapping)
    result.problems += problems
    if loc is None:
        return result
    result.sheet = loc.sheet.name
    result.header_row = loc.header_index + 1
    result.letters = letters = {c.canonical: (column_letter(c.index), c.header) for c in loc.columns if c.canonical}
    column_problems = check_columns(loc, opts.mapping)
    result.problems += column_problems
    result.problems += unknown_column_warnings(loc)
    period, period_problems = resolve_period(opts.period, loc, wb.file_name)
    result.problems += period_problems
    this_month = Period.of(date.today())
    if period is not None and period.key > this_month.key:  # a typo of the year, most often
        result.problems.append(Problem(
            "warning", f"The report is for {period.label}, which has not begun yet (this month is "
            f"{this_month.label}): check the reporting period.", sheet=loc.sheet.name))
    result.period = period
    if period is not None:  # a month before a newer register is checked against its own
        opts = replace(opts, register=opts.register_for(period.key))
    named = department_sources(opts.department, loc, wb.file_name)
    if named:
        name, source = named[0]
        matched = match_department(name, opts.register, opts.known_departments)
        # a file name naming no department of the register ('status_report_2025-07') names none
        result.named_department = matched or (None if source == "file name" else name)
    if "submitted" in loc.metadata:
        try:
            d = parse_date(loc.metadata["submitted"][0], opts.date_order)
            result.submitted_at = datetime(d.year, d.month, d.day) if d else None
        except ParseError:
            pass
    rows = _merged(loc, _data_rows(loc, opts.mapping, result.problems), result.problems)
    rows = _left_out(loc, rows, opts, result.problems)
    result.rows = len(rows)
    if not rows:
        result.problems.append(Problem(
            "error", f"There are no action rows under the header (row {loc.header_index + 1}): add the "
            "actions, one per row.", sheet=loc.sheet.name, row=loc.header_index + 1))
        return result
    if len(rows) > opts.max_rows:
        result.problems.append(Problem(
            "error", f"The sheet has {len(rows):,} action rows, more than the {opts.max_rows:,} allowed: "
            "split the report.", sheet=loc.sheet.name))
        return result
    # without a period, rows are still checked (every problem in one pass) against a stand-in month
    working_period = period or Period.of(date.today())
    df, parse_problems, failed = _parse_rows(loc, rows, opts, working_period, letters, period is not None)
    headers = {column_letter(c.index): c.header for c in loc.columns}
    canonical = {letter: canon for canon, (letter, _) in letters.items()}
    data_rows = set(df.index)
    for ref in loc.sheet.formula_cells_without_value:
        letter, row = ref.rstrip("0123456789"), int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        if row in data_rows:
            failed.add((row, canonical.get(letter, letter)))  # not "required" as well: it is said here
            parse_problems.append(Problem(
                "error", "This cell holds a formula with no saved value: open the file in Excel, let it "
                "calculate, and save it again.", sheet=loc.sheet.name, row=row, column=letter,
                header=headers.get(letter)))
    for ref, shown in loc.sheet.error_cells:
        letter, row = ref.rstrip("0123456789"), int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        if row in data_rows:
            failed.add((row, canonical.get(letter, letter)))
            parse_problems.append(Problem(
                "error", f"This cell shows the Excel error {shown}: fix the formula or type the value.",
                sheet=loc.sheet.name, row=row, column=letter, header=headers.get(letter), value=shown))
    groups, dept_problems = _split_departments(df, loc, opts, wb.file_name, letters)
    row_problems = parse_problems + dept_problems
    file_level = [p for p in result.problems if p.severity == "error"]
    if not groups:
        result.problems += row_problems
        return result
    objective_ids = opts.register.objective_ids if opts.register.version is not None else None
    for dept, dept_rows in groups.items():
        frame = df.loc[dept_rows].copy()
        frame["department"] = dept
        rows_set = set(dept_rows)
        mine = [p for p in row_problems if p.row in rows_set]
        mine += schema_problems(frame, loc.sheet.name, letters, working_period.label,
                                {c for c in failed if c[0] in rows_set})
        mine += row_warnings(frame, loc.sheet.name, letters, objective_ids)
        mine += read_columns(frame, dept, loc.sheet.name, letters, opts.register, opts.known_departments)
        frame = complete_rows(frame)
        report = DepartmentReport(dept, working_period, frame,
                                  sorted(without_contradictions(mine), key=_order))
        if opts.skip_invalid_rows and not file_level:
            bad_rows = sorted({p.row for p in report.errors if p.row is not None})
            report.skipped_rows = bad_rows
            report.skipped_actions = sorted({str(a).strip().lower() for a in frame.loc[bad_rows, "action_id"]
                                             if pd.notna(a) and str(a).strip()})
            report.frame = frame.drop(index=bad_rows)
        result.reports.append(report)
    unassigned = [p for p in row_problems if not any(p.row in set(g) for g in groups.values())]
    # warnings about the whole file (an unknown column, a department or period the file itself
    # names otherwise) go with each report too: they are kept with what is stored
    whole_file = [p for p in (*result.problems, *unassigned) if p.severity == "warning"]
    result.problems += unassigned
    for report in result.reports:
        result.problems += report.problems
        report.problems = sorted(report.problems + whole_file, key=_order)
    result.problems.sort(key=_order)
    return result


def _order(p: Problem) -> tuple[int, int, str]:
    return (p.row or 0, 0 if p.severity == "error" else 1, p.column or "")


def parse_file(data: bytes, file_name: str, opts: Options) -> ParsedFile:
    """Read and validate a file's bytes; file-level failures become one error Problem."""
    try:
        wb = read_workbook(data, file_name, max_bytes=opts.max_bytes, max_uncompressed=opts.max_uncompressed,
                           max_rows=opts.max_rows)
        return parse_workbook(wb, opts)  # sheets are read as they are needed, so this can fail too
    except IngestError as e:
        return ParsedFile(file_name, problems=[Problem("error", e.message)], unreadable=True)


def can_load(parsed: ParsedFile, skip_invalid_rows: bool) -> bool:
    """True when the file may be stored: no errors, or only row errors that are being skipped."""
    if not parsed.reports:
        return False
    if not parsed.errors:
        return True
    if not skip_invalid_rows:
        return False
    row_errors = {id(p) for r in parsed.reports for p in r.errors}
    return all(id(p) in row_errors for p in parsed.errors) and all(len(r.frame) for r in parsed.reports)
