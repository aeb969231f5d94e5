"""Building blocks the pages share: page heading, empty states, KPI tiles, tables with downloads."""

from __future__ import annotations

import base64
import html
import re
import threading
import urllib.parse
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st
from pandas.io.formats.style import Styler

import metrics
from dashboard import auth, data, filters
from dashboard.data import Data
from ingest.access import check_export
from ingest.errors import LekgotlaError
from ingest.words import plural
from metrics import digest, kpi_catalogue, views
from metrics.kpi_catalogue import Kpi
from presentation import charts, labels, theme
from presentation.digest import SHOWN, digest_markdown
from presentation.digest import heading as digest_heading
from presentation.export import export_notes, table_bytes
from presentation.markup import md


def heading(title: str, f: metrics.Filters | None = None, intro: str | None = None) -> None:
    """The page title, the filters in force in words, and one line on what the page answers."""
    st.title(title)
    bits = []
    if f is not None:
        bits.append(f"**{filters.describe(f)}**")
    if intro:
        bits.append(intro)
    if bits:
        st.caption(" — ".join(bits))


def empty(message: str) -> None:
    """An empty state that says what to do."""
    st.info(message, icon=":material/info:")


def require_filters(d: Data, statuses: tuple[str, ...] = ()) -> metrics.Filters:
    """The sidebar filters, or an empty state pointing at Upload when nothing is loaded yet."""
    f = filters.current(d, statuses)
    if f is None:
        user = auth.current()
        # the Upload page is the M&E team's and department heads'; demo mode can act as either
        who = ("" if auth.may(user, "upload") else " (the M&E team's and department heads' page: "
               "in demo mode, act as one in the sidebar)" if auth.is_demo(user) else
               " (the M&E team's and department heads' page)")
        empty(f"No status reports are loaded yet. Upload a department's report on the **Upload** "
              f"page{who}, or the strategy register on **Settings**; or run `lekgotla load "
              "FILE...` (on a DuckDB file, with the dashboard stopped: one program at a time "
              "writes to it). The figures appear here at once.")
        if auth.may(user, "upload"):  # a page not in this role's navigation has no link
            st.page_link("app_pages/upload.py", label="Go to Upload",
                         icon=":material/upload_file:")
        st.stop()
    return f


def what_changed(d: Data, f: metrics.Filters, department: str | None = None) -> None:
    """"What changed since <previous period>": the digest of the filters' period (metrics.digest)
    for a department or the organisation, its first sentences shown and the rest in an expander.
    Objective and status filters do not narrow it (the caption says so when they are set)."""
    sentences = d(digest.digest, f.period, department)
    st.subheader(digest_heading(d(digest.previous, f.period, department)))
    if f.departments and department is None:
        st.caption("The whole organisation's changes: choose one department to see its own.")
    if f.objectives or f.statuses:
        st.caption("Every objective and status: the objective and status filters do not narrow "
                   "these changes.")
    if not sentences:
        st.caption("Nothing to report: no change since the previous period.")
        return
    st.markdown(digest_markdown(sentences[:SHOWN]))
    rest = sentences[SHOWN:]
    if rest:
        with st.expander(f"The other {plural(len(rest), 'change')}"):
            st.markdown(digest_markdown(rest))
    st.caption("Each change names the file, sheet and row its actions were read from.")


def error(e: LekgotlaError) -> None:
    """A Lekgotla error in words for people: what to do, then what went wrong."""
    st.error(f"**{md(e.title)}.** {md(e.message)}", icon=":material/error:")


# the tiles of the Overview (and a department's page) and of Slippage, from the one catalogue
OVERVIEW_KPIS: tuple[Kpi, ...] = kpi_catalogue.kpis(
    "completion_rate", "on_time_rate", "overdue_rate", "budget_utilisation",
    "cost_performance_index", "quality_pass_rate", "target_attainment", "smart_compliance",
    "alignment_rate", "submission_rate")
SLIPPAGE_KPIS: tuple[Kpi, ...] = kpi_catalogue.kpis(
    "overdue_rate", "slipped_count", "mean_slip_days", "rescheduled_count", "on_time_rate")


def kpi_change(kind: str, previous: Any, value: Any) -> str | None:
    """A KPI's change since the previous period as shown under its value: the difference of the
    two figures as the tiles write them, so that a reader's subtraction agrees."""
    if theme.missing(previous) or theme.missing(value):
        return None
    return theme.shown_change(kind, previous, value)


