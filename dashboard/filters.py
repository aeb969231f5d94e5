"""The sidebar filters every page honours: period (month or quarter), departments, objectives.

Each widget is bound to a URL query parameter (`?view=Quarter&period=2025-Q1&dept=Finance`),
so the choice survives moving between pages, a page opened straight from its URL shows the
same view, and a view can be shared by copying the address. The pages these filters do not
affect (Upload, Settings, Users, Audit) do not draw them; the choice is kept meanwhile.

Also here: the "provisional" banner of a month not every department has reported, and the way
from a league row or a chart bar to that department's page (`open_department`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

import metrics
from dashboard import address, auth
from dashboard.data import Data
from ingest.names import department_key
from ingest.renames import aliases, department_now
from ingest.words import plural
from metrics import views
from metrics.actions import RAGS
from metrics.filters import (
    STATUSES,
    is_quarter,
    months_of,
    objective_order,
    quarter_of,
    sort_objectives,
)
from presentation import theme
from presentation.labels import objective_labels
from presentation.markup import md, plotly

VIEW, PERIOD, DEPARTMENTS, OBJECTIVES = "view", "period", "dept", "obj"
VIEW_KEYS = (VIEW, PERIOD, DEPARTMENTS, OBJECTIVES)  # a view the address holds
MONTH, QUARTER = "Month", "Quarter"
LAST_MONTH = "_filters_last_month"  # the month chosen before switching to Quarter
NOTES = "_filters_notes"  # what the sidebar says on its next run (departments renamed or unknown)
DEPARTMENT_PAGE = "app_pages/department.py"
DEPARTMENT = "department"  # the Department page's choice (a widget bound to ?department=)
# a filter's value is kept while a page that does not draw the filters is open
KEEP = "session"


def renamed(d: Data) -> dict[str, str]:
    """Each former name of a renamed department -> its name now (ingest.renames)."""
    return dict(d(aliases))


def period_options(periods: list[str], view: str) -> list[str]:
    """The periods to offer, newest first: months with data, or the quarters they fall in."""
    if view == QUARTER:
        return sorted({quarter_of(p) for p in periods}, reverse=True)
    return sorted(periods, reverse=True)


def sidebar(d: Data) -> None:
    """Draw the filters in the sidebar (nothing to filter on an empty database)."""
    periods = [str(p) for p in d(metrics.list_periods)["period"]]
    departments = [str(x) for x in d(metrics.list_departments)["department"]]
    objectives = d(metrics.list_objectives)
    titles = dict(zip(objectives["objective_id"].astype(str), objectives["objective"].astype(str),
                      strict=True))
    bar = st.sidebar
    bar.markdown("#### Filters")
    if not periods:
        bar.info("No reports loaded yet: the filters appear after the first upload.")
        return
    view = bar.segmented_control("View", [MONTH, QUARTER], default=MONTH, key=VIEW,
                                 bind="query-params", persist_state=KEEP, required=True,
                                 on_change=keep_period, args=(periods,),
                                 help="A quarter shows the figures of its last month with data.")
    options = period_options(periods, view or MONTH)
    # The bound select reads the address's period as its label (May 2025). A bound widget leaves
    # its default out of the address, so it has none (index None): the period chosen here, when
    # the address names none or names it by its key (?period=2025-05, ?period=2025-Q1, as this
    # module's docstring shows), stays in the address, and a copied address opens on it.
    wanted = st.query_params.get(PERIOD)
    labels = {theme.period_label(o) for o in options}
    if PERIOD not in st.session_state and wanted not in labels:
        start = wanted if wanted in options else default_period(d, options, view or MONTH)
        if wanted and wanted not in options:
            # the address opened names a period without reports: say what is shown
            bar.warning(f"No reports for {md(wanted)}: showing {theme.period_label(start)}.",
                        icon=":material/info:")
        st.session_state[PERIOD] = start  # the select's value now, and the address's
        st.query_params[PERIOD] = theme.period_label(start)
        if wanted in options:
            st.rerun()  # a key the select would drop from the address as invalid: read as its label
    chosen = st.session_state.get(PERIOD)
    if chosen is not None and str(chosen) not in options:
        # this session's period lost its reports since (a restore, on the shared store while in
        # use): the select would go blank and the page quietly show another month
        start = default_period(d, options, view or MONTH)
        bar.warning(f"No reports for {theme.period_label(str(chosen))} any more (a backup was "
                    f"restored, or its reports withdrawn): showing {theme.period_label(start)}.",
                    icon=":material/info:")
        st.session_state[PERIOD] = start  # the bound select puts it in the address
    bar.selectbox("Period", options, index=None, key=PERIOD, bind="query-params",
                  persist_state=KEEP, format_func=theme.period_label,
                  placeholder="Choose a period",
                  help="Every page shows the reports in force for this period.")
    for note in st.session_state.pop(NOTES, []):
        bar.info(note, icon=":material/badge:")
    held = st.session_state.get(DEPARTMENTS)
    asked = list(held) if held is not None else st.query_params.get_all(DEPARTMENTS)
    if any(a not in departments for a in asked):
        # a link from before a rename (a digest's, a bookmark), or a view held in this session
        # while the register renamed a department: its department by its name now, said; the
        # multiselect would drop the name quietly and show the whole organisation
        former = renamed(d)
        now: list[str] = []
        notes = []
        for a in asked:
            b = department_now(a, departments, former)
            if b is None:
                notes.append(f"No department is called {md(a)}: it is left out of the view.")
            elif department_key(a) != department_key(b):
                notes.append(f"{md(a)} is now called {md(b)}.")
            if b is not None and b not in now:
                now.append(b)
        now = now or own_departments(departments)  # a department head starts on their own
        address.choose(DEPARTMENTS, now, notes_key=NOTES, notes=notes)
        for note in notes:  # a choice held in this session (a link has run again by now)
            bar.info(note, icon=":material/badge:")
    if DEPARTMENTS not in st.session_state and not st.query_params.get_all(DEPARTMENTS):
        # a department head starts on their own: chosen here, not as the default the address
        # would leave out, so that a link they share names it
        mine = own_departments(departments)
        if mine:
            st.session_state[DEPARTMENTS] = mine
            st.query_params[DEPARTMENTS] = mine
    bar.multiselect("Departments", departments,
                    key=DEPARTMENTS, bind="query-params", persist_state=KEEP,
                    placeholder="All departments",
                    help="None chosen: the whole organisation. Several: pooled together.")
    ordered = sort_objectives(titles)
    named = objective_labels(objectives)
    _objectives_by_code(named)
    # plain text in the list and its chips (Streamlit does not read options as Markdown)
    bar.multiselect("Objectives", ordered, key=OBJECTIVES, bind="query-params", persist_state=KEEP,
                    format_func=lambda o: named.get(o, o), placeholder="All objectives",
                    help="Only actions that serve these strategic objectives:\n\n"
                         + "\n".join(f"- **{md(o)}** {md(titles[o])}" for o in ordered))
    fresh = d(views.data_freshness)
    bar.caption(f"Data: {plural(fresh['reports_in_force'] or 0, 'report')} in force, latest upload "
                f"{theme.a_datetime(fresh['last_upload_at'])}. The address bar holds this view: "
                "copy it to share.")


def own_departments(departments: Sequence[str]) -> list[str]:
    """The departments the sidebar starts on: a department head's own (their home is their own
    department's figures; they may clear it to see the organisation), else none (all)."""
    user = auth.current()
    if user.role != "department_head":
        return []
    return [x for x in departments if user.owns(x)]


