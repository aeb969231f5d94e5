"""The review pack's cross-department section (issue 16): the share of dependencies across
departments that are late, each department's dependencies, the initiatives, and the blocked
actions beside what holds them up — as HTML (pack_html) and as a sheet of the workbook
(pack_xlsx's `_across`). Report text is escaped (HTML) or neutralised (the workbook's cells)."""

from __future__ import annotations

from html import escape

import pandas as pd

from metrics.pack import ReviewPack
from presentation.pack_blocks import show, table
from presentation.pack_format import Col

INITIATIVES: tuple[Col, ...] = (
    Col("initiative_id", "ID", "nowrap", 10), Col("name", "Initiative", "wrap", 30),
    Col("rag", "RAG", "rag", 9), Col("lead_department", "Lead", "text", 18),
    Col("departments", "Departments", "wrap", 30), Col("actions", "Actions", "int", 9),
    Col("completion_rate", "Completion", "rate", 11), Col("on_time_rate", "On time", "rate", 10),
    Col("overdue_rate", "Overdue", "rate", 10),
    Col("budget_utilisation", "Budget used", "rate", 11),
    Col("slipped_count", "Slipped", "int", 9), Col("blocked", "Blocked", "int", 9),
    Col("target_date", "Target", "date", 12), Col("forecast_finish", "Forecast finish", "date", 14),
    Col("forecast_vs_target_days", "Days vs target", "signed", 11))
DEPARTMENTS: tuple[Col, ...] = (
    Col("department", "Department", "text", 24),
    Col("waiting_on_others", "Waiting on others", "int", 12),
    Col("waiting_on_others_late_share", "of which late", "rate", 10),
    Col("others_waiting", "Others waiting on it", "int", 12),
    Col("others_waiting_late_share", "of which late", "rate", 10),
    Col("blocking", "Actions it blocks", "int", 12))
BLOCKED: tuple[Col, ...] = (
    Col("department", "Department", "text", 20), Col("action_id", "ID", "nowrap", 10),
    Col("action", "Action", "wrap", 34), Col("rag", "RAG", "rag", 9),
    Col("due_date", "Due", "date", 12), Col("pred_department", "Waits on", "text", 20),
    Col("pred_action_id", "ID", "nowrap", 10), Col("pred_action", "Upstream action", "wrap", 34),
    Col("pred_forecast", "Its forecast finish", "date", 14),
    Col("days_late", "Late by (days)", "int", 10), Col("source", "Source", "text", 26),
    Col("pred_source", "Upstream source", "text", 26))
LEAD = ("A dependency across departments is late when the action waited on is overdue, or "
        "forecast to finish after the waiting action is due. Forecasts include what each action "
        "waits on (docs/kpis.md).")


def sources(rows: pd.DataFrame) -> pd.DataFrame:
    """The blocked rows with `source` and `pred_source`: `file · sheet · row` of each end."""
    def where(files: pd.Series, sheets: pd.Series, numbers: pd.Series) -> list[str]:
        return [" · ".join(str(p) for p in (f, s, f"row {show(r, 'int')}") if p is not None)
                for f, s, r in zip(files, sheets, numbers, strict=True)]

    if rows.empty:
        return rows.assign(source=[], pred_source=[])
    return rows.assign(
        source=where(rows["file_name"], rows["sheet"], rows["source_row"]),
        pred_source=where(rows["pred_file_name"], rows["pred_sheet"], rows["pred_source_row"]))


def headline(pack: ReviewPack) -> str:
    """The section's first sentence: how many dependencies across departments, how many late."""
    kpi = pack.across.kpi if pack.across is not None else {}
    links, late = int(kpi.get("cross_department_links") or 0), int(kpi.get("late_links") or 0)
    if not links:
        return "No open action waits on another department's."
    share = kpi.get("late_dependency_share")
    return (f"{links} open dependencies across departments; {late} late "
            f"({show(share, 'rate')}).")


# not the Dependencies page's "Blocked actions", which counts waits inside a department too
BLOCKED_TITLE = "Blocked by another department"


def across_html(pack: ReviewPack) -> str:
    """The section as HTML (id `across`); empty for a pack made without it."""
    a = pack.across
    if a is None:
        return ""
    blocked = sources(a.blocked)
    return (
        '<section id="across" class="major"><h2>Across departments</h2>'
        f'<p class="lead">{escape(headline(pack))} {escape(LEAD)}</p>'
        + f"<h3>Initiatives ({len(a.initiatives)})</h3>"
        + (table(a.initiatives, INITIATIVES, pack.currency, "Each initiative's figures over its "
                 "actions in every department; its RAG by the rule for departments.")
           if len(a.initiatives) else '<p class="ok">No cross-department initiative has an '
           "action in scope.</p>")
        + "<h3>Dependencies by department</h3>"
        + (table(a.departments, DEPARTMENTS, pack.currency) if len(a.departments)
           else '<p class="ok">No action waits on another department\'s.</p>')
        + f"<h3>{BLOCKED_TITLE} ({len(blocked)})</h3>"
        + (table(blocked, BLOCKED, pack.currency, "Each action waiting on a late action of "
                 "another department, the most days late first, with the file, sheet and row of "
                 "both.") if len(blocked)
           else '<p class="ok">No action waits on a late action of another department.</p>')
        + "</section>")

