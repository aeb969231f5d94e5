"""The dependency graph's builders (presentation.dependency_charts) on hand-built dependencies."""

from __future__ import annotations

import pandas as pd
import pytest

from presentation import charts
from presentation import dependency_charts as dc

IT, HR, FIN, OPS = "Information Technology", "Human Resources", "Finance", "Operations"


def dependency(down: tuple[str, str, str], up: tuple[str, str, str], late: bool = False,
               days: float | None = None, action: str = "An action") -> dict[str, object]:
    """One row of the dependency table: `down` (department, action ID, RAG) waits on `up`."""
    row: dict[str, object] = {}
    for prefix, (department, action_id, rag) in (("", down), ("upstream_", up)):
        row.update({f"{prefix}department": department, f"{prefix}action_id": action_id,
                    f"{prefix}action": action, f"{prefix}rag": rag,
                    f"{prefix}status": "In progress",
                    f"{prefix}due_date": pd.Timestamp("2025-06-30"),
                    f"{prefix}forecast_finish": pd.Timestamp("2025-07-31"),
                    f"{prefix}file_name": f"{department}_2025-06.xlsx",
                    f"{prefix}sheet": "Actions", f"{prefix}source_row": 5})
    row.update(late=late, days_late=days)
    return row


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(dc.EDGE_COLUMNS))


# IT-01 (Red, late) holds up HR-03, which holds up FIN-05: a late chain across three
# departments; HR-03 also waits on OPS-02 (on time); OPS-04 waits on OPS-02 (on time)
CHAIN = frame(
    dependency((HR, "HR-03", "Amber"), (IT, "IT-01", "Red"), late=True, days=31),
    dependency((FIN, "FIN-05", "Amber"), (HR, "HR-03", "Amber"), late=True, days=12),
    dependency((HR, "HR-03", "Amber"), (OPS, "OPS-02", "Green")),
    dependency((OPS, "OPS-04", "Green"), (OPS, "OPS-02", "Green")),
)


def test_nodes_are_both_ends_once() -> None:
    nodes = dc.graph_nodes(CHAIN).set_index("action_id")
    assert sorted(nodes.index) == ["FIN-05", "HR-03", "IT-01", "OPS-02", "OPS-04"]
    # HR-03 and FIN-05 wait on a late action; IT-01 is late but waits on nothing
    assert sorted(nodes.index[nodes["blocked"]]) == ["FIN-05", "HR-03"]
    assert sorted(nodes.index[nodes["on_late_chain"]]) == ["FIN-05", "HR-03", "IT-01"]


def test_late_chain_runs_from_its_start_to_its_end() -> None:
    chains = dc.late_chains(CHAIN)
    # one chain: IT-01 → HR-03 → FIN-05 (FIN-05 has no late successor); the most days late on
    # it is IT-01's 31
    assert chains["chain"].tolist() == ["IT IT-01 → HR HR-03 → Finance FIN-05"]
    assert chains.loc[0, ["actions", "departments", "days_late"]].tolist() == [3, 3, 31]
    assert chains.loc[0, "start"] == f"{IT} · IT-01"


def test_layout_places_each_action_right_of_what_it_waits_on() -> None:
    nodes = dc.graph_nodes(CHAIN)
    places, lanes, _ = dc.layout(nodes, CHAIN)
    x = dict(zip(nodes["action_id"], places.set_index("key").loc[nodes["key"], "x"], strict=True))
    assert x == {"HR-03": 1, "FIN-05": 2, "OPS-04": 1, "IT-01": 0, "OPS-02": 0}
    # the most upstream lanes first: IT and Operations (mean step 0 and 0.5), HR (1), Finance (2)
    assert lanes == [IT, OPS, HR, FIN]


def test_cycle_is_placed_and_stops_the_chain_walk() -> None:
    cycle = frame(dependency((HR, "A", "Red"), (IT, "B", "Red"), late=True, days=3),
                  dependency((IT, "B", "Red"), (HR, "A", "Red"), late=True, days=4))
    nodes = dc.graph_nodes(cycle)
    places, _, _ = dc.layout(nodes, cycle)
    assert len(places) == 2
    assert dc.late_chains(cycle).empty  # every action of a cycle has a late successor
    dc.dependency_graph(cycle)


def test_graph_colours_by_rag_and_marks_late_dependencies() -> None:
    fig = dc.dependency_graph(CHAIN)
    names = [t.name for t in fig.data]
    assert names == ["Dependency", "Late dependency", "Red", "Amber", "Green"]
    red = next(t for t in fig.data if t.name == "Red")
    assert red.marker.color == "#C0392B"
    late = next(t for t in fig.data if t.name == "Late dependency")
    assert len(late.x) == 6  # two late arrows, three points each (start, end, gap)
    table = charts.figure_table(fig)
    assert table["Late"].tolist() == ["yes", "yes", "no", "no"]
    assert table.loc[0, ["Action", "Waits on", "Days late"]].tolist() == [
        f"{FIN} · FIN-05", f"{HR} · HR-03", 12]