def keep_period(periods: list[str]) -> None:
    """When the View changes, keep the period chosen (the View's on_change, run before the
    sidebar is drawn again): a month becomes its quarter; a quarter becomes the month chosen
    before, when it lies in that quarter, else the quarter's last month with data."""
    view = st.session_state.get(VIEW) or MONTH
    chosen = st.session_state.get(PERIOD)
    if not chosen:
        return
    kept = switched_period(str(chosen), view, periods, st.session_state.get(LAST_MONTH))
    if view == QUARTER and not is_quarter(str(chosen)):
        st.session_state[LAST_MONTH] = str(chosen)
    if kept is not None:
        st.session_state[PERIOD] = kept


def switched_period(chosen: str, view: str, periods: Sequence[str], last_month: str | None
                    ) -> str | None:
    """The period to show after switching the View to `view` with `chosen` selected: its
    quarter, or back in Month view `last_month` when it lies in the chosen quarter, else the
    quarter's last month with data (None: nothing to keep)."""
    if view == QUARTER:
        return chosen if is_quarter(chosen) else quarter_of(chosen)
    if not is_quarter(chosen):
        return chosen
    if last_month in periods and quarter_of(str(last_month)) == chosen:
        return last_month
    inside = [m for m in months_of(chosen) if m in periods]
    return inside[-1] if inside else None


