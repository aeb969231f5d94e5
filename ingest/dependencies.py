"""Cross-department dependencies and initiatives in a report (issue 16): the "Depends on" and
"Initiative" columns, read into the form they are stored in, and checked.

A "Depends on" cell lists action IDs separated by `;` or `,`: the department's own (`FIN-03`),
another department's written `Operations: OPS-02`, or a bare ID that is unique in the
organisation. Stored (migration 013) as "; "-joined references, each `Department: ID` when the
department is known (named, or this report's own department for an ID the report lists), else the
bare ID, which the metrics resolve against the plans in force (metrics/sql/dependency_edges.sql:
the action's own department first, else the one department whose plan has it).

Checks, each at its cell: a dependency on itself is an error (while reading, `read_columns`); an
initiative not in the register is a warning (while reading); an unknown action ID (naming the
closest matches) and a cycle (listing it) are warnings that need the other departments' plans in
force, from the database (`add_dependency_warnings`, at load and by `python -m ingest validate`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ingest import db
from ingest.locate import Register
from ingest.names import department_key
from ingest.problems import Problem, display_value
from ingest.words import period_words

_SEPARATORS = re.compile(r"[;,\n]")
CLOSEST = 3  # how many close matches an unknown ID's warning names
SHOWN = 5  # a cell with more unknown references gets one warning, naming this many


@dataclass(frozen=True)
class Ref:
    """One reference of a "Depends on" cell: the department (None for a bare ID) and the action ID."""

    department: str | None
    action_id: str

    @property
    def text(self) -> str:
        """As stored and shown: `Department: ID`, or the bare ID."""
        return f"{self.department}: {self.action_id}" if self.department else self.action_id


def split_refs(text: str | None) -> list[tuple[str | None, str]]:
    """A cell's references as written: (department as written or None, action ID), in order, once each."""
    out: list[tuple[str | None, str]] = []
    if not isinstance(text, str):  # an empty cell: None (NaN in a frame)
        return out
    for part in _SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        dept, colon, aid = part.partition(":")  # the first colon: an action ID may hold one
        ref = (dept.strip() or None, aid.strip()) if colon else (None, part)
        if ref[1] and ref not in out:
            out.append(ref)
    return out


def stored_refs(text: str | None) -> list[Ref]:
    """The references of a stored `depends_on` value."""
    return [Ref(d, a) for d, a in split_refs(text)]


def _department(name: str, register: Register, known: dict[str, str]) -> str | None:
    key = department_key(name)
    return (register.departments.get(key) or known.get(key)) if key else None


def read_columns(frame: pd.DataFrame, department: str, sheet: str, letters: dict[str, tuple[str, str]],
                 register: Register, known_departments: dict[str, str]) -> list[Problem]:
    """Rewrite one department's `depends_on` cells into their stored form and `initiative` cells into the
    register's ID; the problems found without the database: a dependency on itself (error), an
    initiative not in the register (warning; no check without a register)."""
    problems: list[Problem] = []
    own_ids = {str(a) for a in frame["action_id"] if a is not None}
    letter, header = letters.get("depends_on", (None, "Depends on"))
    stored: list[str | None] = []
    for row, aid, cell in zip(frame.index, frame["action_id"], frame["depends_on"], strict=True):
        refs: list[Ref] = []
        for dept_text, ref_id in split_refs(cell):
            dept = _department(dept_text, register, known_departments) if dept_text else None
            if dept_text and dept is None and f"{dept_text}:{ref_id}" in own_ids:
                dept_text, ref_id = None, f"{dept_text}:{ref_id}"  # an own ID with a colon in it
            if dept_text is None and ref_id in own_ids:
                dept = department
            if dept_text and dept is None and (register.lists_departments or known_departments):
                names = sorted({*register.departments.values(), *known_departments.values()})
                problems.append(Problem(
                    "warning", f"{aid} depends on {dept_text}: {ref_id}, but {dept_text!r} is not a known "
                    f"department: write one of {', '.join(names)} before the colon.", sheet=sheet,
                    row=int(row), column=letter, header=header, value=display_value(cell)))
            ref = Ref(dept or dept_text, ref_id)
            if ref.department == department and ref_id == str(aid):
                problems.append(Problem(
                    "error", f"{aid} depends on itself: name the actions it waits for, not the action.",
                    sheet=sheet, row=int(row), column=letter, header=header, value=display_value(cell)))
                continue
            if ref not in refs:
                refs.append(ref)
        stored.append("; ".join(r.text for r in refs) or None)
    # the cells as typed, for the warnings given later against the plans (ingest.dependencies
    # .dependency_warnings): a problem shows the cell's own value (SPEC 2.6)
    frame.attrs["typed_depends_on"] = {int(r): c for r, c in zip(frame.index, frame["depends_on"],
                                                               strict=True) if isinstance(c, str)}
    frame["depends_on"] = pd.Series(stored, index=frame.index, dtype=object)
    if register.version is not None:
        problems += _initiatives(frame, sheet, letters, register)
    return problems


