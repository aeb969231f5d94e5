"""The same sample data gives the same figures on a DuckDB file and on the shared store."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd
import pytest
from backends import Lakes

import metrics
from ingest import db
from ingest.sample import load_sample_data
from metrics.filters import Filters

PERIODS = ["2025-01", "2025-03", "2025-06", "2025-Q1", "2025-Q2"]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[db.Connection, db.Connection]]:
    file = db.connect(tmp_path_factory.mktemp("file") / "sample.duckdb")
    load_sample_data(file)
    lake = db.connect(Lakes.sample())  # the same sample data loaded into a store
    assert not db.is_lake(file) and db.is_lake(lake)
    yield file, lake
    file.close()
    lake.close()


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("department", [None, "Finance", "Human Resources"])
def test_the_kpis_are_identical_on_both_backends(both: tuple[db.Connection, db.Connection],
                                                 period: str, department: str | None) -> None:
    file, lake = both
    f = Filters(period=period, departments=(department,) if department else ())
    on_file, on_lake = metrics.kpis(file, f), metrics.kpis(lake, f)
    assert on_file.keys() == on_lake.keys()
    different = {k: (on_file[k], on_lake[k]) for k in on_file if not same(on_file[k], on_lake[k])}
    assert not different
    assert on_file["actions"] > 0  # the comparison is over real figures


def test_every_table_holds_the_same_rows(both: tuple[db.Connection, db.Connection]) -> None:
    file, lake = both
    skip = {"audit_log": ["logged_at"], "uploads": ["uploaded_at"], "raw_files": ["stored_at"],
            "register_versions": ["loaded_at"], "departments": ["first_seen"],
            "schema_migrations": ["applied_at"], "derived_definitions": ["refreshed_at"],
            "user_departments": [], "settings": ["changed_at"]}
    tables = [r[0] for r in file.execute("SELECT table_name FROM duckdb_tables() WHERE "
                                         "database_name = current_database() ORDER BY 1").fetchall()]
    assert {"action_status", "uploads", "report_summary", "actions"} <= set(tables)
    for table in tables:
        if table == "meta":  # the write counter counts retried transactions too
            continue

        def rows(con: db.Connection, table: str = table) -> pd.DataFrame:
            frame = con.execute(f'SELECT * FROM "{table}"').df()
            frame = frame.drop(columns=[c for c in skip.get(table, []) if c in frame])
            frame = frame.map(lambda v: bytes(v).hex() if isinstance(v, (bytes, bytearray)) else v)
            return frame.sort_values(list(frame.columns)).reset_index(drop=True)
        pd.testing.assert_frame_equal(rows(file), rows(lake), check_dtype=False, rtol=1e-12,
                                      obj=table)
