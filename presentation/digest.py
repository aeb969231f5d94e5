"""The digest (metrics.digest) rendered for people: HTML (the review pack, later the emails),
plain text (emails, the terminal) and Streamlit Markdown (the dashboard). Every sentence keeps
where its actions were read: "from Finance_2025-06.xlsx, Status report row 7".

The sentences quote report text (action descriptions, reason codes, file names): each
rendering escapes it for its own markup (html.escape; presentation.markup.md for Streamlit).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

from ingest.words import possessive
from metrics.digest import Sentence
from metrics.formats import a_date, period_label
from presentation.markup import md

# a few words before each sentence saying what kind of change it is
KIND_LABELS: dict[str, str] = {
    "report_missing": "Report missing", "report_rejected": "Rejected version",
    "report_late": "Report late", "not_reported": "Not reported", "overdue": "Overdue",
    "at_risk": "At risk", "due_date_moved": "Due date moved", "kpi_move": "KPI",
    "completed": "Completed", "new_action": "New", "dropped_action": "Left the plan",
    "report_on_time": "Report on time"}
SHOWN = 8  # sentences the dashboard shows before "the other N changes"


def heading(previous: str | None) -> str:
    """`What changed since May 2025`, or `What changed` when there is no earlier period."""
    return f"What changed since {period_label(previous)}" if previous else "What changed"


def source_note(sentence: Sentence) -> str:
    """Where the sentence's actions were read, in words: `from Finance_2025-06.xlsx, Status report
    row 7` (rows of one sheet joined: `rows 7, 9`); empty when it names no action."""
    sheets: dict[tuple[str, str], list[int]] = {}
    for ref in sentence.actions:
        sheets.setdefault((ref.file_name, ref.sheet), []).append(ref.row)
    parts = []
    for (file_name, sheet), rows in sheets.items():
        rows = sorted(set(rows))
        where = ", ".join(str(r) for r in rows)
        parts.append(f"{file_name}, {sheet} {'row' if len(rows) == 1 else 'rows'} {where}")
    return ("from " + "; ".join(parts)) if parts else ""


def digest_text(sentences: Sequence[Sentence], title: str = "") -> str:
    """Plain text: the title, then one line a sentence with its source in brackets."""
    lines = [title, ""] if title else []
    for s in sentences:
        note = source_note(s)
        lines.append(f"- {s.text}" + (f" ({note})" if note else ""))
    if not sentences:
        lines.append("Nothing to report: no change since the previous period.")
    return "\n".join(lines) + "\n"


def digest_html(sentences: Sequence[Sentence], title: str = "", level: int = 2) -> str:
    """An HTML fragment: the title (an `h{level}`), then a list, each sentence escaped, its kind
    before it and its source after it."""
    head = f"<h{level}>{escape(title)}</h{level}>" if title else ""
    if not sentences:
        return (f'<div class="digest">{head}<p class="ok">Nothing to report: no change since '
                "the previous period.</p></div>")
    items = []
    for s in sentences:
        note = source_note(s)
        items.append(
            f'<li class="digest-{escape(s.kind)}"><span class="kind">'
            f"{escape(KIND_LABELS.get(s.kind, s.kind))}</span> {escape(s.text)}"
            + (f' <span class="source">{escape(note)}</span>' if note else "") + "</li>")
    return f'<div class="digest">{head}<ul>{"".join(items)}</ul></div>'


def digest_markdown(sentences: Sequence[Sentence]) -> str:
    """Streamlit Markdown: a list, each sentence escaped (presentation.markup.md), its kind in
    bold before it and its source in italics after it (no directive such as `:gray[]`: report
    text never sits inside one)."""
    lines = []
    for s in sentences:
        note = source_note(s)
        lines.append(f"- **{md(KIND_LABELS.get(s.kind, s.kind))}** · {md(s.text)}"
                     + (f" *{md(note)}*" if note else ""))
    return "\n".join(lines)


def digest_rows(groups: Sequence[tuple[str, Sequence[Sentence]]]) -> pd.DataFrame:
    """The sentences as a table (the review pack's workbook): department (the group's, else whom
    the sentence is about, `_departments`), kind (KIND_LABELS), change (the sentence) and source
    (`source_note`)."""
    return pd.DataFrame(
        [{"department": name or _departments(s), "kind": KIND_LABELS.get(s.kind, s.kind),
          "change": s.text, "source": source_note(s)}
         for name, sentences in groups for s in sentences],
        columns=["department", "kind", "change", "source"])


def _departments(sentence: Sentence) -> str:
    """Whom a sentence is about: the department a report's sentence names, else the departments
    of the actions it names; empty for the scope as a whole (a KPI's move)."""
    named = sentence.figures.get("department")
    return str(named) if named else "; ".join(sorted({a.department for a in sentence.actions}))


def missing_reports(sentences: Sequence[Sentence], department: str) -> str:
    """What a department's page says when the department has no report in force for the period:
    "Operations' report for January 2026 has not come in (it was due by 7 Feb 2026)." (a
    quarter's months joined), from its digest's report_missing sentences; empty when it has
    none. Plain text: escape it for the markup it meets."""
    missing = [s.figures for s in sentences
               if s.kind == "report_missing" and "period" in s.figures]
    if not missing:
        return ""
    months = _joined([period_label(str(f["period"])) for f in missing])
    due = _joined([a_date(f["deadline"]) for f in missing])
    if len(missing) == 1:
        return (f"{possessive(department)} report for {months} has not come in (it was due by "
                f"{due}).")
    return f"{possessive(department)} reports for {months} have not come in (due by {due})."


def _joined(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
