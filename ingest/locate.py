"""Where the data is (SPEC §2.1): the sheet, the header row, the department and the period."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ingest.cells import clip
from ingest.headers import (
    REQUIRED,
    Column,
    canonical_for,
    find_header_row,
    match_row,
    normalise,
    read_metadata,
)
from ingest.mapping import Mapping
from ingest.names import department_key, too_long_message
from ingest.problems import Problem, column_letter, display_value
from ingest.read import Sheet, Workbook
from ingest.values import ParseError, Period, parse_period, parse_text
from ingest.words import plural

_FILE_NAME = re.compile(r"^(?P<dept>.*?)[ _]+(?P<period>\d{4}-\d{2})(?:\s*\(\d+\))?$")  # "... (1)" from a browser


@dataclass(frozen=True)
class Register:
    """What validation needs from the strategy register in force (empty when there is none)."""

    version: int | None = None
    departments: dict[str, str] = field(default_factory=dict)  # department_key -> name
    objective_ids: frozenset[str] = frozenset()
    # the Initiatives sheet: normalised ID and normalised name -> initiative ID (issue 16)
    initiatives: dict[str, str] = field(default_factory=dict)

    def match_initiative(self, text: str) -> str | None:
        """The register's initiative ID that `text` names (its ID or its name, ignoring case, spaces
        and punctuation), or None."""
        return self.initiatives.get(normalise(text))

    @property
    def lists_departments(self) -> bool:
        return bool(self.departments)

    def match_department(self, name: str) -> str | None:
        """The register's spelling of a department, or None when it is not listed."""
        key = department_key(name)
        return self.departments.get(key) if key else None


@dataclass
class Located:
    """The sheet and header row of the action table, with the columns matched."""

    sheet: Sheet
    header_index: int  # 0-based row of the header
    columns: list[Column]
    metadata: dict[str, tuple[Any, int, int]]

    @property
    def by_canonical(self) -> dict[str, Column]:
        return {c.canonical: c for c in self.columns if c.canonical}


def _file_problem(message: str, sheet: str | None = None, **kw: Any) -> Problem:
    return Problem("error", message, sheet=sheet, **kw)


def locate(wb: Workbook, mapping: Mapping | None) -> tuple[Located | None, list[Problem]]:
    """Choose the sheet and header row, or say precisely why none could be found."""
    mapped = mapping.header_lookup if mapping else None
    sheets = wb.sheets
    if mapping and mapping.sheet:
        wanted = [s for s in sheets if s.name.strip().lower() == mapping.sheet.strip().lower()]
        if not wanted:
            hidden = " (it is hidden: hidden sheets are never read)" if any(
                h.strip().lower() == mapping.sheet.strip().lower() for h in wb.hidden_sheets) else ""
            return None, [_file_problem(
                f"The mapping asks for sheet {mapping.sheet!r}, which is not in the workbook{hidden}. "
                f"Visible sheets: {', '.join(s.name for s in sheets) or 'none'}.")]
        candidates = wanted
    else:
        named = [s for s in sheets if s.name.strip().lower() == "actions"]
        hidden_actions = [h for h in wb.hidden_sheets if h.strip().lower() == "actions"]
        if not named and hidden_actions:
            # reading another sheet instead (the template's Completed earlier, an old copy) would
            # store the wrong figures without a word
            visible = ", ".join(repr(s.name) for s in sheets) or "none"
            return None, [_file_problem(
                f"The sheet {hidden_actions[0]!r} is hidden, and hidden sheets are never read, so "
                f"the report was not read from any other sheet (visible: {visible}). Unhide "
                f"{hidden_actions[0]!r} in Excel (right-click a sheet tab, Unhide) and save again; "
                "or, if another sheet is the report, delete the hidden one.", hidden_actions[0])]
        candidates = named or sheets
    if not candidates:
        return None, [_file_problem("The workbook has no visible sheet. Unhide the Actions sheet and save again.")]
    for sheet in candidates:
        if mapping and mapping.header_row:
            idx: int | None = mapping.header_row - 1
            if idx is not None and idx >= len(sheet.rows):
                return None, [_file_problem(
                    f"The mapping says the header is on row {mapping.header_row}, but the sheet has "
                    f"only {plural(len(sheet.rows), 'row')}.", sheet.name)]
        else:
            idx = find_header_row(sheet.rows, mapped)
            if idx is None and mapped:  # mapped headers absent: find the row by synonyms, then say which
                idx = find_header_row(sheet.rows, None)
        if idx is None:
            continue
        columns = match_row(sheet.rows[idx], mapped)
        # no sheet named for it: another sheet that looks like a report too is not read, said so
        later = candidates[candidates.index(sheet) + 1:] if candidates is sheets else []
        also = [other.name for other in later if find_header_row(other.rows, mapped) is not None]
        return Located(sheet, idx, columns, read_metadata(sheet.rows[:idx])), [
            Problem("warning", f"Sheet {other!r} looks like a report too, but only {sheet.name!r}, "
                    "the first, was read. Name the sheet to read 'Actions', or upload the other "
                    "as a file of its own.", sheet=other) for other in also]
    where = f"sheet {candidates[0].name!r}" if len(candidates) == 1 else "any visible sheet"
    sideways = next((s for s in candidates if _sideways(s.rows)), None)
    if sideways is not None:
        labels = ", ".join(clip(label) for label in _sideways(sideways.rows)[:3])
        return None, [_file_problem(
            f"No header row found in {where}: "
            + ("it" if len(candidates) == 1 else f"the sheet {sideways.name!r}")
            + f" seems to be laid out sideways, its field names down column A ({labels}, …) and "
            "one project to a column. Lekgotla reads one action to a row, under one row of "
            "column names: in Excel, copy the table, Paste Special → Transpose into a new sheet, "
            "save that, and upload it.", sideways.name)]
    return None, [_file_problem(
        f"No header row found in {where}: within the first 20 rows, no row has at least three known "
        "column names (such as Action ID, Action, Status, Due date). Use the template, or map the "
        "columns on the Upload page.", candidates[0].name if len(candidates) == 1 else None)]


