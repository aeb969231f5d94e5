"""Column mappings (SPEC §2.5): how to read a workbook that does not use the template's headers."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.headers import CANONICAL, normalise
from ingest.values import STATUSES, ParseError, is_blank, parse_status

_KEYS = {"sheet", "header_row", "date_order", "columns", "values", "defaults", "blank", "name",
         "absent_actions"}
ABSENT_ACTIONS = ("carried", "left")  # what an action missing from a report means (README "The plan carries over")


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping: canonical column -> header as written in the file, and value rules."""

    name: str | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based, as Excel shows it
    date_order: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    status_values: dict[str, str] = field(default_factory=dict)  # normalised file value -> canonical
    defaults: dict[str, Any] = field(default_factory=dict)
    blank_patterns: tuple[str, ...] = ()
    absent_actions: str | None = None  # "left" for portfolio snapshots; None: the default, "carried"

    @property
    def header_lookup(self) -> dict[str, str]:
        """Normalised header -> canonical column, for the header matcher."""
        return {normalise(h): c for c, h in self.columns.items()}

    def status(self, value: Any) -> Any:
        """The canonical status a mapped value stands for (unmapped values pass through)."""
        if isinstance(value, str):
            return self.status_values.get(_value_key(value), value)
        return value

    def is_blank(self, value: Any) -> bool:
        """True when the cell is empty or matches one of the `[blank] patterns`."""
        if is_blank(value):
            return True
        if not self.blank_patterns or not isinstance(value, str):
            return False
        text = " ".join(value.split()).lower()
        return any(fnmatch.fnmatchcase(text, p) for p in self.blank_patterns)


def _value_key(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def parse_mapping(text: str, name: str | None = None) -> Mapping:
    """Parse mapping TOML, or raise IngestError naming the key that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise IngestError(f"The mapping {name or ''} is not valid TOML: {e}.", "Fix the mapping") from e
    return mapping_from_dict(data, name)


def mapping_from_dict(data: dict[str, Any], name: str | None = None) -> Mapping:
    """Build a Mapping from its dictionary form (TOML or the Upload page), checking every key."""
    label = f"The mapping {name!r}" if name else "The mapping"

    def bad(msg: str) -> IngestError:
        return IngestError(f"{label}: {msg}", "Fix the mapping")

    unknown = set(data) - _KEYS
    if unknown:
        raise bad(f"unknown {'key' if len(unknown) == 1 else 'keys'} {sorted(unknown)}; use sheet, header_row, date_order, "
                  "[columns], [values.status], [defaults], [blank].")
    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {}) or {}
        if not isinstance(value, dict):
            raise bad(f"[{key}] must be a table of `name = value` lines, not {value!r}.")
        return value

    for key, kind in (("sheet", str), ("date_order", str)):
        if key in data and not isinstance(data[key], kind):
            raise bad(f"{key} must be text in quotes, e.g. {key} = \"Data\".")
    columns = table("columns")
    for canon, header in columns.items():
        if canon not in CANONICAL:
            raise bad(f"[columns] names {canon!r}, which is not a Lekgotla column "
                      f"(use one of: {', '.join(CANONICAL)}).")
        if not isinstance(header, str) or not header.strip():
            raise bad(f"[columns] {canon} must be the header text as written in the file.")
    seen_headers: dict[str, str] = {}
    for canon, header in columns.items():
        key = normalise(header)
        if key in seen_headers:
            raise bad(f"[columns] maps both {seen_headers[key]} and {canon} to the header {header!r}; "
                      "a header can feed one column only.")
        seen_headers[key] = canon
    values = table("values")
    if set(values) - {"status"}:
        raise bad("only [values.status] is supported under [values].")
    status_table = values.get("status", {}) or {}
    if not isinstance(status_table, dict):
        raise bad("[values.status] must be a table of `\"value in the file\" = \"status\"` lines.")
    status_values: dict[str, str] = {}
    for raw, canon in status_table.items():
        try:
            status = parse_status(canon)
        except ParseError as e:
            raise bad(f"[values.status] {raw!r} = {canon!r}: {e}") from e
        if status is None:
            raise bad(f"[values.status] {raw!r} needs one of {', '.join(STATUSES)}.")
        status_values[_value_key(str(raw))] = status
    defaults = dict(table("defaults"))
    for canon in defaults:
        if canon not in CANONICAL:
            raise bad(f"[defaults] names {canon!r}, which is not a Lekgotla column.")
    if "status" in defaults:
        try:
            defaults["status"] = parse_status(defaults["status"])
        except ParseError as e:
            raise bad(f"[defaults] status: {e}") from e
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise bad("header_row must be a row number (1 = the first row).")
    date_order = data.get("date_order")
    if date_order is not None and date_order not in ("DMY", "MDY", "YMD"):
        raise bad(f"date_order must be DMY, MDY or YMD, not {date_order!r}.")
    blank = table("blank")
    patterns = blank.get("patterns", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise bad("[blank] patterns must be a list of text patterns, e.g. [\"N/A\", \"Exempt*\"].")
    absent = data.get("absent_actions")
    if absent is not None and absent not in ABSENT_ACTIONS:
        raise bad(f"absent_actions must be \"carried\" (an action missing from a report stays in the plan) "
                  f"or \"left\" (it has left the plan), not {absent!r}.")
    return Mapping(
        name=name or data.get("name"),
        absent_actions=absent,
        sheet=data.get("sheet"),
        header_row=header_row,
        date_order=date_order,
        columns={c: " ".join(h.split()) for c, h in columns.items()},
        status_values=status_values,
        defaults=defaults,
        blank_patterns=tuple(" ".join(p.split()).lower() for p in patterns),
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping TOML file; its name is the file's stem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise IngestError(f"The mapping file {p} cannot be read: {e.strerror}.", "Fix the mapping") from e
    return parse_mapping(text, p.stem)


def mapping_to_toml(m: Mapping) -> str:
    """Write a mapping back as TOML (the Upload page saves mappings this way)."""
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = []
    if m.sheet:
        lines.append(f"sheet = {q(m.sheet)}")
    if m.header_row:
        lines.append(f"header_row = {m.header_row}")
    if m.date_order:
        lines.append(f"date_order = {q(m.date_order)}")
    if m.absent_actions:
        lines.append(f"absent_actions = {q(m.absent_actions)}")
    lines.append("[columns]")
    lines += [f"{c} = {q(h)}" for c, h in m.columns.items()]
    if m.status_values:
        lines.append("[values.status]")
        lines += [f"{q(k)} = {q(v)}" for k, v in m.status_values.items()]
    if m.defaults:
        lines.append("[defaults]")
        lines += [f"{c} = {q(str(v))}" for c, v in m.defaults.items()]
    if m.blank_patterns:
        lines.append("[blank]")
        lines.append("patterns = [" + ", ".join(q(p) for p in m.blank_patterns) + "]")
    return "\n".join(lines) + "\n"
