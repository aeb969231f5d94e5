"""Plotly figures the pages draw. Each takes a metrics result and returns a Figure."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def wrap(name: str, width: int = 14) -> str:
    """A long category name on several lines (axis labels): `Information<br>Technology`."""
    words, lines, line = str(name).replace(" and ", " & ").split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)


def initials(department: str) -> str:
    """A short code for a department in dense labels: `Information Technology` → `IT`."""
    words = [w for w in str(department).split() if w[:1].isupper()]
    if len(words) > 1:
        return "".join(w[0] for w in words)
    return str(department) if len(str(department)) <= 10 else str(department)[:4]


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
            y=rows["department"], x=rows[rag.lower()], name=rag, orientation="h",
            marker_color=theme.RAG_COLOURS[rag],
            hovertemplate=f"{rag}: %{{x}} actions<extra>%{{y}}</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="actions")
    fig = _layout(fig, title, height or 60 + 38 * len(rows))
    fig.update_layout(showlegend=False, margin={"t": 10})  # the page shows the RAG key above
    return fig


def alignment_heatmap(alignment: pd.DataFrame, value: str, title: str, currency: str
                      ) -> go.Figure:
    """Objectives (rows) × departments (columns): actions or budget in each cell."""
    data = alignment.copy()
    data["objective_id"] = data["objective_id"].fillna("No valid objective")
    grid = data.pivot_table(index="objective_id", columns="department", values=value,
                            aggfunc="sum", fill_value=0)
    order = sorted(grid.index, key=lambda o: (o == "No valid objective", len(o), o))
    grid = grid.loc[order]
    titles = data.drop_duplicates("objective_id").set_index("objective_id")["objective"]
    labels = [f"{o} · {str(titles.get(o))[:38]}" if isinstance(titles.get(o), str) else o
              for o in grid.index]
    if value == "budget_allocated":
        text = [[theme.money(v, currency, compact=True) if v else "" for v in r]
                for r in grid.to_numpy()]
        hover = f"%{{y}}<br>%{{x}}<br>{currency} %{{z:,.0f}}<extra></extra>"
    else:
        text = [[f"{v:.0f}" if v else "" for v in r] for r in grid.to_numpy()]
        hover = "%{y}<br>%{x}<br>%{z:.0f} actions<extra></extra>"
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[wrap(d) for d in grid.columns], y=labels,
        colorscale=theme.SEQUENTIAL, text=text, texttemplate="%{text}", hovertemplate=hover,
        xgap=2, ygap=2, showscale=False))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0, tickfont={"size": 11})
    return _layout(fig, title, 110 + 34 * len(grid))


def alignment_sunburst(figures: pd.DataFrame, size: str, currency: str) -> go.Figure:
    """Objective (inner ring) → department → action (outer ring, coloured by computed RAG),
    sized by budget or by count. Click a ring to zoom in."""
    data = figures.copy()
    valid = data["objective_valid"].astype(bool)
    data["objective_id"] = data["objective_id"].where(valid, "No valid objective").fillna(
        "No valid objective")
    data["weight"] = data["budget_allocated"].fillna(0) if size == "budget" else 1.0
    if size == "budget":
        data = data[data["weight"] > 0]
    ids, labels, parents, values, colours, hover = [], [], [], [], [], []
    for i, (objective, og) in enumerate(data.groupby("objective_id")):
        oid = f"o:{objective}"
        ids.append(oid)
        labels.append(str(objective).replace("No valid objective", "None"))
        parents.append("")
        values.append(float(og["weight"].sum()))
        colours.append(theme.SERIES[i % len(theme.SERIES)] if objective != "No valid objective"
                       else theme.MUTED)
        hover.append(f"<b>{objective}</b><br>{len(og)} actions · "
                     f"{theme.money(og['budget_allocated'].sum(), currency, compact=True)}")
        for department, dg in og.groupby("department"):
            did = f"{oid}/d:{department}"
            ids.append(did)
            labels.append(initials(str(department)))
            parents.append(oid)
            values.append(float(dg["weight"].sum()))
            colours.append("#D6DEE8")
            hover.append(f"<b>{department}</b> · {objective}<br>{len(dg)} actions · "
                         f"{theme.money(dg['budget_allocated'].sum(), currency, compact=True)}")
            for rec in dg.to_dict("records"):
                ids.append(f"{did}/a:{rec['action_id']}")
                labels.append(str(rec["action_id"]))
                parents.append(did)
                values.append(float(rec["weight"]))
                colours.append(theme.RAG_COLOURS.get(str(rec["rag"]), theme.MUTED))
                hover.append(f"<b>{rec['action_id']}</b> {rec['action']}<br>RAG {rec['rag']} · "
                             f"{rec['status']} · {theme.money(rec['budget_allocated'], currency)}")
    fig = go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker={"colors": colours, "line": {"width": 1, "color": "white"}},
        hovertext=hover, hoverinfo="text", insidetextorientation="radial",
        textfont={"size": 11}))
    return _layout(fig, None, 560)


def smart_bars(smart: pd.DataFrame, title: str) -> go.Figure:
    """Pass rate of each SMART check (and all five) over the actions in scope."""
    rows = smart[smart["department"].isna()]
    fig = go.Figure(go.Bar(
        x=rows["pass_rate"] * 100, y=rows["check"], orientation="h",
        marker_color=[theme.PRIMARY if c != "All five" else theme.SERIES[1]
                      for c in rows["check"]],
        text=[f"{p * 100:.0f}% · {int(f)} fail" if pd.notna(p) else "" for p, f in
              zip(rows["pass_rate"], rows["failed"], strict=True)],
        textposition="auto",
        hovertemplate="%{y}: %{x:.0f}% pass<extra></extra>"))
    fig.update_xaxes(range=[0, 100], ticksuffix="%", dtick=25)
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, 300)


def gantt(figures: pd.DataFrame) -> go.Figure:
    """Each action's current plan (start → due, coloured by computed RAG) over its baseline plan
    (start → first reported due date, the thin dark bar ending in ◆) and, when late, its
    forecast finish (✕)."""
    data = figures.dropna(subset=["due_date"]).copy()
    data["start"] = data["start_date"].fillna(data["period_end"] - pd.Timedelta(days=30))
    data["start"] = data[["start", "due_date"]].min(axis=1)
    rank = {r: i for i, r in enumerate(theme.RAG_ORDER)}
    data["order"] = data["rag"].map(rank).fillna(len(rank))
    data = data.sort_values(["order", "due_date", "department"])
    data["label"] = [f"{initials(d)} {a} · {str(t)[:30]}{'…' if len(str(t)) > 30 else ''}"
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
            customdata=list(zip(rows["department"], rows["action"],
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
        fig.add_annotation(x=period_end, y=1, yref="paper", text="end of period",
                           showarrow=False, yanchor="bottom", font={"color": theme.MUTED})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(type="date")
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=list(reversed(list(dict.fromkeys(data["label"])))))
    return _layout(fig, None, 130 + 22 * data["label"].nunique())


def department_lines(trend: pd.DataFrame, value: str, label: str, title: str,
                     percent: bool = False) -> go.Figure:
    """One line per department over the periods of a `kpi_trend(..., by_department=True)`."""
    fig = go.Figure()
    rows = trend[trend["department"].notna()]
    for department, g in rows.groupby("department"):
        y = pd.to_numeric(g[value], errors="coerce")
        fig.add_trace(go.Scatter(
            x=[theme.short_period(p) for p in g["period"]], y=y * 100 if percent else y,
            name=str(department), mode="lines+markers", connectgaps=False,
            hovertemplate=f"{department}: %{{y:.0f}}{'%' if percent else ''} {label}"
                          "<extra>%{x}</extra>"))
    if percent:
        fig.update_yaxes(ticksuffix="%")
    fig.update_yaxes(rangemode="tozero", title=label)
    return _layout(fig, title, 360)


def submission_grid(quality: pd.DataFrame, title: str) -> go.Figure:
    """Departments × months, each cell on time, late, rejected or missing."""
    states = list(theme.SUBMISSION_ORDER)
    code = {s: i for i, s in enumerate(states)}
    grid = quality.pivot_table(index="department", columns="period", values="state",
                               aggfunc="first")
    z = [[code.get(v, None) for v in row] for row in grid.to_numpy()]
    text = [[v if isinstance(v, str) else "" for v in row]
            for row in grid.to_numpy()]
    n = len(states)
    scale = []
    for i, s in enumerate(states):
        scale += [[i / n, theme.SUBMISSION_COLOURS[s]], [(i + 1) / n, theme.SUBMISSION_COLOURS[s]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=[theme.short_period(p) for p in grid.columns], y=list(grid.index), text=text,
        texttemplate="%{text}", colorscale=scale, zmin=-0.5, zmax=n - 0.5, showscale=False,
        xgap=3, ygap=3, hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        textfont={"color": "white", "size": 12}))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return _layout(fig, title, 90 + 44 * len(grid))


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