def provisional(d: Data, f: metrics.Filters) -> dict[str, Any] | None:
    """Show the "Provisional: N of M departments reported" banner when some departments in scope
    have not reported the month the figures come from; returns who has (None: every one has)."""
    who = d(views.period_reporting, f)
    if not who["missing"] or not who["expected"]:
        return None
    head, rest = theme.provisional(who)
    within = (f" (the latest month of {theme.period_label(f.period)} with reports)"
              if is_quarter(f.period) else "")
    st.warning(f"**{md(head)}**{within}. {md(rest)}; choose an earlier period in the sidebar for "
               "a complete month.", icon=":material/hourglass_top:")
    return who


def selected_row(selection: Mapping[str, Any] | None, frame: pd.DataFrame, column: str
                 ) -> str | None:
    """The `column` value of the row a `st.dataframe` selection (`on_select`, single row)
    points at, in `frame` as drawn; None when nothing is selected."""
    rows = list(((selection or {}).get("selection") or {}).get("rows") or [])
    if not rows or not 0 <= int(rows[0]) < len(frame):
        return None
    return str(frame[column].iloc[int(rows[0])])


def clicked_label(selection: Mapping[str, Any] | None, names: Iterable[str], axis: str = "y"
                  ) -> str | None:
    """The name a Plotly chart's clicked point stands for (`st.plotly_chart` on_select): its
    `axis` value, which the chart drew escaped (presentation.markup.plotly), read back to the name."""
    points = list(((selection or {}).get("selection") or {}).get("points") or [])
    if not points:
        return None
    by_label = {plotly(str(n)): str(n) for n in names}
    value = points[0].get(axis)
    return by_label.get(str(value)) if value is not None else None


def open_department(department: str) -> None:
    """Go to the Department page on `department`, keeping the period and the other filters
    (their widgets write them back to the address: a bound parameter cannot be passed here)."""
    st.session_state[DEPARTMENT] = department
    st.switch_page(DEPARTMENT_PAGE, query_params={DEPARTMENT: department})


def _objectives_by_code(named: dict[str, str]) -> None:
    """An address naming objectives by code (`?obj=SO4`, as written by hand or shared before
    objectives had names) chooses them: the bound filter reads its labels (`SO4 · Keep
    operating…`) from the address, so codes are chosen here before it is drawn."""
    wanted = st.query_params.get_all(OBJECTIVES)
    codes = [w for w in wanted if w in named and named[w] != w]
    if codes and OBJECTIVES not in st.session_state:  # by code or by label, as the URL says
        chosen = [o for o in named if o in codes or named[o] in wanted]
        st.session_state[OBJECTIVES] = chosen
        # the filter would drop codes from the address as invalid: written as its labels
        st.query_params[OBJECTIVES] = [named[o] for o in chosen]
        st.rerun()


def _value(key: str) -> Any:
    return st.session_state.get(key)


