"""The dashboard's connection to the shared store reads and writes the store and nothing else."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from backends import Lakes

from ingest import db


def test_a_locked_down_store_connection_reaches_its_data_folder_only(tmp_path: Path) -> None:
    con = db.connect(Lakes.new())
    db.lock_down(con)
    cursor = con.cursor()
    db.write(cursor, lambda c: c.execute("INSERT INTO settings VALUES ('currency', 'R', 'me', now())"))
    assert db.scalar(cursor, "SELECT value FROM settings WHERE name = 'currency'") == "R"
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n", encoding="utf-8")
    refused = [
        f"SELECT * FROM read_csv('{outside}')",                        # another file
        f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'",                # writing elsewhere
        f"LOAD '{tmp_path / 'evil.duckdb_extension'}'",                # code by path
        "INSTALL httpfs",                                              # code from the network
        "SET allow_unsigned_extensions = false",                       # the configuration
        "SET enable_external_access = true",
    ]
    for statement in refused:
        with pytest.raises(duckdb.Error):
            cursor.execute(statement)
    con.close()
