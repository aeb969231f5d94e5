"""The monthly "what changed" digest (issue 15): the changes of a period since the previous one, as
short plain-text sentences, each carrying its kind, the figures it states and the actions it
names with their file, sheet and row. Rule-based: the same data always gives the same words.

`digest(con, period, department=None) -> list[Sentence]`; `previous(con, period, department=None)`
is the period it compares with ("What changed since May 2025"). docs/digest.md gives each kind's
rule and the thresholds. The facts come from the per-action figures (figures.sql), the due-date
moves (view_due_date_moves.sql), report_quality (on time, late, missing) and kpi_changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ingest.db import Connection
from ingest.words import plural
from metrics import queries
from metrics.actions import resolve_month
from metrics.catalogue import checked_filters
from metrics.filters import Filters, months_of
from metrics.formats import a_date, days, kpi_value, period_label, shown_change
from metrics.kpi_catalogue import KPI_BY_NAME
from metrics.kpis import (
    jsonable,
    kpi_changes,
    months_with_data,
    plain,
    previous_period,
    query_params,
)
from metrics.pack_parts import department_months
from metrics.quality import report_quality
from metrics.views import upload_history

# Most important first: the report's own problems, then the actions that got worse, the plan's
# changes, the KPIs, the good news, and the reports that came in on time.
KINDS: tuple[str, ...] = (
    "report_missing", "report_rejected", "report_late", "not_reported", "overdue", "at_risk",
    "due_date_moved", "kpi_move", "completed", "new_action", "dropped_action", "report_on_time")
CAP = 5  # sentences a kind at the most; one more says "and N more" (N of 2 or more)
# a KPI move is told when its change is at least this, by the KPI's format in the catalogue
# (rate and percent: percentage points; days; count; ratio)
KPI_THRESHOLDS: dict[str, float] = {"rate": 0.05, "percent": 5.0, "days": 5.0, "count": 3.0,
                                    "ratio": 0.1}
RAG_RANK = {"Red": 0, "Amber": 1}
ACTION_WORDS = 60  # characters of an action's description a sentence quotes


@dataclass(frozen=True)
class ActionRef:
    """An action a sentence names, and where it was read: file, sheet and spreadsheet row."""

    department: str
    action_id: str
    file_name: str
    sheet: str
    row: int


@dataclass(frozen=True)
class Sentence:
    """One sentence of the digest: its kind (KINDS), its plain text, the figures it states (JSON
    values) and the actions it names. A kind's last sentence may be "and N more" (figures
    `{"more": N, "named": [...]}`, every one it leaves out as the text names them), naming the
    actions it leaves out. Frozen, and shared as it is by the
    dashboard's cache: nothing changes a sentence's figures."""

    kind: str
    text: str
    figures: dict[str, Any]
    actions: tuple[ActionRef, ...]

    def as_json(self) -> dict[str, Any]:
        """The sentence as JSON: {kind, text, figures, actions: [{department, action_id,
        file_name, sheet, row}]}."""
        return {"kind": self.kind, "text": self.text,
                "figures": {k: jsonable(v) for k, v in self.figures.items()},
                "actions": [{"department": a.department, "action_id": a.action_id,
                             "file_name": a.file_name, "sheet": a.sheet, "row": a.row}
                            for a in self.actions]}


def previous(con: Connection, period: str, department: str | None = None) -> str | None:
    """The period the digest compares with: the latest earlier period with data for the scope
    (a month, or for a quarter a quarter), None when there is none."""
    return previous_period(con, Filters(period, (department,) if department else ()))


def digest(con: Connection, period: str, department: str | None = None) -> list[Sentence]:
    """What changed in `period` (a month, or a quarter: its last month with data) since the
    previous period, for one department or the organisation: sentences in KINDS order, the most
    important first within a kind (Red before Amber, larger slips first), at most CAP a kind
    plus one "and N more". Raises QueryError for an unknown department or a bad period."""
    filters = checked_filters(con, Filters(period, (department,) if department else ()))
    month = resolve_month(con, filters)
    params = _params(con, filters, month)
    pairs = queries.composed(con, "digest_actions", {"figures": "figures"}, params)
    moves = _since_previous(
        queries.composed(con, "digest_moves", {"moved": "view_due_date_moves"}, params), pairs)
    named = _Names(scoped=department is not None)
    found: dict[str, list[_Item]] = {kind: [] for kind in KINDS}
    # a department without a report in force gets one sentence, its report missing: its KPIs'
    # moves would only restate it (its submission rate falls to 0%)
    in_force = department is None or month in months_with_data(con, (department,))
    for kind, items in (*_reports(con, filters, month, named).items(),
                        *_actions(pairs, named).items(),
                        ("due_date_moved", _moved(moves, named)),
                        ("kpi_move", _kpi_moves(con, filters) if in_force else [])):
        found[kind] += items
    if department is not None and found["report_missing"]:
        # its submission rates are of its last report: "On-time submission rose to 100%" beside
        # "The May report has not come in" would contradict it
        found["kpi_move"] = [i for i in found["kpi_move"] if i.figures["kpi"] not in SUBMISSION_KPIS]
    out: list[Sentence] = []
    for kind in KINDS:
        out += _capped(kind, found[kind])
    return out


SUBMISSION_KPIS = frozenset({"submission_rate", "on_time_submission_rate"})


def _since_previous(moves: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The moves (digest_moves.sql) made after the action's previous report in force, each with
    the action's computed RAG now (its row of digest_actions.sql: a move of an action no longer
    in the plan, or of a department that did not report, has none and is left out)."""
    if moves.empty:
        return moves.assign(rag=pd.Series(dtype=object))
    now = pairs[["department", "action_id", "previous_month", "rag"]]
    out = moves.merge(now, on=["department", "action_id"], how="inner")
    out = out[out["period"] > out["previous_month"].fillna("")]
    return out.drop(columns="previous_month").sort_values(
        ["department", "action_id", "period"], kind="stable").reset_index(drop=True)


