"""The review pack's charts: Plotly figures built from a ReviewPack, and their HTML with fixed div
ids (so the same pack gives the same HTML).

The figures are the dashboard's own (`presentation.charts`, `presentation.theme`: pure Plotly, no
Streamlit — tests/project/test_project.py checks that Streamlit stays out of every layer below the
dashboard), so a chart in the pack looks like the one on the page it summarises.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from metrics.pack import ReviewPack
from presentation import charts

CONFIG: dict[str, object] = {"displaylogo": False, "responsive": True,
                             "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def plotly_js() -> str:
    """The plotly.js library, to be inlined once in the report (it opens offline)."""
    return str(get_plotlyjs())


def figure_div(fig: go.Figure, div_id: str) -> str:
    """The figure as a `<div>` and the script that draws it, with a fixed id."""
    return str(pio.to_html(fig, config=CONFIG, include_plotlyjs=False, full_html=False,
                           div_id=div_id, validate=True))


def department_rag(pack: ReviewPack) -> go.Figure | None:
    """Each department's actions by computed RAG (stacked bars), league order."""
    league = pack.ranked
    if league.empty:
        return None
    fig = charts.department_rag_bars(league)
    fig.update_layout(showlegend=True, margin={"t": 36},
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    return fig


def completion_trend(pack: ReviewPack) -> go.Figure | None:
    """Completion, timeliness and spend month by month."""
    if pack.trend.empty:
        return None
    return charts.trend_lines(pack.trend, [
        ("completion_rate", "Completion"), ("on_time_rate", "On time"),
        ("overdue_rate", "Overdue"), ("budget_utilisation", "Budget utilisation")])


def quality_trend(pack: ReviewPack) -> go.Figure | None:
    """Quality, targets, SMART and alignment month by month."""
    if pack.trend.empty:
        return None
    return charts.trend_lines(pack.trend, [
        ("quality_pass_rate", "Quality pass"), ("target_attainment", "Target attainment"),
        ("smart_compliance", "SMART compliance"), ("alignment_rate", "Alignment")])


def rag_months(pack: ReviewPack) -> go.Figure | None:
    """Actions per computed RAG, month by month."""
    if pack.rag_trend.empty:
        return None
    return charts.rag_stacked(pack.rag_trend)


def alignment(pack: ReviewPack) -> go.Figure | None:
    """Objectives × departments: how many actions serve each objective."""
    if pack.alignment.empty:
        return None
    return charts.alignment_heatmap(pack.alignment, "actions", "", pack.currency,
                                    pack.objectives_without_action)


def smart(pack: ReviewPack) -> go.Figure | None:
    """Pass rate of each SMART check."""
    rows = pack.smart[pack.smart["department"].isna()]
    if rows.empty or rows["pass_rate"].isna().all():
        return None
    return charts.smart_bars(pack.smart, "")


def slippage_by_department(pack: ReviewPack) -> go.Figure | None:
    """Slipped actions per department, month by month."""
    rows = pack.trend_by_department
    if rows.empty or rows["department"].notna().sum() == 0:
        return None
    return charts.department_lines(rows, "slipped_count", "slipped actions", "")


FIGURES: dict[str, Callable[[ReviewPack], go.Figure | None]] = {
    "department-rag": department_rag,
    "completion-trend": completion_trend,
    "quality-trend": quality_trend,
    "rag-months": rag_months,
    "alignment-heatmap": alignment,
    "smart-checks": smart,
    "slippage-by-department": slippage_by_department,
}


def figure_divs(pack: ReviewPack) -> dict[str, str]:
    """Every chart of the pack as HTML keyed by name (div id `fig-<name>`); a chart without data
    is left out."""
    out: dict[str, str] = {}
    for name, build in FIGURES.items():
        fig = build(pack)
        if fig is not None:
            out[name] = figure_div(fig, f"fig-{name}")
    return out
