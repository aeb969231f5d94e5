"""The dependency graph: actions across departments, who waits on whom, the late chains.

Drawn with Plotly's own scatter traces over a layered layout worked out here (no graph library,
no graphviz binary): each department a horizontal lane, each action placed one step to the right
of the latest action it waits on, arrows from the action waited on to the one waiting.

Everything reads one table of dependencies (`EDGE_COLUMNS`): a row per waiting action and an
action it waits on, with both actions' figures and sources; the nodes are the two ends.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from ingest.words import plural
from presentation import theme
from presentation.charts import initials, wrap
from presentation.markup import plotly

# The waiting action (`department`…) and the action it waits on (`upstream_…`); `late`: the
# upstream action is overdue or forecast to finish after the waiting one is due, by `days_late`.
NODE_FIELDS: tuple[str, ...] = ("department", "action_id", "action", "rag", "status", "due_date",
                                "forecast_finish", "file_name", "sheet", "source_row")
EDGE_COLUMNS: tuple[str, ...] = (
    NODE_FIELDS + tuple(f"upstream_{c}" for c in NODE_FIELDS) + ("late", "days_late"))

# The graph draws at most this many actions: more cannot be read, nor quickly drawn; above it
# the late chains only, the worst first (`graph_scope`).
GRAPH_ACTIONS = 150
# With more departments than GRAPH_LANES (see `layout`), the late chains drawn at most.
GRAPH_CHAINS = 30
SEP = "\x1f"  # between a department and an action ID in a node's key
EDGE_COLOUR = "#AAB4BE"
LANE_FILL = "#F3F6FA"


def key(department: object, action_id: object) -> str:
    """A node's key: its department and action ID."""
    return f"{department}{SEP}{action_id}"


def _late(edges: pd.DataFrame) -> pd.Series:
    return edges["late"].fillna(False).astype(bool)


def graph_nodes(edges: pd.DataFrame) -> pd.DataFrame:
    """Each action at either end of a dependency once: `NODE_FIELDS`, `key`, and `waits`
    (it waits on another action), `blocked` (one of those is late) and `on_late_chain` (it is
    at either end of a late dependency). An action that waits takes its figures from the rows
    where it waits (its forecast there is the dependency forecast)."""
    late = _late(edges)
    down = edges[list(NODE_FIELDS)].assign(waits=True, blocked=late.to_numpy())
    up = edges[[f"upstream_{c}" for c in NODE_FIELDS]].set_axis(list(NODE_FIELDS), axis=1)
    up = up.assign(waits=False, blocked=False)
    nodes = pd.concat([down, up], ignore_index=True)
    nodes["key"] = [key(d, a) for d, a in zip(nodes["department"], nodes["action_id"],
                                              strict=True)]
    flags = nodes.groupby("key", sort=False)[["waits", "blocked"]].any()
    nodes = nodes.drop_duplicates("key").drop(columns=["waits", "blocked"]).join(flags, on="key")
    ends = set(nodes_of(edges[late]))
    nodes["on_late_chain"] = nodes["key"].isin(ends)
    return nodes.reset_index(drop=True)


def nodes_of(edges: pd.DataFrame) -> list[str]:
    """The keys of the actions at either end of these dependencies."""
    return ([key(d, a) for d, a in zip(edges["department"], edges["action_id"], strict=True)]
            + [key(d, a) for d, a in zip(edges["upstream_department"],
                                         edges["upstream_action_id"], strict=True)])


def _pairs(edges: pd.DataFrame) -> list[tuple[str, str]]:
    """(upstream key, waiting key) of each dependency."""
    return list(zip((key(d, a) for d, a in zip(edges["upstream_department"],
                                                edges["upstream_action_id"], strict=True)),
                    (key(d, a) for d, a in zip(edges["department"], edges["action_id"],
                                               strict=True)), strict=True))


