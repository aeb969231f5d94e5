"""Find the header row and match headers to the canonical columns of SPEC §2.2."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# canonical name -> other ways people write it (the canonical name itself always matches)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "action_id": ("id", "ref", "action no", "action step", "action number", "ref no", "reference"),
    "action": ("action description", "specific action", "activity", "description", "task", "actions"),
    "department": ("dept", "department name", "directorate"),
    "objective_id": ("objective", "strategic objective", "goal", "goal id", "objective id"),
    "responsible": ("assigned to", "owner", "responsible party", "lead", "responsible person"),
    "resources": ("resources required", "resources needed"),
    "budget_allocated": ("budget", "allocated budget", "budget allocated"),
    "budget_spent": ("spent", "actual spend", "expenditure", "actual cost", "budget spent"),
    "start_date": ("start", "start date"),
    "due_date": ("due", "deadline", "end date", "timeline", "target date", "due date"),
    "status": ("state",),
    "percent_complete": ("% complete", "progress", "percent complete", "completion", "percentage complete",
                         "progress %", "% progress", "completion %", "% completion"),
    "completion_date": ("completed on", "actual completion date", "date completed"),
    "success_metric": ("kpi", "success metric", "indicator", "measure"),
    "target": ("target value",),
    "actual": ("actual value", "achieved"),
    "metric_direction": ("direction",),
    "quality_review": ("quality", "meets standard", "quality review"),
    "risk": ("risks", "challenges", "risks/challenges", "risks and challenges"),
    "risk_level": ("risk rating", "risk level"),
    "mitigation": ("mitigation plan",),
    "reason_code": ("reason", "variance reason", "delay reason"),
    "comments": ("comment", "notes", "remarks"),
    # issue 16: the actions this one waits for, and the cross-department initiative it serves
    "depends_on": ("depends on", "dependencies", "dependency", "depends upon", "predecessors",
                   "predecessor", "prerequisites", "waits for"),
    "initiative": ("initiative id", "initiative name", "cross-department initiative",
                   "cross-departmental initiative", "programme"),
}
CANONICAL: tuple[str, ...] = tuple(SYNONYMS)
REQUIRED: tuple[str, ...] = ("action_id", "action", "status")

_TRAILING_UNIT = re.compile(r"\s*[\(\[][^()\[\]]*[\)\]]\s*$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def normalise(header: str) -> str:
    """Compare headers ignoring case, spaces, punctuation and a trailing unit in brackets."""
    text = str(header).strip().lower()
    while True:  # "Budget (ZAR)", "Baseline (£m) (incl. VAT)" -> "budget", "baseline"
        stripped = _TRAILING_UNIT.sub("", text)
        if stripped == text or not stripped.strip():
            break
        text = stripped
    text = text.replace("%", " percent ")
    return _NON_ALNUM.sub("", text)


_LOOKUP: dict[str, str] = {}
for _canon, _alts in SYNONYMS.items():
    for _name in (_canon, *_alts):
        _LOOKUP.setdefault(normalise(_name), _canon)


def canonical_for(header: Any) -> str | None:
    """The canonical column a header means, or None when it is not a known column."""
    if header is None:
        return None
    return _LOOKUP.get(normalise(str(header)))


@dataclass(frozen=True)
class Column:
    """A column of the file: 0-based index, the header as written, and what it means."""

    index: int
    header: str
    canonical: str | None


def match_row(row: list[Any], mapped: dict[str, str] | None = None) -> list[Column]:
    """Match every non-empty cell of a header row; `mapped` is normalised header -> canonical."""
    columns = []
    taken: set[str] = set()
    for i, cell in enumerate(row):
        if cell is None or str(cell).strip() == "":
            continue
        header = " ".join(str(cell).split())
        key = normalise(header)
        canon = (mapped or {}).get(key)
        if canon is None and key not in (mapped or {}):
            canon = _LOOKUP.get(key)
            if canon in (mapped or {}).values():
                canon = None  # the mapping put this canonical column elsewhere
        if canon in taken:
            canon = None  # a second column with the same meaning is kept as an extra
        if canon:
            taken.add(canon)
        columns.append(Column(i, header, canon))
    return columns


def find_header_row(
    rows: list[list[Any]], mapped: dict[str, str] | None = None, limit: int = 20
) -> int | None:
    """0-based index of the first row (within `limit`) where at least three cells are known columns."""
    for i, row in enumerate(rows[:limit]):
        if sum(1 for c in match_row(row, mapped) if c.canonical) >= 3:
            return i
    return None


METADATA_LABELS: dict[str, str] = {
    "department": "department", "dept": "department", "directorate": "department",
    "departmentname": "department",
    "reportingperiod": "period", "period": "period", "reportingmonth": "period", "month": "period",
    "reportmonth": "period", "periodcovered": "period",
    "datesubmitted": "submitted", "submitted": "submitted", "submissiondate": "submitted",
    "dateofsubmission": "submitted", "submittedon": "submitted",
    "preparedby": "prepared_by", "submittedby": "prepared_by", "completedby": "prepared_by",
}


def read_metadata(rows: list[list[Any]]) -> dict[str, tuple[Any, int, int]]:
    """`label: value` pairs above the header: field -> (value, 0-based row, 0-based column)."""
    found: dict[str, tuple[Any, int, int]] = {}
    for r, row in enumerate(rows):
        cells = list(row)
        for c, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            label = cell.strip()
            inline = None
            if ":" in label and not label.endswith(":"):
                label, inline = label.split(":", 1)
            key = METADATA_LABELS.get(normalise(label.rstrip(":")))
            if key is None or key in found:
                continue
            if inline is not None and inline.strip():
                found[key] = (inline.strip(), r, c)
            elif c + 1 < len(cells) and cells[c + 1] not in (None, ""):
                found[key] = (cells[c + 1], r, c + 1)
    return found
