"""Load sample_data/ into an empty database, so a newcomer sees a working dashboard at once."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from ingest import db
from ingest.access import SYSTEM
from ingest.bulk import load_files
from ingest.load import Outcome
from ingest.register import load_register
from ingest.settings import PROJECT_ROOT

SAMPLE_DIR = PROJECT_ROOT / "sample_data"


def is_empty(con: db.Connection) -> bool:
    """True when no report and no register was ever loaded."""
    uploads = db.scalar(con, db.sql("uploads_count"))
    registers = db.scalar(con, db.sql("register_versions_count"))
    return not uploads and not registers


def load_sample_data(con: db.Connection, folder: Path = SAMPLE_DIR, who: str = "sample data") -> list[Outcome]:
    """Load the sample register and every sample report (in file-name order)."""
    load_register(con, (folder / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx", who=who,
                  user=SYSTEM)
    submitted = submission_dates(folder / "submissions.csv")
    files = [(path.name, path.read_bytes()) for path in sorted((folder / "reports").iterdir())
             if path.suffix.lower() in (".xlsx", ".xlsm", ".csv")]
    # parsed here: worker processes would cost more to start than the 41 files take to parse
    return [o for outcomes in load_files(con, files, who=who, submitted_at=submitted, user=SYSTEM, workers=1)
            for o in outcomes]


def submission_dates(path: Path) -> dict[str, datetime]:
    """file name -> when it was submitted, from the sample data's submissions.csv."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {r["file"]: datetime.fromisoformat(r["submitted_at"]) for r in csv.DictReader(f)}


def ensure_sample_data(con: db.Connection) -> bool:
    """Load the sample data when the database is empty and the setting allows it; True if it loaded."""
    if not db.setting(con, "load_sample_data") or not is_empty(con):
        return False
    load_sample_data(con)
    return True