def _params(con: Connection, filters: Filters, month: str) -> dict[str, Any]:
    """The parameters of digest_actions.sql and digest_moves.sql: the month, and for `figures`
    each department's last month with data in the period (a quarter: not the same for all) and
    its previous month with data (before the period's first)."""
    since = months_of(filters.period)[0]
    wanted = {month}
    for months in department_months(con, filters.departments).values():
        before, inside = [m for m in months if m < since], [m for m in months if since <= m <= month]
        wanted |= {max(group) for group in (before, inside) if group}
    return {**query_params(con, filters), "months": sorted(wanted),
            "with_moves": False, "action_ids": [], "month": month, "since": since}


@dataclass(frozen=True)
class _Item:
    """A sentence before the cap: its sort key, text, figures and the actions it names."""

    key: tuple[Any, ...]
    text: str
    figures: dict[str, Any]
    actions: tuple[ActionRef, ...] = ()
    more: str = ""  # how the "and N more" sentence names it (an action's ID)


@dataclass(frozen=True)
class _Names:
    """How sentences name things: a department's digest leaves its name out."""

    scoped: bool

    def action(self, row: Any) -> str:
        words = " ".join(str(row.action or "").split())
        if len(words) > ACTION_WORDS:
            words = words[:ACTION_WORDS - 1].rstrip() + "…"
        where = "" if self.scoped else f" ({row.department})"
        return f"{row.action_id} “{words}”{where}"

    def report(self, department: str, month: str) -> str:
        the = f"The {period_label(month)} report"
        return the if self.scoped else f"{department}: the {period_label(month)} report"


def _ref(row: Any) -> ActionRef:
    return _action_ref(row.department, row.action_id, row.file_name, row.sheet, row.source_row)


def _action_ref(department: Any, action_id: Any, file_name: Any, sheet: Any, row: Any
                ) -> ActionRef:
    return ActionRef(department=str(department), action_id=str(action_id),
                     file_name=str(plain(file_name) or ""), sheet=str(plain(sheet) or ""),
                     row=int(plain(row) or 0))


def _shown(count: int) -> int:
    """How many of a kind's `count` items get a sentence of their own (the rest: "and N more")."""
    return CAP if count > CAP + 1 else CAP + 1  # "and 1 more" would say no less than it


def _capped(kind: str, items: list[_Item]) -> list[Sentence]:
    """The kind's sentences, most important first, CAP at the most and one "and N more"."""
    items = sorted(items, key=lambda i: i.key)
    cap = _shown(len(items))
    shown = [Sentence(kind, i.text, i.figures, i.actions) for i in items[:cap]]
    rest = items[cap:]
    if rest:
        names = [i.more for i in rest if i.more]
        listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10
                                          else "")
        noun, befell = MORE[kind]
        words = " ".join(w for w in (plural(len(rest), noun), befell) if w)
        # the text names 10 at the most; the JSON names them all (a report has no ActionRef)
        shown.append(Sentence(
            kind, f"And {words.replace(' ', ' more ', 1)}" + (f": {listed}." if listed else "."),
            {"more": len(rest), "named": names}, tuple(a for i in rest for a in i.actions)))
    return shown


