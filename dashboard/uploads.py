"""The steps of the Upload page: confirm department and period, the validation report, the change
summary, and the commit. Reading and storing are `ingest`'s; this only asks and shows."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

import metrics
from dashboard import components, filters
from dashboard.data import Data
from followup.delivery import notify_rejected
from ingest import db
from ingest.access import User
from ingest.annotate import SUMMARY_SHEET, annotate_bounded, problems_workbook
from ingest.db import Connection
from ingest.errors import LekgotlaError
from ingest.load import Outcome, audit_check, change_summary, read_report, store
from ingest.mapping import Mapping
from ingest.parse import Options, ParsedFile, can_load
from ingest.read import Workbook, read_sheets
from ingest.values import ParseError, Period, parse_period
from ingest.words import plural, possessive, where
from metrics import views
from metrics.kpis import months_with_data
from presentation import theme
from presentation.markup import md

HEADERS = "Lekgotla's headers (the template, or the usual synonyms)"
NEW_MAPPING = "A new mapping…"
FLASH = "upload_flash"  # the outcome of a commit, shown once after the page reloads
FLASH_REPORTED = "upload_flash_reported"  # (department, period) the commit stored, for links
REJECTED = "upload_rejections_recorded"  # (sha256, department, period) recorded as failed submissions
CHECKED = "upload_checks_logged"  # (sha256, department, period) whose failed check is in the audit log
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEVERITY_COLOURS = {"error": "#F5B7B1", "warning": "#FCF3CF"}
MAPPING_VIEW = "upload_mapping_view"  # (sha256, the file as the mapping editor sees it)


@dataclass(frozen=True)
class Limits:
    """What reading an uploaded file may cost, from the settings (SPEC §2.4)."""

    max_bytes: int
    max_uncompressed: int
    max_rows: int
    timeout_s: float
    memory_mb: int


def limits(con: Connection) -> Limits:
    """The reading limits in force."""
    return Limits(int(db.setting(con, "max_upload_mb")) * 1_000_000,
                  int(db.setting(con, "max_uncompressed_mb")) * 1_000_000, int(db.setting(con, "max_rows")),
                  float(db.setting(con, "read_timeout_s")), int(db.setting(con, "read_memory_mb")))


def read_for_mapping(con: Connection, data: bytes, file_name: str, sha: str) -> Workbook:
    """Every visible sheet of the file for the mapping editor, read in a worker process bounded in
    time and memory (a file that would kill its reader costs only the worker); kept for the
    session's reruns of the same file. IngestError says why a file cannot be read."""
    kept = st.session_state.get(MAPPING_VIEW)
    if kept is not None and kept[0] == sha:
        return kept[1]
    from ingest.worker import run_bounded

    lim = limits(con)
    workbook = run_bounded(partial(read_sheets, max_bytes=lim.max_bytes, max_uncompressed=lim.max_uncompressed,
                                   max_rows=lim.max_rows), data, file_name, file_name=file_name,
                           timeout_s=lim.timeout_s, memory_mb=lim.memory_mb)
    st.session_state[MAPPING_VIEW] = (sha, workbook)
    return workbook


def read(con: Connection, data: bytes, file_name: str, opts: Options) -> ParsedFile:
    """Validate a file in a worker process bounded in time and memory (SPEC §2.4)."""
    return read_report(con, data, file_name, opts, bounded=True)


def label(period: str) -> str:
    """`2025-07` → `July 2025`."""
    return theme.period_label(period)


def period_of(key: str) -> Period:
    """The Period of a `YYYY-MM` key."""
    return Period(int(key[:4]), int(key[5:7]))


# set by a commit: the template section then offers the next month, not the one just reported
NEXT_TEMPLATE = "_upload_next_template"


def template_periods(next_period: str, existing: list[str]) -> list[str]:
    """The months a template may be for: the next three, then the months already reported."""
    first = period_of(next_period)
    coming = [first.shift(i).key for i in range(3)]
    return coming + [p for p in sorted(existing, reverse=True) if p not in coming]


