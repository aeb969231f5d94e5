"""The order of objective codes: natural (SO2 before SO10). One rule for every list of objectives
— the template's drop-down and Objectives sheet here, and through `metrics.filters` the sidebar,
the pages, the exports and the review pack."""

from __future__ import annotations

import re
from collections.abc import Iterable

_RUNS = re.compile(r"(\d+)")


def objective_order(objective_id: object) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """The natural sort key of an objective code: SO2 before SO10, SO1.2 before SO1.10 (runs of
    digits compared as numbers, the rest case-blind); None and empty codes last."""
    text = "" if objective_id is None or objective_id != objective_id else str(objective_id)
    if not text.strip():
        return ((2, 0, ""),), text
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold())
                  for p in _RUNS.split(text.strip()) if p)
    return parts, text  # the text itself orders ties (so1 / SO1) the same way every time


def sort_objectives(codes: Iterable[object]) -> list[str]:
    """The objective codes in natural order (`objective_order`)."""
    return [str(c) for c in sorted(codes, key=objective_order)]
