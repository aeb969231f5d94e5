"""The empty database most tests start from (tests/support/backends.py `memory_database`) is a copy
of one migrated once per process: it must be what running every migration gives, or the tests
would check a schema the product never makes."""

from __future__ import annotations

from typing import Any

from backends import memory_database

from ingest import db

# what differs between two databases migrated apart: when each migration ran, and the stamp
# migration 014 draws for each database
DRAWN = {"schema_migrations": "version, name", "meta": "key, CASE WHEN key = 'data_version' "
         "THEN NULL ELSE value END", "derived_definitions": "name, definition_sha256"}


HERE = "database_name = current_database()"
CATALOG = {
    "tables": f"SELECT table_name, sql FROM duckdb_tables() WHERE {HERE}",
    "columns": "SELECT table_name, column_name, column_index, data_type, column_default, "
               f"is_nullable FROM duckdb_columns() WHERE {HERE}",
    "constraints": "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() "
                   f"WHERE {HERE}",
    "indexes": f"SELECT index_name, table_name, is_unique, sql FROM duckdb_indexes() WHERE {HERE}",
    "macros": "SELECT function_name, function_type, macro_definition FROM duckdb_functions() "
              f"WHERE {HERE} AND NOT internal",
    "views": f"SELECT view_name, sql FROM duckdb_views() WHERE {HERE} AND NOT internal",
    "sequences": f"SELECT sequence_name, start_value, increment_by FROM duckdb_sequences() WHERE {HERE}",
}


def _contents(con: db.Connection) -> dict[str, Any]:
    found = {name: con.execute(f"{query} ORDER BY ALL").fetchall() for name, query in CATALOG.items()}
    for table, _sql in found["tables"]:
        columns = DRAWN.get(table, "*")
        found[f"rows of {table}"] = con.execute(f'SELECT {columns} FROM "{table}" ORDER BY ALL').fetchall()  # noqa: S608
    return found


def test_the_copy_is_what_running_every_migration_gives() -> None:
    migrated, copy = db.connect(":memory:"), memory_database()
    assert _contents(copy) == _contents(migrated)
    assert len(_contents(copy)["tables"]) > 10


def test_the_copy_is_at_the_latest_schema_and_has_a_data_version_of_its_own() -> None:
    first, second = memory_database(), memory_database()
    assert db.migrate(first) == 0
    assert db.data_version(first) != db.data_version(second)
    first.execute("CREATE TABLE only_here (x INTEGER)")  # a copy is a database of its own
    assert not second.execute("SELECT count(*) FROM duckdb_tables() "
                              "WHERE table_name = 'only_here'").fetchone()[0]  # type: ignore[index]