def flash() -> None:
    """Show what the last commit did (once), with a link to each department's page at the month
    just reported (the period and department in the link's address)."""
    messages = st.session_state.pop(FLASH, None)
    reported = st.session_state.pop(FLASH_REPORTED, None) or []
    if messages:
        for m in messages:
            st.success(md(m), icon=":material/check_circle:")
        for department, period in reported:
            st.page_link("app_pages/department.py", icon=":material/apartment:",
                         label=f"See {md(department)}, {label(period)}, on its Department page",
                         query_params={"department": department, "period": label(period)})
        if not reported:
            st.page_link("app_pages/overview.py", label="See it on the Overview",
                         icon=":material/dashboard:")


def departments_for(user: User, departments: pd.DataFrame) -> list[str]:
    """The departments this user may upload for: a department head's own, else the register's
    (else every department known)."""
    listed = departments[departments["in_register"].astype(bool)]["department"].tolist()
    names = [str(x) for x in (listed or departments["department"].tolist())]
    if user.role != "department_head":
        return names
    return [n for n in names if user.owns(n)] or sorted(user.departments)


def confirm(parsed: ParsedFile, names: list[str], key: str, restricted: bool = False
            ) -> tuple[str | None, str | None, str | None]:
    """Show the department and period detected and let the uploader confirm or correct them.
    `restricted`: the uploader may choose only among `names` (a department head's own).

    Returns (department to use or None, period to use or None, a problem that stops the upload).
    """
    detected_period = parsed.period.key if parsed.period else None
    left, right = st.columns(2)
    department: str | None = None
    problem: str | None = None
    if len(parsed.departments) > 1:
        left.markdown(f"**Consolidated report** for {len(parsed.departments)} departments: "
                      + md(", ".join(parsed.departments)) + ". Each replaces that department's report.")
        others = [x for x in parsed.departments if x not in names]
        if restricted and others:
            problem = (f"This consolidated report also holds {', '.join(others)}: you may upload "
                       f"only for {', '.join(names)}. Upload your department's own report.")
    else:
        found = (parsed.detected_departments or [None])[0]  # named by a file without rows too
        options = names + ([found] if found and found not in names and not restricted else [])
        index = options.index(found) if found in options else None
        if restricted and index is None and len(options) == 1 and found is None:
            index = 0  # a department head with one department: nothing to choose
        department = left.selectbox(
            "Department", options, index=index,
            key=f"dept-{key}-{found}", placeholder="Choose the department",
            help="Detected from the metadata block, the Department column or the file name.")
        if restricted and found and found not in options and "department" in parsed.letters:
            left.warning(f"The file says it is {md(possessive(found))} report; you may upload only for "
                         f"{md(', '.join(names))}. If it is your department's, choose it: each "
                         "row whose Department column names another department is an error.",
                         icon=":material/warning:")
        elif restricted and found and found not in options:
            # as the page's note says: another department's report (its Department cell or file
            # name says whose) never goes in as a head's own
            problem = (f"The file says it is {possessive(found)} report (its Department cell or its file "
                       f"name): you may upload only for {', '.join(names)}. Upload your "
                       "department's own report, or correct the Department cell and the file "
                       "name if this one is yours.")
        if department is None and problem is None:
            problem = "Choose the department this report is for."
    text = right.text_input("Reporting period", value=detected_period or "",
                            key=f"period-{key}-{detected_period}",
                            placeholder="2025-07 or July 2025",
                            help="Detected from the metadata block or the file name.")
    period: str | None = None
    if text.strip():
        try:
            chosen = parse_period(text)
        except ParseError as e:
            return department, None, str(e)
        period = chosen.key if chosen else None
    elif problem is None:
        problem = "Give the reporting period, e.g. 2025-07."
    if parsed.detected_departments or parsed.period:
        st.caption("Detected: " + md(", ".join(parsed.detected_departments or ["department unknown"]))
                   + " · "
                   + (label(detected_period) if detected_period else "period unknown"))
    return department, period, problem


