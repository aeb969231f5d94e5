"""The interactive column and status mapping of the Upload page (SPEC §2.5).

For a workbook that does not use the template's headers: choose the sheet and header row, say
which header holds each Lekgotla column and what each status value means; the result is a
`Mapping` that reads the file, and may be saved under a name (as TOML, in the database).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ingest import mappings_store
from ingest.access import User
from ingest.db import Connection
from ingest.errors import IngestError, LekgotlaError
from ingest.headers import CANONICAL, REQUIRED, canonical_for, find_header_row
from ingest.mapping import Mapping, mapping_from_dict
from ingest.read import Sheet, Workbook
from ingest.values import STATUSES, ParseError, parse_status
from presentation.markup import md

NONE = "(not in the file)"
COLUMN_HELP = {
    "action_id": "required: a unique ID per action", "action": "required: what is to be done",
    "status": "required: the status of the action", "department": "for a consolidated report",
    "objective_id": "the strategic objective it serves", "due_date": "a date or a phrase",
    "percent_complete": "0–100, 45% or 0.45",
}


def headers_of(sheet: Sheet, header_row: int) -> list[str]:
    """The non-empty cells of a row (1-based, as Excel shows it), as the text of headers."""
    if header_row < 1 or header_row > len(sheet.rows):
        return []
    return [" ".join(str(c).split()) for c in sheet.rows[header_row - 1]
            if c is not None and str(c).strip()]


def guess_header_row(sheet: Sheet) -> int:
    """The header row Lekgotla would find (1-based), else the first row with several cells."""
    found = find_header_row(sheet.rows)
    if found is not None:
        return found + 1
    for i, row in enumerate(sheet.rows[:50]):
        if sum(1 for c in row if c is not None and str(c).strip()) >= 3:
            return i + 1
    return 1


def guess_columns(headers: list[str], saved: Mapping | None) -> dict[str, str]:
    """Canonical column -> header: from the saved mapping, else by the synonyms of SPEC §2.2."""
    out: dict[str, str] = {}
    if saved is not None:
        out.update({c: h for c, h in saved.columns.items() if h in headers})
    for h in headers:
        canon = canonical_for(h)
        if canon and canon not in out and h not in out.values():
            out[canon] = h
    return out


def column_values(sheet: Sheet, header_row: int, header: str, limit: int = 60) -> list[str]:
    """The distinct values below a header (at most `limit`), most frequent first."""
    row = sheet.rows[header_row - 1] if 0 < header_row <= len(sheet.rows) else []
    index = next((j for j, c in enumerate(row)
                  if c is not None and " ".join(str(c).split()) == header), None)
    if index is None:
        return []
    values = [" ".join(str(r[index]).split()) for r in sheet.rows[header_row:]
              if index < len(r) and r[index] is not None and str(r[index]).strip()]
    return list(pd.Series(values, dtype="object").value_counts().index[:limit])


def _known_status(value: str) -> str | None:
    try:
        return parse_status(value)
    except ParseError:
        return None


def build(sheet: str, header_row: int, date_order: str, columns: dict[str, str],
          statuses: dict[str, str], default_status: str | None, blank: list[str],
          name: str | None) -> Mapping:
    """The Mapping the form describes (IngestError naming what is wrong)."""
    data: dict[str, Any] = {"sheet": sheet, "header_row": int(header_row),
                            "date_order": date_order, "columns": columns}
    if statuses:
        data["values"] = {"status": statuses}
    if default_status:
        data["defaults"] = {"status": default_status}
    if blank:
        data["blank"] = {"patterns": blank}
    return mapping_from_dict(data, name)


def editor(con: Connection, wb: Workbook, saved: Mapping | None, key: str) -> Mapping | None:
    """Draw the mapping form for a workbook; the Mapping it describes, or None while incomplete."""
    sheets = [s.name for s in wb.sheets]
    if not sheets:
        st.error("The workbook has no visible sheet to map.")
        return None
    start = sheets.index(saved.sheet) if saved and saved.sheet in sheets else 0
    left, middle, right = st.columns(3)
    sheet_name = left.selectbox("Sheet", sheets, index=start, key=f"{key}-sheet")
    sheet = wb.sheets[sheets.index(sheet_name)]
    guess = saved.header_row if saved and saved.header_row else guess_header_row(sheet)
    header_row = middle.number_input("Header row", min_value=1, max_value=max(1, len(sheet.rows)),
                                     value=min(guess, max(1, len(sheet.rows))),
                                     key=f"{key}-header-{sheet_name}",
                                     help="The row that holds the column names, as Excel "
                                          "numbers it.")
    orders = ["DMY", "MDY", "YMD"]
    date_order = right.selectbox(
        "Text dates are written", orders,
        index=orders.index(saved.date_order) if saved and saved.date_order in orders else 0,
        format_func={"DMY": "day first (28/02/2025)", "MDY": "month first (02/28/2025)",
                     "YMD": "year first (2025-02-28)"}.get, key=f"{key}-dates")
    headers = headers_of(sheet, int(header_row))
    if not headers:
        st.warning("That row is empty: choose the row that holds the column names.")
        return None
    guessed = guess_columns(headers, saved)
    st.markdown("**Which header holds each Lekgotla column?** Required: Action ID, Action and "
                "Status.")
    order = [*REQUIRED, *(c for c in CANONICAL if c not in REQUIRED)]
    table = pd.DataFrame({
        "column": order,
        "meaning": [COLUMN_HELP.get(c, "") for c in order],
        "header": [guessed.get(c, NONE) for c in order],
    })
    edited = st.data_editor(
        table, hide_index=True, key=f"{key}-columns-{sheet_name}-{header_row}", height=420,
        column_config={
            "column": st.column_config.TextColumn("Lekgotla column", disabled=True),
            "meaning": st.column_config.TextColumn("What it is", disabled=True),
            "header": st.column_config.SelectboxColumn("Header in the file",
                                                       options=[NONE, *headers], required=True),
        })
    columns = {str(r["column"]): str(r["header"]) for r in edited.to_dict("records")
               if r["header"] and r["header"] != NONE}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        st.warning("Choose the header for " + ", ".join(missing) + ".")
        return None
    status_map: dict[str, str] = {}
    values = column_values(sheet, int(header_row), columns["status"])
    unknown = [v for v in values if _known_status(v) is None]
    default_status = saved.defaults.get("status") if saved else None
    if values:
        st.markdown(f"**What does each value of “{md(columns['status'])}” mean?** Values Lekgotla "
                    "already understands are filled in.")
        saved_values = saved.status_values if saved else {}
        status_table = pd.DataFrame({
            "value": values,
            "status": [saved_values.get(v.lower()) or _known_status(v) for v in values],
        })
        edited_status = st.data_editor(
            status_table, hide_index=True, key=f"{key}-status-{columns['status']}",
            column_config={
                "value": st.column_config.TextColumn("Value in the file", disabled=True),
                "status": st.column_config.SelectboxColumn("Lekgotla status",
                                                           options=list(STATUSES)),
            })
        # only what Lekgotla would not read by itself goes into the mapping
        status_map = {str(r["value"]): str(r["status"]) for r in edited_status.to_dict("records")
                      if r["status"] and r["status"] != _known_status(str(r["value"]))}
        if any(not r["status"] for r in edited_status.to_dict("records")
               if r["value"] in unknown):
            st.warning("Some values have no Lekgotla status yet: rows with them will be listed "
                       "as errors.")
    left, right = st.columns(2)
    default_status = left.selectbox(
        "Status for an empty cell", [None, *STATUSES],
        index=([None, *STATUSES].index(default_status) if default_status in STATUSES else 0),
        format_func=lambda s: "leave empty (an error)" if s is None else s,
        key=f"{key}-default-status")
    blank_text = right.text_input(
        "Read these cell values as empty", value=", ".join(saved.blank_patterns) if saved else "",
        placeholder="N/A, Exempt*, TBC", key=f"{key}-blank",
        help="Comma-separated; * matches anything.")
    blank = [p.strip() for p in blank_text.split(",") if p.strip()]
    try:
        return build(sheet_name, int(header_row), str(date_order), columns, status_map,
                     default_status, blank, saved.name if saved else None)
    except IngestError as e:
        st.error(f"**{md(e.title)}.** {md(e.message)}")
        return None


def save_form(con: Connection, user: User, mapping: Mapping, key: str) -> None:
    """Name and save the mapping for next time, as `user`: a department head's for their own
    department, the M&E team's and an admin's organisation-wide (`ingest` checks it again)."""
    own = sorted(user.departments) if user.role == "department_head" else []
    cols = st.columns([3, 2, 1] if len(own) > 1 else [3, 1], vertical_alignment="bottom")
    left, right = cols[0], cols[-1]
    name = left.text_input("Save this mapping as", value=mapping.name or "",
                           placeholder="e.g. GMPP tracker", key=f"{key}-name")
    department = (cols[1].selectbox("For department", own, key=f"{key}-scope") if len(own) > 1
                  else own[0] if own else None)
    if right.button("Save mapping", key=f"{key}-save", icon=":material/save:",
                    disabled=not (name or "").strip()):
        try:
            mappings_store.save_mapping(con, user, name, mapping, department)
        except LekgotlaError as e:
            st.error(f"**{md(e.title)}.** {md(e.message)}")
        else:
            whose = f"for {md(department)}" if department else "for the whole organisation"
            st.success(f"Saved as “{md(name)}” {whose}: choose it next time under "
                       "“Read the columns with”.", icon=":material/check_circle:")
