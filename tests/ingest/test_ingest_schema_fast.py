"""The column-wide pre-check (`schema.keeps_the_rules`) agrees with pandera on every report.

Reports that keep the rules skip pandera; any report the pre-check passes must be one pandera
passes too, or a broken cell would be stored unreported.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandera.errors import SchemaErrors

from ingest import db
from ingest.load import options_for
from ingest.parse import parse_file
from ingest.sample import SAMPLE_DIR
from ingest.schema import ActionRows, keeps_the_rules


def _pandera_passes(df: pd.DataFrame) -> bool:
    try:
        ActionRows.validate(df, lazy=True)
    except SchemaErrors:
        return False
    return True


@pytest.fixture(scope="module")
def frames(sample_db: Path) -> list[pd.DataFrame]:
    con = db.connect(sample_db, read_only=True)
    opts = options_for(con)
    con.close()
    out = []
    for path in sorted((SAMPLE_DIR / "reports").iterdir())[:12]:
        for report in parse_file(path.read_bytes(), path.name, opts).reports:
            out.append(report.frame)
    return out


def _break(df: pd.DataFrame, rng: random.Random) -> tuple[str, pd.DataFrame]:
    df = df.copy()
    row = df.index[rng.randrange(len(df))]
    other = df.index[(list(df.index).index(row) + 1) % len(df)]
    kind = rng.choice(["none", "id_missing", "id_repeated", "id_repeated_in_other_capitals", "action_missing", "status_missing", "status_unknown",
                       "pct_high", "pct_negative", "allocated_negative", "spent_negative", "start_after_due",
                       "completed_after_period", "pct_nan", "budget_nan", "dates_missing"])
    value: Any
    if kind == "id_missing":
        df.at[row, "action_id"] = None
    elif kind == "id_repeated":
        df.at[row, "action_id"] = df.at[other, "action_id"]
    elif kind == "id_repeated_in_other_capitals":  # 'fin-01' is FIN-01 (an ID without letters: itself)
        df.at[row, "action_id"] = str(df.at[other, "action_id"]).swapcase()
    elif kind == "action_missing":
        df.at[row, "action"] = None
    elif kind == "status_missing":
        df.at[row, "status"] = None
    elif kind == "status_unknown":
        df.at[row, "status"] = "Nearly there"
    elif kind == "pct_high":
        df.at[row, "percent_complete"] = 100.5
    elif kind == "pct_negative":
        df.at[row, "percent_complete"] = -1.0
    elif kind in ("allocated_negative", "spent_negative"):
        df.at[row, "budget_" + kind.split("_")[0]] = -0.01
    elif kind == "start_after_due":
        df.at[row, "due_date"] = date(2025, 1, 1)
        df.at[row, "start_date"] = date(2025, 1, 2)
    elif kind == "completed_after_period":
        value = df.at[row, "period_end"]
        df.at[row, "completion_date"] = value + timedelta(days=1)
    elif kind == "pct_nan":
        df.at[row, "percent_complete"] = float("nan")
    elif kind == "budget_nan":
        df.at[row, "budget_spent"] = float("nan")
    elif kind == "dates_missing":
        df.at[row, "start_date"] = None
        df.at[row, "completion_date"] = None
    return kind, df


def test_the_pre_check_passes_exactly_the_reports_pandera_passes(frames: list[pd.DataFrame]) -> None:
    rng = random.Random(11)
    kinds_seen: dict[str, set[bool]] = {}
    for n in range(300):
        kind, df = _break(frames[n % len(frames)], rng)
        expected = _pandera_passes(df)
        assert keeps_the_rules(df) == expected, kind
        kinds_seen.setdefault(kind, set()).add(expected)
    # every kind was tried; the harmless ones pass and every breaking one fails
    assert len(kinds_seen) == 16
    assert kinds_seen["none"] == kinds_seen["pct_nan"] == kinds_seen["budget_nan"] == {True}
    assert kinds_seen["status_unknown"] == kinds_seen["start_after_due"] == {False}
    assert kinds_seen["id_repeated_in_other_capitals"] == {False}


def test_a_frame_of_another_shape_goes_to_pandera(frames: list[pd.DataFrame]) -> None:
    df = frames[0].copy()
    df["percent_complete"] = df["percent_complete"].astype(object)
    assert not keeps_the_rules(df)
    assert not keeps_the_rules(df.drop(columns=["period_end"]))