def _initiatives(frame: pd.DataFrame, sheet: str, letters: dict[str, tuple[str, str]], register: Register
                 ) -> list[Problem]:
    letter, header = letters.get("initiative", (None, "Initiative"))
    problems: list[Problem] = []
    ids: list[str | None] = []
    for row, cell in zip(frame.index, frame["initiative"], strict=True):
        if cell is None or cell != cell:
            ids.append(None)
            continue
        found = register.match_initiative(str(cell))
        if found is None:
            listed = ", ".join(sorted(set(register.initiatives.values()))) or "none is listed"
            problems.append(Problem(
                "warning", f"Initiative {cell!r} is not in the strategy register's Initiatives sheet "
                f"({listed}): check the initiative.", sheet=sheet, row=int(row), column=letter,
                header=header, value=display_value(cell)))
        ids.append(found or str(cell))
    frame["initiative"] = pd.Series(ids, index=frame.index, dtype=object)
    return problems


def bare_department(actions: Mapping[str, Collection[str]], action_id: str, own: str) -> str | None:
    """The department a bare ID names among `actions` (each department's IDs): the own department
    when it has the ID, else the one department that has it (None when none has, or several)."""
    if action_id in actions.get(own, ()):
        return own
    holders = [d for d, ids in actions.items() if action_id in ids]
    return holders[0] if len(holders) == 1 else None


