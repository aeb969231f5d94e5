"""The review pack (SPEC §7): everything the quarterly lekgotla reviews, for a period and filters,
gathered once from the metrics functions and written as XLSX, a self-contained HTML report and,
where a Chromium is installed, a PDF of that report.

`build_pack(con, filters) -> ReviewPack` collects the figures; `presentation.pack_xlsx.pack_xlsx`
and `presentation.pack_html.pack_html` render them; `presentation.pack_files.write_pack(con,
filters, out_dir)` writes all three.
The pack is reproducible: nothing in it depends on when it was made. Its stamp (`pack_id`) is a
hash of the filters, the settings and register used and the upload id and SHA-256 of every report
read, and the pack lists those uploads, so any figure in it can be traced to its file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd

from ingest.db import Connection, setting
from metrics import queries, views
from metrics.actions import resolve_month
from metrics.breakdowns import (
    actions_without_objective,
    by_rag,
    department_league,
    objective_alignment,
    objectives_without_action,
    smart_results,
)
from metrics.catalogue import checked_filters
from metrics.digest import Sentence, digest
from metrics.filters import Filters, months_of, sort_objectives
from metrics.kpis import kpi_changes, kpi_trend, months_with_data, periods_with_data, plain
from metrics.pack_across import CrossDepartment, cross_department
from metrics.pack_parts import (
    DepartmentPart,
    department_parts,
    pooled_trend,
    sorted_actions,
    steady,
)
from metrics.quality import report_quality

PACK_FORMAT = 4  # bump when the layout changes, so that a changed pack gets a new stamp
SETTINGS_USED: tuple[str, ...] = ("red_slip_days", "red_schedule_variance",
                                  "amber_schedule_variance", "on_time_day", "currency")
UPLOAD_COLUMNS: tuple[str, ...] = ("upload_id", "department", "period", "file_name", "sha256",
                                   "submitted_at", "uploaded_at", "uploaded_by", "row_count",
                                   "warning_count", "versions", "use")
# What a report is read for: its actions are the pack's figures; the previous period's change;
# the trends and due-date history.
USES: tuple[str, ...] = ("figures", "comparison", "history")
# The dashboard builds a pack of up to this many action rows when its page opens; a larger one
# is slow to build, so it is built when asked for.
BUILD_ON_OPEN_ROWS = 5_000


@dataclass(frozen=True)
class ReviewPack:
    """Every figure of the review pack for `filters` (see the module docstring)."""

    filters: Filters
    month: str
    previous_period: str | None
    currency: str
    settings: dict[str, Any]
    register: dict[str, Any] | None
    uploads: pd.DataFrame
    pack_id: str
    changes: pd.DataFrame
    trend: pd.DataFrame
    trend_by_department: pd.DataFrame
    rag_trend: pd.DataFrame
    rag_counts: pd.DataFrame
    league: pd.DataFrame
    alignment: pd.DataFrame
    objectives_without_action: pd.DataFrame
    actions_without_objective: pd.DataFrame
    smart: pd.DataFrame
    slipped: pd.DataFrame
    moved: pd.DataFrame
    late: pd.DataFrame
    submissions: pd.DataFrame
    departments: tuple[DepartmentPart, ...] = field(default=())
    # "What changed" (metrics.digest): (department, its sentences) for each department asked, or
    # one ("", sentences) for the organisation or a single department
    digest: tuple[tuple[str, tuple[Sentence, ...]], ...] = field(default=())
    across: CrossDepartment | None = None  # issue 16: dependencies and initiatives
    # who has reported the month of the figures (views.period_reporting): while some in scope
    # have not, the figures are provisional
    reporting: dict[str, Any] = field(default_factory=dict)

    @property
    def ranked(self) -> pd.DataFrame:
        """The league table's departments with actions in scope, ranked; the others did not
        report (`not_reported`) and have no rank."""
        return self.league[self.league["actions"] > 0]

    @property
    def not_reported(self) -> pd.DataFrame:
        """Department × month of the period with no accepted report (missing or rejected)."""
        rows = self.submissions[self.submissions["state"].isin(["missing", "rejected"])]
        return rows.reset_index(drop=True)

    @property
    def stem(self) -> str:
        """File name without extension: `lekgotla-review-2025-Q2-all`."""
        scope = "-".join(sorted(self.filters.departments)) or "all"
        text = f"lekgotla-review-{self.filters.period}-{scope}"
        if self.filters.objectives:
            text += "-" + "-".join(sort_objectives(self.filters.objectives))
        return re.sub(r"[^A-Za-z0-9_-]+", "_", text)[:120]

    def kpi(self, name: str) -> Any:
        """The scope's value of one KPI (or `actions`)."""
        return plain(self.changes.set_index("kpi").loc[name, "value"])


def _steady_pack(pack: ReviewPack) -> ReviewPack:
    frames = {f.name: steady(getattr(pack, f.name)) for f in fields(pack)
              if isinstance(getattr(pack, f.name), pd.DataFrame)}
    return replace(pack, **frames)  # department_parts gives its parts steady already


def _register(con: Connection, month: str) -> dict[str, Any] | None:
    """The register the month of the figures is judged against (not a later one)."""
    versions = views.register_versions(con)
    if versions.empty:
        return None
    version = queries.scalar(con, "month_register", {"month": month})
    chosen = versions[versions["register_version"] == version]
    row = (chosen if len(chosen) else versions.sort_values("register_version")).iloc[-1]
    return {k: plain(row[k]) for k in ("register_version", "file_name", "sha256", "loaded_at",
                                       "objective_count")}