def test_hostile_description_is_escaped_in_the_label() -> None:
    hostile = '<a href="https://evil.example">click</a> <b>$x$</b>'
    edges = frame(dependency((HR, "<img src=x>", "Red"), (IT, "IT-01", "Red"), late=True,
                             days=2, action=hostile))
    fig = dc.dependency_graph(edges)
    red = next(t for t in fig.data if t.name == "Red")
    drawn = " ".join(red.hovertext) + " ".join(red.text)
    assert "<a " not in drawn and "<img" not in drawn and "$x$" not in drawn
    assert "&lt;a href=" in drawn and "&lt;img src=x&gt;" in drawn and "&#36;x&#36;" in drawn


def wide(chains: int, length: int, late_every: int) -> pd.DataFrame:
    """`chains` chains of `length` actions across departments; every `late_every`-th late."""
    rows = []
    for c in range(chains):
        for i in range(1, length):
            late = c % late_every == 0
            rows.append(dependency((f"D{i}", f"C{c}-{i}", "Amber"),
                                   (f"D{i - 1}", f"C{c}-{i - 1}", "Red"), late=late,
                                   days=c + 1 if late else None))
    return frame(*rows)


def test_scope_draws_everything_up_to_the_limit() -> None:
    drawn, scope = dc.graph_scope(CHAIN)
    assert len(drawn) == 4 and scope.shown == "all" and scope.drawn == 5
    assert (scope.actions, scope.dependencies, scope.late, scope.blocked, scope.chains) == (
        5, 4, 2, 2, 1)
    assert dc.scope_words(scope) == ""


def test_scope_beyond_the_limit_keeps_the_late_chains() -> None:
    # 100 chains of 3 actions = 300 actions; every 4th chain late: 25 chains, 75 actions
    drawn, scope = dc.graph_scope(wide(100, 3, 4))
    assert scope.shown == "late" and scope.drawn == 75 and scope.actions == 300
    assert "every late chain" in dc.scope_words(scope)


def test_scope_far_beyond_keeps_the_worst_chains_whole() -> None:
    # 400 chains of 3, every other late: 200 late chains, 600 actions; 50 whole chains fit in
    # 150, the latest first (chain c is late by c + 1 days: chains 398, 396, …)
    drawn, scope = dc.graph_scope(wide(400, 3, 2))
    assert scope.shown == "worst" and scope.drawn == 150 and scope.chains == 200
    assert set(drawn["action_id"].str.split("-").str[0]) == {f"C{c}" for c in range(300, 400, 2)}


@pytest.mark.parametrize("n", [17_000])
def test_big_month_is_quick(n: int) -> None:
    import time
    edges = wide(n // 3, 3, 3)
    t = time.perf_counter()
    drawn, _ = dc.graph_scope(edges)
    dc.dependency_graph(drawn)
    dc.late_chains(edges)
    assert time.perf_counter() - t < 5


def across(chains: int, departments: int) -> pd.DataFrame:
    """`chains` late chains of 3 actions, chain c through departments c, c + 1, c + 2 (of
    `departments`), late by c + 1 days."""
    rows = []
    for c in range(chains):
        for i in (1, 2):
            d, u = (c + i) % departments, (c + i - 1) % departments
            rows.append(dependency((f"Dept {d}", f"C{c}-{i}", "Amber"),
                                   (f"Dept {u}", f"C{c}-{i - 1}", "Red"), late=True, days=c + 1))
    return frame(*rows)


def test_many_departments_draw_each_chain_in_a_lane_of_its_own() -> None:
    # 60 chains over 62 departments (more than GRAPH_LANES = 20): 180 actions, more than 150;
    # every chain late, so the worst GRAPH_CHAINS = 30 are drawn: chains 59 … 30, 90 actions
    drawn, scope = dc.graph_scope(across(60, 62))
    assert scope.shown == "worst" and scope.drawn == 90
    fig = dc.dependency_graph(drawn)
    lanes = list(fig.layout.yaxis.ticktext)
    assert len(lanes) == 30 and lanes[0] == "Late chain 1" and lanes[-1] == "Late chain 30"
    # the nodes say their department's code, as the lanes no longer do
    red = next(t for t in fig.data if t.name == "Red")
    assert "D59 C59-0" in list(red.text)


def test_lanes_by_department_up_to_the_limit() -> None:
    assert dc.by_department(CHAIN)  # 4 departments
    drawn, _ = dc.graph_scope(across(60, 62))
    assert not dc.by_department(drawn)  # the 30 chains drawn span 32 departments