def _closest(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates close to `word` (difflib's ratio at least 0.5), closest first, ties in
    alphabetical order; capitals aside ('ops-2' is close to OPS-02)."""
    matcher = difflib.SequenceMatcher(b=word.lower())
    scored = []
    for c in set(candidates):
        matcher.set_seq1(c.lower())
        if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5 and matcher.ratio() >= 0.5:
            scored.append((-matcher.ratio(), c))
    return [c for _, c in sorted(scored)]


# ---- the checks that need the other departments' plans ----

Node = tuple[str, str]  # (department, action ID)


@dataclass
class Plans:
    """The organisation's plans in force for a month: each department's actions, their status and
    what each depends on."""

    actions: dict[str, set[str]]
    depends: dict[Node, list[Ref]]
    status: dict[Node, str]
    cancelled: dict[Node, str] = field(default_factory=dict)  # left the plan: the month it was cancelled

    @classmethod
    def from_db(cls, con: db.Connection, period: str) -> Plans:
        """Every department's latest report in force up to `period` (rows carried over included),
        as the metrics read the plans of that month."""
        actions: dict[str, set[str]] = {}
        depends: dict[Node, list[Ref]] = {}
        status: dict[Node, str] = {}
        for dept, aid, state, deps in con.execute(db.sql("dependency_plans"),
                                                  {"period": period}).fetchall():
            actions.setdefault(str(dept), set()).add(str(aid))
            status[(str(dept), str(aid))] = str(state)
            if deps:
                depends[(str(dept), str(aid))] = stored_refs(deps)
        cancelled = {(str(d), str(a)): str(p) for d, a, p in con.execute(
            db.sql("dependency_cancelled"), {"period": period}).fetchall()
            if str(a) not in actions.get(str(d), ())}
        return cls(actions, depends, status, cancelled)

    def with_report(self, department: str, frame: pd.DataFrame) -> None:
        """Put a report's rows in place of theirs in its department's plan; the plan's other
        actions stay (an open action the report leaves out is carried over, ingest.plan)."""
        mine = self.actions.setdefault(department, set())
        cells = frame["depends_on"] if "depends_on" in frame.columns else [None] * len(frame)
        for aid, state, deps in zip(frame["action_id"], frame["status"], cells, strict=True):
            node = (department, str(aid))
            mine.add(node[1])
            self.status[node] = str(state)
            self.depends.pop(node, None)
            if deps:
                self.depends[node] = stored_refs(deps)

    def resolve(self, ref: Ref, own: str) -> Node | None:
        """The action a reference names: a department's own, or a bare ID in the own department's
        plan, else in the one department whose plan has it (None when unknown or not unique)."""
        if ref.department is not None:
            return (ref.department, ref.action_id) if ref.action_id in self.actions.get(ref.department, ()) \
                else None
        dept = bare_department(self.actions, ref.action_id, own)
        return (dept, ref.action_id) if dept is not None else None

    def cancelled_before(self, ref: Ref, own: str) -> tuple[Node, str] | None:
        """The action a reference names that was Cancelled and has left the plans, with the month
        (YYYY-MM) of the report that cancelled it; a bare ID: the own department's first."""
        places = [ref.department] if ref.department else [own, *sorted(d for d, _ in self.cancelled)]
        for dept in places:
            month = self.cancelled.get((dept, ref.action_id))
            if month is not None:
                return (dept, ref.action_id), month
        return None

    def successors(self, node: Node) -> Iterable[Node]:
        for ref in self.depends.get(node, ()):
            found = self.resolve(ref, node[0])
            if found is not None:
                yield found


def _unknown(plans: Plans, ref: Ref, own: str, action: str) -> str | None:
    """Why a reference of `own`'s `action` names no action (with the closest matches, the action
    itself not among them), or None when it names one or cannot be checked yet (its department has
    no plan in force)."""
    if plans.resolve(ref, own) is not None:
        return None
    if ref.department is not None:
        ids = plans.actions.get(ref.department)
        if ids is None:
            return None  # the department has not reported: nothing to check against yet
        others = sorted(ids - {action}) if ref.department == own else sorted(ids)
        close = _closest(ref.action_id, others)[:CLOSEST]
        hint = f" Closest: {', '.join(f'{ref.department}: {c}' for c in close)}." if close else ""
        return f"{ref.department} has no action {ref.action_id!r} in its plan.{hint}"
    holders = sorted(d for d, ids in plans.actions.items() if ref.action_id in ids)
    if len(holders) > 1:
        return (f"{ref.action_id!r} is an action of {', '.join(holders)}: write it as "
                f"'Department: {ref.action_id}'.")
    every = sorted((d, a) for d, ids in plans.actions.items() for a in ids if (d, a) != (own, action))
    rank = {a: i for i, a in enumerate(_closest(ref.action_id, (a for _, a in every)))}
    named = [f"{d}: {a}" for _, d, a in sorted((rank[a], d, a) for d, a in every if a in rank)][:CLOSEST]
    hint = f" Closest: {', '.join(named)}." if named else ""
    return f"No department's plan has an action {ref.action_id!r}.{hint}"


def _cycle(plans: Plans, start: Node, limit: int = 10_000) -> list[Node] | None:
    """A path of dependencies from `start` back to it (start first), or None."""
    stack: list[tuple[Node, list[Node]]] = [(start, [start])]
    seen: set[Node] = set()
    while stack and limit:
        limit -= 1
        node, path = stack.pop()
        for nxt in plans.successors(node):
            if nxt == start:
                return path
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def dependency_warnings(plans: Plans, department: str, frame: pd.DataFrame, sheet: str | None,
                        letters: dict[str, tuple[str, str]]) -> list[Problem]:
    """The warnings of one report against the plans in force (the report's own rows in place of
    theirs in its department's): in its "Depends on" cells, unknown action IDs, Cancelled actions
    and cycles; and its Cancelled actions that other departments' open actions wait on."""
    if not _checked(frame):
        return []
    plans.with_report(department, frame)
    problems = _cancelled_awaited(plans, department, frame, sheet, letters)
    if "depends_on" not in frame.columns:
        return problems
    letter, header = letters.get("depends_on", (None, "Depends on"))
    typed = frame.attrs.get("typed_depends_on", {})
    cycles: set[frozenset[Node]] = set()
    for row, aid, cell in zip(frame.index, frame["action_id"], frame["depends_on"], strict=True):
        if not isinstance(cell, str) or not cell:
            continue

        def warn(message: str, row: int = int(row), cell: str = cell) -> None:
            problems.append(Problem("warning", message, sheet=sheet, row=row, column=letter, header=header,
                                    value=display_value(typed.get(row, cell))))

        gone: list[str] = []  # on actions Cancelled in an earlier month, gone from the plans
        unknown: list[tuple[Ref, str]] = []
        cancelled: list[str] = []  # on actions Cancelled in the plans in force
        for ref in stored_refs(cell):
            node = plans.resolve(ref, department)
            before = plans.cancelled_before(ref, department) if node is None else None
            if before is not None:
                gone.append(_on_cancelled(aid, before[0], f"was Cancelled in {period_words(before[1])}"))
            elif node is None and (why := _unknown(plans, ref, department, str(aid))):
                unknown.append((ref, why))
            elif node is not None and plans.status.get(node) == "Cancelled":
                cancelled.append(_on_cancelled(aid, node, "is Cancelled"))
        for message in gone:
            warn(message)
        if len(unknown) > SHOWN:  # one warning for the cell, not one a reference
            named = ", ".join(r.text for r, _ in unknown[:SHOWN])
            warn(f"{aid} depends on {len(unknown)} actions no plan has: {named} and "
                 f"{len(unknown) - SHOWN} more. The first: {unknown[0][1]} Check the IDs against "
                 "the other departments' plans.")
        else:
            for ref, why in unknown:
                warn(f"{aid} depends on {ref.text}, which is unknown: {why}")
        for message in cancelled:
            warn(message)
        path = _cycle(plans, (department, str(aid)))
        if path and frozenset(path) not in cycles:
            cycles.add(frozenset(path))
            shown = " → ".join(f"{d}: {a}" for d, a in [*path, path[0]])
            warn(f"The dependencies go round in a circle: {shown}. Each of these actions waits for "
                 "the next, so none can finish: remove one of the dependencies.")
    return problems


def _on_cancelled(aid: Any, node: Node, was: str) -> str:
    """The warning for a dependency on a Cancelled action; `was`: "is Cancelled" or when it was."""
    return (f"{aid} depends on {node[0]}: {node[1]}, which {was}: it will not be done, so the "
            "dependency no longer counts. Remove it, or name the action that replaces it.")


def _checked(frame: pd.DataFrame) -> bool:
    """Whether a report has anything to check against the plans: a "Depends on" cell, or a
    Cancelled action that others may wait on."""
    return bool(("depends_on" in frame.columns and frame["depends_on"].notna().any())
                or (frame["status"] == "Cancelled").any())


def _cancelled_awaited(plans: Plans, department: str, frame: pd.DataFrame, sheet: str | None,
                       letters: dict[str, tuple[str, str]]) -> list[Problem]:
    """A warning at the Status cell of each Cancelled action of the report that another
    department's open action depends on: they should be told."""
    cancelled = {str(a) for a, s in zip(frame["action_id"], frame["status"], strict=True)
                 if s == "Cancelled"}
    awaiting: dict[str, list[Node]] = {}
    for node, refs in plans.depends.items() if cancelled else ():
        if node[0] == department or plans.status.get(node) in ("Completed", "Cancelled"):
            continue
        for ref in refs:
            target = plans.resolve(ref, node[0])
            if target is not None and target[0] == department and target[1] in cancelled:
                awaiting.setdefault(target[1], []).append(node)
    letter, header = letters.get("status", (None, "Status"))
    problems = []
    for row, aid, state in zip(frame.index, frame["action_id"], frame["status"], strict=True):
        waiting = sorted(awaiting.get(str(aid), ()))
        if waiting:
            named = ", ".join(f"{d}: {a}" for d, a in waiting[:SHOWN])
            more = f" and {len(waiting) - SHOWN} more" if len(waiting) > SHOWN else ""
            problems.append(Problem(
                "warning", f"{aid} is Cancelled, but other departments' actions depend on it "
                f"({named}{more}): tell them, so they can remove the dependency or name what "
                "replaces it.",
                sheet=sheet, row=int(row), column=letter, header=header, value=display_value(state)))
    return problems


def add_dependency_warnings(con: db.Connection, parsed: Any,
                            before: Callable[[], None] | None = None) -> None:
    """Add to each report of `parsed` (an ingest.parse.ParsedFile, which imports this module) the warnings of its "Depends on" cells against the plans in
    force in `con` (once per report). `before`: called just before the plans are read, when they are."""
    todo = [r for r in parsed.reports if not r.dependencies_checked]
    if not any(_checked(r.frame) for r in todo):
        return
    cells = any("depends_on" in r.frame.columns and r.frame["depends_on"].notna().any()
                for r in todo)
    if not cells and not db.scalar(con, db.sql("dependencies_any")):
        return  # only Cancelled actions to check, and no plan depends on anything
    if before is not None:
        before()
    plans = Plans.from_db(con, parsed.period.key if parsed.period else "9999-12")
    for report in todo:
        found = dependency_warnings(plans, report.department, report.frame, parsed.sheet, parsed.letters)
        report.problems.extend(found)
        parsed.problems.extend(found)
        report.dependencies_checked = True
