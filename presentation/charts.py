"""Plotly figures the pages draw. Each takes a metrics result and returns a Figure."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ingest.words import plural
from metrics.filters import objective_order
from presentation import theme
from presentation.labels import objective_label
from presentation.markup import plotly, plotly_all

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def wrap(name: str, width: int = 14) -> str:
    """A long category name on several lines (axis labels): `Information<br>Technology`, each
    line escaped for Plotly (report text is never markup)."""
    words, lines, line = str(name).replace(" and ", " & ").split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(plotly(line) for line in lines)


def initials(department: str) -> str:
    """A short code for a department in dense labels: `Information Technology` → `IT`,
    `Region 12` → `R12`."""
    words = [w for w in str(department).split() if w[:1].isupper() or w.isdigit()]
    if len(words) > 1:
        return "".join(w if w.isdigit() else w[0] for w in words)
    return str(department) if len(str(department)) <= 10 else str(department)[:4]


def initials_key(departments: Sequence[str]) -> str:
    """What the short codes of a chart stand for, as plain text: `HR Human Resources · IT
    Information Technology` (the departments that keep their name left out); empty when none."""
    named = sorted({str(d) for d in departments if initials(str(d)) != str(d)}, key=initials)
    return " · ".join(f"{initials(d)} {d}" for d in named)


def _layout(fig: go.Figure, title: str | None = None, height: int = 320) -> go.Figure:
    fig.update_layout(template=theme.TEMPLATE, height=height, title=title or None,
                      margin={"l": 10, "r": 10, "t": 70 if title else 36, "b": 10},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                              "xanchor": "left", "traceorder": "normal"})
    if title:
        fig.update_layout(legend={"y": 1.0, "yanchor": "bottom"},
                          title={"y": 0.98, "yanchor": "top", "pad": {"b": 30}})
    return fig


def trend_lines(trend: pd.DataFrame, series: Sequence[tuple[str, str]], title: str = "",
                percent: bool = True, height: int = 320) -> go.Figure:
    """One line per KPI over the periods of a `kpi_trend` result."""
    fig = go.Figure()
    x = [theme.short_period(p) for p in trend["period"]]
    for name, label in series:
        y = pd.to_numeric(trend[name], errors="coerce")
        fig.add_trace(go.Scatter(
            x=x, y=y * 100 if percent else y, name=label, mode="lines+markers",
            hovertemplate=f"{label}: %{{y:.1f}}{'%' if percent else ''}<extra>%{{x}}</extra>"))
    fig.update_yaxes(ticksuffix="%" if percent else "", rangemode="tozero")
    return _layout(fig, title, height)


def rag_stacked(rag_trend: pd.DataFrame, title: str = "", height: int = 320) -> go.Figure:
    """Actions per computed RAG, stacked, month by month."""
    fig = go.Figure()
    for rag in theme.RAG_ORDER:
        rows = rag_trend[rag_trend["rag"] == rag]
        fig.add_trace(go.Bar(
            x=[theme.short_period(p) for p in rows["period"]], y=rows["actions"], name=rag,
            marker_color=theme.RAG_COLOURS[rag],
            hovertemplate=f"{rag}: %{{y}} actions<extra>%{{x}}</extra>"))
    fig.update_layout(barmode="stack")
    return _layout(fig, title, height)


def department_rag_bars(league: pd.DataFrame, title: str = "", height: int | None = None) -> go.Figure:
    """Each department's actions by computed RAG, as horizontal stacked bars."""
    rows = league.sort_values("rank", ascending=False)
    fig = go.Figure()
    for rag in theme.RAG_ORDER:
        fig.add_trace(go.Bar(
            y=plotly_all(rows["department"]), x=rows[rag.lower()], name=rag, orientation="h",
            marker_color=theme.RAG_COLOURS[rag],
            hovertemplate=f"{rag}: %{{x}} actions<extra>%{{y}}</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="actions")
    fig = _layout(fig, title, height or 90 + 38 * len(rows))  # the axis and its title: 90 px
    fig.update_layout(showlegend=False, margin={"t": 10})  # the page shows the RAG key above
    return fig


# Departments the RAG bars draw at most: 100 departments make a chart 3,800 px tall.
RAG_BAR_DEPARTMENTS = 25


def most_red(league: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The rows of a `department_league` for the `limit` (RAG_BAR_DEPARTMENTS) departments with
    the largest share of Red actions (then of Red and Amber, then by rank); all of them when
    there are no more."""
    limit = RAG_BAR_DEPARTMENTS if limit is None else limit
    if len(league) <= limit:
        return league
    actions = pd.to_numeric(league["actions"], errors="coerce").where(lambda n: n > 0)
    order = pd.DataFrame({
        "red": (pd.to_numeric(league["red"], errors="coerce") / actions).fillna(0).to_numpy(),
        "late": ((pd.to_numeric(league["red"], errors="coerce")
                  + pd.to_numeric(league["amber"], errors="coerce")) / actions
                 ).fillna(0).to_numpy(),
        "rank": pd.to_numeric(league["rank"], errors="coerce").to_numpy()})
    chosen = order.sort_values(["red", "late", "rank"], ascending=[False, False, True]).index
    return league.iloc[sorted(chosen[:limit])]


def alignment_heatmap(alignment: pd.DataFrame, value: str, title: str, currency: str,
                      unserved: pd.DataFrame | None = None) -> go.Figure:
    """Objectives (rows) × departments (columns): actions or budget in each cell; the
    objectives in `unserved` (objective_id, objective: those with no action) as empty rows."""
    return _alignment_grid(alignment, value, title, currency, cell_text=True, unserved=unserved)


# A browser is slow to place a number written in each of many cells; above this many cells the
# grid is read by its colour scale and hover.
GRID_TEXT_CELLS = 600
# Above this many departments their names are too long for a column: the grid shows their codes.
GRID_NAMED_COLUMNS = 25


def alignment_grid(alignment: pd.DataFrame, value: str, currency: str,
                   unserved: pd.DataFrame | None = None) -> go.Figure:
    """The Alignment page's objectives × departments grid: `alignment_heatmap` (objectives in
    `unserved` as empty rows), with a number in each cell up to GRID_TEXT_CELLS cells (else a
    colour scale), and department codes for columns above GRID_NAMED_COLUMNS departments
    (their names in the hover)."""
    objectives, departments = grid_shape(alignment, unserved)
    return _alignment_grid(alignment, value, "", currency,
                           cell_text=objectives * departments <= GRID_TEXT_CELLS,
                           codes=departments > GRID_NAMED_COLUMNS, unserved=unserved)


def grid_shape(alignment: pd.DataFrame, unserved: pd.DataFrame | None = None
               ) -> tuple[int, int]:
    """(rows, columns) of the objectives × departments grid: objectives (no valid objective
    counting as one; those in `unserved`, with no action, as empty rows), departments."""
    served = set(alignment["objective_id"].fillna("No valid objective"))
    empty = set() if unserved is None else set(unserved["objective_id"].astype(str))
    return len(served | empty), alignment["department"].nunique()


def _grid_order(objective_id: str) -> tuple[bool, object]:
    """Objectives in natural order (SO2 before SO10), the no-valid-objective row last."""
    return objective_id == NO_OBJECTIVE, objective_order(objective_id)


def _alignment_grid(alignment: pd.DataFrame, value: str, title: str, currency: str,
                    cell_text: bool, codes: bool = False,
                    unserved: pd.DataFrame | None = None) -> go.Figure:
    data = alignment.copy()
    data["objective_id"] = data["objective_id"].fillna(NO_OBJECTIVE)
    grid = data.pivot_table(index="objective_id", columns="department", values=value,
                            aggfunc="sum", fill_value=0)
    titles = data.drop_duplicates("objective_id").set_index("objective_id")["objective"].to_dict()
    if unserved is not None and len(unserved):  # no action: a row of empty cells (NaN)
        titles.update(zip(unserved["objective_id"].astype(str), unserved["objective"],
                          strict=True))
        grid = grid.reindex(grid.index.union(unserved["objective_id"].astype(str)))
    grid = grid.loc[sorted(grid.index, key=_grid_order)]
    labels = [plotly(objective_label(o, titles.get(o), width=38)) for o in grid.index]
    money = value == "budget_allocated"
    if money:
        text = [[theme.money(v, currency, compact=True) if v == v and v else "" for v in r]
                for r in grid.to_numpy()]
        hover = f"%{{y}}<br>%{{x}}<br>{currency} %{{z:,.0f}}<extra></extra>"
    else:
        text = [[f"{v:.0f}" if v == v and v else "" for v in r] for r in grid.to_numpy()]
        hover = "%{y}<br>%{x}<br>%{z:.0f} actions<extra></extra>"
    columns = [wrap(d) for d in grid.columns]
    if codes:  # the name in the hover, the code on the axis
        hover = hover.replace("%{x}", "%{customdata}")
        names = [plotly_all(grid.columns)] * len(grid)
        columns = plotly_all(initials(d) for d in grid.columns)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=columns, y=labels, colorscale=theme.SEQUENTIAL,
        hovertemplate=hover, hoverongaps=False, xgap=2 if cell_text else 1,
        ygap=2 if cell_text else 1,
        showscale=not cell_text, customdata=names if codes else None,
        **({"text": text, "texttemplate": "%{text}", "textfont": {"color": theme.TEXT}}
           if cell_text else {
            "colorbar": {"title": {"text": currency if money else "actions", "side": "top"},
                         "thickness": 12, "len": 0.6, "y": 1, "yanchor": "top"}})))
    fig.update_yaxes(autorange="reversed", showgrid=False)  # an empty row stays blank
    fig.update_xaxes(side="top", tickangle=-90 if codes else 0, tickfont={"size": 11},
                     showgrid=False)
    return _layout(fig, title, 110 + 34 * len(grid))


# What the sunburst's outer ring shows. A browser is slow to draw thousands of segments,
# and segments thinner than a pixel cannot be read or clicked: up to SUNBURST_ACTIONS actions,
# each action; else up to SUNBURST_PAIRS objective × department pairs, each department; else
# each objective's actions by computed RAG (the grid above the sunburst has every pair).
SUNBURST_ACTIONS = 1500
SUNBURST_PAIRS = 300
NO_OBJECTIVE = "No valid objective"
DEPARTMENT_FILL = "#D6DEE8"


@dataclass(frozen=True)
class SunburstScope:
    """What `alignment_sunburst` draws for a set of actions, for the words beside it."""

    actions: int  # actions the rings add up (with a budget, when sized by budget)
    departments: int
    objectives: int  # including "No valid objective"
    pairs: int  # objective × department pairs among the actions
    outer: str  # what the outer ring shows: "action", "department" or "rag"


def _sunburst_data(figures: pd.DataFrame, size: str) -> pd.DataFrame:
    """The columns the sunburst reads; actions without a valid objective under NO_OBJECTIVE,
    and only those with a budget when sized by budget."""
    data = figures[["objective_id", "objective_valid", "department", "action_id", "action",
                    "budget_allocated", "rag", "status"]]
    valid = data["objective_valid"].fillna(False).astype(bool)
    objective = data["objective_id"].where(valid, NO_OBJECTIVE).fillna(NO_OBJECTIVE)
    budget = pd.to_numeric(data["budget_allocated"], errors="coerce")
    data = data.assign(objective_id=objective.astype(str),
                       department=data["department"].astype(str),
                       budget_allocated=budget,
                       weight=budget.fillna(0.0) if size == "budget" else 1.0)
    return data[data["weight"] > 0] if size == "budget" else data


def sunburst_scope(figures: pd.DataFrame, size: str) -> SunburstScope:
    """How many actions, departments, objectives and objective × department pairs the sunburst
    of these figures adds up, and what its outer ring shows (see SUNBURST_ACTIONS)."""
    return _scope(_sunburst_data(figures, size))


def _scope(data: pd.DataFrame) -> SunburstScope:
    codes = data.groupby(["objective_id", "department"], sort=False).ngroup()
    pairs = int(codes.max()) + 1 if len(codes) else 0
    outer = ("action" if len(data) <= SUNBURST_ACTIONS else
             "department" if pairs <= SUNBURST_PAIRS else "rag")
    return SunburstScope(actions=len(data), departments=data["department"].nunique(),
                         objectives=data["objective_id"].nunique(), pairs=pairs, outer=outer)


def _rag_words(counts: pd.DataFrame) -> list[str]:
    """`4 Red · 3 Amber · …` for each row of a table of counts with a column per RAG."""
    columns = [(rag, counts[rag].tolist()) for rag in theme.RAG_ORDER if rag in counts.columns]
    return [" · ".join(f"{n[i]} {rag}" for rag, n in columns if n[i])
            for i in range(len(counts))]


def alignment_sunburst(figures: pd.DataFrame, size: str, currency: str) -> go.Figure:
    """Objective (inner ring) → department → action (outer ring, coloured by computed RAG),
    sized by budget or by count. Click a ring to zoom in.

    With more actions than SUNBURST_ACTIONS the outer ring is the departments (their hover
    counts their actions by RAG); with more objective × department pairs than SUNBURST_PAIRS
    too, it is each objective's actions by computed RAG (`sunburst_scope` says which)."""
    data = _sunburst_data(figures, size)
    scope = _scope(data)
    # one pass over the actions; the rings are sums of these (objective, department, RAG) cells
    cells = data.groupby(["objective_id", "department", "rag"], sort=False, dropna=False).agg(
        weight=("weight", "sum"), actions=("weight", "size"), budget=("budget_allocated", "sum"))
    objectives = cells.groupby(level=0, sort=True).sum()
    ids = ("o:" + objectives.index.to_series()).tolist()
    labels = [plotly(o.replace(NO_OBJECTIVE, "None")) for o in objectives.index]
    parents = [""] * len(objectives)
    values = objectives["weight"].astype(float).tolist()
    colours = [theme.MUTED if o == NO_OBJECTIVE else theme.SERIES[i % len(theme.SERIES)]
               for i, o in enumerate(objectives.index)]
    hover = [f"<b>{plotly(o)}</b><br>{plural(n, 'action')} · {theme.money(b, currency, compact=True)}"
             for o, n, b in zip(objectives.index, objectives["actions"], objectives["budget"],
                                strict=True)]

    if scope.outer == "rag":
        rags = cells.groupby(level=[0, 2], sort=True).sum().reset_index()
        rags = rags[rags["rag"].notna()]
        ids += ("o:" + rags["objective_id"] + "/r:" + rags["rag"]).tolist()
        labels += rags["rag"].tolist()
        parents += ("o:" + rags["objective_id"]).tolist()
        values += rags["weight"].astype(float).tolist()
        colours += [theme.RAG_COLOURS.get(r, theme.MUTED) for r in rags["rag"]]
        hover += [f"<b>{r}</b> · {plotly(o)}<br>{plural(n, 'action')} · "
                  f"{theme.money(b, currency, compact=True)}"
                  for o, r, n, b in zip(rags["objective_id"], rags["rag"], rags["actions"],
                                        rags["budget"], strict=True)]
        return _sunburst(ids, labels, parents, values, colours, hover)

    pairs = cells.groupby(level=[0, 1], sort=True).sum()
    counts = cells["actions"].unstack("rag", fill_value=0).reindex(pairs.index, fill_value=0)
    pairs["rags"] = _rag_words(counts)
    pairs = pairs.reset_index()
    parent = "o:" + pairs["objective_id"]
    ids += (parent + "/d:" + pairs["department"]).tolist()
    labels += plotly_all(initials(d) for d in pairs["department"])
    parents += parent.tolist()
    values += pairs["weight"].astype(float).tolist()
    colours += [DEPARTMENT_FILL] * len(pairs)
    hover += [f"<b>{plotly(d)}</b> · {plotly(o)}<br>{plural(n, 'action')} · "
              f"{theme.money(b, currency, compact=True)}"
              + (f"<br>{r}" if r else "")
              for d, o, n, b, r in zip(pairs["department"], pairs["objective_id"],
                                       pairs["actions"], pairs["budget"], pairs["rags"],
                                       strict=True)]
    if scope.outer == "action":
        parent = "o:" + data["objective_id"] + "/d:" + data["department"]
        ids += (parent + "/a:" + data["action_id"].astype(str)).tolist()
        labels += plotly_all(data["action_id"])
        parents += parent.tolist()
        values += data["weight"].astype(float).tolist()
        colours += [theme.RAG_COLOURS.get(str(r), theme.MUTED) for r in data["rag"]]
        hover += [f"<b>{plotly(a)}</b> {plotly(t)}<br>RAG {r} · {s} · {theme.money(b, currency)}"
                  for a, t, r, s, b in zip(data["action_id"], data["action"], data["rag"],
                                           data["status"], data["budget_allocated"], strict=True)]
    return _sunburst(ids, labels, parents, values, colours, hover)


def _sunburst(ids: list[str], labels: list[str], parents: list[str], values: list[float],
              colours: list[str], hover: list[str]) -> go.Figure:
    fig = go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker={"colors": colours, "line": {"width": 1, "color": "white"}},
        hovertext=hover, hoverinfo="text", insidetextorientation="radial",
        textfont={"size": 11}, insidetextfont={"color": [theme.ink(c) for c in colours]}))
    return _layout(fig, None, 560)