def sparkline(values: Sequence[float], colour: str, label: str, dashed_last: bool = False) -> str:
    """A KPI's trend as a small area chart: an SVG image in an <img> tag (for st.markdown).
    The browser draws it at once, where a chart library would be slow for every tile on each
    change of filter. `dashed_last`: as theme.spark_lines."""
    top, bottom = max(values), min(values)
    span = (top - bottom) or 1.0
    step = 100 / (len(values) - 1)
    xy = [f"{i * step:.2f},{2 + 26 * (top - v) / span:.2f}" for i, v in enumerate(values)]
    stroke = (f'fill="none" stroke="{colour}" stroke-width="1.5" '
              'vector-effect="non-scaling-stroke" stroke-linejoin="round"')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 30" '
           f'preserveAspectRatio="none"><polygon points="0,30 {" ".join(xy)} 100,30" '
           f'fill="{colour}" fill-opacity="0.12"/>{theme.spark_lines(xy, stroke, dashed_last)}'
           "</svg>")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(label)}" '
            'style="width:100%;height:48px;display:block">')


def kpi_tiles(changes: pd.DataFrame, trend: pd.DataFrame, kpis: Sequence[Kpi],
              per_row: int = 5) -> None:
    """One tile per KPI: value, change since the previous period, sparkline of its trend."""
    by_name = changes.set_index("kpi")
    previous = changes["previous_period"].dropna()
    since = None
    if len(previous):
        before, now = str(previous.iloc[0]), str(changes["period"].iloc[0])
        since = "vs " + (theme.short_period(before) if before[:4] != now[:4]
                         else theme.short_period(before)[:-5])
    periods = [theme.short_period(p) for p in trend["period"]] if "period" in trend else []
    # one wrapping row of tiles: `per_row` to a line on a wide screen, two on a phone (style())
    with st.container(horizontal=True, gap="small", key=f"kpi-tiles-{per_row}"):
        for k in kpis:
            row = by_name.loc[k.name]
            spark = theme.finite(trend[k.name]) if k.name in trend else []
            # like for like: over the departments that reported both months (compared_over)
            limited = bool(theme.compared_words(row))
            start, end = theme.change_ends(row)
            delta = kpi_change(k.format, start, end)
            colour = {"up": "normal", "down": "inverse"}.get(k.direction, "off")
            # no change as shown: a change that rounds to zero (+0.00) gets no arrow either
            steady = delta is not None and theme.shown_difference(k.format, start, end) == 0
            if steady:
                delta, colour = "no change", "off"
            tile = st.container(border=True, gap=None)
            # a change that compares only the departments that reported both months
            like = theme.same_departments(row.get("compared_over"), short=True)
            tile.metric(
                k.label, theme.kpi_value(k.format, row["value"]), delta=delta,
                delta_color=colour if delta else "off", delta_arrow="off" if steady else "auto",
                delta_description=f"{since}{like}" if delta else None,
                help=k.help + (f" {md(theme.compared_words(row))}" if limited and delta else "")
                + ("" if delta else f" No figure for {since.removeprefix('vs ')} to compare with."
                   if since else " No earlier period to compare with."),
            )
            if len(spark) > 1:
                tone = "off"
                if delta and colour != "off":
                    up = float(row["change"]) > 0
                    tone = "good" if up == (colour == "normal") else "bad"
                span = f" from {periods[0]} to {periods[-1]}" if periods else ""  # short_period's words
                value = partial(theme.kpi_value, k.format)
                # the month's point is the reporters' alone, the months before it everyone's
                fewer = bool(row.get("provisional")) and not theme.missing(row["value"])
                tile.markdown(sparkline(spark, theme.SPARK_COLOURS[tone],
                                    f"{k.label}{span}: {value(spark[0])} then {value(spark[-1])} "
                                    f"(lowest {value(min(spark))}, highest {value(max(spark))})"
                                    + ("; the last over the departments that reported it"
                                       if fewer else ""), dashed_last=fewer),
                              unsafe_allow_html=True)


# Columns holding fractions 0–1 (shown as percentages ×100, downloaded as they are) and every
# column's header: presentation.labels, so the downloads carry the headers the tables show.
RATE_COLUMNS, RATE_LABELS = labels.RATE_COLUMNS, labels.RATE_LABELS
# Columns whose cells are coloured by what they say (RAG, submission state).
COLOURED_COLUMNS: dict[str, dict[str, str]] = {
    "rag": theme.RAG_COLOURS, "department_rag": theme.RAG_COLOURS,
    "upstream_rag": theme.RAG_COLOURS, "state": theme.SUBMISSION_COLOURS}