def default_period(d: Data, options: list[str], view: str) -> str:
    """The period a view opens on: the latest month most departments have reported (a month only a
    few have reported would show the organisation collapsing), or the quarter it falls in; for a
    department head, their own departments' latest month when that is later (their pages start
    on their own departments, so the organisation's lag would hide the report they just sent)."""
    month = d(metrics.settled_month)
    mine = own_departments([str(x) for x in d(metrics.list_departments)["department"]])
    if mine:
        own = [str(p) for p in d(metrics.list_periods, tuple(mine))["period"]]
        if own and (month is None or own[-1] > month):
            month = own[-1]
    wanted = quarter_of(month) if month and view == QUARTER else month
    return wanted if wanted in options else options[0]


def current(d: Data, statuses: tuple[str, ...] = ()) -> metrics.Filters | None:
    """The filters chosen in the sidebar, or None when there is no data to filter."""
    periods = [str(p) for p in d(metrics.list_periods)["period"]]
    if not periods:
        return None
    view = _value(VIEW) or MONTH
    period = _value(PERIOD)
    if period not in period_options(periods, view):
        period = default_period(d, period_options(periods, view), view)
    return metrics.Filters(
        period=str(period),
        departments=tuple(_value(DEPARTMENTS) or ()),
        objectives=tuple(_value(OBJECTIVES) or ()),
        statuses=statuses,
    )


def history(f: metrics.Filters, d: Data) -> metrics.Filters:
    """The same filters over every period with data up to the chosen one (for trends)."""
    periods = [str(p) for p in d(metrics.list_periods, f.departments)["period"]]
    if not periods:
        return f
    first = periods[0]
    start = quarter_of(first) if is_quarter(f.period) else first
    if months_of(start)[0] > months_of(f.period)[0]:
        return f
    return metrics.Filters(f.period, f.departments, f.objectives, f.statuses, period_from=start)


def describe(f: metrics.Filters) -> str:
    """The filters in words, as Markdown for page captions (department and objective names
    escaped: they are report text, never markup): `June 2025 · Finance`."""
    return theme.describe_filters(f, md)


# A download's name lists up to this many departments, objectives or statuses; more are counted.
STEM_NAMES = 3
STEM_PART, STEM_LENGTH = 24, 120  # characters of one name, of the whole name


def _stem_part(text: str) -> str:
    """A name as a piece of a file name: letters, digits and '-' kept, any other run of
    characters one '_', cut to STEM_PART characters."""
    out, gap = [], False
    for ch in unicodedata.normalize("NFC", str(text)):
        if ch.isalnum() or ch == "-":
            out.append(ch)
            gap = False
        elif not gap:
            out.append("_")
            gap = True
    return "".join(out).strip("_-")[:STEM_PART].strip("_-")


def _stem_names(values: tuple[str, ...], what: str, order: Any = None) -> list[str]:
    names = sorted(set(values), key=order)
    if len(names) > STEM_NAMES:
        return [f"{len(names)}-{what}"]
    return [p for p in (_stem_part(v) for v in names) if p]


def file_stem(f: metrics.Filters, what: str, rags: Sequence[str] = (), search: str = "") -> str:
    """A download's file name without extension, naming the filters of what it holds: the
    period, the departments (`all` for none), objectives, statuses and computed RAGs chosen, and
    the search — `lekgotla-actions-2025-06-Finance-SO4-Delayed-Red-search_budget`. More than
    STEM_NAMES of a kind are counted (`5-departments`); only letters, digits, '-' and '_' (safe
    on every file system), at most STEM_LENGTH characters."""
    parts = ["lekgotla", _stem_part(what), f.period]
    parts += _stem_names(f.departments, "departments") or ["all"]
    parts += _stem_names(f.objectives, "objectives", order=objective_order)
    parts += _stem_names(f.statuses, "statuses", order=STATUSES.index)
    parts += _stem_names(tuple(rags), "rags", order=RAGS.index)
    searched = _stem_part(search)
    if searched:  # two searches of one view are two files, not one name overwritten
        parts.append(f"search_{searched}")
    return "-".join(p for p in parts if p)[:STEM_LENGTH].rstrip("-_")
