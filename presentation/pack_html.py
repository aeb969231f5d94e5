"""The review pack as one self-contained HTML file: cover (period, filters, data freshness, the
uploads read and the pack's stamp), the scope's KPI tiles and league table, what changed, trends, alignment,
slippage, one section per department, the departments that did not report, and the sources.

Charts are interactive Plotly with plotly.js inlined once, so the file opens offline in any
browser and references no network resource. Every text from the reports is HTML-escaped. The
same pack gives the same bytes: no clock time, fixed chart ids, stable ordering.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd

from ingest.words import listing, plural
from metrics.filters import is_quarter, sort_objectives
from metrics.kpi_catalogue import KPIS
from metrics.kpis import plain
from metrics.pack import ReviewPack
from metrics.pack_parts import DepartmentPart
from presentation import theme
from presentation.digest import digest_html, heading
from presentation.pack_across import across_html
from presentation.pack_blocks import chart, chip, show, table, tiles, with_cells, with_source
from presentation.pack_charts import figure_divs, plotly_js
from presentation.pack_format import Col
from presentation.pack_style import stylesheet
from presentation.theme import DASH, describe_filters, period_label, period_span, scope_label

SECTIONS: tuple[tuple[str, str], ...] = (
    ("kpis", "At a glance"), ("what-changed", "What changed"), ("trends", "Trends"),
    ("alignment", "Alignment"), ("slippage", "Slippage"), ("across", "Across departments"),
    ("departments", "Departments"),
    ("not-reported", "Did not report"), ("sources", "Sources"))
MINI_KPIS: tuple[str, ...] = ("completion_rate", "mean_progress", "on_time_rate", "overdue_rate",
                              "slipped_count", "budget_utilisation", "smart_compliance")
ACTIONS: tuple[Col, ...] = (
    Col("action_id", "ID", "nowrap"), Col("action_cell", "Action · responsible · objective", "html"),
    Col("status", "Status", "nowrap"), Col("rag", "RAG", "rag"),
    Col("percent_complete", "Progress", "pct100"), Col("due_date", "Due", "date"),
    Col("slip_days", "Slip (days)", "int"), Col("forecast_cell", "Forecast finish", "html"),
    Col("reason_code", "Reason code"), Col("comments", "Comments", "wide"),
    Col("source", "Source"))
SLIPPED: tuple[Col, ...] = (
    Col("department", "Department"), Col("action_id", "ID", "nowrap"),
    Col("action", "Action", "wide"), Col("status", "Status", "nowrap"), Col("rag", "RAG", "rag"),
    Col("baseline_due_date", "Baseline due", "date"), Col("due_date", "Due", "date"),
    Col("completion_date", "Completed on", "date"), Col("slip_days", "Slip (days)", "int"),
    Col("reason_code", "Reason code"))
MOVED: tuple[Col, ...] = (
    Col("department", "Department"), Col("action_id", "ID", "nowrap"),
    Col("action", "Action", "wide"), Col("moves", "Moves", "int"),
    Col("baseline_due_date", "Baseline due", "date"), Col("due_date", "Due now", "date"),
    Col("days_moved", "Days moved", "int"), Col("status", "Status", "nowrap"),
    Col("rag", "RAG", "rag"))
LATE: tuple[Col, ...] = (
    Col("department", "Department"), Col("action_id", "ID", "nowrap"),
    Col("action_cell", "Action · responsible", "html"),
    Col("status", "Status", "nowrap"), Col("rag", "RAG", "rag"),
    Col("percent_complete", "Progress", "pct100"), Col("due_date", "Due", "date"),
    Col("forecast_finish", "Forecast finish", "date"), Col("reason", "Why"),
    Col("source", "Source"))
LEAGUE: tuple[Col, ...] = (
    Col("rank", "#", "int"), Col("department", "Department"), Col("department_rag", "RAG", "rag"),
    Col("actions", "Actions", "int"), Col("completion_rate", "Completion", "rate"),
    Col("mean_progress", "Mean progress", "percent"), Col("on_time_rate", "On time", "rate"),
    Col("overdue_rate", "Overdue", "rate"), Col("slipped_count", "Slipped", "int"),
    Col("budget_utilisation", "Budget used", "rate"), Col("cost_performance_index", "CPI", "ratio"),
    Col("smart_compliance", "SMART", "rate"), Col("alignment_rate", "Aligned", "rate"),
    Col("red", "Red", "int"), Col("amber", "Amber", "int"), Col("green", "Green", "int"),
    Col("complete", "Complete", "int"))
SOURCES: tuple[Col, ...] = (
    Col("upload_id", "Upload #", "int"), Col("department", "Department"),
    Col("period", "Period", "nowrap"), Col("use", "Read for"), Col("file_name", "File"),
    Col("sha", "SHA-256 (first 12)", "mono"), Col("submitted_at", "Submitted", "date"),
    Col("uploaded_at", "Uploaded", "datetime"), Col("versions", "Versions", "int"))
def _pp(value: Any) -> str:
    return f"{float(value):g} pp".replace("-", "−")


def _cover(pack: ReviewPack) -> str:
    f = pack.filters
    figures = pack.uploads[pack.uploads["use"] == "figures"]
    fresh = figures.assign(sha=[str(s)[:12] for s in figures["sha256"]])
    latest_upload = show(pack.uploads["uploaded_at"].max(), "datetime") if len(pack.uploads) else DASH
    latest_submitted = show(figures["submitted_at"].max(), "date") if len(figures) else DASH
    register = pack.register
    facts = [
        ("Period", period_label(f.period) + ("" if period_span(f.period) == period_label(f.period)
                                            else f" ({period_span(f.period)})")
         + f"; figures as of {period_label(pack.month)}, each department's last report in the period"),
        ("Compared with", period_label(pack.previous_period) if pack.previous_period
         else "no earlier period with data"),
        ("Departments", scope_label(f)),
        ("Objectives", ", ".join(sort_objectives(f.objectives)) or "All objectives"),
        ("Strategy register", f"version {register['register_version']} · {register['file_name']} · "
                              f"{register['objective_count']} objectives · sha256 "
                              f"{str(register['sha256'])[:12]}" if register else "none loaded"),
        ("RAG rule", f"Red: overdue, slipped more than {pack.settings['red_slip_days']} days or "
                     f"schedule variance below {_pp(pack.settings['red_schedule_variance'])}; "
                     "Amber: schedule variance below "
                     f"{_pp(pack.settings['amber_schedule_variance'])}, "
                     "At risk or Delayed, or forecast to finish late; else Green"),
        ("Data freshness", f"latest report submitted {latest_submitted}; latest upload read "
                           f"{latest_upload}"),
    ]
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    toc = "".join(f'<a href="#{k}">{escape(v)}</a>' for k, v in SECTIONS)
    return (
        f'<header class="cover" id="cover"><div class="eyebrow">Lekgotla · review pack</div>'
        f"<h1>{escape(period_label(f.period))} review</h1>"
        f'<p class="subtitle">{escape(scope_label(f))} · {escape(period_span(f.period))}</p>'
        f'<dl class="facts">{dl}</dl>'
        f'<div class="stampbox">Pack stamp <b class="stamp" id="pack-stamp">{pack.pack_id}</b> — '
        f"a hash of the filters, settings, register and the {plural(len(pack.uploads), 'report')} read "
        "(listed under Sources with their SHA-256). The same data and filters give the same "
        "stamp and the same pack; every action row names the file and row it came from.</div>"
        f"<h3>Reports in force for {escape(period_label(f.period))}</h3>"
        + table(fresh, (Col("department", "Department"), Col("period", "Report of", "nowrap"),
                        Col("submitted_at", "Submitted", "date"),
                        Col("uploaded_at", "Uploaded", "datetime"),
                        Col("upload_id", "Upload #", "int"), Col("versions", "Version", "int"),
                        Col("file_name", "File"), Col("sha", "SHA-256 (first 12)")),
                pack.currency)
        + f'<nav class="toc">{toc}</nav></header>')


def _glance(pack: ReviewPack, divs: dict[str, str]) -> str:
    rags = pack.rag_counts.set_index("rag")["actions"].to_dict()
    counts = " ".join(f'<span class="chip {r.lower()}">{int(rags.get(r, 0))} {r}</span>'
                      for r in theme.RAG_ORDER)
    league = pack.ranked
    columns = LEAGUE
    if is_quarter(pack.filters.period):  # each department's figures are of its last month
        league = league.assign(report_of=theme.report_months(league))
        columns = (*LEAGUE[:2], Col("report_of", "Report of", "nowrap"), *LEAGUE[2:])
    return (
        '<section id="kpis" class="major"><h2>At a glance</h2>'
        f'<p class="lead">{escape(scope_label(pack.filters))}: '
        f'{plural(pack.kpi("actions") or 0, "action")} in scope (Cancelled left out), figures of '
        f"{escape(period_label(pack.month))}. "
        + (f"Change is since {escape(period_label(pack.previous_period))}."
           if pack.previous_period else "There is no earlier period to compare with.")
        + (" A quarter's figures, the submission rates among them, are its last month's: the "
           'reports its other months missed or sent late are under <a href="#not-reported">Did '
           "not report</a>." if is_quarter(pack.filters.period) else "")
        + "</p>" + _provisional(pack)
        + tiles(pack.changes, pack.trend, [k.name for k in KPIS])
        + f'<div class="chips">Actions by computed RAG: {counts}</div>'
        + "<h3>Department league table</h3>"
        + table(league, columns, pack.currency, "Department RAG is computed from its actions: Red "
                "when at least a quarter are Red; Amber when at least a tenth are Red or a quarter "
                "Red or Amber; else Green. Ranked by completion, then mean progress.")
        + chart(divs, "department-rag", "Actions by computed RAG, per department")
        + "</section>")


def _provisional(pack: ReviewPack) -> str:
    """The dashboard's "Provisional" warning, when some departments in scope have not reported
    the month of the figures."""
    if not pack.reporting.get("missing"):
        return ""
    head, rest = theme.provisional(pack.reporting)
    return f'<p class="provisional"><strong>{escape(head)}.</strong> {escape(rest)}.</p>'


def _what_changed(pack: ReviewPack) -> str:
    groups = "".join(digest_html(sentences, name, level=3) for name, sentences in pack.digest)
    objectives = (" Objectives do not narrow it: it covers every action of the scope."
                  if pack.filters.objectives else "")
    return (f'<section id="what-changed" class="major"><h2>{escape(heading(pack.previous_period))}'
            '</h2><p class="lead">The changes since the previous period, most important first, '
            "each with the file, sheet and row of the actions it names (docs/digest.md gives "
            f"the rules).{objectives}</p>{groups}</section>")


def _trends(divs: dict[str, str]) -> str:
    return ('<section id="trends" class="major"><h2>Trends</h2><div class="grid2">'
            + chart(divs, "completion-trend", "Completion, timeliness and spend")
            + chart(divs, "quality-trend", "Quality, targets and alignment") + "</div>"
            + chart(divs, "rag-months", "Actions by computed RAG, month by month") + "</section>")


def _alignment(pack: ReviewPack, divs: dict[str, str]) -> str:
    none = pack.objectives_without_action
    orphans = pack.actions_without_objective
    return (
        '<section id="alignment" class="major"><h2>Alignment</h2>'
        + chart(divs, "alignment-heatmap", "Objectives × departments: number of actions")
        + '<div class="grid2"><div><h3>Objectives with no action</h3>'
        + (table(none, (Col("objective_id", "ID", "nowrap"), Col("objective", "Objective"),
                        Col("pillar", "Pillar"), Col("priority", "Priority", "int")),
                 pack.currency) if len(none) else '<p class="ok">Every objective has an action.</p>')
        + "</div><div>" + chart(divs, "smart-checks", "SMART checks: share of actions passing")
        + "</div></div><h3>Actions with no valid objective</h3>"
        + (table(orphans, (Col("department", "Department"), Col("action_id", "ID", "nowrap"),
                           Col("action", "Action", "wide"), Col("objective_id", "Objective given")),
                 pack.currency) if len(orphans)
           else '<p class="ok">Every action serves an objective of the register.</p>')
        + "</section>")


def _slippage(pack: ReviewPack, divs: dict[str, str]) -> str:
    def part(title: str, rows: pd.DataFrame, columns: Sequence[Col], empty: str) -> str:
        body = table(rows, columns, pack.currency) if len(rows) else f'<p class="ok">{empty}</p>'
        return f"<h3>{escape(title)} ({len(rows)})</h3>{body}"

    # a department whose last report is earlier adds nothing here (docs/kpis.md, Scope)
    behind: dict[str, list[str]] = {}
    for p in pack.departments:
        if p.month and p.month != pack.month:
            behind.setdefault(p.month, []).append(p.department)
    scope = ("" if not behind else
             f" The tiles and tables are of {escape(period_label(pack.month))}. "
             + "; ".join(f"{escape(listing(ds))} {'has' if len(ds) == 1 else 'have'} reported "
                         f"the period only up to {escape(period_label(m))}"
                         for m, ds in sorted(behind.items()))
             + (": its actions are in its own section" if sum(map(len, behind.values())) == 1
                else ": their actions are in their own sections") + " under Departments.")
    return (
        '<section id="slippage" class="major"><h2>Slippage</h2>'
        '<p class="lead">Slip is measured against the baseline due date (the first one reported); '
        f"forecast finish extrapolates progress to date.{scope}</p>"
        + tiles(pack.changes, pack.trend, ["slipped_count", "mean_slip_days",
                                           "rescheduled_count", "overdue_rate"])
        + part("Slipped actions", pack.slipped, SLIPPED, "No action has slipped past its baseline.")
        + part("Rescheduled actions", pack.moved, MOVED, "No due date has moved.")
        + part("Overdue and forecast-late actions", with_cells(with_source(pack.late)), LATE,
               "No open action is overdue or forecast to finish late.")
        + chart(divs, "slippage-by-department", "Slipped actions per department, month by month")
        + "</section>")


def department_id(department: str) -> str:
    """The anchor of a department's section: `dept-human-resources`."""
    return "dept-" + "".join(ch if ch.isalnum() else "-" for ch in department.lower()).strip("-")