def column_config(currency: str) -> dict[str, Any]:
    """Display formats for the columns metrics returns (percent, money, dates, days), headed by
    the labels of `presentation.labels` (the downloads carry the same)."""
    cc, label = st.column_config, labels.column_label
    money = f"{currency} %,.0f"
    pct = "%.1f%%"
    config: dict[str, Any] = {
        "department": cc.TextColumn(label("department"), pinned=True),
        "action_id": cc.TextColumn(label("action_id"), pinned=True),
        "action": cc.TextColumn(label("action"), width="large"),
        "objective_id": cc.TextColumn(label("objective_id")),
        "objective": cc.TextColumn(label("objective"), width="large"),
        "responsible": cc.TextColumn(label("responsible")),
        "status": cc.TextColumn(label("status")),
        "rag": cc.TextColumn(label("rag"), help="Red, Amber, Green or Complete, worked out by Lekgotla from the action's "
                                              "dates, progress and status."),
        "department_rag": cc.TextColumn(label("department_rag")),
        "state": cc.TextColumn(label("state")),
        "carried_forward": cc.CheckboxColumn(label("carried_forward"), help="Not reported this month: the report left the action out, so it "
            "keeps the figures of the report it was last read from (the file, sheet and row beside it)."),
        "percent_complete": cc.ProgressColumn(label("percent_complete"), min_value=0, max_value=100,
                                              format="%.0f%%"),
        "planned_progress": cc.NumberColumn(label("planned_progress"), format="%.0f%%"),
        "schedule_variance": cc.NumberColumn(label("schedule_variance"), format="%+.0f pp"),
        "budget_allocated": cc.NumberColumn(label("budget_allocated"), format=money),
        "budget_spent": cc.NumberColumn(label("budget_spent"), format=money),
        "start_date": cc.DateColumn(label("start_date"), format="D MMM YYYY"),
        "due_date": cc.DateColumn(label("due_date"), format="D MMM YYYY"),
        "baseline_due_date": cc.DateColumn(label("baseline_due_date"), format="D MMM YYYY"),
        "completion_date": cc.DateColumn(label("completion_date"), format="D MMM YYYY"),
        "forecast_finish": cc.DateColumn(label("forecast_finish"), format="D MMM YYYY"),
        "from_due_date": cc.DateColumn(label("from_due_date"), format="D MMM YYYY"),
        "to_due_date": cc.DateColumn(label("to_due_date"), format="D MMM YYYY"),
        "deadline": cc.DateColumn(label("deadline"), format="D MMM YYYY"),
        "first_submitted_at": cc.DateColumn(label("first_submitted_at"), format="D MMM YYYY"),
        "current_submitted_at": cc.DateColumn(label("current_submitted_at"), format="D MMM YYYY"),
        "uploaded_at": cc.DatetimeColumn(label("uploaded_at"), format="D MMM YYYY, HH:mm"),
        "submitted_at": cc.DatetimeColumn(label("submitted_at"), format="D MMM YYYY, HH:mm"),
        "slip_days": cc.NumberColumn(label("slip_days"), format="%d"),
        "days_moved": cc.NumberColumn(label("days_moved"), format="%+d"),
        "days_overdue": cc.NumberColumn(label("days_overdue"), format="%d"),
        "forecast_slip_days": cc.NumberColumn(label("forecast_slip_days"), format="%d"),
        # dependencies (issue 16)
        "depends_on": cc.TextColumn(label("depends_on"), help="The actions this one waits on, "
                                    "as its report lists them."),
        "initiative": cc.TextColumn(label("initiative")),
        "waiting_on": cc.TextColumn(label("waiting_on"), help="Those of the actions it depends "
                                    "on that are not yet Completed."),
        "blocked": cc.CheckboxColumn(label("blocked"), help="An action it waits on is overdue, "
                                     "or forecast to finish after this action is due."),
        "dependency_forecast": cc.DateColumn(label("dependency_forecast"), format="D MMM YYYY"),
        "slip_from_dependencies": cc.NumberColumn(label("slip_from_dependencies"), format="%d"),
        "days_late": cc.NumberColumn(label("days_late"), format="%d"),
        **{name: cc.TextColumn(label(name)) for name in (
            "upstream_department", "upstream_action_id", "upstream_rag", "upstream_file_name",
            "upstream_sheet", "chain", "lead_department", "member_departments")},
        "upstream_action": cc.TextColumn(label("upstream_action"), width="large"),
        "upstream_source_row": cc.NumberColumn(label("upstream_source_row"), format="%d"),
        "upstream_due_date": cc.DateColumn(label("upstream_due_date"), format="D MMM YYYY"),
        "target_date": cc.DateColumn(label("target_date"), format="D MMM YYYY"),
        "forecast_vs_target_days": cc.NumberColumn(label("forecast_vs_target_days"),
                                                   format="%+d"),
        "upstream_forecast_finish": cc.DateColumn(label("upstream_forecast_finish"),
                                                  format="D MMM YYYY"),
        "smart_score": cc.ProgressColumn(label("smart_score"), min_value=0, max_value=100,
                                         format="%.0f%%"),
        "failed_checks": cc.TextColumn(label("failed_checks")),
        "file_name": cc.TextColumn(label("file_name")),
        "sheet": cc.TextColumn(label("sheet")),
        "source_row": cc.NumberColumn(label("source_row"), format="%d", help="Spreadsheet row, as Excel shows it."),
        "upload_id": cc.NumberColumn(label("upload_id"), format="%d"),
        "period": cc.TextColumn(label("period")),
        "actions": cc.NumberColumn(label("actions")),
        "mean_progress": cc.NumberColumn(label("mean_progress"), format="%.1f%%"),  # as its tile
        "warnings_per_row": cc.NumberColumn(label("warnings_per_row"), format="%.2f"),
        "cost_performance_index": cc.NumberColumn(label("cost_performance_index"), format="%.2f"),
        "mean_slip_days": cc.NumberColumn(label("mean_slip_days"), format="%.0f"),
        "comments": cc.TextColumn(label("comments"), width="medium"),
        "risk": cc.TextColumn(label("risk"), width="medium"),
        "quality_review": cc.TextColumn(label("quality_review")),
        "reason_code": cc.TextColumn(label("reason_code")),
        "risk_level": cc.TextColumn(label("risk_level")),
        "pillar": cc.TextColumn(label("pillar")),
        "owner": cc.TextColumn(label("owner")),
        "priority": cc.NumberColumn(label("priority"), format="%d"),
    }
    for name in RATE_COLUMNS:
        config.setdefault(name, cc.NumberColumn(label(name), format=pct))
    return config


