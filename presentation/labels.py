"""The words people read for Lekgotla's columns and objectives: one catalogue for the dashboard's
tables and its CSV/XLSX downloads (the scripted `python -m metrics export` keeps the snake_case
keys of SPEC §6), and the `SO4 · Keep operating expenditure…` label of an objective."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from metrics.kpis import RATE_KPIS

# Column key → the header a table shows and a download carries.
COLUMN_LABELS: dict[str, str] = {
    "department": "Department", "action_id": "Action ID", "action": "Action",
    "objective_id": "Objective", "objective": "Objective title",
    "objective_valid": "Objective in register", "responsible": "Responsible",
    "resources": "Resources", "status": "Reported status", "rag": "Computed RAG",
    "department_rag": "RAG", "state": "State", "carried_forward": "Carried forward",
    "percent_complete": "Progress", "planned_progress": "Planned",
    "schedule_variance": "Schedule variance", "budget_allocated": "Budget",
    "budget_spent": "Spent", "start_date": "Start", "due_date": "Due", "due_text": "Due as written",
    "baseline_due_date": "Baseline due", "completion_date": "Completed on",
    "forecast_finish": "Forecast finish", "from_due_date": "From", "to_due_date": "To",
    "deadline": "Deadline", "first_submitted_at": "Submitted",
    "current_submitted_at": "Version in force", "uploaded_at": "Uploaded",
    "submitted_at": "Submitted at",
    "slip_days": "Slip (days)", "days_moved": "Days moved", "days_overdue": "Days overdue",
    "forecast_slip_days": "Forecast late (days)", "smart_score": "SMART score",
    "failed_checks": "Failed SMART checks", "file_name": "File", "sheet": "Sheet",
    "source_row": "Row", "upload_id": "Upload #", "period": "Period",
    "period_end": "Period end", "actions": "Actions", "mean_progress": "Mean progress",
    "warnings_per_row": "Warnings per row", "cost_performance_index": "CPI",
    "mean_slip_days": "Mean slip (days)", "comments": "Comments", "risk": "Risk",
    "quality_review": "Quality review", "reason_code": "Reason code", "risk_level": "Risk level",
    "mitigation": "Mitigation", "success_metric": "Success metric", "target": "Target",
    "actual": "Actual", "metric_direction": "Direction", "extra": "Other columns",
    "overdue": "Overdue (open, past due)", "rescheduled": "Rescheduled",
    "due_date_changes": "Due date changes", "specific": "Specific", "measurable": "Measurable",
    "achievable": "Achievable", "relevant": "Relevant", "time_bound": "Time-bound",
    "pillar": "Pillar", "owner": "Owner", "priority": "Priority", "rank": "Rank",
    "month": "Month", "red": "Red", "amber": "Amber", "green": "Green", "complete": "Complete",
    # dependencies (issue 16): the action waited on is the "upstream" one
    "upstream_department": "Waits on department", "upstream_action_id": "Waits on",
    "upstream_action": "Upstream action", "upstream_rag": "Upstream RAG",
    "upstream_status": "Upstream status", "upstream_due_date": "Upstream due",
    "upstream_forecast_finish": "Upstream forecast finish", "upstream_file_name": "Upstream file",
    "upstream_sheet": "Upstream sheet", "upstream_source_row": "Upstream row",
    "days_late": "Late by (days)", "chain": "Chain", "depends_on": "Depends on",
    "initiative": "Initiative", "waiting_on": "Waiting on", "blocked": "Blocked",
    "dependency_forecast": "Forecast with dependencies",
    "slip_from_dependencies": "Slip from dependencies (days)", "departments": "Departments",
    "lead_department": "Lead department", "member_departments": "Member departments",
    "target_date": "Target date", "forecast_vs_target_days": "Days past target",
}
# Columns holding fractions 0–1 (shown as percentages, downloaded as they are) and their headers.
RATE_LABELS: dict[str, str] = {
    "completion_rate": "Complete", "on_time_rate": "On time", "overdue_rate": "Overdue",
    "quality_pass_rate": "Quality pass", "target_attainment": "Target attainment",
    "smart_compliance": "SMART", "alignment_rate": "Aligned", "objective_coverage": "Coverage",
    "submission_rate": "Submitted", "on_time_submission_rate": "Submitted on time",
    "budget_utilisation": "Budget used", "red_share": "Red share",
    "smart_pass_share": "SMART pass", "share": "Share", "pass_rate": "Pass rate"}
RATE_COLUMNS: frozenset[str] = frozenset(RATE_KPIS) | {
    "budget_utilisation", "red_share", "smart_pass_share", "smart_score", "share", "pass_rate"}
# An objective's title is cut to this many characters where space is short (the sidebar's list,
# table cells): "SO4 · Keep operating expenditure…" fits the sidebar's width.
OBJECTIVE_WIDTH = 28


def column_label(name: str) -> str:
    """The header people read for a column key: `status` → `Reported status`; a key the
    catalogue does not know → its words (`first_period` → `First period`)."""
    text = str(name)
    return (COLUMN_LABELS.get(text) or RATE_LABELS.get(text)
            or text.replace("_", " ").strip().capitalize() or text)


def labelled(df: pd.DataFrame, overrides: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table with readable headers (`overrides` first, then the catalogue). Two columns never
    share a header: a repeated one gets its key in brackets, so a spreadsheet filter still tells
    them apart."""
    chosen = {**{str(c): column_label(str(c)) for c in df.columns}, **dict(overrides or {})}
    headers = [chosen[str(c)] for c in df.columns]
    seen: set[str] = set()
    unique = []
    for key, header in zip(df.columns, headers, strict=True):
        if header in seen:
            header = f"{header} ({key})"
        seen.add(header)
        unique.append(header)
    return df.set_axis(unique, axis=1)


def shorten(text: str, width: int = OBJECTIVE_WIDTH) -> str:
    """The text cut at a word to at most `width` characters, with an ellipsis when cut."""
    words = " ".join(str(text).split())
    if len(words) <= width:
        return words
    cut = words[:width - 1]
    if " " in cut and words[width - 1] != " ":
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–·") + "…"


def objective_label(code: object, title: object = None, width: int | None = OBJECTIVE_WIDTH
                    ) -> str:
    """`SO4 · Keep operating expenditure…`: the code, a middle dot and the title (cut at a word
    to `width` characters with an ellipsis; whole when `width` is None); the code alone when
    the register gives no title. Plain text: escape it where it meets Markdown or Plotly."""
    name = "" if code is None or code != code else str(code)
    if title is None or title != title or not str(title).strip():
        return name
    words = " ".join(str(title).split())
    return f"{name} · {words if width is None else shorten(words, width)}"


def objective_labels(objectives: pd.DataFrame, width: int | None = OBJECTIVE_WIDTH
                     ) -> dict[str, str]:
    """Code → `objective_label` for a table with objective_id and objective columns (the
    register: `metrics.list_objectives`)."""
    if objectives.empty:
        return {}
    return {str(code): objective_label(code, title, width)
            for code, title in zip(objectives["objective_id"], objectives["objective"],
                                   strict=True)}


def label_codes(codes: Iterable[object], titles: Mapping[str, str]) -> list[str]:
    """Each code as its label in `titles` (from `objective_labels`), or as itself."""
    return [titles.get(str(c), str(c)) for c in codes]