# how the "and N more" sentence names a kind: the noun (plural with an s) and what befell them
MORE: dict[str, tuple[str, str]] = {
    "report_missing": ("report", "missing"), "report_rejected": ("report", "with rejected versions"),
    "report_late": ("report", "late"), "not_reported": ("action", "left out of the report"),
    "overdue": ("action", "newly overdue"), "at_risk": ("action", "newly at risk"),
    "due_date_moved": ("due date", "moved"),
    "kpi_move": ("KPI", "moved beyond the threshold"), "completed": ("action", "completed"),
    "new_action": ("new action", ""), "dropped_action": ("action", "no longer in the plan"),
    "report_on_time": ("report", "on time")}


# --- the actions ---------------------------------------------------------------------------------

def _actions(pairs: pd.DataFrame, named: _Names) -> dict[str, list[_Item]]:
    """not_reported, completed, overdue, at_risk, new_action and dropped_action, from
    digest_actions.sql."""
    out: dict[str, list[_Item]] = {k: [] for k in ("not_reported", "completed", "overdue",
                                                   "at_risk", "new_action", "dropped_action")}
    kinds = _action_kinds(pairs)
    rows, chosen = pairs[kinds.notna()].reset_index(drop=True), kinds[kinds.notna()].tolist()
    # "New action" cites the report that added it (a quarter's first with it), the rest the last
    added = (pd.Series(chosen, dtype=object) == "new_action") & rows["added_file_name"].notna()
    if added.any():
        rows.loc[added, ["file_name", "sheet", "source_row"]] = rows.loc[
            added, ["added_file_name", "added_sheet", "added_row"]].to_numpy()
    keys = _keys(rows, chosen)
    for kind in out:
        at = sorted((i for i, k in enumerate(chosen) if k == kind), key=keys.__getitem__)
        shown = _shown(len(at))
        # a sentence is written only for the actions it will name; the rest ("and N more") need
        # only their key, reference and ID: an organisation's month changes thousands of actions
        for i, row in zip(at[:shown], rows.take(at[:shown]).itertuples(index=False), strict=True):
            out[kind].append(BUILDERS[kind](row, named.action(row), _ref(row), keys[i]))
        refs = _refs(rows.take(at[shown:]))
        out[kind] += [_Item(keys[i], "", {}, (ref,), ref.action_id)
                      for i, ref in zip(at[shown:], refs, strict=True)]
    return out


def _keys(rows: pd.DataFrame, kinds: list[str]) -> list[tuple[Any, ...]]:
    """Each row's sort key within its kind (its _Item's key): (department, action_id), after the
    RAG rank and the days past the due date (overdue: more first) or the slip days (at_risk: more
    first)."""
    late = (rows["period_end"] - rows["due_date"]).dt.days.tolist() if len(rows) else []
    slip = rows["slip_days"].astype("float64").fillna(0).tolist()
    rank = [RAG_RANK.get(str(r), 9) for r in rows["rag"].tolist()]
    keys: list[tuple[Any, ...]] = []
    for i, (kind, department, action_id) in enumerate(zip(
            kinds, rows["department"].tolist(), rows["action_id"].tolist(), strict=True)):
        order = (str(department), str(action_id))
        keys.append((rank[i], -late[i], *order) if kind == "overdue"
                    else (rank[i], -slip[i], *order) if kind == "at_risk" else order)
    return keys


def _refs(rows: pd.DataFrame) -> list[ActionRef]:
    """_ref of each row, read column by column."""
    return [_action_ref(*cells) for cells in zip(*(rows[c].tolist() for c in (
        "department", "action_id", "file_name", "sheet", "source_row")), strict=True)]


