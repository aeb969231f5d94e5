"""What the Initiatives page and the review pack show of a cross-department initiative: its
figures in words, and its actions for the timeline (presentation.charts.gantt)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from presentation import charts, theme

# The columns of the initiatives table as shown, in order (those metrics gives).
INITIATIVE_COLUMNS: tuple[str, ...] = (
    "initiative_id", "name", "rag", "lead_department", "member_departments", "objective_id",
    "actions", "completion_rate", "on_time_rate", "overdue_rate", "budget_utilisation",
    "slipped_count", "forecast_finish", "target_date")
INITIATIVE_LABELS: dict[str, str] = {
    "initiative_id": "Initiative", "name": "Name", "rag": "Computed RAG",
    "lead_department": "Lead", "member_departments": "Member departments",
    "target_date": "Target date"}


def target_words(row: pd.Series) -> str | None:
    """`12 days after target` / `on target` / None: the forecast finish against the target."""
    forecast, target = row.get("forecast_finish"), row.get("target_date")
    if theme.missing(forecast) or theme.missing(target):
        return None
    days = (pd.Timestamp(forecast) - pd.Timestamp(target)).days
    if days > 0:
        return f"{days} days after target"
    return "on or before target"


def initiative_words(row: pd.Series) -> str:
    """A line on an initiative: its lead, members, objective and target date (plain text)."""
    bits = [f"Lead: {theme.text(row.get('lead_department'))}",
            f"members: {theme.text(row.get('member_departments'))}"]
    if not theme.missing(row.get("objective_id")):
        bits.append(f"objective {row.get('objective_id')}")
    bits.append(f"target date {theme.a_date(row.get('target_date'))}")
    return " · ".join(bits)


def initiative_actions(actions: pd.DataFrame, initiative: Any) -> pd.DataFrame:
    """The actions of one initiative (its `initiative` column), by department and action ID."""
    mine = actions[actions["initiative"].astype("string") == str(initiative)]
    return mine.sort_values(["department", "action_id"], ignore_index=True)


def initiative_timeline(actions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The initiative's actions with a due date (Cancelled left out), and those the timeline
    draws (charts.most_slipped: the furthest behind, up to charts.GANTT_ACTIONS)."""
    dated = actions[actions["status"] != "Cancelled"].dropna(subset=["due_date"])
    return dated, charts.most_slipped(dated) if len(dated) else dated
