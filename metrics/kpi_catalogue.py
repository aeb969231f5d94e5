"""The KPI catalogue: what each KPI of SPEC §5 is called, what it means, what kind of number it is
and which way is good. One list, from which the dashboard's tiles, the review pack and
`python -m metrics kpis` take their words and formats (docs/kpis.md gives the formulas)."""

from __future__ import annotations

from dataclasses import dataclass

from metrics.kpis import KPI_NAMES

# rate: a fraction 0–1 shown as a percentage; percent: already 0–100; ratio: a plain ratio (CPI);
# days; count
FORMATS: tuple[str, ...] = ("rate", "percent", "ratio", "days", "count")
DIRECTIONS: tuple[str, ...] = ("up", "down", "none")  # which way is good


@dataclass(frozen=True)
class Kpi:
    """One KPI: its name in metrics, the label people read, what it means (a tile's help, the
    pack's note), its format (FORMATS) and which way is good (DIRECTIONS)."""

    name: str
    label: str
    help: str
    format: str
    direction: str


KPIS: tuple[Kpi, ...] = (
    Kpi("completion_rate", "Completion",
        "Share of actions (Cancelled left out) that are Completed.", "rate", "up"),
    Kpi("mean_progress", "Mean progress",
        "Mean percent complete (Completed counts as 100, missing as 0).", "percent", "up"),
    Kpi("on_time_rate", "On time",
        "Among Completed actions with both dates: share completed on or before the due date.",
        "rate", "up"),
    Kpi("overdue_rate", "Overdue",
        "Share of actions not Completed whose due date is before the end of the period.",
        "rate", "down"),
    Kpi("slipped_count", "Slipped actions",
        "Actions finished, or still open, after their baseline (first reported) due date.",
        "count", "down"),
    Kpi("mean_slip_days", "Mean slip",
        "Mean days past the baseline due date, over the actions that slipped.", "days", "down"),
    Kpi("rescheduled_count", "Rescheduled",
        "Actions whose due date is now later than their baseline due date.", "count", "down"),
    Kpi("budget_utilisation", "Budget utilisation",
        "Total spent ÷ total allocated, over actions with a budget.", "rate", "none"),
    Kpi("cost_performance_index", "CPI",
        "Cost performance index: value of work done (progress × budget) ÷ spent; above 1 is "
        "more done than spent.",
        "ratio", "up"),
    Kpi("quality_pass_rate", "Quality pass",
        "Among Completed actions with a quality review: share rated Meets.", "rate", "up"),
    Kpi("target_attainment", "Target attainment",
        "Mean of actual ÷ target (capped at 100%) over actions with a numeric target.",
        "rate", "up"),
    Kpi("smart_compliance", "SMART compliance",
        "Share of actions passing all five SMART checks.", "rate", "up"),
    Kpi("alignment_rate", "Alignment",
        "Share of actions whose objective is in the strategy register.", "rate", "up"),
    Kpi("objective_coverage", "Objective coverage",
        "Share of the register's objectives with at least one action (organisation only).",
        "rate", "up"),
    Kpi("submission_rate", "Submission rate",
        "Departments with an accepted report for the month ÷ departments in the register.",
        "rate", "up"),
    Kpi("on_time_submission_rate", "On-time submission",
        "Of those reports, the share accepted by the on-time day of the following month.",
        "rate", "up"),
)
KPI_BY_NAME: dict[str, Kpi] = {k.name: k for k in KPIS}
assert tuple(KPI_BY_NAME) == KPI_NAMES, "the catalogue lists every KPI of metrics.kpis, in order"


def kpi(name: str) -> Kpi:
    """The catalogue's entry for one KPI name (KeyError for a name it does not know)."""
    return KPI_BY_NAME[name]


def kpis(*names: str) -> tuple[Kpi, ...]:
    """The entries for these names, in that order (a page's tiles)."""
    return tuple(KPI_BY_NAME[n] for n in names)