def _colour_cells(value: Any, colours: dict[str, str]) -> str:
    colour = colours.get(str(value))
    return (f"background-color: {colour}; color: {theme.ink(colour)}; font-weight: 600"
            if colour else "")


# Cells a table may have and still get its RAG and state cells coloured: Streamlit sends a
# coloured table as a pandas Styler, which costs time for every cell on every run; a larger
# table shows the same words uncoloured.
STYLED_CELLS = 6000


def period_columns(df: pd.DataFrame) -> list[str]:
    """The columns holding period keys (`period`, `since_period`, `first_period`...)."""
    return [c for c in df.columns if c == "period" or str(c).endswith("_period")]


def _period_words(value: Any) -> str:
    return "" if theme.missing(value) else theme.period_label(str(value))


def kept_styler(data: pd.DataFrame, uuid: str) -> Styler:
    """A Styler to draw again and again (shared between sessions by Data.shared) whose cells are
    styled and translated once: Streamlit styles a Styler on every run (its `_compute` and
    `_translate`), 10-100 ms for a table near STYLED_CELLS, and only reads the result. Still a
    plain Styler (Streamlit knows one by its class), with those two methods kept on it;
    `uuid` is set here, where Streamlit would set its own on the first run."""
    styler = Styler(data, uuid=uuid)
    compute, translate = styler._compute, styler._translate
    lock = threading.Lock()
    kept: dict[tuple[Any, ...], Any] = {}

    def _compute() -> Styler:
        with lock:
            if not kept:
                compute()
        return styler

    def _translate(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        with lock:
            if key not in kept:
                kept[key] = translate(*args, **kwargs)
            return kept[key]

    styler._compute, styler._translate = _compute, _translate  # type: ignore[method-assign]
    return styler


def drawn(df: pd.DataFrame, columns: tuple[str, ...] | None, key: str) -> Any:
    """The table as `table` hands it to st.dataframe, to be made once and shared (Data.shared;
    `key`: which table): `display` of its `columns`, as an Arrow table — the conversion
    Streamlit would make on every run (~100 ms for Explore's 80,000 rows) — or as a
    `kept_styler`."""
    shown = display(df[list(columns)] if columns is not None else df, uuid=f"lk-{key}")
    return arrow(shown) if isinstance(shown, pd.DataFrame) else shown


def arrow(df: pd.DataFrame) -> Any:
    """The table as the Arrow table st.dataframe would convert it to on every run
    (`pa.Table.from_pandas`, without the index, which no table shows: a lazy table would make the
    index a column on every run), or the table itself when that fails: Streamlit fixes its
    columns."""
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return df


def display(df: pd.DataFrame, uuid: str | None = None) -> Any:
    """The table as shown: fractions as percentages, periods in words ("June 2025"), RAG and
    state cells in their colours. Up to STYLED_CELLS cells the periods are the Styler's display
    values, so the grid still sorts them by their key (2025-06); a larger table shows the words
    as its values. Downloads keep the keys (YYYY-MM): they sort, and scripts read them. With a
    `uuid` (unique on the page), the Styler is a `kept_styler`."""
    shown = df.copy()
    for name in RATE_COLUMNS & set(shown.columns):
        shown[name] = pd.to_numeric(shown[name], errors="coerce") * 100
    coloured = [c for c in COLOURED_COLUMNS if c in shown.columns]
    periods = period_columns(shown)
    if shown.size > STYLED_CELLS:
        for name in periods:
            shown[name] = [_period_words(p) or None for p in shown[name]]
        return shown
    if not coloured and not periods:
        return shown
    styler = shown.style if uuid is None else kept_styler(shown, uuid)
    for name in coloured:
        styler = styler.map(_colour_cells, subset=[name], colours=COLOURED_COLUMNS[name])
    if periods:
        styler = styler.format(_period_words, subset=periods)
    return styler


# Keyboard focus: a 2 px ring in the primary navy, 8.7:1 on the page, 8.0:1 on the sidebar.
FOCUS_RING = theme.PRIMARY
# Up to this width (px) the layout is a phone's (Streamlit stacks columns below 640 px too).
PHONE_WIDTH = 640
TILE_ROWS = "".join(f".st-key-kpi-tiles-{n} > div {{ flex: 1 1 calc({100 / n:.3f}% - 1rem); "
                    "min-width: 0 !important; }\n" for n in range(2, 7))
# "vs Sep, same 5 depts" under a KPI wraps: Streamlit cuts it to "vs Sep, sa…" on a 5-tile row.
# Captions and "vs May" under a KPI: Streamlit draws them in the text colour at 60% opacity,
# 4.4:1 on white and less on the sidebar; in MUTED at full opacity, 5.2:1 and 4.8:1.
FADED_TEXT = '[data-testid="stCaptionContainer"], [data-testid="stMetricDeltaDescription"]'
STYLE = f"""
:focus-visible {{ outline: 2px solid {FOCUS_RING} !important; outline-offset: 2px !important; }}
:is({FADED_TEXT}) {{ opacity: 1 !important; color: {theme.MUTED} !important; }}
:is({FADED_TEXT}) :is(p, span, div, li) {{ color: inherit; }}
{TILE_ROWS}
[data-testid="stMetricDeltaDescription"] :is(div, p) {{ white-space: normal !important; }}
[class*="-cards-phone"] {{ display: none !important; }}
.lk-cards {{ display: grid; gap: 0.6rem; }}
.lk-card {{ border: 1px solid #D5DBE1; border-radius: 0.5rem; padding: 0.6rem 0.8rem; }}
.lk-head {{ display: flex; gap: 0.5rem; align-items: baseline; flex-wrap: wrap;
  font-weight: 600; margin-bottom: 0.3rem; }}
.lk-head a {{ color: {theme.PRIMARY}; }}
.lk-card dl {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 0.3rem 0.6rem;
  margin: 0 !important; padding: 0 !important; }}
.lk-card dl div, .lk-card dt, .lk-card dd {{ min-width: 0; margin: 0 !important;
  padding: 0 !important; }}
.lk-card dt {{ color: {theme.MUTED}; font-size: 0.8em; font-weight: 400; line-height: 1.2; }}
.lk-card dd {{ font-weight: 600; font-variant-numeric: tabular-nums; }}
.lk-value {{ color: {theme.MUTED}; font-size: 0.85em; margin-top: 0.25rem;
  overflow-wrap: anywhere; }}
@media (hover: none) {{
  [data-testid="stElementContainer"]:has([data-testid="stElementToolbar"]) {{ padding-top: 2.75rem; }}
}}
@media (max-width: {PHONE_WIDTH}px) {{
  [class*="st-key-kpi-tiles-"] > div {{ flex-basis: calc(50% - 0.5rem) !important; }}
  [class*="-cards-phone"] {{ display: flex !important; }}
  .modebar-container {{ display: none !important; }}
}}
"""


def style() -> None:
    """The app's own CSS, once a run (the router calls it): the keyboard focus ring, the KPI
    tiles' rows (two to a line on a phone), cards in place of wide tables on a phone, no chart
    toolbar over the labels on a phone, and room above a table for its toolbar on a touch screen
    (where it always shows, over the caption above)."""
    st.html(f"<style>{STYLE}</style>")  # style only: Streamlit adds it to the page, no space
    st.session_state[CHARTS_DRAWN] = 0  # charts are numbered afresh on each run


CHARTS_DRAWN = "charts-drawn"  # charts drawn so far in this run: names their figures' downloads


def chart(fig: Any, **kwargs: Any) -> Any:
    """A Plotly chart (st.plotly_chart with `kwargs`; charts.CONFIG unless given) and, under it,
    its numbers as a table in an expander: the chart's text equivalent (WCAG 1.1.1), for a
    screen reader and for anyone who wants the exact figures."""
    kwargs.setdefault("config", charts.CONFIG)
    kwargs.setdefault("theme", None)
    result = st.plotly_chart(fig, **kwargs)
    number = st.session_state.get(CHARTS_DRAWN, 0) + 1
    st.session_state[CHARTS_DRAWN] = number
    figures, drawn_figures = figure_table(fig)
    f = filters.current(Data())
    with st.expander("The figures in this chart", icon=":material/table_rows:"):
        st.dataframe(drawn_figures, hide_index=True, placeholder=theme.DASH)
        # the table is the chart's numbers as drawn: already in words (its own headers)
        downloads(figures, filters.file_stem(f, f"chart-{number}") if f else f"lekgotla-chart-{number}",
                  f"chart-{number}-figures", sheet="Chart", scope=f)
    return result


# A chart's figures as a table, kept while the figure lives: the figures of Data.figure are
# shared by every session and rerun, and so is this table (~half of drawing a kept chart).
_FIGURE_TABLES: dict[int, tuple[weakref.ref[Any], pd.DataFrame, Any]] = {}


def figure_table(fig: Any) -> tuple[pd.DataFrame, Any]:
    """`charts.figure_table(fig)` and its form for st.dataframe (`arrow`), made once a figure.
    Both are shared: do not change them."""
    kept = _FIGURE_TABLES.get(id(fig))
    if kept is not None and kept[0]() is fig:
        return kept[1], kept[2]
    table = charts.figure_table(fig)
    key = id(fig)
    _FIGURE_TABLES[key] = (weakref.ref(fig, lambda _ref: _FIGURE_TABLES.pop(key, None)),
                           table, arrow(table))
    return _FIGURE_TABLES[key][1:]


def phone_cards(rows: pd.DataFrame, key: str, **how: Any) -> None:
    """The table drawn with `key` as `cards` on a phone: the cards are shown only up to
    PHONE_WIDTH, and the table only above it, so a phone never scrolls a wide table sideways.
    `how`: the arguments of `cards`."""
    on_a_phone(key, cards(rows, **how))


def on_a_phone(key: str, markup: str) -> None:
    """`markup` (escaped HTML, for st.html) in place of the element drawn with `key`, up to
    PHONE_WIDTH; the element alone above it."""
    css = re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())  # the class Streamlit gives a key
    st.html(f"<style>@media (max-width: {PHONE_WIDTH}px) {{ .st-key-{css} {{ display: none "
            f"!important; }} }}</style>")
    st.container(key=f"{key}-cards-phone").html(markup)


