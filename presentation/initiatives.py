"""What the Initiatives page and the review pack show of a cross-department initiative: its
figures in words, and its actions for the timeline (presentation.charts.gantt)."""

from __future__ import annotations

import pandas as pd

from presentation import charts, theme

# The columns of the initiatives table as shown, in order (those metrics gives).
INITIATIVE_COLUMNS: tuple[str, ...] = (
    "initiative_id", "name", "rag", "lead_department", "member_departments", "objective_id",
    "actions", "completion_rate", "on_time_rate", "overdue_rate", "budget_utilisation",
    "slipped_count", "blocked", "target_date", "forecast_finish", "forecast_vs_target_days")
INITIATIVE_LABELS: dict[str, str] = {"initiative_id": "Initiative", "name": "Name",
                                     "lead_department": "Lead", "blocked": "Blocked actions",
                                     "slipped_count": "Slipped"}


def target_words(row: pd.Series) -> str | None:
    """`12 days after target` / `on or before target` / None (no target or forecast): the
    forecast finish against the target date."""
    days = row.get("forecast_vs_target_days")
    if theme.missing(days):
        return None
    if days > 0:
        return f"{theme.days(days)} after target"
    return "on or before target"


def initiative_words(row: pd.Series) -> str:
    """A line on an initiative: its lead, members, objective and target date (plain text)."""
    bits = [f"Lead: {theme.text(row.get('lead_department'))}",
            f"members: {theme.text(row.get('member_departments'))}"]
    if not theme.missing(row.get("objective_id")):
        bits.append(f"objective {row.get('objective_id')}")
    bits.append(f"target date {theme.a_date(row.get('target_date'))}")
    return " · ".join(bits)


def initiative_timeline(actions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The initiative's actions with a due date (Cancelled left out), their forecast finish the
    later of their own and their dependency forecast (what they wait on moves them), and those
    the timeline draws (charts.most_slipped: the furthest behind, up to charts.GANTT_ACTIONS)."""
    dated = actions[actions["status"] != "Cancelled"].dropna(subset=["due_date"])
    own = pd.to_datetime(dated["forecast_finish"])
    waited = pd.to_datetime(dated["dependency_forecast"])
    finish = own.where(waited.isna() | (own >= waited), waited)
    slip = (finish - pd.to_datetime(dated["due_date"])).dt.days
    dated = dated.assign(forecast_finish=finish,
                         forecast_slip_days=slip.where(finish.notna()).astype("Float64"))
    return dated, charts.most_slipped(dated) if len(dated) else dated


def initiative_names(initiatives: pd.DataFrame) -> dict[str, str]:
    """ID → `INI-01 · Onboard the new recruits` (the ID alone when the register names none):
    the initiatives' choices, in their order."""
    return {str(i): f"{i} · {n}" if not theme.missing(n) and str(n).strip() else str(i)
            for i, n in zip(initiatives["initiative_id"], initiatives["name"], strict=True)}