def _department(pack: ReviewPack, part: DepartmentPart) -> str:
    upload = part.upload
    source = (f"report of {period_label(part.month)} · {upload['file_name']} · upload "
              f"{upload['upload_id']} · sha256 {str(upload['sha256'])[:12]}" if upload else
              f"no report in {period_label(pack.filters.period)}")
    previous = plain(part.changes["previous_period"].iloc[0])
    if previous:
        source += f" · changes since {period_label(previous)}"
    head = (f'<div class="dept-head"><h3>{escape(part.department)}</h3>{chip(part.rag)}'
            f'<span class="note">{escape(source)}</span></div>')
    if part.actions.empty:
        return (f'<section class="department" id="{department_id(part.department)}" '
                f'data-department="{escape(part.department)}">{head}'
                '<p class="note">No action matches the filters.</p></section>')
    return (f'<section class="department" id="{department_id(part.department)}" '
            f'data-department="{escape(part.department)}">{head}'
            + tiles(part.changes, None, MINI_KPIS, mini=True)
            + table(with_cells(with_source(part.actions, by="sheet")), ACTIONS, pack.currency,
                    "Slip: days past the baseline (first reported) due date. Forecast: finish at "
                    "the pace so far, days after (+) or before (−) the due date. Source: sheet "
                    "and row of the report named above, or of the earlier report an action left "
                    "out of it is carried forward from.")
            + "</section>")