def late_chains(edges: pd.DataFrame) -> pd.DataFrame:
    """The late chains, the worst first: each ends at a blocked action that no later action waits
    on through a late dependency, and runs upstream through the latest late dependency at each
    step to the action that starts it (late itself, waiting on nothing late). Columns: `chain`
    (`IT ITS-01 → HR HR-03`), `start` and `end` (department · action ID), `actions`,
    `departments`, `days_late` (the most days any dependency of the chain is late by), `keys`."""
    late = edges[_late(edges)]
    columns = ["chain", "start", "end", "actions", "departments", "days_late", "keys"]
    if late.empty:
        return pd.DataFrame(columns=columns)
    days = pd.to_numeric(late["days_late"], errors="coerce").fillna(0).tolist()
    worst: dict[str, tuple[float, str]] = {}  # waiting key -> (days, upstream key), the latest
    has_late_successor: set[str] = set()
    for (up, down), n in zip(_pairs(late), days, strict=True):
        has_late_successor.add(up)
        if down not in worst or (n, up) > worst[down]:
            worst[down] = (n, up)
    rows = []
    for end in sorted(set(worst) - has_late_successor):
        path, most, node = [end], 0.0, end
        while node in worst and worst[node][1] not in path:  # a cycle stops the walk
            n, node = worst[node]
            most = max(most, n)
            path.append(node)
        path.reverse()
        names = [p.split(SEP) for p in path]
        rows.append({"chain": " → ".join(f"{initials(d)} {a}" for d, a in names),
                     "start": " · ".join(names[0]), "end": " · ".join(names[-1]),
                     "actions": len(path), "departments": len({d for d, _ in names}),
                     "days_late": most, "keys": tuple(path)})
    chains = pd.DataFrame(rows, columns=columns)
    return chains.sort_values(["days_late", "actions", "end"], ascending=[False, False, True],
                              ignore_index=True)


@dataclass(frozen=True)
class GraphScope:
    """What `graph_scope` chose to draw, for the words above the graph."""

    actions: int  # actions with a dependency (either end)
    dependencies: int
    late: int  # late dependencies
    blocked: int  # actions waiting on a late one
    chains: int  # late chains
    drawn: int  # actions drawn
    shown: str  # "all", "late" (every late chain) or "worst" (the worst late chains)


def graph_scope(edges: pd.DataFrame, limit: int | None = None
                ) -> tuple[pd.DataFrame, GraphScope]:
    """The dependencies to draw and what they are: all of them up to `limit` (GRAPH_ACTIONS)
    actions; else those of the late chains (the late dependencies and every dependency between
    their actions); else the worst late chains, whole, while they fit."""
    limit = GRAPH_ACTIONS if limit is None else limit
    late = _late(edges)
    every = set(nodes_of(edges))
    chains = late_chains(edges)
    blocked = len({k for k, flag in zip(nodes_of(edges)[:len(edges)], late, strict=True) if flag})

    def scope(drawn: pd.DataFrame, shown: str) -> tuple[pd.DataFrame, GraphScope]:
        return drawn, GraphScope(actions=len(every), dependencies=len(edges), late=int(late.sum()),
                                 blocked=blocked, chains=len(chains),
                                 drawn=len(set(nodes_of(drawn))), shown=shown)

    if len(every) <= limit:
        return scope(edges, "all")
    # above GRAPH_LANES departments each chain is a lane of its own: at most GRAPH_CHAINS
    many = len({k.split(SEP)[0] for k in every}) > GRAPH_LANES
    most = GRAPH_CHAINS if many else len(chains)
    on_chains = set(nodes_of(edges[late]))
    if len(on_chains) <= limit and len(chains) <= most:
        return scope(_between(edges, on_chains), "late")
    chosen: set[str] = set()
    for n, path in enumerate(chains["keys"]):
        if len(chosen | set(path)) > limit or n == most:
            if chosen:
                break
            path = path[-limit:]  # one chain longer than the graph: its last `limit` actions
        chosen |= set(path)
    return scope(_between(edges[late], chosen), "worst")


def _between(edges: pd.DataFrame, keys: set[str]) -> pd.DataFrame:
    """The dependencies with both ends among `keys`."""
    both = [u in keys and w in keys for u, w in _pairs(edges)]
    return edges[both]


def layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[pd.DataFrame, list[str],
                                                               list[tuple[float, float]]]:
    """Each node's place (`x`, `y`), the lanes in order and their (top, bottom).

    x: a step to the right of the furthest action it waits on (longest path; an action in a cycle
    goes right of those of its predecessors already placed). Lanes: the departments, the most
    upstream first; above GRAPH_LANES departments, each group of connected actions (a chain and
    what joins it), the latest first (`lane_groups`). In a lane, the actions of one step stack,
    ordered by where what they wait on stands, so that arrows cross less."""
    keys = nodes["key"].tolist()
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for up, down in _pairs(edges):
        if up != down:
            preds[down].append(up)
            succs[up].append(down)
    step = _steps(keys, preds, succs)
    departments = dict(zip(keys, nodes["department"].astype(str), strict=True))
    lane = (departments if len(set(departments.values())) <= GRAPH_LANES
            else lane_groups(keys, edges))
    by_lane: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        by_lane[lane[k]].append(k)
    if lane is departments:
        lanes = sorted(by_lane, key=lambda d: (sum(step[k] for k in by_lane[d])
                                               / len(by_lane[d]), d))
    else:
        lanes = sorted(by_lane, key=lambda g: int(g.split()[-1]))
    height = {d: max(pd.Series([step[k] for k in by_lane[d]]).value_counts()) for d in lanes}
    top, bands = 0.0, []
    for d in lanes:
        bands.append((top, top + height[d] - 1))
        top += height[d] + 0.8  # a gap between lanes
    start = {d: bands[i][0] for i, d in enumerate(lanes)}
    order = {d: i for i, d in enumerate(lanes)}
    y: dict[str, float] = {}
    cells: dict[tuple[int, str], list[str]] = defaultdict(list)
    for k in keys:
        cells[(step[k], lane[k])].append(k)
    for s, d in sorted(cells, key=lambda c: (c[0], order[c[1]])):
        members = sorted(cells[(s, d)], key=lambda k: (_mean([y[p] for p in preds[k] if p in y]),
                                                       k))
        for i, k in enumerate(members):
            y[k] = start[d] + i
    places = pd.DataFrame({"key": keys, "x": [step[k] for k in keys], "y": [y[k] for k in keys]})
    return places, lanes, bands


# Above this many departments a lane each is too many to read: the lanes are groups of
# connected actions instead (a chain and what joins it), each action labelled with its
# department's code.
GRAPH_LANES = 20


def lane_groups(keys: list[str], edges: pd.DataFrame) -> dict[str, str]:
    """Each action's group of connected actions, `Late chain 1`, `Late chain 2`… (a late
    dependency in it) or `Group 3`…: the most days late first, then the largest (then by its
    first action)."""
    parent = {k: k for k in keys}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for up, down in _pairs(edges):
        if up in parent and down in parent:
            parent[root(up)] = root(down)
    days = pd.to_numeric(edges["days_late"], errors="coerce").where(_late(edges)).fillna(-1)
    worst: dict[str, float] = defaultdict(lambda: -1.0)
    for (_, down), n in zip(_pairs(edges), days, strict=True):
        if down in parent:
            worst[root(down)] = max(worst[root(down)], float(n))
    members: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        members[root(k)].append(k)
    ranked = sorted(members, key=lambda r: (-worst[r], -len(members[r]), min(members[r])))
    return {k: f"{'Late chain' if worst[r] >= 0 else 'Group'} {i}"
            for i, r in enumerate(ranked, start=1) for k in members[r]}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else -1.0


def _steps(keys: list[str], preds: dict[str, list[str]], succs: dict[str, list[str]]
           ) -> dict[str, int]:
    """Longest-path layers (Kahn's order); the actions of a cycle after the rest."""
    waiting = {k: len(preds[k]) for k in keys}
    step = {k: 0 for k in keys if not waiting[k]}
    queue = list(step)
    while queue:
        k = queue.pop()
        for s in succs[k]:
            step[s] = max(step.get(s, 0), step[k] + 1)
            waiting[s] -= 1
            if not waiting[s]:
                queue.append(s)
    for k in sorted(set(keys) - {k for k in keys if not waiting[k]}):  # in a cycle
        placed = [step[p] for p in preds[k] if p in step and not waiting.get(p)]
        step[k] = max(placed, default=0) + 1
    return step


