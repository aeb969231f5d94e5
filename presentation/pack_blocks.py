"""Building blocks of the review report's HTML: values as text, RAG chips, tables, KPI tiles
with sparklines, chart slots. Every text from the data is HTML-escaped here."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd

from metrics.kpi_catalogue import KPI_BY_NAME
from metrics.kpis import plain
from presentation import theme
from presentation.pack_format import Col
from presentation.theme import DASH, period_label

NUMERIC = {"int", "signed", "rate", "percent", "pct100", "ratio", "days", "money"}
NOWRAP = {"nowrap", "date", "datetime"}


def show(value: Any, kind: str, currency: str = "R") -> str:
    """A value as text for the report (not yet escaped): the dash where there is none."""
    value = plain(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return DASH
    formats = {**theme.KPI_FORMATS, "date": theme.a_date, "datetime": theme.a_datetime,
               "pct100": lambda v: f"{float(v):.0f}%", "int": theme.number}
    if kind == "money":
        return theme.money(value, currency)
    if kind == "signed":
        return f"{int(value):+d}".replace("-", "−")
    if kind in formats:
        return str(formats[kind](value))
    return str(value)


def chip(label: Any) -> str:
    """A RAG (or submission state) as a coloured label; the dash when there is none."""
    text = plain(label)
    if text is None:
        return DASH
    return f'<span class="chip {escape(str(text).lower().replace(" ", "-"))}">{escape(str(text))}</span>'


def table(rows: pd.DataFrame, columns: Sequence[Col], currency: str, caption: str = "") -> str:
    """An HTML table of these rows and columns."""
    head = "".join(f'<th class="{"num" if c.kind in NUMERIC else ""}">{escape(c.header)}</th>'
                   for c in columns)
    body = []
    shown = [k for k in dict.fromkeys(c.key for c in columns) if k in rows.columns]
    for record in rows[shown].to_dict("records"):  # only the columns shown: tables are wide
        cells = []
        for c in columns:
            value = record.get(c.key)
            if c.kind == "rag":
                cells.append(f"<td>{chip(value)}</td>")
                continue
            if c.kind == "html":  # built from escaped parts by the section that made it
                cells.append(f'<td class="wide">{value}</td>')
                continue
            css = ("num" if c.kind in NUMERIC else "nowrap" if c.kind in NOWRAP
                   else "wide" if c.kind == "wide" else "")
            text = escape(show(value, c.kind, currency))
            cells.append(f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = f'<p class="note">{escape(caption)}</p>' if caption else ""
    return (f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
            f"</tbody></table>{note}")


def with_source(rows: pd.DataFrame, by: str = "upload_id") -> pd.DataFrame:
    """Rows with `source`: where each was read — `upload 23 · row 14` (Sources names the file),
    or, within one department's report, `Action Plan · row 14` (just the row for a CSV, whose
    "sheet" is its file name; a row carried forward names the earlier report's file first)."""
    if rows.empty:
        return rows
    out = []
    carried = rows["carried_forward"] if "carried_forward" in rows else [False] * len(rows)
    for u, f, r, c in zip(rows[by], rows["file_name"], rows["source_row"], carried, strict=True):
        where = f"upload {int(u)}" if by == "upload_id" else str(u)
        if by == "sheet" and str(f).rsplit(".", 1)[0] == str(u):
            where = ""
        if by == "sheet" and plain(c):  # not in the report named above: in an earlier one
            where = " · ".join(p for p in (f"carried forward from {f}", where) if p)
        row = f"row\u00a0{int(r)}" if plain(r) is not None else ""
        out.append(" · ".join(p for p in (where, row) if p) or DASH)
    return rows.assign(source=out)