def _not_reported(pack: ReviewPack) -> str:
    missing, late = pack.not_reported, pack.submissions[pack.submissions["state"] == "late"]
    cols = (Col("department", "Department"), Col("period", "Month", "nowrap"),
            Col("state", "State", "rag"), Col("deadline", "Deadline", "date"),
            Col("first_submitted_at", "Submitted", "date"))
    return (
        '<section id="not-reported" class="major"><h2>Departments that did not report</h2>'
        + (table(missing, cols, pack.currency) if len(missing) else
           '<p class="ok">Every department in scope reported every month of the period.</p>')
        + f"<h3>Late reports ({len(late)})</h3>"
        + (table(late, cols, pack.currency) if len(late) else
           '<p class="ok">Every report came in on time.</p>')
        + "</section>")


def _sources(pack: ReviewPack) -> str:
    rows = pack.uploads.assign(sha=[str(s)[:12] for s in pack.uploads["sha256"]])
    return ('<section id="sources" class="major"><h2>Sources</h2><p class="lead">Every report '
            "this pack read. <b>figures</b>: the report whose actions it shows; "
            "<b>comparison</b>: the previous period's figures; <b>history</b>: trends and "
            "due-date moves.</p>" + table(rows, SOURCES, pack.currency) + "</section>")


def stamp_json(pack: ReviewPack) -> str:
    """The pack's stamp as JSON (embedded in the report): filters and every upload read."""
    f = pack.filters
    data = {
        "pack_id": pack.pack_id, "period": f.period, "month": pack.month,
        "departments": sorted(f.departments), "objectives": sorted(f.objectives),
        "register_version": pack.register["register_version"] if pack.register else None,
        "uploads": [{"upload_id": int(u["upload_id"]), "file_name": str(u["file_name"]),
                     "sha256": str(u["sha256"])[:12], "department": str(u["department"]),
                     "period": str(u["period"]), "use": str(u["use"])}
                    for u in pack.uploads.to_dict("records")],
    }
    # <, > and & as JSON escapes: report text in it (file names) never reads as a tag
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def pack_html(pack: ReviewPack) -> str:
    """The review report (see the module docstring) as one HTML document."""
    divs = figure_divs(pack)
    title = f"Lekgotla review pack — {describe_filters(pack.filters)}"
    departments = "".join(_department(pack, p) for p in pack.departments)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="lekgotla-pack" content="{pack.pack_id}"><title>{escape(title)}</title>'
        f"<style>{stylesheet()}</style>"
        f'<script type="application/json" id="lekgotla-stamp">{stamp_json(pack)}</script>'
        f'<script type="text/javascript">{plotly_js()}</script></head>\n<body><main>'
        + _cover(pack) + _glance(pack, divs) + _what_changed(pack) + _trends(divs)
        + _alignment(pack, divs) + _slippage(pack, divs) + across_html(pack)
        + '<section id="departments" class="major"><h2>Departments</h2><p class="lead">Each '
          "department's KPIs (its last report in the period) and every action, with the file "
          "and row it came from.</p></section>" + departments
        + _not_reported(pack) + _sources(pack)
        + f'<footer class="note">Lekgotla review pack · {escape(describe_filters(pack.filters))}'
          f' · stamp <span class="stamp">{pack.pack_id}</span></footer></main></body></html>\n')
