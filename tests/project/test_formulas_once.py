"""Each per-action formula of SPEC §5, and the scope of the submission rates, is written once.

ingest/sql/action_facts.sql defines the per-action facts and ingest/sql/action_unchanged.sql
the stale rule; report_summary's refresh and the metrics queries include them as text
({{ingest:action_facts}}), as they include metrics/sql/scope_departments.sql and
metrics/sql/report_deadlines.sql (the day a month's report is due). A formula written out
anywhere else in the SQL the product runs — a query, a fragment, a migration still to come, or
a macro left in the catalog — fails here, so that changing a formula stays one edit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import db

ROOT = Path(__file__).resolve().parents[2]
FACTS = "ingest/sql/action_facts.sql"
SCOPE = "metrics/sql/scope_departments.sql"
# Migrations up to 007 ran once and are history: 004's macro report_summary_rows, the one that
# kept a copy of the formulas, is dropped by 008 (test_no_macro_keeps_a_formula checks it).
HISTORY_UNTIL = 7

# The text that defines each formula, as `normalised` writes it (no comments, table aliases,
# quotes or brackets; lower case; one space).
FORMULAS: dict[str, tuple[str, str]] = {
    "progress": (r"then 100\.0 else coalesce percent_complete, 0", FACTS),
    "is_overdue": (r"due_date < period_end", FACTS),
    "completed_on_time": (r"completion_date <= due_date", FACTS),
    "slip_days (completed)": (r"greatest 0, completion_date - baseline_due_date", FACTS),
    "slip_days (open)": (r"greatest 0, period_end - baseline_due_date", FACTS),
    "rescheduled": (r"due_date > baseline_due_date", FACTS),
    "earned_value": (r"/ 100\.0 \* budget_allocated", FACTS),
    "quality_pass": (r"= 'meets'", FACTS),
    "attainment": (r"target / actual", FACTS),
    "specific": (r"regexp_matches action,", FACTS),
    "measurable": (r"coalesce trim success_metric, '' <> ''", FACTS),
    "achievable": (r"coalesce trim responsible, '' <> ''", FACTS),
    "time_bound": (r"start_date <= due_date", FACTS),
    "planned_progress": (r"period_end - start_date /", FACTS),
    "forecast_finish": (r"\* 100\.0 / percent_complete", FACTS),
    "rag": (r"then 'complete'", FACTS),
    "stale": (r"= report_no - 2", "ingest/sql/action_unchanged.sql"),
    "scope_departments": (r"then in_register", SCOPE),
    "report deadline": (r"cast \$on_time_day - 1", "metrics/sql/report_deadlines.sql"),
}


def normalised(text: str) -> str:
    """SQL as the signatures read it: a catalog's rendering and a file's match alike."""
    text = "\n".join(line.split("--", 1)[0] for line in text.splitlines()).lower()
    text = re.sub(r"\b[a-z_]+\.(?=[a-z_\"])", "", text)  # s.status -> status
    text = re.sub(r"[()\"]", " ", text).replace("!=", "<>")
    return re.sub(r"\s+,", ",", re.sub(r"\s+", " ", text))


def sql_sources() -> dict[str, str]:
    """Every SQL text the product runs from a file, by path: queries, fragments, migrations
    after HISTORY_UNTIL, and the SQL in the Python of ingest and metrics."""
    found = {}
    for path in [*ROOT.glob("ingest/sql/*.sql"), *ROOT.glob("metrics/sql/*.sql"),
                 *ROOT.glob("ingest/**/*.py"), *ROOT.glob("metrics/**/*.py")]:
        found[path.relative_to(ROOT).as_posix()] = path.read_text(encoding="utf-8")
    for number, name, text in db.migrations():
        if number > HISTORY_UNTIL:
            found[f"ingest/migrations/{name}"] = text
    return found


def copies(sources: dict[str, str]) -> dict[str, list[str]]:
    """For each formula, the places (path, or path ×n) that write it out."""
    places: dict[str, list[str]] = {}
    for formula, (signature, _home) in FORMULAS.items():
        for path, text in sources.items():
            n = len(re.findall(signature, normalised(text)))
            if n:
                places.setdefault(formula, []).append(path if n == 1 else f"{path} ×{n}")
    return places


def test_every_formula_is_written_once_in_its_fragment() -> None:
    found = copies(sql_sources())
    assert {f: found.get(f) for f in FORMULAS} == {f: [home] for f, (_s, home) in FORMULAS.items()}


def test_a_second_copy_is_found() -> None:
    """The scan fails on a copy: a query that writes progress and the scope again."""
    sources = sql_sources()
    sources["metrics/sql/copy.sql"] = (
        "SELECT CASE WHEN s.status = 'Completed' THEN 100.0\n"
        "            ELSE coalesce(s.percent_complete, 0) END AS progress -- again\n"
        "FROM action_status s JOIN departments d USING (department)\n"
        "WHERE CASE WHEN x THEN d.in_register END")
    found = copies(sources)
    assert found["progress"] == [FACTS, "metrics/sql/copy.sql"]
    assert found["scope_departments"] == [SCOPE, "metrics/sql/copy.sql"]
    # and migration 004, were it still to run, holds a copy of nearly every formula
    [(_n, name, old)] = [m for m in db.migrations() if m[0] == 4]
    in_004 = copies({name: old})
    assert {"progress", "slip_days (open)", "specific", "planned_progress", "rag",
            "stale"} <= set(in_004)


def _macro_copies(con: db.Connection) -> dict[str, list[str]]:
    macros = {f"macro {name}": text for name, text in con.execute(
        "SELECT function_name, macro_definition FROM duckdb_functions() "
        "WHERE macro_definition IS NOT NULL AND NOT internal").fetchall()}
    return copies(macros)


def test_no_macro_keeps_a_formula() -> None:
    """A migrated database's catalog holds no copy (migration 008 dropped 004's macro)."""
    con = db.connect(":memory:")
    assert _macro_copies(con) == {}


@pytest.mark.parametrize("last", [7])
def test_the_catalog_check_finds_the_old_macro(last: int) -> None:
    """Before 008, report_summary_rows kept its own copy: the check above would fail."""
    con = db.connect(":memory:", versions=range(1, last + 1))
    found = _macro_copies(con)
    assert found["progress"] == ["macro report_summary_rows"]
    assert found["planned_progress"] == ["macro report_summary_rows"]