def _sideways(rows: list[list[Any]]) -> list[str]:
    """The labels down column A of a table laid out one record to a column (at least five rows,
    every one labelled in column A, a known column name among them, and over twice as many
    columns as rows); empty for any other sheet."""
    labels = [" ".join(str(r[0]).split()) if r and r[0] is not None else "" for r in rows]
    width = max((len(r) for r in rows), default=0)
    if len(rows) < 5 or width <= 2 * len(rows) or not all(labels):
        return []
    known = any(c.canonical for c in match_row([r[0] for r in rows]))
    return labels if known else []


def check_columns(loc: Located, mapping: Mapping | None) -> list[Problem]:
    """Missing required columns, and mapped headers the file lacks: both reject the file."""
    problems = []
    have = loc.by_canonical
    header_row = loc.header_index + 1
    if mapping:
        for canon, header in mapping.columns.items():
            if canon not in have:
                problems.append(_file_problem(
                    f"The mapping names the header {header!r} for {canon}, but row {header_row} has no "
                    "such header. Correct the mapping or the header.", loc.sheet.name, row=header_row,
                    header=header))
    defaults = mapping.defaults if mapping else {}
    for canon in REQUIRED:
        if canon not in have and canon not in defaults and not (mapping and canon in mapping.columns):
            problems.append(_file_problem(
                f"The required column {canon!r} is missing from the header row (row {header_row}). "
                f"Add a column headed {canon.replace('_', ' ').title()!r}.",
                loc.sheet.name, row=header_row, header=canon))
    return problems


def unknown_column_warnings(loc: Located) -> list[Problem]:
    """Columns Lekgotla does not know (or a second column meaning the same): kept in `extra`, warned about."""
    used = loc.by_canonical
    out = []
    for c in loc.columns:
        if c.canonical is not None:
            continue
        meaning = canonical_for(c.header)
        if meaning in used:
            first = used[meaning]
            message = (f"Column {c.header!r} means the same as {first.header!r} (column "
                       f"{column_letter(first.index)}), which is the one read: remove one of them.")
        else:
            message = f"Unknown column {c.header!r}: kept with the report but not used in KPIs."
        out.append(Problem("warning", message, sheet=loc.sheet.name, row=loc.header_index + 1,
                           column=column_letter(c.index), header=c.header))
    return out


@dataclass
class Resolved:
    value: Any
    source: str  # argument | metadata | column | file name


def _from_file_name(file_name: str) -> tuple[str | None, str | None]:
    m = _FILE_NAME.match(PurePosixPath(file_name).stem.strip())
    if not m:
        return None, None
    dept = m.group("dept").strip(" _-") or None
    return dept, m.group("period")