def page_link(page: str, **params: str) -> str:
    """The URL of a page (its URL path) with the filters in force (they live in the query
    string) and `params`, for a link in HTML."""
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    query.update({k: [v] for k, v in params.items()})
    return f"{page}?{urllib.parse.urlencode(query, doseq=True)}"


def cards(rows: pd.DataFrame, *, title: str, fields: Sequence[tuple[str, str, str]],
          chip: str | None = None, link: Callable[[str], str] | None = None,
          currency: str = "R") -> str:
    """One card per row (HTML, for st.html): the `title` column as its heading (a link where
    `link` gives a URL), the `chip` column as a coloured label (RAG or submission state), then
    each (column, label, kind) of `fields`, kind as for `card_value`. Report text is escaped."""
    out = []
    for record in rows.to_dict("records"):
        name = html.escape(theme.text(record.get(title)))
        if link is not None:
            name = f'<a href="{html.escape(link(str(record.get(title))))}" target="_self">{name}</a>'
        badge = ""
        if chip is not None:
            value = theme.text(record.get(chip))
            colour = theme.RAG_COLOURS.get(value) or theme.SUBMISSION_COLOURS.get(value)
            badge = theme.chip(html.escape(value), colour) if colour else html.escape(value)
        items = "".join(f"<div><dt>{html.escape(label)}</dt>"
                        f"<dd>{html.escape(card_value(kind, record.get(column), currency))}</dd></div>"
                        for column, label, kind in fields)
        out.append(f'<div class="lk-card"><div class="lk-head">{name} {badge}</div>'
                   f"<dl>{items}</dl></div>")
    return f'<div class="lk-cards">{"".join(out)}</div>'


