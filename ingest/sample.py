"""Load sample_data/ into an empty database, so a newcomer sees a working dashboard at once."""

from __future__ import annotations

from pathlib import Path

from ingest import db
from ingest.load import Outcome, load_file
from ingest.register import load_register
from ingest.settings import PROJECT_ROOT

SAMPLE_DIR = PROJECT_ROOT / "sample_data"


def is_empty(con: db.Connection) -> bool:
    """True when no report and no register was ever loaded."""
    uploads = db.scalar(con, "SELECT count(*) FROM uploads")
    registers = db.scalar(con, "SELECT count(*) FROM register_versions")
    return not uploads and not registers


def load_sample_data(con: db.Connection, folder: Path = SAMPLE_DIR, who: str = "sample data") -> list[Outcome]:
    """Load the sample register and every sample report (in file-name order)."""
    load_register(con, (folder / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx", who=who)
    outcomes: list[Outcome] = []
    for path in sorted((folder / "reports").iterdir()):
        if path.suffix.lower() in (".xlsx", ".xlsm", ".csv"):
            outcomes += load_file(con, path.read_bytes(), path.name, who=who)
    return outcomes


def ensure_sample_data(con: db.Connection) -> bool:
    """Load the sample data when the database is empty and the setting allows it; True if it loaded."""
    if not db.setting(con, "load_sample_data") or not is_empty(con):
        return False
    load_sample_data(con)
    return True