def _action_kinds(pairs: pd.DataFrame) -> pd.Series:
    """The kind of sentence each action's change gives (the first rule that holds), or None:
    worked out over the whole table, since a large organisation's month is mostly unchanged
    rows, which a loop over rows reads slowly."""
    if pairs.empty:
        return pd.Series(None, index=pairs.index, dtype=object)
    flag = lambda column: pairs[column].fillna(False).astype(bool)  # noqa: E731
    status, was = pairs["status"].fillna(""), pairs["previous_status"].fillna("")
    new, done, overdue = flag("is_new"), status == "Completed", flag("overdue")
    rank = _ranks(pairs["rag"])
    rules = {  # in order: the first that holds
        # a Cancelled action leaves the plan once: when cancelled, not again when next left out
        "dropped_action": (flag("dropped") & (was != "Cancelled"))
        | ((status == "Cancelled") & ~was.isin(["", "Cancelled"])),
        # a new action already Completed or overdue is said under that kind, as new: a quarter
        # of new actions would otherwise say nothing of what was completed
        "new_action": new & ~done & ~overdue,
        # left out of this report, carried forward as last reported: said once, whatever its
        # RAG does meanwhile (its figures are the old report's)
        "not_reported": flag("carried_forward") & ~flag("previous_carried_forward") & ~done
        & ~new,
        "completed": done & (was != "Completed"),
        "overdue": overdue & ~flag("previous_overdue"),
        "at_risk": (rank < _ranks(pairs["previous_rag"]).fillna(9))
        .fillna(False).astype(bool),
    }
    kinds = pd.Series(None, index=pairs.index, dtype=object)
    for kind, holds in reversed(rules.items()):  # earlier rules written last win
        kinds[holds] = kind
    return kinds


def _ranks(rag: pd.Series) -> pd.Series:
    """RAG_RANK of each RAG, NaN for the others: compared as whole columns (a map calls Python
    once a cell)."""
    rank = pd.Series(np.nan, index=rag.index)
    for name, value in RAG_RANK.items():
        rank[rag.eq(name).fillna(False).astype(bool)] = float(value)
    return rank


def _new(row: Any, name: str, ref: ActionRef, key: tuple[Any, ...]) -> _Item:
    due = plain(row.due_date)
    text = (f"New action {name} was added and cancelled." if row.status == "Cancelled"
            else f"New action {name}" + (f", due {a_date(due)}." if due else "."))
    return _Item(key, text,
                 {"status": plain(row.status), "due_date": due, "rag": plain(row.rag)},
                 (ref,), str(row.action_id))


def _dropped(row: Any, name: str, ref: ActionRef, key: tuple[Any, ...]) -> _Item:
    if row.dropped:
        text = (f"{name} is no longer in the plan: it was last reported in "
                f"{period_label(plain(row.previous_month))}.")
    else:
        text = f"{name} was cancelled."
    return _Item(key, text, {"status": "Cancelled" if not row.dropped else None,
                               "previous_status": plain(row.previous_status),
                               "last_reported": plain(row.previous_month) if row.dropped else None},
                 (ref,), str(row.action_id))


def _not_reported(row: Any, name: str, ref: ActionRef, key: tuple[Any, ...]) -> _Item:
    rag, last = plain(row.rag), plain(row.previous_month)
    worse = f" (computed RAG {rag})" if rag in RAG_RANK else ""
    text = (f"{name} was left out of the {period_label(plain(row.period_end).strftime('%Y-%m'))} "
            "report: it stays in the plan as last reported"
            + (f" in {period_label(last)}" if last else "") + f"{worse}.")
    return _Item(key, text, {"last_reported": plain(row.previous_month), "rag": rag,
                             "status": plain(row.status)}, (ref,), str(row.action_id))


def _is_new(row: Any) -> bool:
    return bool(plain(row.is_new))


def _completed(row: Any, name: str, ref: ActionRef, key: tuple[Any, ...]) -> _Item:
    done, due, slip = plain(row.completion_date), plain(row.due_date), plain(row.slip_days)
    late = (pd.Timestamp(done) - pd.Timestamp(due)).days if done and due else None
    new = _is_new(row)
    text = (f"New action {name} was added and completed" if new else f"{name} was completed"
            ) + (f" on {a_date(done)}" if done else "")
    if late is not None and late > 0:
        text += f", {days(late)} after its due date"
    elif late is not None and slip:
        # by a due date moved later, yet after the first one (slip_days: against the baseline)
        text += f", by its moved due date ({days(slip)} after the first one)"
    elif late is not None:
        text += ", on time"
    return _Item(key, text + ".", {"completion_date": done, "due_date": due,
                                     "days_late": late if late and late > 0 else 0
                                     if late is not None else None,
                                     "slip_days": slip, "new": new},
                 (ref,), str(row.action_id))