def smart_bars(smart: pd.DataFrame, title: str) -> go.Figure:
    """Pass rate of each SMART check (and all five) over the actions in scope."""
    rows = smart[smart["department"].isna()]
    fills = [theme.PRIMARY if c != "All five" else theme.SERIES[1] for c in rows["check"]]
    fig = go.Figure(go.Bar(
        x=rows["pass_rate"] * 100, y=rows["check"], orientation="h", marker_color=fills,
        insidetextfont={"color": [theme.ink(c) for c in fills]},
        outsidetextfont={"color": theme.TEXT},
        text=[f"{p * 100:.0f}% · {int(f)} fail" if pd.notna(p) else "" for p, f in
              zip(rows["pass_rate"], rows["failed"], strict=True)],
        textposition="auto",
        hovertemplate="%{y}: %{x:.0f}% pass<extra></extra>"))
    fig.update_xaxes(range=[0, 100], ticksuffix="%", dtick=25)
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, 300)


# The timeline draws at most this many actions: a browser is slow to draw thousands of bars,
# and a chart that tall cannot be read; the tables beside it list every action.
GANTT_ACTIONS = 150


def most_slipped(figures: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The `limit` (GANTT_ACTIONS) actions with a due date that are furthest behind: most days
    past their baseline due date (slip_days) or forecast to finish after their due date
    (forecast_slip_days), whichever is more; then overdue ones, then those moved most often."""
    limit = GANTT_ACTIONS if limit is None else limit
    data = figures.dropna(subset=["due_date"])
    if len(data) <= limit:
        return data
    behind = pd.concat([pd.to_numeric(data["slip_days"], errors="coerce"),
                        pd.to_numeric(data["forecast_slip_days"], errors="coerce")],
                       axis=1).max(axis=1).fillna(0).clip(lower=0)
    order = pd.DataFrame({
        "behind": behind.to_numpy(),
        "overdue": data["overdue"].fillna(False).astype(bool).to_numpy(),
        "moves": pd.to_numeric(data["due_date_changes"], errors="coerce").fillna(0).to_numpy(),
        "department": data["department"].astype(str).to_numpy(),
        "action_id": data["action_id"].astype(str).to_numpy()})
    ranked = order.sort_values(["behind", "overdue", "moves", "department", "action_id"],
                               ascending=[False, False, False, True, True]).index[:limit]
    return data.iloc[sorted(ranked)]


def gantt(figures: pd.DataFrame) -> go.Figure:
    """Each action's current plan (start → due, coloured by computed RAG) over its baseline plan
    (start → first reported due date, the thin dark bar ending in ◆) and, when late, its
    forecast finish (✕)."""
    data = figures[["department", "action_id", "action", "status", "rag", "start_date",
                    "due_date", "baseline_due_date", "period_end", "forecast_finish",
                    "forecast_slip_days"]].dropna(subset=["due_date"])
    data["start"] = data["start_date"].fillna(data["period_end"] - pd.Timedelta(days=30))
    data["start"] = data[["start", "due_date"]].min(axis=1)
    rank = {r: i for i, r in enumerate(theme.RAG_ORDER)}
    data["order"] = data["rag"].map(rank).fillna(len(rank))
    data = data.sort_values(["order", "due_date", "department"])
    data["label"] = [plotly(f"{initials(d)} {a} · {str(t)[:30]}{'…' if len(str(t)) > 30 else ''}")
                     for d, a, t in zip(data["department"], data["action_id"], data["action"],
                                        strict=True)]
    fig = go.Figure()
    for rag in theme.RAG_ORDER:
        rows = data[data["rag"] == rag]
        if rows.empty:
            continue
        span = pd.to_datetime(rows["due_date"]) - pd.to_datetime(rows["start"])
        fig.add_trace(go.Bar(
            y=rows["label"], x=span.dt.total_seconds() * 1000, base=rows["start"], width=0.7,
            orientation="h", name=rag, marker_color=theme.RAG_COLOURS[rag],
            customdata=list(zip(plotly_all(rows["department"]), plotly_all(rows["action"]),
                                rows["due_date"].dt.strftime("%d %b %Y"), rows["status"],
                                strict=True)),
            hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[0]} · %{customdata[3]}<br>"
                          "due %{customdata[2]}<extra></extra>"))
    base = data.dropna(subset=["baseline_due_date"])
    base = base.assign(bstart=base[["start", "baseline_due_date"]].min(axis=1))
    span = pd.to_datetime(base["baseline_due_date"]) - pd.to_datetime(base["bstart"])
    fig.add_trace(go.Bar(
        y=base["label"], x=span.dt.total_seconds() * 1000, base=base["bstart"], width=0.18,
        orientation="h", name="Baseline plan", marker_color=theme.BASELINE,
        hovertemplate="baseline due %{customdata}<extra>%{y}</extra>",
        customdata=base["baseline_due_date"].dt.strftime("%d %b %Y")))
    fig.add_trace(go.Scatter(
        y=base["label"], x=base["baseline_due_date"], mode="markers", name="Baseline due date",
        marker={"symbol": "diamond", "size": 9, "color": "white",
                "line": {"color": theme.BASELINE, "width": 2}},
        hovertemplate="baseline due %{x|%d %b %Y}<extra>%{y}</extra>"))
    late = data[data["forecast_slip_days"].fillna(0).astype(float) > 0].dropna(
        subset=["forecast_finish"])
    if not late.empty:
        fig.add_trace(go.Scatter(
            y=late["label"], x=late["forecast_finish"], mode="markers", name="Forecast finish",
            marker={"symbol": "x-thin", "size": 10, "line": {"color": "#1B1F24", "width": 2}},
            hovertemplate="forecast finish %{x|%d %b %Y}<extra>%{y}</extra>"))
    if len(data):
        period_end = pd.to_datetime(data["period_end"]).max()
        fig.add_vline(x=period_end, line_dash="dot", line_color=theme.MUTED)
        # named in the legend: a label above the plot sat on the legend's entries
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", hoverinfo="skip",
                                 name=f"End of period ({theme.a_date(period_end)})",
                                 line={"dash": "dot", "color": theme.MUTED}))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(type="date")
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=list(reversed(list(dict.fromkeys(data["label"])))))
    return _layout(fig, None, 130 + 22 * data["label"].nunique())


# Lines a chart of departments over time draws at most: many more are slow for a browser to
# draw and cannot be told apart.
DEPARTMENT_LINES = 10


def top_departments(trend: pd.DataFrame, value: str, limit: int | None = None
                    ) -> pd.DataFrame:
    """The department rows of a `kpi_trend(..., by_department=True)` for the `limit`
    (DEPARTMENT_LINES) departments with the highest `value` in its last period (ties by name);
    all of them when there are no more than `limit`."""
    limit = DEPARTMENT_LINES if limit is None else limit
    rows = trend[trend["department"].notna()]
    if rows["department"].nunique() <= limit:
        return rows
    last = rows[rows["period"] == rows["period"].max()]
    ranked = pd.DataFrame({"department": last["department"].astype(str).to_numpy(),
                           "value": pd.to_numeric(last[value], errors="coerce").to_numpy()})
    ranked = ranked.sort_values(["value", "department"], ascending=[False, True],
                                na_position="last")
    return rows[rows["department"].isin(ranked["department"].head(limit))]


def department_lines(trend: pd.DataFrame, value: str, label: str, title: str,
                     percent: bool = False) -> go.Figure:
    """One line per department over the periods of a `kpi_trend(..., by_department=True)`; a
    department without a value in any period (it never reported) has no line, nor a legend
    entry."""
    fig = go.Figure()
    rows = trend[trend["department"].notna()]
    for department, g in rows.groupby("department"):
        y = pd.to_numeric(g[value], errors="coerce")
        if y.isna().all():
            continue
        fig.add_trace(go.Scatter(
            x=[theme.short_period(p) for p in g["period"]], y=y * 100 if percent else y,
            name=plotly(department), mode="lines+markers", connectgaps=False,
            hovertemplate=f"%{{fullData.name}}: %{{y:.0f}}{'%' if percent else ''} {label}"
                          "<extra>%{x}</extra>"))
    if percent:
        fig.update_yaxes(ticksuffix="%")
    if value.endswith("_count"):  # a count of actions: whole ticks (a small range drew 0.5 steps)
        top = pd.to_numeric(rows[value], errors="coerce").max()
        fig.update_yaxes(tickformat=",d", dtick=1 if pd.isna(top) or top <= 8 else None)
    fig.update_yaxes(rangemode="tozero", title=label)
    return _layout(fig, title, 360)


def submission_grid(quality: pd.DataFrame, title: str) -> go.Figure:
    """Departments × months, each cell on time, late, rejected or missing: the state written in each
    cell up to GRID_TEXT_CELLS cells, else colours only (the state in the hover), with thinner rows
    above GRID_NAMED_COLUMNS departments — thousands of cell labels take a browser seconds to draw."""
    grid = quality.pivot_table(index="department", columns="period", values="state",
                               aggfunc="first")
    cells = grid.to_numpy()
    text = [[v if isinstance(v, str) else "" for v in row] for row in cells]
    labelled = grid.size <= GRID_TEXT_CELLS
    x = [theme.short_period(p) for p in grid.columns]
    y = plotly_all(grid.index)
    fig = go.Figure()
    # one trace per state: a heatmap writes all its cells' text in one colour, and each state's
    # colour takes its own ink (white on "on time", dark on "late": 4.5:1 or more)
    for state in theme.SUBMISSION_ORDER:
        colour = theme.SUBMISSION_COLOURS[state]
        mine = [[1 if v == state else None for v in row] for row in cells]
        if not any(v for row in mine for v in row):
            continue
        # its own cells' text only: a trace writes text on the gaps too, in its ink
        own = [[t if v == state else "" for t, v in zip(trow, row, strict=True)]
               for trow, row in zip(text, cells, strict=True)]
        fig.add_trace(go.Heatmap(
            z=mine, x=x, y=y, text=own, name=state,
            texttemplate="%{text}" if labelled else None, colorscale=[[0, colour], [1, colour]],
            showscale=False, xgap=3 if labelled else 1, ygap=3 if labelled else 1,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>", hoverongaps=False,
            textfont={"color": theme.ink(colour), "size": 12}))
    fig.update_yaxes(autorange="reversed", type="category", categoryorder="array",
                     categoryarray=y)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x)
    fig.update_xaxes(side="top")
    row = 44 if len(grid) <= GRID_NAMED_COLUMNS else 18
    return _layout(fig, title, 90 + row * len(grid))


def action_progress(trail: pd.DataFrame, title: str) -> go.Figure:
    """One action month by month: reported progress against planned progress, points by RAG."""
    x = [theme.short_period(p) for p in trail["period"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=trail["planned_progress"], name="Planned progress", mode="lines",
        line={"dash": "dot", "color": theme.MUTED},
        hovertemplate="planned %{y:.0f}%<extra>%{x}</extra>"))
    fig.add_trace(go.Scatter(
        x=x, y=trail["percent_complete"], name="Reported progress", mode="lines+markers",
        line={"color": theme.PRIMARY},
        marker={"size": 12, "color": [theme.RAG_COLOURS.get(str(r), theme.MUTED)
                                      for r in trail["rag"]],
                "line": {"color": "white", "width": 1}},
        customdata=trail[["status", "rag"]].astype(str).to_numpy(),
        hovertemplate="%{y:.0f}% · %{customdata[0]} · RAG %{customdata[1]}<extra>%{x}</extra>"))
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    return _layout(fig, title, 300)


def _plain(label: object) -> str:
    """A label as drawn (escaped for Plotly, lines joined by <br>) back to plain text."""
    return html.unescape(str(label).replace("<br>", " ")).replace("\u2060", "")


def _column(values: object) -> list[object]:
    return [] if values is None else list(values)  # type: ignore[call-overload]


def figure_table(fig: go.Figure) -> pd.DataFrame:
    """The numbers a chart draws, as a table (its text equivalent, WCAG 1.1.1): a row per
    category (bars, lines: their axis category; heatmaps: their rows; sunbursts: their
    segments), a column per series; a bar drawn from a date (the timeline) shows its two dates; a
    chart with `layout.meta["rows"]` (the dependency graph), those rows."""
    given = fig.layout.meta.get("rows") if isinstance(fig.layout.meta, dict) else None
    if given is not None:  # a chart that states its own (the dependency graph: its edges)
        return pd.DataFrame(given)
    rows: dict[str, dict[str, object]] = {}
    first = "Item"
    columns: dict[str, None] = {}  # a heatmap's columns in its axis order, whichever trace fills them
    for trace in fig.data:
        name = _plain(trace.name) if trace.name else "Value"
        if trace.type == "heatmap":
            first = "Row"
            columns.update(dict.fromkeys(_plain(x) for x in _column(trace.x)))
            # a named heatmap is one state of a grid of states (submissions): its words
            text = trace.text if trace.name and trace.text is not None else trace.z
            for y, zs, ts in zip(_column(trace.y), _column(trace.z), _column(text), strict=False):
                row = rows.setdefault(_plain(y), {})
                for x, z, t in zip(_column(trace.x), _column(zs), _column(ts), strict=False):
                    if z is not None and z == z:  # noqa: PLR0124 (NaN: no value)
                        row[_plain(x)] = t if t not in (None, "") else z
        elif trace.type == "sunburst":
            first = "Segment"
            labels = _column(trace.labels)
            for seg, label, parent, value in zip(_column(trace.ids) or labels, labels,
                                                 _column(trace.parents), _column(trace.values),
                                                 strict=False):
                # a segment by the last part of its id (an inner ring's label may be shortened:
                # "None" for NO_OBJECTIVE), an outer one by its label, under its parent's
                named = _plain(label) if parent else _plain(seg).split("/")[-1].split(":")[-1]
                key = " › ".join(p for p in (_plain(parent).split("/")[-1].split(":")[-1],
                                             named) if p)
                rows.setdefault(key, {})["Value"] = value
        else:
            ys = _column(trace.y)
            horizontal = trace.orientation == "h" or (  # markers placed on named rows
                trace.type == "scatter" and bool(ys) and isinstance(ys[0], str))
            categories = _column(trace.y if horizontal else trace.x)
            values = _column(trace.x if horizontal else trace.y)
            bases = _column(trace.base) if trace.type == "bar" and trace.base is not None else []
            for i, (category, value) in enumerate(zip(categories, values, strict=False)):
                cell: object = value
                if bases:  # a span: from its base date, `value` milliseconds long
                    start = pd.Timestamp(bases[i])
                    cell = (f"{theme.a_date(start)} → "
                            f"{theme.a_date(start + pd.Timedelta(milliseconds=float(value)))}")
                elif isinstance(value, np.datetime64 | pd.Timestamp):
                    cell = theme.a_date(pd.Timestamp(value))
                rows.setdefault(_plain(category), {})[name] = cell
    table = pd.DataFrame.from_dict(rows, orient="index")
    if columns:
        table = table[[c for c in columns if c in table.columns]]
    return table.rename_axis(first).reset_index()