def skip_choice(parsed: ParsedFile, key: str) -> bool:
    """The explicit choice to load the valid rows only, offered when some rows have errors."""
    rows = sorted({p.row for r in parsed.reports for p in r.errors if p.row is not None})
    if not rows or parsed.file_errors:  # by identity: comparing each error with each stalled the page
        return False
    return st.checkbox(
        f"Load valid rows only: leave out the {plural(len(rows), 'row with errors')}", key=f"skip-{key}",
        help="The rows with errors are listed below and not stored; the upload records how many "
             "were skipped. Missing columns or an unknown department still reject the file.")


def problems_frame(parsed: ParsedFile) -> pd.DataFrame:
    """Every problem with the cell it points at, as a table: the errors first (they stop the
    upload, and may be few among many warnings), then the warnings, each in row order (the file's
    own first)."""
    return pd.DataFrame(
        [{"severity": p.severity, "sheet": p.sheet, "cell": p.cell or None, "row": p.row,
          "column": p.column, "header": p.header, "value": p.value, "message": p.message}
         for p in sorted(parsed.problems, key=lambda p: (p.severity != "error", p.row or 0))],
        columns=["severity", "sheet", "cell", "row", "column", "header", "value", "message"])


SEVERITY_WIDTH = 100  # px: "warning" in bold, with the cell's padding, on one line
# the problems the page lists: a styled table of every problem can pass pandas' Styler limit, and
# more than this is past what anyone reads on a page
PROBLEMS_SHOWN = 5000
MESSAGE_CHARS_PER_LINE = 60  # what a "large" (400 px) column holds on a line, about
MESSAGE_LINES = 5  # the most lines a row of the problems table grows to