def _overdue(row: Any, name: str, ref: ActionRef, key: tuple[Any, ...]) -> _Item:
    due, end = plain(row.due_date), plain(row.period_end)
    late = (pd.Timestamp(end) - pd.Timestamp(due)).days
    reason = plain(row.reason_code)
    new = _is_new(row)
    said = f"New action {name} is overdue" if new else f"{name} is now overdue"
    text = (f"{said}: due {a_date(due)}, {days(late)} past it at the end of "
            f"{period_label(str(pd.Timestamp(end).date())[:7])}"
            + (f" (reason code: {reason})." if reason else "; no reason code given."))
    return _Item(key, text,
                 {"due_date": due, "days_overdue": late, "rag": plain(row.rag),
                  "reason_code": reason, "new": new}, (ref,), str(row.action_id))


def _at_risk(row: Any, name: str, ref: ActionRef, key: tuple[Any, ...]) -> _Item:
    rag, was = str(row.rag), plain(row.previous_rag)
    why = []
    variance, forecast = plain(row.schedule_variance), plain(row.forecast_slip_days)
    if variance is not None and variance < 0:
        why.append(f"{-variance:.1f} pp behind its planned progress")
    if forecast is not None and forecast > 0:
        why.append(f"forecast to finish {days(forecast)} late")
    slip = plain(row.slip_days)
    if slip is not None and slip > 0:
        why.append(f"{days(slip)} past its first due date")
    if not why and plain(row.status) in ("At risk", "Delayed"):
        why.append(f"reported {row.status}")
    text = f"{name} is now {rag} (was {was or 'not rated'})" + (f": {', '.join(why)}."
                                                                 if why else ".")
    return _Item(key, text,
                 {"rag": rag, "previous_rag": was, "schedule_variance": variance,
                  "forecast_slip_days": forecast, "slip_days": slip}, (ref,), str(row.action_id))


BUILDERS: dict[str, Callable[[Any, str, ActionRef, tuple[Any, ...]], _Item]] = {
    "new_action": _new, "dropped_action": _dropped, "completed": _completed, "overdue": _overdue,
    "at_risk": _at_risk, "not_reported": _not_reported}


def _moved(moves: pd.DataFrame, named: _Names) -> list[_Item]:
    """due_date_moved: each move since the previous report, larger moves first."""
    out = []
    for row in moves.itertuples(index=False):
        moved = int(row.days_moved)
        reason = plain(row.reason_code)
        way = f"+{days(moved)}" if moved > 0 else f"brought forward {days(-moved)}"
        text = (f"{named.action(row)}: due date moved from {a_date(row.from_due_date)} to "
                f"{a_date(row.to_due_date)} ({way}), "
                + (f"reason code: {reason}." if reason else "no reason code given."))
        out.append(_Item((-moved, RAG_RANK.get(str(plain(row.rag)), 9), str(row.department),
                          str(row.action_id), str(row.period)), text,
                         {"days_moved": moved, "from_due_date": plain(row.from_due_date),
                          "to_due_date": plain(row.to_due_date), "reason_code": reason,
                          "rag": plain(row.rag)}, (_ref(row),), str(row.action_id)))
    return out


# --- KPIs and reports ------------------------------------------------------------------------------

def _kpi_moves(con: Connection, filters: Filters) -> list[_Item]:
    """kpi_move: each KPI whose change since the previous period reaches its threshold."""
    out = []
    for row in kpi_changes(con, filters).itertuples(index=False):
        entry = KPI_BY_NAME.get(str(row.kpi))
        change = plain(row.change)
        if entry is None or change is None or abs(change) < KPI_THRESHOLDS[entry.format] - 1e-9:
            continue
        # the difference of the two figures as written, which a reader checks it against
        shown = shown_change(entry.format, row.previous_value, row.compared_value, exact=True)
        verb = "rose" if change > 0 else "fell"
        better = {"up": change > 0, "down": change < 0}.get(entry.direction)
        # not every department's figures: those that reported both months (like for like)
        over = row.compared_over
        both = f"both {period_label(row.previous_month)} and {period_label(row.month)}"
        across = ("" if over is None else f" across the {len(over)} departments that reported "
                  f"{both}" if len(over) > 1 else f" for {over[0]}, the only department that "
                  f"reported {both}")
        text = (f"{entry.label} {verb} from {kpi_value(entry.format, row.previous_value, True)} "
                f"to {kpi_value(entry.format, row.compared_value, True)} ({shown}){across}.")
        out.append(_Item((-abs(change) / KPI_THRESHOLDS[entry.format], entry.name), text, {
            "kpi": entry.name, "value": plain(row.compared_value),
            "previous_value": plain(row.previous_value), "change": change, "change_text": shown,
            "previous_period": plain(row.previous_period), "compared_over": over,
            "better": better}, more=entry.label))
    return out