def pack_id(filters: Filters, uploads: pd.DataFrame, register: dict[str, Any] | None,
            used_settings: dict[str, Any]) -> str:
    """The pack's stamp: 12 hex digits of a SHA-256 over what its content depends on — the
    filters, settings, register and the (upload id, sha256) of every report read."""
    payload = {
        "format": PACK_FORMAT,
        "filters": [filters.period, sorted(filters.departments), sorted(filters.objectives),
                    sorted(filters.statuses)],
        "settings": {k: str(v) for k, v in sorted(used_settings.items())},
        "register": None if register is None else [register["register_version"],
                                                   register["sha256"]],
        "uploads": [[int(u), str(s)] for u, s in zip(uploads["upload_id"], uploads["sha256"],
                                                     strict=True)],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _uploads(con: Connection, filters: Filters, last_month: str,
             figures: dict[str, str | None], comparison: dict[str, str | None]) -> pd.DataFrame:
    """Every report the pack reads (up to `last_month`), with what it is read for."""
    months = [m for m in months_with_data(con, filters.departments) if m <= last_month]
    rows = queries.frame(con, "pack_uploads", {"departments": sorted(set(filters.departments)),
                                               "months": months or [last_month]})
    uses = []
    for department, period in zip(rows["department"], rows["period"], strict=True):
        if figures.get(str(department)) == period:
            uses.append("figures")
        elif comparison.get(str(department)) == period:
            uses.append("comparison")
        else:
            uses.append("history")
    rows["use"] = uses
    return rows[list(UPLOAD_COLUMNS)].reset_index(drop=True)


def pack_size(con: Connection, filters: Filters) -> int:
    """How many action rows the pack would list, at most (the period's busiest month for the
    departments asked): what the time to build it and write its files grows with."""
    rows = periods_with_data(con, filters.departments)
    counts = rows.loc[rows["period"].isin(months_of(filters.period)), "reported_rows"]
    return int(counts.max()) if len(counts) else 0


def build_pack(con: Connection, filters: Filters) -> ReviewPack:
    """Gather every figure of the review pack for the period (a quarter or a month) and filters.

    The scope's KPIs are those of `kpis` (a quarter: its last month with data) with the change
    since the previous period; each department's part is of its own last month with data in the
    period, as in the league table. Raises QueryError for unknown departments or objectives or a
    period without data.
    """
    filters = checked_filters(con, replace(filters, period_from=None))
    month = resolve_month(con, filters)
    history = Filters(month, filters.departments, filters.objectives, filters.statuses,
                      period_from=(months_with_data(con, filters.departments) or [month])[0])
    if history.period_from is not None and history.period_from > month:
        history = replace(history, period_from=month)
    changes = kpi_changes(con, filters)
    league = department_league(con, filters)
    # every department's part from one query each, split by department (pack_parts)
    parts = department_parts(con, filters, {
        str(d): plain(r)
        for d, r in sorted(zip(league["department"], league["department_rag"], strict=True))})
    previous = plain(changes["previous_period"].iloc[0])
    figures_month = {p.department: p.month for p in parts}
    comparison_month: dict[str, str | None] = {}
    for p in parts:
        comparison_month[p.department] = plain(p.changes["previous_month"].iloc[0])
    used_settings = {name: setting(con, name) for name in SETTINGS_USED}
    register = _register(con, month)
    uploads = _uploads(con, filters, months_of(filters.period)[-1], figures_month,
                       comparison_month)
    # the organisation's actions: those of the departments whose last report is the month of
    # its figures (action_figures(con, filters), split by department in the parts), so that the
    # slippage tables list what the tiles count, as on the Slippage page
    actions = pd.concat([p.actions for p in parts if p.month == month and len(p.actions)]
                        or [pd.DataFrame()], ignore_index=True)
    slipped = actions[(actions["status"] != "Cancelled")
                      & (actions["slip_days"].fillna(0) > 0)] if len(actions) else actions
    if len(slipped):
        slipped = slipped.sort_values(["slip_days", "department", "action_id"],
                                      ascending=[False, True, True]).reset_index(drop=True)
    moved = views.moved_actions(con, filters)
    late = views.late_actions(con, filters)
    if len(late):  # where each late action was read: its upload, as for the other tables
        late = late.merge(actions[["department", "action_id", "upload_id"]],
                          on=["department", "action_id"], how="left")
    trend_by_department = kpi_trend(con, history, by_department=True)
    org_months = [m for m in months_of(filters.period) if m <= month]
    submissions = report_quality(con, Filters(org_months[-1], filters.departments,
                                              period_from=org_months[0]))
    return _steady_pack(ReviewPack(
        filters=filters, month=month, previous_period=previous,
        currency=str(used_settings["currency"]), settings=used_settings, register=register,
        uploads=uploads, pack_id=pack_id(filters, uploads, register, used_settings),
        changes=changes, trend=pooled_trend(trend_by_department),
        trend_by_department=trend_by_department,
        rag_trend=views.rag_trend(con, history), rag_counts=by_rag(con, filters), league=league,
        alignment=objective_alignment(con, filters),
        objectives_without_action=objectives_without_action(con, filters),
        actions_without_objective=sorted_actions(actions_without_objective(con, filters)),
        smart=smart_results(con, filters), slipped=slipped, moved=moved, late=late,
        submissions=submissions, departments=parts, digest=_digest(con, filters),
        across=cross_department(con, filters), reporting=views.period_reporting(con, filters),
    ))


def _digest(con: Connection, filters: Filters) -> tuple[tuple[str, tuple[Sentence, ...]], ...]:
    """The digest of the period: the organisation's or the department's, or each department's
    when several are asked (a digest is of one scope; objectives do not narrow it)."""
    departments = sorted(set(filters.departments))
    if len(departments) <= 1:
        return (("", tuple(digest(con, filters.period, departments[0] if departments else None))),)
    return tuple((d, tuple(digest(con, filters.period, d))) for d in departments)

