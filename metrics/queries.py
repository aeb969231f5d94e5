"""Loads the SQL files of metrics/sql and runs them with bound `$named` parameters."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

from ingest.db import Connection

_PARAMETER = re.compile(r"\$([a-z_]+)")


@cache
def sql(name: str) -> str:
    """The text of `metrics/sql/<name>.sql`."""
    return resources.files("metrics.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


@cache
def _parameters(name: str) -> frozenset[str]:
    return frozenset(_PARAMETER.findall(sql(name)))


def _bind(name: str, params: dict[str, Any]) -> dict[str, Any]:
    # DuckDB refuses parameters a query does not use, so callers may pass a shared superset.
    wanted = _parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"{name}.sql needs the parameters {sorted(missing)}")
    return {k: v for k, v in params.items() if k in wanted}


def frame(con: Connection, name: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run one named query and return its rows as a DataFrame."""
    return con.execute(sql(name), _bind(name, params)).df()


def scalar(con: Connection, name: str, params: dict[str, Any]) -> Any:
    """Run one named query that returns a single value."""
    found = rows(con, name, params)  # read to the end: DuckDB keeps an unread result pending
    return found[0][0] if found else None


def rows(con: Connection, name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run one named query and return its rows as tuples (no DataFrame for a few values)."""
    return con.execute(sql(name), _bind(name, params)).fetchall()


def relation(con: Connection, name: str, params: dict[str, Any]) -> duckdb.DuckDBPyRelation:
    """One named query as a lazy relation, for `summarise` to aggregate inside DuckDB."""
    return con.sql(sql(name), params=_bind(name, params))


def summarise(rows: duckdb.DuckDBPyRelation, name: str, as_table: str = "figures") -> pd.DataFrame:
    """Run `metrics/sql/<name>.sql`, which reads the relation under the name `as_table`."""
    result = rows.query(as_table, sql(name))
    if result is None:  # only for statements that return no rows, which these never are
        raise ValueError(f"{name}.sql returned no result")
    return result.df()