def resolve_period(
    arg: str | None, loc: Located, file_name: str
) -> tuple[Period | None, list[Problem]]:
    """The reporting period: argument, metadata block, then file name (SPEC §2.1)."""
    sources: list[tuple[Any, str, int | None, int | None]] = []
    if arg:
        sources.append((arg, "argument", None, None))
    if "period" in loc.metadata:
        v, mr, mc = loc.metadata["period"]
        sources.append((v, "metadata", mr, mc))
    _, fp = _from_file_name(file_name)
    if fp:
        sources.append((fp, "file name", None, None))
    for n, (value, source, r, c) in enumerate(sources):
        try:
            period = parse_period(value)
        except ParseError as e:
            if source == "argument":
                return None, [_file_problem(f"The period {value!r} given is not a month: {e}")]
            if source == "file name":  # no cell to point at: the name is the file's
                return None, [_file_problem(
                    f"The reporting period in the file name {file_name!r} cannot be read: {e} "
                    "Rename the file, put 'Reporting period | February 2025' above the header, or "
                    "choose the period when uploading.", loc.sheet.name)]
            return None, [Problem("error", f"The reporting period cannot be read: {e}",
                                  sheet=loc.sheet.name, row=(r or 0) + 1, column=column_letter(c or 0),
                                  header="Reporting period", value=display_value(value))]
        if period is not None:
            return period, overruled(period.key, period.label, source, [
                (_period_key(v), display_value(v), s) for v, s, _, _ in sources[n + 1:]],
                "Reporting period", loc)
    return None, [_file_problem(
        "The reporting period is unknown. Put 'Reporting period | February 2025' above the header, "
        "name the file like Finance_2025-02.xlsx, or choose the period when uploading.",
        loc.sheet.name)]


def _period_key(value: Any) -> str | None:
    try:
        period = parse_period(value)
    except ParseError:
        return None
    return period.key if period else None


def chosen_by(source: str, label: str) -> str:
    """Why a report is for its department or month, in a message: the `source` of
    `department_sources` or `period_sources` (argument or metadata) in the uploader's words."""
    return "as chosen" if source == "argument" else f"as its {label} cell says"


def overruled(chosen: str, chosen_words: str, source: str,
              others: list[tuple[str | None, str, str]], label: str,
              loc: Located) -> list[Problem]:
    """A warning when the file itself names another department or period than the argument
    chosen (the upload form, a CLI flag): the argument wins, as SPEC §2.1 says, but a file for
    another department or month loaded under the wrong one would otherwise go unnoticed.
    `others`: the lower-ranked sources in order, as (key, as written, source); the first with a
    readable value is the file's own word; a metadata cell is named by its row and column. The
    metadata cell outranks the file name the same way, with the same warning. An argument that
    repeats the file's own word (the upload form fills its boxes with what the file says) is
    no choice: that word is then compared with the rest, as when nothing is chosen."""
    if source not in ("argument", "metadata"):
        return []
    where = {"metadata": f"The report's {label} cell", "file name": "The file name"}
    field = label.lower().split()[-1]  # the metadata block's key: department, period
    for n, (key, written, kind) in enumerate(others):
        if key is None or kind not in where:
            continue
        if key == chosen:
            return (overruled(chosen, chosen_words, kind, others[n + 1:], label, loc)
                    if source == "argument" else [])
        _, row, col = loc.metadata[field] if kind == "metadata" else (None, None, None)
        return [Problem("warning", f"{where[kind]} says {written!r}, but the report is loaded "
                        f"for {chosen_words}, {chosen_by(source, label)}: check that this is the "
                        "right file.",
                        sheet=loc.sheet.name, row=None if row is None else row + 1,
                        column=None if col is None else column_letter(col),
                        header=label if kind == "metadata" else None,
                        value=written if kind == "metadata" else None)]
    return []


def department_sources(arg: str | None, loc: Located, file_name: str) -> list[tuple[str, str]]:
    """Candidate department names with where each came from, in SPEC §2.1's order (column aside)."""
    out = []
    if arg:
        out.append((arg, "argument"))
    meta = parse_text(loc.metadata["department"][0]) if "department" in loc.metadata else None
    if meta:
        out.append((meta, "metadata"))
    fd, _ = _from_file_name(file_name)
    if fd:
        out.append((fd, "file name"))
    return out


def match_department(name: str, register: Register, known: dict[str, str]) -> str | None:
    """The canonical spelling of a department: the register's, else one already known, else as written.

    Returns None when the register lists departments and this one is not among them, and when
    the name has no letter or digit (`no_department_message` says why).
    """
    key = department_key(name)
    if not key:
        return None
    if register.lists_departments:
        return register.match_department(name)
    if key not in known and too_long_message(name):  # a new name, unbounded: not one to keep
        return None
    return known.get(key, " ".join(str(name).split()))


def normalised_headers(columns: list[Column]) -> dict[str, str]:
    """normalised header -> header as written (for messages)."""
    return {normalise(c.header): c.header for c in columns}