def _reports(con: Connection, filters: Filters, month: str, named: _Names
             ) -> dict[str, list[_Item]]:
    """report_missing, report_rejected, report_late and report_on_time: each report of the
    period's months up to the organisation's latest month with data (report_quality), with the
    versions rejected (uploads)."""
    # the digest's "now" is the data's: a month some department has reported, or one before it,
    # is due; a department's own months with data would hide its missing months after them (and
    # `month`, for a scope with no data in a quarter, is the quarter's last, not yet due)
    latest = max(months_with_data(con, ()), default=month)
    months = [m for m in months_of(filters.period) if m <= latest]
    quality = report_quality(con, Filters(months[-1], filters.departments,
                                          period_from=months[0] if len(months) > 1 else None))
    files = upload_history(con, filters, whole_history=False)
    keys = ["department", "period"]
    first_accepted = files[files["status"] == "accepted"].groupby(keys)["uploaded_at"].min()
    failed = files[files["status"] == "rejected"]
    accepted_at = [first_accepted.get((d, p)) for d, p in zip(failed["department"],
                                                              failed["period"], strict=True)]
    after = pd.Series([a is not None and u > a for u, a in zip(failed["uploaded_at"], accepted_at,
                                                               strict=True)], index=failed.index,
                      dtype=bool)
    rejected = failed[~after].groupby(keys).size()  # before the first accepted version
    rejected_later = failed[after].groupby(keys).size()
    out: dict[str, list[_Item]] = {k: [] for k in ("report_missing", "report_rejected",
                                                   "report_late", "report_on_time")}
    on_time: list[tuple[str, str, Any, Any]] = []
    for row in quality.itertuples(index=False):
        department, period, state = str(row.department), str(row.period), str(row.state)
        the, order = named.report(department, period), (period, department)
        versions = int(rejected.get((department, period), 0))
        common = {"department": department, "period": period, "deadline": plain(row.deadline)}
        # how "and N more" names it: a quarter's months each have their report
        more = f"{department} ({period_label(period)})" if len(months) > 1 else department
        if state in ("missing", "rejected"):
            out["report_missing"].append(_Item(order, (
                f"{the} has not come in (it was due by {a_date(row.deadline)})"
                + (f"; {versions} version{'s' if versions != 1 else ''} rejected." if versions
                   else ".")), {**common, "state": state, "rejected_versions": versions},
                more=more))
            continue
        submitted = plain(row.first_submitted_at)
        later = int(rejected_later.get((department, period), 0))
        if versions or later:
            said = [f"{versions} version{'s' if versions != 1 else ''} rejected before one was "
                    "accepted"] if versions else []
            said += [f"{later} later version{'s' if later != 1 else ''} rejected (the accepted "
                     "one stands)"] if later else []
            out["report_rejected"].append(_Item(order, f"{the} had {' and '.join(said)}.",
                                                {**common, "rejected_versions": versions + later},
                                                more=more))
        if state == "late":
            late = (pd.Timestamp(submitted).normalize() - pd.Timestamp(row.deadline)).days
            out["report_late"].append(_Item((-late, *order), (
                f"{the} came in {days(late)} late ({a_date(submitted)}; due by "
                f"{a_date(row.deadline)})."), {**common, "state": state, "days_late": late,
                                               "submitted": submitted,
                                               "file_name": plain(row.file_name)},
                more=more))
        else:
            on_time.append((department, period, submitted, plain(row.file_name)))
    out["report_on_time"] = _on_time(on_time, named)
    return out


def _on_time(reports: list[tuple[str, str, Any, Any]], named: _Names) -> list[_Item]:
    """One sentence for the reports that came in on time (a department's: with its date)."""
    if not reports:
        return []
    if named.scoped or len(reports) == 1:
        return [_Item((p, d), f"{named.report(d, p)} came in on time ({a_date(at)}).",
                      {"department": d, "period": p, "state": "on time", "submitted": at,
                       "file_name": f}, more=d) for d, p, at, f in reports]
    by_month: dict[str, list[str]] = {}
    for d, p, _s, _f in reports:
        by_month.setdefault(p, []).append(d)
    return [_Item((p,), f"{plural(len(ds), 'report')} for {period_label(p)} came in on time: "
                        f"{', '.join(ds)}.", {"period": p, "state": "on time", "reports": len(ds),
                                               "departments": ds})
            for p, ds in by_month.items()]