def _hover(node: pd.Series) -> str:
    action = str(node["action"])
    action = action if len(action) <= 90 else action[:89] + "…"
    due, forecast = theme.a_date(node["due_date"]), theme.a_date(node["forecast_finish"])
    lines = [f"<b>{plotly(node['department'])} · {plotly(node['action_id'])}</b>",
             plotly(action),
             f"RAG {plotly(theme.text(node['rag']))} · {plotly(theme.text(node['status']))}",
             f"due {due} · forecast finish {forecast}"]
    if node["blocked"]:
        lines.append("<b>blocked</b>: waits on a late action")
    lines.append(f"{plotly(node['file_name'])} · {plotly(node['sheet'])} · row "
                 f"{plotly(theme.text(node['source_row']))}")
    return "<br>".join(lines)


def dependency_graph(edges: pd.DataFrame) -> go.Figure:
    """The actions of these dependencies, each department a lane, coloured by computed RAG;
    arrows from the action waited on to the one waiting, the late ones thick and red; an action
    on a late chain ringed in dark. Its text equivalent (`layout.meta["rows"]`, read by
    charts.figure_table) lists each dependency."""
    nodes = graph_nodes(edges)
    places, lanes, bands = layout(nodes, edges)
    nodes = nodes.merge(places, on="key")
    at = dict(zip(nodes["key"], zip(nodes["x"], nodes["y"], strict=True), strict=True))
    fig = go.Figure()
    late = _late(edges).tolist()
    for is_late, name, colour, width in ((False, "Dependency", EDGE_COLOUR, 1.3),
                                         (True, "Late dependency", theme.RAG_COLOURS["Red"], 3)):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for (up, down), flag in zip(_pairs(edges), late, strict=True):
            if flag == is_late and up != down:
                (x0, y0), (x1, y1) = at[up], at[down]
                xs += [x0 + 0.06, x1 - 0.09, None]
                ys += [y0, y1, None]
        if xs:
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines+markers", name=name, hoverinfo="skip",
                line={"color": colour, "width": width},
                marker={"symbol": "arrow", "angleref": "previous", "color": colour,
                        "size": [0, 9 + width * 2, 0] * (len(xs) // 3)}))
    grouped = nodes["department"].nunique() > GRAPH_LANES  # lanes are groups: name the dept
    for rag in (*theme.RAG_ORDER, None):
        rows = nodes[nodes["rag"] == rag] if rag else nodes[~nodes["rag"].isin(theme.RAG_ORDER)]
        if rows.empty:
            continue
        ring = rows["on_late_chain"].astype(bool)
        fig.add_trace(go.Scatter(
            x=rows["x"], y=rows["y"], mode="markers+text", name=rag or "No RAG",
            text=[plotly(f"{initials(d)} {a}" if grouped else a)
                  for d, a in zip(rows["department"], rows["action_id"], strict=True)],
            textposition="top center",
            textfont={"size": 11, "color": theme.TEXT},
            marker={"size": 16, "color": theme.RAG_COLOURS.get(rag or "", theme.MUTED),
                    "line": {"color": [theme.TEXT if r else "white" for r in ring],
                             "width": [3 if r else 1 for r in ring]}},
            hovertext=[_hover(n) for _, n in rows.iterrows()], hoverinfo="text"))
    fig.update_layout(shapes=[  # every other lane shaded (one update: add_hrect each is slow)
        {"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "y0": top - 0.55, "y1": bottom + 0.45,
         "fillcolor": LANE_FILL, "line": {"width": 0}, "layer": "below"}
        for i, (top, bottom) in enumerate(bands) if i % 2 == 0])
    steps = int(nodes["x"].max()) if len(nodes) else 0
    fig.update_xaxes(visible=False, range=[-0.5, steps + 0.5])
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False,
                     tickvals=[(t + b) / 2 for t, b in bands],
                     ticktext=[wrap(d, 18) for d in lanes])
    total = bands[-1][1] + 1 if bands else 1
    fig.update_layout(template=theme.TEMPLATE, height=int(140 + 46 * total),
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, hovermode="closest",
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
                      meta={"rows": dependency_rows(edges)})
    return fig


def dependency_rows(edges: pd.DataFrame) -> list[dict[str, object]]:
    """Each dependency in words, the late ones first: the graph's text equivalent."""
    rows: list[dict[str, object]] = [{"Action": f"{d} · {a}", "RAG": theme.text(r), "Waits on": f"{ud} · {ua}",
             "Its RAG": theme.text(ur), "Late": "yes" if flag else "no",
             "Days late": None if theme.missing(n) or not flag else int(n)}
            for d, a, r, ud, ua, ur, flag, n in zip(
                edges["department"], edges["action_id"], edges["rag"],
                edges["upstream_department"], edges["upstream_action_id"], edges["upstream_rag"],
                _late(edges), edges["days_late"], strict=True)]
    return sorted(rows, key=lambda r: (r["Late"] != "yes", str(r["Action"]), str(r["Waits on"])))


def scope_words(scope: GraphScope) -> str:
    """What the graph shows, in a sentence, for the caption above it."""
    if scope.shown == "all":
        return ""
    what = ("every late chain" if scope.shown == "late" else
            f"the worst late chains ({theme.number(scope.drawn)} actions)")
    return (f"{theme.number(scope.actions)} actions have a dependency: too many to draw one by "
            f"one, so the graph shows {what} and the dependencies between their actions. The "
            f"table of blocked actions below lists all {plural(scope.blocked, 'blocked action')}.")


# metrics.dependencies' names (dependency_links.sql) -> the names here: the action waited on is
# the "upstream" one; the waiting action's forecast is its forecast with its dependencies
RENAME: dict[str, str] = {"dependency_forecast": "forecast_finish",
                          "pred_forecast": "upstream_forecast_finish"}


def edge_table(links: pd.DataFrame) -> pd.DataFrame:
    """The dependencies of `metrics.dependencies.action_dependencies` as the graph and tables
    read them: `EDGE_COLUMNS` first, then the rest (`pred_…` as `upstream_…`)."""
    edges = links.rename(columns={c: RENAME.get(c, "upstream_" + c[5:] if c.startswith("pred_")
                                                else c) for c in links.columns})
    rest = [c for c in edges.columns if c not in EDGE_COLUMNS]
    return edges[list(EDGE_COLUMNS) + rest].reset_index(drop=True)


def blocked_table(edges: pd.DataFrame) -> pd.DataFrame:
    """The late dependencies: each blocked action beside the upstream action that holds it up
    and by how many days, the most days first (then department, action ID); `key` names the
    blocked action."""
    ordered = blocked_order(edges)
    return ordered[ordered["late"]].reset_index(drop=True)


def department_sides(edges: pd.DataFrame, department: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A department's dependencies across departments: those of its actions on other
    departments' (waiting on others), and those of other departments' actions on its own (others
    waiting on it); each the late ones first, the most days late first."""
    across = edges[edges["department"] != edges["upstream_department"]]
    ordered = blocked_order(across)
    return (ordered[ordered["department"] == department].reset_index(drop=True),
            ordered[ordered["upstream_department"] == department].reset_index(drop=True))


def blocked_order(edges: pd.DataFrame) -> pd.DataFrame:
    """Dependencies the late first, the most days late first, then by department and action;
    `key` names the waiting action."""
    rows = edges.assign(key=[key(d, a) for d, a in zip(edges["department"], edges["action_id"],
                                                        strict=True)],
                        late=_late(edges).to_numpy(),
                        days_late=pd.to_numeric(edges["days_late"], errors="coerce"))
    return rows.sort_values(["late", "days_late", "department", "action_id",
                             "upstream_department", "upstream_action_id"],
                            ascending=[False, False, True, True, True, True],
                            na_position="last", ignore_index=True)


def by_department(edges: pd.DataFrame) -> bool:
    """Whether the graph of these dependencies has a lane per department (else per chain or
    group, above GRAPH_LANES departments)."""
    return len({k.split(SEP)[0] for k in nodes_of(edges)}) <= GRAPH_LANES
