"""Loads followup/sql and runs its queries with bound `$named` parameters."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ingest.db import Connection, compose, sql_file

# the layers whose SQL fragments follow-up queries may include ({{layer:name}})
SQL_PACKAGES = {"ingest": "ingest.sql", "metrics": "metrics.sql", "followup": "followup.sql"}
_PARAMETER = re.compile(r"\$([a-z_]+)")


@cache
def sql(name: str) -> str:
    """The text of `followup/sql/<name>.sql`, with its fragments included."""
    return compose(sql_file(SQL_PACKAGES["followup"], name), SQL_PACKAGES)


def _bound(name: str, params: dict[str, Any]) -> dict[str, Any]:
    wanted = set(_PARAMETER.findall(sql(name)))
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"{name}.sql needs the parameters {sorted(missing)}")
    return {k: v for k, v in params.items() if k in wanted}


def records(con: Connection, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of `followup/sql/<name>.sql` as dicts."""
    result = con.execute(sql(name), _bound(name, params or {}))
    columns = [c[0] for c in result.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def execute(con: Connection, name: str, params: dict[str, Any]) -> None:
    """Run a writing statement of followup/sql (inside the caller's transaction)."""
    con.execute(sql(name), _bound(name, params)).fetchall()
