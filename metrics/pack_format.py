"""What the review pack calls each KPI and column, and the filters and periods in words — shared by
the XLSX and HTML renderings so that both say the same thing."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.words import MONTHS, period_words
from metrics.filters import Filters, months_of, sort_objectives

DASH = "—"


@dataclass(frozen=True)
class KpiSpec:
    """How the pack shows one KPI: its label, kind of number (rate 0–1, percent 0–100, ratio,
    days, count), which way is good (up, down, none) and what it means."""

    name: str
    label: str
    kind: str
    good: str
    meaning: str


KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("completion_rate", "Completion", "rate", "up",
            "Share of actions (Cancelled left out) that are Completed."),
    KpiSpec("mean_progress", "Mean progress", "percent", "up",
            "Mean percent complete (Completed counts as 100, missing as 0)."),
    KpiSpec("on_time_rate", "On time", "rate", "up",
            "Completed actions with both dates: share completed on or before the due date."),
    KpiSpec("overdue_rate", "Overdue", "rate", "down",
            "Share of open actions whose due date is before the end of the period."),
    KpiSpec("slipped_count", "Slipped actions", "count", "down",
            "Actions finished, or still open, after their baseline (first reported) due date."),
    KpiSpec("mean_slip_days", "Mean slip", "days", "down",
            "Mean days past the baseline due date, over the actions that slipped."),
    KpiSpec("rescheduled_count", "Rescheduled", "count", "down",
            "Actions whose due date is now later than their baseline due date."),
    KpiSpec("budget_utilisation", "Budget utilisation", "rate", "none",
            "Total spent ÷ total allocated, over actions with a budget."),
    KpiSpec("cost_performance_index", "Cost performance (CPI)", "ratio", "up",
            "Value of work done (progress × budget) ÷ spent; above 1 is more done than spent."),
    KpiSpec("quality_pass_rate", "Quality pass", "rate", "up",
            "Completed actions with a quality review: share rated Meets."),
    KpiSpec("target_attainment", "Target attainment", "rate", "up",
            "Mean of actual ÷ target (capped at 100%) over actions with a numeric target."),
    KpiSpec("smart_compliance", "SMART compliance", "rate", "up",
            "Share of actions passing all five SMART checks."),
    KpiSpec("alignment_rate", "Alignment", "rate", "up",
            "Share of actions whose objective is in the strategy register."),
    KpiSpec("objective_coverage", "Objective coverage", "rate", "up",
            "Share of the register's objectives with at least one action (organisation only)."),
    KpiSpec("submission_rate", "Submission rate", "rate", "up",
            "Departments with an accepted report for the month ÷ departments in the register."),
    KpiSpec("on_time_submission_rate", "On-time submission", "rate", "up",
            "Of those reports, the share accepted by the on-time day of the following month."),
)
KPI_BY_NAME: dict[str, KpiSpec] = {k.name: k for k in KPIS}


@dataclass(frozen=True)
class Col:
    """One column of a pack table: the field, its header, the kind of value (text, wrap, int,
    rate 0–1, percent 0–100 KPI, pct100 0–100 field, money, date, datetime, days, ratio, rag) and
    its width in characters in the workbook."""

    key: str
    header: str
    kind: str = "text"
    width: float = 14


def period_label(period: str | None) -> str:
    """`2025-06` → `June 2025`; `2025-Q2` → `Q2 2025` (ingest.words.period_words); none → `—`."""
    return period_words(period) or DASH


def period_span(period: str) -> str:
    """The months a period covers in words: `April – June 2025`, or `June 2025`."""
    months = months_of(period)
    if len(months) == 1:
        return period_label(months[0])
    return f"{MONTHS[int(months[0][5:7]) - 1]} – {period_label(months[-1])}"


def scope_label(filters: Filters) -> str:
    """`All departments`, one department, or several joined."""
    return filters.scope if filters.departments else "All departments"


def describe_filters(filters: Filters) -> str:
    """The filters in words: `Q2 2025 · All departments · Objectives SO1, SO3`."""
    parts = [period_label(filters.period), scope_label(filters)]
    if filters.objectives:
        parts.append("Objectives " + ", ".join(sort_objectives(filters.objectives)))
    if filters.statuses:
        parts.append("Status " + ", ".join(filters.statuses))
    return " · ".join(parts)


def change_unit(kind: str) -> str:
    """The unit a KPI's change is shown in: percentage points for rates and percents."""
    return {"rate": "pp", "percent": "pp", "days": "days", "count": "", "ratio": ""}[kind]