def card_value(kind: str, value: Any, currency: str) -> str:
    """A card's value: a KPI kind (rate, ratio, percent, days, count), money, or text."""
    if kind == "money":
        return theme.money(value, currency, compact=True)
    if kind == "text":
        return theme.text(value)
    return theme.kpi_value(kind, value)


BUILTIN_EXPORT = "client.disableDataExport"


def builtin_export_off() -> None:
    """Turn off the "Download as CSV" and copy of every st.dataframe and st.data_editor: they
    hand any role the whole table, unlogged and not neutralised. .streamlit/config.toml does it
    when the app is started from the project folder; started elsewhere, it is set here and the
    run restarted at once, so that even the first page the browser gets has it off."""
    if st.get_option(BUILTIN_EXPORT) is not True:
        st.set_option(BUILTIN_EXPORT, True)
        st.rerun()  # the browser reads the option when a run starts


def downloads(df: pd.DataFrame, stem: str, key: str, prominent: bool = False,
              sheet: str = "Data", applied_filters: Mapping[str, Any] | None = None,
              scope: metrics.Filters | None = None,
              headers: Mapping[str, Any] | None = None,
              made: Callable[[Any], pd.DataFrame] | None = None) -> None:
    """CSV and XLSX downloads of exactly this table, neutralised (SPEC §7), for roles that may
    export. The bytes are made when a button is clicked, after `check_export` has checked the
    user and logged the export (who, the filters in force, how many rows). `made`: the table to
    hand out instead, worked out from a cursor on that click (the rows of `df`, more columns),
    where working it out for every view would cost more than the view.

    The columns carry the headers the tables show (`presentation.labels`; `headers` first: a page's
    own labels or column configuration); the XLSX has a Filters sheet: the `scope` (period, departments, objectives, statuses) of what
    the table holds, the `applied_filters`, when and by whom, and how fresh the data was."""
    user = auth.current()
    if not auth.may(user, "export"):
        return
    rows = f" ({plural(len(df), 'row')})" if prominent else ""
    kind = "secondary" if prominent else "tertiary"
    applied = {k: v for k, v in (applied_filters or {}).items() if v not in (None, "", [], ())}
    detail = {**sidebar_filters(), **applied}
    own = {name: text for name, text in ((k, _header(v)) for k, v in (headers or {}).items())
           if text}
    con = data.connection()

    def make(fmt: str) -> Callable[[], bytes]:
        def build() -> bytes:  # runs in the server's thread when the button is clicked
            cursor = con.cursor()
            check_export(cursor, user, len(df), table=key, file=f"{stem}.{fmt}", **detail)
            notes = None
            if fmt == "xlsx":
                notes = export_notes(
                    scope, rows=len(df), exported_at=datetime.now().astimezone(),
                    exported_by=exported_by(user), other=applied,
                    objectives=metrics.list_objectives(cursor),
                    freshness=views.data_freshness(cursor))
            table = df if made is None else made(cursor)
            out = labels.labelled(table, own)
            rates = [h for h, c in zip(out.columns, table.columns, strict=True)
                     if c in labels.RATE_COLUMNS]
            return table_bytes(out, fmt, sheet, notes, percent=rates)
        return build

    with st.container(horizontal=True, gap="small"):
        st.download_button(f"CSV{rows}", make("csv"), file_name=f"{stem}.csv", mime="text/csv",
                           key=f"{key}-csv", on_click="ignore", icon=":material/download:",
                           type=kind)
        st.download_button(
            f"XLSX{rows}", make("xlsx"), file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx", on_click="ignore", icon=":material/download:", type=kind)


def exported_by(user: auth.User) -> str:
    """Who an export was made by, for its Filters sheet: name and e-mail, or demo mode."""
    role = auth.ROLE_LABELS.get(user.role, user.role)
    if auth.is_demo(user):
        return f"demo mode (nobody signed in), acting as {role}"
    who = f"{user.name} <{user.email}>" if user.name else user.email
    return f"{who}, {role}"


def sidebar_filters() -> dict[str, Any]:
    """The sidebar filters in force, for the audit log of an export (empty ones left out)."""
    chosen = {"period": st.session_state.get(filters.PERIOD),
              "departments": list(st.session_state.get(filters.DEPARTMENTS) or []),
              "objectives": list(st.session_state.get(filters.OBJECTIVES) or [])}
    return {k: v for k, v in chosen.items() if v}


def table(df: pd.DataFrame, *, key: str, stem: str, columns: Sequence[str] | None = None,
          currency: str = "R", height: int | str = "auto", labels: dict[str, Any] | None = None,
          download: pd.DataFrame | None = None, prominent: bool = False, sheet: str = "Data",
          applied_filters: Mapping[str, Any] | None = None,
          scope: metrics.Filters | None = None, d: Data | None = None,
          inputs: tuple[Any, ...] | None = None,
          download_made: Callable[[Any], pd.DataFrame] | None = None, **kwargs: Any) -> Any:
    """A table with readable formats and its CSV/XLSX downloads: every row, and the columns
    shown unless `download` gives the full table to hand out (or `download_made` makes it when a
    button is clicked: `downloads`' `made`), headed as the table is. `scope`:
    the filters of what the table holds, for the XLSX's Filters sheet (the sidebar's when not
    given). With `d` and `inputs` (everything `df` is made of, as for Data.figure), the table
    is drawn from its form made once per data version and shared (`drawn`)."""
    shown = df[list(columns)] if columns is not None else df
    config = column_config(currency)
    for name, label in (labels or {}).items():
        config[name] = label
    if d is not None and inputs is not None:
        data = d.shared(drawn, df, None if columns is None else tuple(columns), key,
                        inputs=inputs)
    else:
        data = display(shown)
    result = st.dataframe(data, hide_index=True, column_config=config, height=height,
                          key=key, placeholder=theme.DASH, lazy=lazy(data, kwargs), **kwargs)
    downloads(shown if download is None else download, stem, key, prominent=prominent,
              sheet=sheet, applied_filters=applied_filters,
              scope=scope or filters.current(Data()), headers=labels, made=download_made)
    return result


# A table longer than this is sent to the browser a page of rows at a time, as it scrolls or
# sorts (Streamlit's lazy dataframe), not whole on every view: Explore's month at 1M rows is
# 80,000. What a lazy table cannot do is not used here: the grid's own search (the pages have
# theirs), its CSV (off: `builtin_export_off`), row selection and a Styler.
LAZY_ROWS = 5000


def lazy(data: Any, kwargs: Mapping[str, Any]) -> bool | None:
    """`lazy` for st.dataframe: True for a table of more than LAZY_ROWS rows that selects no
    row; else Streamlit's choice."""
    rows = data.num_rows if isinstance(data, pa.Table) else (
        len(data) if isinstance(data, pd.DataFrame) else 0)
    return True if rows > LAZY_ROWS and kwargs.get("on_select", "ignore") == "ignore" else None


def _header(config: Any) -> str | None:
    """The header a column configuration gives (a label, or a column_config's label)."""
    if isinstance(config, str):
        return config
    return config.get("label") if isinstance(config, Mapping) else None


def rag_counts_line(counts: dict[str, int]) -> str:
    """Coloured chips `4 Red  3 Amber …` (HTML, for st.markdown with unsafe_allow_html)."""
    return " ".join(theme.chip(f"{counts.get(r, 0)} {r}", theme.RAG_COLOURS[r])
                    for r in theme.RAG_ORDER)
