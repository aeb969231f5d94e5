"""Column mappings saved under a name in the database (SPEC §2.5), stored as their TOML text."""

from __future__ import annotations

from ingest import db
from ingest.errors import IngestError
from ingest.mapping import Mapping, mapping_to_toml, parse_mapping


def save_mapping(con: db.Connection, name: str, mapping: Mapping, who: str | None = None) -> str:
    """Save (or replace) a mapping under `name`; returns the TOML stored."""
    clean = " ".join(str(name).split())
    if not clean:
        raise IngestError("A saved mapping needs a name.", "Name the mapping")
    text = mapping_to_toml(mapping)
    parse_mapping(text, clean)  # what is stored must read back
    with db.transaction(con):
        con.execute("INSERT OR REPLACE INTO mappings VALUES ($n, $t, $w, now())",
                    {"n": clean, "t": text, "w": who})
    return text


def list_mappings(con: db.Connection) -> list[str]:
    """The names of the saved mappings, in alphabetical order."""
    return [str(r[0]) for r in con.execute("SELECT name FROM mappings ORDER BY lower(name)").fetchall()]


def get_mapping_toml(con: db.Connection, name: str) -> str | None:
    """The TOML text of a saved mapping, or None."""
    value = db.scalar(con, "SELECT toml FROM mappings WHERE name = $n", {"n": name})
    return str(value) if value is not None else None


def get_mapping(con: db.Connection, name: str) -> Mapping | None:
    """A saved mapping, parsed (its name set), or None when there is none by that name."""
    text = get_mapping_toml(con, name)
    return parse_mapping(text, name) if text is not None else None


def delete_mapping(con: db.Connection, name: str) -> None:
    """Remove a saved mapping (no error when there is none)."""
    with db.transaction(con):
        con.execute("DELETE FROM mappings WHERE name = $n", {"n": name})
