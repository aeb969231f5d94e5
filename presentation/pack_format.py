"""The review pack's table columns, shared by the XLSX and HTML renderings so
that both say the same thing. KPI labels and meanings are metrics.kpi_catalogue's; periods and
filters in words are presentation.theme's."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    """One column of a pack table: the field, its header, the kind of value (text, wrap, int,
    rate 0–1, percent 0–100 KPI, pct100 0–100 field, money, date, datetime, days, ratio, rag) and
    its width in characters in the workbook."""

    key: str
    header: str
    kind: str = "text"
    width: float = 14