def with_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with the composite cells of the action tables: `action_cell` (the action, and under
    it who is responsible and for which objective) and `forecast_cell` (forecast finish and how
    many days after (+) or before (−) the due date)."""
    if rows.empty:
        return rows
    actions, forecasts = [], []
    used = ["responsible", "objective_id", "action", "forecast_finish", "forecast_slip_days"]
    for r in rows[[c for c in used if c in rows.columns]].to_dict("records"):
        under = [escape(str(v)) for v in (r.get("responsible"), r.get("objective_id"))
                 if plain(v) is not None and str(v).strip()]
        actions.append(escape(show(r.get("action"), "text"))
                       + (f'<div class="under">{" · ".join(under)}</div>' if under else ""))
        finish = show(r.get("forecast_finish"), "date")
        days = plain(r.get("forecast_slip_days"))
        forecasts.append(f'<span class="nowrap">{escape(finish)}</span>'
                         + (f'<div class="under">{escape(show(days, "signed"))} '
                            f'{"day" if abs(days) == 1 else "days"} vs due</div>'
                            if days is not None and finish != DASH else ""))
    return rows.assign(action_cell=actions, forecast_cell=forecasts)


def sparkline(values: Sequence[Any], width: int = 84, height: int = 26,
              dashed_last: bool = False) -> str:
    """A small inline SVG line of a KPI's monthly values (empty when fewer than two);
    `dashed_last`: as theme.spark_lines."""
    points = [(i, float(v)) for i, v in enumerate(values) if plain(v) is not None]
    if len(points) < 2:
        return ""
    low, high = min(v for _, v in points), max(v for _, v in points)
    span, last = (high - low) or 1.0, max(len(values) - 1, 1)
    xy = [f"{2 + i * (width - 4) / last:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
          for i, v in points]
    dashed = dashed_last and points[-1][0] == len(values) - 1  # the month's own point is there
    lines = theme.spark_lines(xy, 'fill="none" stroke="#9DB3C8" stroke-width="1.6"', dashed)
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
            f'{lines}</svg>')


def change_text(name: str, previous: Any, value: Any, since: str | None, short: bool = False) -> str:
    """A KPI's change since the previous period, coloured good or bad: the difference of the two
    figures as the tiles show them, as the dashboard's tiles give it."""
    previous, value = plain(previous), plain(value)
    if previous is None or value is None or since is None:
        what = f"no figure for {escape(since)} to compare" if since else "no earlier period to compare"
        return f'<div class="change flat">{what}</div>'
    k = KPI_BY_NAME.get(name)
    kind, good = (k.format, k.direction) if k else ("count", "none")
    difference = theme.shown_difference(kind, previous, value)
    if difference == 0:
        return f'<div class="change flat">no change{"" if short else " since " + escape(since)}</div>'
    amount = theme.shown_change(kind, previous, value)
    up = difference > 0
    css = "flat" if good == "none" else "good" if up == (good == "up") else "bad"
    text = f"{'▲' if up else '▼'} {amount}" + ("" if short else f" since {since}")
    return f'<div class="change {css}">{escape(text)}</div>'


def tiles(changes: pd.DataFrame, trend: pd.DataFrame | None, names: Sequence[str],
          mini: bool = False) -> str:
    """KPI tiles: label, value, change since the previous period, and a sparkline."""
    by_name = changes.set_index("kpi")
    previous = plain(changes["previous_period"].iloc[0])
    since = period_label(previous) if previous else None
    out = []
    for name in names:
        k = KPI_BY_NAME[name]
        row = by_name.loc[name]
        # a change that compares only the departments that reported both months, whose two
        # figures no tile shows: the change itself rounded, and which departments in its title
        fewer = theme.same_departments(row.get("compared_over"))
        like = since and since + fewer
        words = theme.compared_words(row)
        start, end = theme.change_ends(row)
        # a provisional month's own point is over the departments that reported it
        spark = (sparkline(list(trend[name]), dashed_last=bool(row.get("provisional")))
                 if trend is not None and not mini else "")
        title = k.help + (f" {words}" if words else "")
        out.append(f'<div class="tile" title="{escape(title)}" data-kpi="{name}">{spark}'
                   f'<div class="label">{escape(k.label)}</div>'
                   f'<div class="value">{escape(show(row["value"], k.format))}</div>'
                   f'{change_text(name, start, end, like, mini)}</div>')
    return f'<div class="tiles{" mini" if mini else ""}">{"".join(out)}</div>'


def chart(divs: dict[str, str], name: str, title: str) -> str:
    """A chart with its heading (nothing when the chart has no data)."""
    if name not in divs:
        return ""
    return f'<div class="chart" data-chart="{name}"><h4>{escape(title)}</h4>{divs[name]}</div>'
