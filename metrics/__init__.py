"""Lekgotla metrics: the KPIs of SPEC.md §5, computed in SQL over the reports in force.

Every public function takes an open connection (from `ingest.db.connect`) and a
`Filters(period, departments=(), objectives=(), statuses=(), period_from=None)`; a period is
a month `YYYY-MM` or a quarter `YYYY-Qn` (a quarter takes its last month with data for the
scope); no department means the organisation, several mean those departments pooled. Bad
filters raise `ingest.errors.QueryError`. Empty denominators give None (NaN in DataFrames).

KPIs (metrics.kpis)
- `kpis(con, f) -> dict`: scope, period, month, actions, and the 16 KPI_NAMES.
- `kpi_changes(con, f) -> DataFrame`: kpi, value, previous_value, compared_value, change
  (compared_value − previous_value), period, month, previous_period, previous_month (previous =
  latest earlier period with data for the scope), compared_over (when the two months' reporters
  differ: the departments that reported both, over which previous_value and compared_value are
  worked out; None otherwise), joined and missing (the departments left out of the change:
  reported the month and not the previous one, and the other way round), provisional (the month
  lacks a department that reported the previous one).
- `kpi_trend(con, f, by_department=False) -> DataFrame`: one row per period (per department).
- `department_kpis(con, f) -> DataFrame`: each department's KPIs for the period.
Actions (metrics.actions)
- `action_figures(con, f) -> DataFrame`: every reported field + per-action figures + source.
- `action_history(con, f) -> DataFrame`: the same for every month of a range.
Breakdowns (metrics.breakdowns)
- `department_league`, `objective_alignment`, `objectives_without_action`,
  `actions_without_objective`, `by_responsible`, `by_status`, `by_rag`, `smart_results`.
Data quality (metrics.quality)
- `report_quality(con, f) -> DataFrame`: department × month: on time/late/missing/rejected,
  warnings per row, SMART pass share, stale actions; `stale_actions(con, f) -> DataFrame`.
Catalogue (metrics.catalogue)
- `list_departments(con)`, `list_periods(con, departments=())`, `list_objectives(con)`,
  `checked_filters(con, f)` (names as stored, or QueryError saying what exists),
  `reporting(con)` (per month, which expected departments reported), `settled_month(con)` (the
  latest month most of them reported: the dashboard's default period).
Views (metrics.views)
- `export_table(con, f)`: the Explore & export table (presentation.export writes it as CSV or
  XLSX, neutralised: `export_actions`, `write_table`, `table_bytes`).
Digest (metrics.digest)
- `digest(con, period, department=None) -> list[Sentence]`: what changed since the previous
  period, in sentences (kind, text, figures, actions with file, sheet, row); `previous(con,
  period, department=None)`: the period compared with. docs/digest.md gives the rules.
Formats (metrics.formats)
- `pct`, `percent_points`, `days`, `a_date`, `kpi_value`, `period_label`…: values as people read
  them (presentation.theme gives them under the same names).
KPI catalogue (metrics.kpi_catalogue)
- `KPIS`, `kpi(name)`: each KPI's label, help, format and which way is good.
Command line: `python -m metrics kpis|actions|digest` (metrics.cli); `export|pack` write files
(presentation.cli, which `python -m metrics` runs).

SQL lives in metrics/sql/*.sql (one query a file, `$named` parameters, loaded by
metrics.queries). Summaries of per-action figures (`figures_*.sql`) run inside DuckDB over the
rows of `action_figures.sql`, in one statement (metrics.actions.figures_summary). metrics.views holds further
helpers for the dashboard's pages built on the functions above.
"""

from metrics.actions import action_figures, action_history
from metrics.breakdowns import (
    actions_without_objective,
    by_rag,
    by_responsible,
    by_status,
    department_league,
    objective_alignment,
    objectives_without_action,
    smart_results,
)
from metrics.catalogue import (
    checked_filters,
    list_departments,
    list_objectives,
    list_periods,
    reporting,
    settled_month,
)
from metrics.filters import Filters
from metrics.kpis import KPI_NAMES, department_kpis, kpi_changes, kpi_trend, kpis
from metrics.quality import report_quality, stale_actions
from metrics.views import export_table

__all__ = [
    "KPI_NAMES",
    "Filters",
    "action_figures",
    "action_history",
    "actions_without_objective",
    "by_rag",
    "by_responsible",
    "by_status",
    "checked_filters",
    "department_kpis",
    "department_league",
    "export_table",
    "kpi_changes",
    "kpi_trend",
    "kpis",
    "list_departments",
    "list_objectives",
    "list_periods",
    "reporting",
    "settled_month",
    "objective_alignment",
    "objectives_without_action",
    "report_quality",
    "smart_results",
    "stale_actions",
]