def message_row_height(messages: pd.Series) -> int | None:
    """The row height (px) that shows the longest "What to do" message whole: the grid wraps a
    cell's text only in rows taller than 4rem, so a long message gets 3 to 5 lines, never cut off
    at one; None (one line, the default) when every message fits a line."""
    longest = int(messages.astype(str).str.len().max()) if len(messages) else 0
    lines = -(-longest // MESSAGE_CHARS_PER_LINE)
    if lines <= 1:
        return None
    return 22 * min(max(lines, 3), MESSAGE_LINES) + 8


# the problems a phone lists as cards (the table's "What to do" is cut off at 390 px): the first,
# errors first; the workbook below holds every one
PROBLEM_CARDS = 100


def problem_cards(table: pd.DataFrame) -> str:
    """The problems as cards for a phone (HTML, report text escaped): the severity, cell and
    header, then what to do in full, then the value found."""
    out = []
    for r in table.head(PROBLEM_CARDS).to_dict("records"):
        where_ = " · ".join(html.escape(str(r[k])) for k in ("cell", "header")
                            if not theme.missing(r.get(k)))
        sheet = "" if theme.missing(r.get("sheet")) else html.escape(str(r["sheet"]))
        sheet = f" ({sheet})" if where_ and sheet else f"sheet {sheet}" if sheet else ""
        value = ("" if theme.missing(r.get("value")) else
                 f'<div class="lk-value">Value: {html.escape(str(r["value"]))}</div>')
        severity = str(r["severity"])
        badge = theme.chip(html.escape(severity), SEVERITY_COLOURS.get(severity, "#EEE"))
        out.append(f'<div class="lk-card"><div class="lk-head">{badge} {where_}{sheet}</div>'
                   f"<div>{html.escape(str(r['message']))}</div>{value}</div>")
    more = len(table) - PROBLEM_CARDS
    tail = (f"<p>… and {more:,} more: download the workbook below for every one.</p>"
            if more > 0 else "")
    return f'<div class="lk-cards">{"".join(out)}</div>{tail}'


def _severity_style(value: object) -> str:
    colour = SEVERITY_COLOURS.get(str(value))
    return f"background-color: {colour}; font-weight: 600" if colour else ""


def report(parsed: ParsedFile, data: bytes, file_name: str, skip: bool, lim: Limits,
           blocked: str | None = None) -> None:
    """The validation report: counts, verdict, every problem with its cell, and the annotated
    workbook, made only when asked for, in a worker process within `lim`. `blocked`: what stops
    the upload before the file is checked for it (no department or period chosen), said in place
    of a verdict that would read as ready."""
    skipped = sum(len(r.skipped_rows) for r in parsed.reports)
    cols = st.columns(4)
    # a file refused before its rows were read (too large, not a spreadsheet) has no row count
    unread = theme.DASH if parsed.unreadable else None
    cols[0].metric("Action rows read", unread or theme.number(parsed.rows), border=True)
    # what stops the upload before its cells count (another department's file, no period) is
    # an error too: "Errors 0" above a red refusal read as a contradiction
    cols[1].metric("Errors", theme.number(len(parsed.errors) + (blocked is not None)), border=True)
    cols[2].metric("Warnings", theme.number(len(parsed.warnings)), border=True)
    cols[3].metric("Rows left out", unread or theme.number(skipped if skip else 0), border=True)
    loadable = can_load(parsed, skip)
    if parsed.errors and loadable:
        st.warning(f"{plural(len(parsed.errors), 'error')} in {plural(skipped, 'row')}: "
                   f"{'that row' if skipped == 1 else 'those rows'} will be left out; the other rows "
                   "can be stored.", icon=":material/warning:")
    elif parsed.errors:
        # an error of the whole file (not a workbook, no header row…) has no cell to fix
        what = "these cells" if any(p.row is not None for p in parsed.errors) else "the file"
        st.error(f"**Fix {what} and upload again.** {plural(len(parsed.errors), 'error')} "
                 "found: nothing will be stored while there is an error.", icon=":material/error:")
    if blocked is not None:
        st.error(md(blocked), icon=":material/error:")
    elif parsed.warnings and not parsed.errors:
        st.success(f"No errors. {plural(len(parsed.warnings), 'warning')} will be stored with the "
                   "report.", icon=":material/check_circle:")
    elif not parsed.errors:
        st.success("No errors and no warnings.", icon=":material/check_circle:")
    if not parsed.problems:
        return
    table = problems_frame(parsed)
    if len(table) > PROBLEMS_SHOWN:  # the rest are in the workbook below, marked where they are
        st.caption(f"The first {PROBLEMS_SHOWN:,} of {plural(len(table), 'problem')} (the errors "
                   "first): the workbook below lists every one.")
        table = table.head(PROBLEMS_SHOWN)
    # in a box with a key the phone's CSS can hide (a table's own key gives it no class)
    st.container(key="problems-table").dataframe(
        table.style.map(_severity_style, subset=["severity"]), hide_index=True, key="problems",
        row_height=message_row_height(table["message"]), placeholder="",
        # what to do next to where, before the columns that say where in more detail
        column_order=["severity", "cell", "message", "value", "header", "sheet", "row", "column"],
        column_config={
            # wide enough for "warning" in bold on one line, in rows tall enough to wrap
            "severity": st.column_config.TextColumn("Severity", width=SEVERITY_WIDTH),
            "sheet": "Sheet", "cell": "Cell",
            "row": st.column_config.NumberColumn("Row", format="%d"),
            "column": "Column", "header": "Header", "value": "Value",
            "message": st.column_config.TextColumn("What to do", width="large")})
    components.on_a_phone("problems-table", problem_cards(table))
    # This table's download is the workbook below, for whoever uploads (a department head too,
    # who may not export): its problems are the uploader's own, listed on its first sheet.
    stem = file_name.rsplit(".", 1)[0]
    if parsed.unreadable:  # nothing to mark: the file could not be opened as a spreadsheet
        st.download_button(
            "The list of problems", partial(problems_workbook, parsed.problems,
                                            f"{file_name} could not be read as a spreadsheet."),
            file_name=f"{stem}-problems.xlsx", mime=XLSX, key="annotated", on_click="ignore",
            icon=":material/download:", help="Every problem above, as a workbook.")
        return
    # a callable: run on the click (in its own thread), not on every rerun of the page
    marked = partial(annotate_bounded, data, file_name, parsed.problems, max_rows=lim.max_rows,
                     timeout_s=lim.timeout_s, memory_mb=lim.memory_mb)
    st.download_button(
        "Workbook with the problems marked", marked, file_name=f"{stem}-problems.xlsx", mime=XLSX,
        key="annotated", on_click="ignore",
        icon=":material/download:",
        help="The file you sent, each problem cell filled (red: error, amber: warning) with the "
             "message as a comment, and a sheet listing every problem.")
    st.caption(f"To keep this list, download the workbook: its first sheet, “{SUMMARY_SHEET}”, "
               "holds every problem, and each cell with a problem is marked where it is.")


def changes(con: Connection, parsed: ParsedFile) -> None:
    """What each report changes against the department's previous report."""
    for r in parsed.reports:
        st.markdown(f"##### What this changes for {md(r.department)}, {label(r.period.key)}")
        earlier = [m for m in months_with_data(con, (r.department,)) if m <= r.period.key]
        summary = change_summary(con, r)
        if not earlier:
            st.caption(f"This is {md(possessive(r.department))} first report: "
                       + ("its one action is new." if len(r.frame) == 1
                          else f"all {len(r.frame)} actions are new."))
        elif summary.empty:
            # progress that went up is what a report is for, so it is not listed as a change
            st.caption("Nothing to check against the previous report: the same actions, due "
                       "dates, statuses and completion dates, and no progress went down.")
        else:
            counts = summary["change"].value_counts()
            st.caption(" · ".join(f"{n} × {md(c)}" for c, n in counts.items()))
            columns = {"action_id": "Action ID",
                       "action": st.column_config.TextColumn("Action", width="large"),
                       "change": "Change", "before": "Before", "after": "After"}
            key = f"changes-{r.department}"
            box = f"{key}-table"  # a key the phone's CSS can hide (a table's own has no class)
            st.container(key=box).dataframe(summary, hide_index=True, key=key, placeholder="—",
                                            column_config=columns)
            # a phone showed the Action ID and the action's name, not the change
            components.phone_cards(summary, box, title="action_id", fields=[
                ("change", "Change", "text"), ("before", "Before", "text"),
                ("after", "After", "text")])
            scope = metrics.Filters(r.period.key, (r.department,))
            components.downloads(summary, filters.file_stem(scope, "changes"), key,
                                 sheet="Changes", headers=columns, scope=scope,
                                 applied_filters={"source": parsed.file_name})


def already_in_force(con: Connection, parsed: ParsedFile, sha: str) -> bool:
    """True (and says so) when these exact bytes are already the report in force."""
    current = [views.current_upload(con, r.department, r.period.key) for r in parsed.reports]
    if parsed.reports and all(c is not None and c["sha256"] == sha for c in current):
        st.info("This file is already the report in force for "
                + "; ".join(md(where(r.department, r.period.key)) for r in parsed.reports)
                + ": nothing to commit.", icon=":material/info:")
        return True
    return False


def audit_failed(d: Data, user: User, parsed: ParsedFile, opts: Options, sha: str) -> None:
    """Audit a check that found errors, once per file, department and period of the session (a
    rerun of the page is not another check): a file that cannot be read at all too."""
    mark = (sha, opts.department, opts.period)
    checked: set[tuple[str, str | None, str | None]] = st.session_state.setdefault(CHECKED, set())
    if mark not in checked:
        checked.add(mark)
        audit_check(d.con, user, parsed, opts)


def failed_check(d: Data, user: User, data: bytes, parsed: ParsedFile, opts: Options, sha: str,
                 mapping: Mapping | None) -> None:
    """A file with errors: the check is audited (a check of a draft is not a rejection: nothing is
    held against the department), and the uploader may record the file as the department's failed
    submission for the month, explicitly."""
    mark = (sha, opts.department, opts.period)
    audit_failed(d, user, parsed, opts, sha)
    # a consolidated file is held against the departments whose rows have errors only
    whom = where(opts.department or ", ".join(r.department for r in parsed.refused), opts.period
                 or (parsed.period.key if parsed.period else None)) or "this department and month"
    recorded: set[tuple[str, str | None, str | None]] = st.session_state.setdefault(REJECTED, set())
    if mark in recorded:
        st.caption(f"This file is recorded as the failed submission for {md(whom)}: Submissions "
                   "shows the month as rejected until a valid report is committed.")
        return
    department = opts.department or (parsed.departments[0] if len(parsed.departments) == 1 else None)
    period = opts.period or (parsed.period.key if parsed.period else None)
    in_force = (views.current_upload(d.con, department, period)
                if department is not None and period is not None else None)
    if in_force is not None:  # a valid report stands: this file cannot make the month rejected
        st.caption(f"A valid report is in force for {md(whom)} ({md(str(in_force['file_name']))}): "
                   "it stays, and nothing is recorded against the department for this check. "
                   "Fix the cells listed above and upload the file again to replace it.")
        return
    st.caption("Nothing is recorded against the department for a check: fix the cells listed above "
               f"and upload the file again. If this file is the submission for {md(whom)} and cannot "
               "be fixed, record it: Submissions then shows the month as rejected until a valid "
               "report is committed.")
    if st.button("Record as a failed submission", key="record-rejection", icon=":material/block:",
                 help="Stores the file's outcome (rejected, with every problem listed above, no "
                      "rows) for the department and month. The check itself is already in the "
                      "audit log."):
        try:
            outcomes = store(d.con, data, parsed, opts,
                             mapping_name=mapping.name if mapping else None, user=user)
        except LekgotlaError as e:
            components.error(e)
            return
        recorded.add(mark)
        tell_rejected(d.con, user, outcomes, data)
        st.rerun()


def tell_rejected(con: Connection, user: User, outcomes: list[Outcome], data: bytes) -> None:
    """Email the rejected-upload notice now, the file with its cells marked attached; if the
    mail server fails, the notice is recorded as failed and the next notify run retries it."""
    for outcome in outcomes:
        if outcome.status == "rejected" and outcome.upload_id is not None:
            try:
                failed = [error for _, error in
                          notify_rejected(con, outcome.upload_id, data, actor=user.email).failed]
            except (LekgotlaError, OSError) as e:  # the rejection itself is recorded
                failed = [str(e)]
            if failed:
                st.session_state[FLASH] = [f"The rejection is recorded, but its email was not "
                                           f"sent: {failed[0].rstrip('.')}. The next notify run "
                                           "tries again."]


def commit(d: Data, user: User, data: bytes, parsed: ParsedFile, opts: Options, skip: bool,
           sha: str, mapping: Mapping | None) -> None:
    """The commit button: store the report(s) only when the uploader confirms."""
    current = [views.current_upload(d.con, r.department, r.period.key) for r in parsed.reports]
    what = ", ".join(
        f"{'replace' if c else 'add'} {md(possessive(r.department))} report for {label(r.period.key)}"
        for r, c in zip(parsed.reports, current, strict=True))
    kept = " The version it replaces is kept." if any(current) else ""
    st.markdown(f"Committing will **{what}**.{kept}")
    if st.button("Commit", type="primary", key="commit", icon=":material/cloud_upload:"):
        try:
            # the change summary was shown before the commit: not worked out again
            outcomes = store(d.con, data, parsed, opts,
                             mapping_name=mapping.name if mapping else None, user=user, changes=False)
        except LekgotlaError as e:
            components.error(e)
            return
        st.session_state[FLASH] = [o.message for o in outcomes]
        st.session_state[FLASH_REPORTED] = [(o.department, o.period) for o in outcomes
                                            if o.status == "accepted" and o.department and o.period]
        st.session_state[NEXT_TEMPLATE] = True  # the template offered next: the month after
        st.rerun()
