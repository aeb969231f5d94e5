"""Loads the SQL files of metrics/sql and runs them with bound `$named` parameters."""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ingest.db import Connection, arrow_table, compose, scratch, sql_file

_PARAMETER = re.compile(r"\$([a-z_]+)")
_LEADING_WITH = re.compile(r"(?:\s*--[^\n]*\n)*\s*WITH\s", re.IGNORECASE)
# the layers whose SQL fragments metrics queries may include ({{layer:name}}): metrics sits on ingest
SQL_PACKAGES = {"ingest": "ingest.sql", "metrics": "metrics.sql"}
_NULLABLE_INTS: dict[pa.DataType, Any] = {
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(),
}


@cache
def sql(name: str) -> str:
    """The text of `metrics/sql/<name>.sql`, with its fragments included."""
    return compose(sql_file(SQL_PACKAGES["metrics"], name), SQL_PACKAGES)


@cache
def _parameters(name: str) -> frozenset[str]:
    return frozenset(_PARAMETER.findall(sql(name)))


def bind(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `metrics/sql/<name>.sql` uses, taken from `params`."""
    # DuckDB refuses parameters a query does not use, so callers may pass a shared superset.
    wanted = _parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"{name}.sql needs the parameters {sorted(missing)}")
    return {k: v for k, v in params.items() if k in wanted}


def frame(con: Connection, name: str, params: dict[str, Any], dates_as_objects: bool = False
          ) -> pd.DataFrame:
    """Run one named query and return its rows as a DataFrame (`dates_as_objects`: DATE columns
    as `datetime.date` objects, None where empty, instead of datetime64)."""
    return _run(con, sql(name), bind(name, params), dates_as_objects)


def composed(con: Connection, name: str, sources: dict[str, str], params: dict[str, Any]
             ) -> pd.DataFrame:
    """Run `metrics/sql/<name>.sql` over other named queries, each read under a name of
    `sources` (name it is read as -> its query file), all in one statement."""
    body = sql(name)
    own = _LEADING_WITH.match(body)  # a query with CTEs of its own: they follow the sources'
    text = "WITH " + ",\n".join(f"{alias} AS (\n{sql(source)}\n)"
                                 for alias, source in sources.items()) + (
        ",\n" + body[own.end():] if own else "\n" + body)
    wanted = set(_PARAMETER.findall(text))
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"{name}.sql and its sources need the parameters {sorted(missing)}")
    return _run(con, text, {k: v for k, v in params.items() if k in wanted})


def over(name: str, tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> pd.DataFrame:
    """Run `metrics/sql/<name>.sql` over tables already worked out, each read under its name in
    `tables`, in an in-memory DuckDB of its own: a formula applied to rows a page already has."""
    with scratch(**tables) as con:
        return _run(con, sql(name), bind(name, params))


# A DB-API result's Arrow table is one copy of the rows more than a relation's; a relation is
# parsed and bound once more before it runs, which costs more.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


def _run(con: Connection, text: str, params: dict[str, Any], dates_as_objects: bool = False
         ) -> pd.DataFrame:
    """The rows of one statement as `to_frame` gives them, run as a DB-API result."""
    converted = _from_arrow(arrow_table(con.execute(text, params)), dates_as_objects)
    if converted is None:  # a type `_from_arrow` does not map: DuckDB's own `.df()`
        return to_frame(con.sql(text, params=params), dates_as_objects)
    return converted


def to_frame(rows: duckdb.DuckDBPyRelation, dates_as_objects: bool = False) -> pd.DataFrame:
    """The rows as the DataFrame DuckDB's `.df()` gives (same columns, dtypes and values), built
    from Arrow: text columns stay Arrow-backed instead of becoming one Python object per cell,
    which makes a table of thousands of actions much quicker to hand over."""
    table = arrow_table(rows)
    converted = _from_arrow(table, dates_as_objects)
    if converted is None:
        converted = rows.df()
        if dates_as_objects:
            for name, kind in zip(rows.columns, rows.types, strict=True):
                if str(kind) == "DATE":
                    values = converted[name]
                    converted[name] = pd.Series(
                        [None if pd.isna(v) else pd.Timestamp(v).date() for v in values],
                        index=converted.index, dtype=object)
    return converted


def _from_arrow(table: pa.Table, dates_as_objects: bool = False) -> pd.DataFrame | None:
    """`.df()`'s DataFrame from an Arrow table, or None for a type this does not map (the
    caller then asks DuckDB). As `.df()`: integers and booleans with a NULL become pandas'
    nullable types, text with no value at all (or no row) is object, dates datetime64[us]."""
    n = table.num_rows
    if len(set(table.column_names)) != table.num_columns:
        return None
    columns: dict[str, Any] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind, nulls = column.type, column.null_count
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            columns[name] = (np.full(n, None, dtype=object) if nulls == n
                             else column.to_pandas().array)
        elif kind in _NULLABLE_INTS:
            columns[name] = (column.to_pandas(types_mapper={kind: _NULLABLE_INTS[kind]}.get).array
                             if nulls else column.to_numpy())
        elif pa.types.is_boolean(kind):
            columns[name] = (pd.array(column.to_pylist(), dtype="boolean") if nulls
                             else column.to_numpy(zero_copy_only=False))
        elif pa.types.is_floating(kind) and kind.bit_width == 64:
            columns[name] = column.to_numpy(zero_copy_only=False)
        elif pa.types.is_date32(kind) and dates_as_objects:
            columns[name] = column.to_pandas(date_as_object=True).to_numpy(dtype=object)
        elif pa.types.is_date32(kind):
            columns[name] = column.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
        elif pa.types.is_timestamp(kind) and kind.unit == "us" and kind.tz is None:
            columns[name] = column.to_numpy(zero_copy_only=False)
        else:
            return None
    return pd.DataFrame(columns, index=pd.RangeIndex(n), copy=False)


def scalar(con: Connection, name: str, params: dict[str, Any]) -> Any:
    """Run one named query that returns a single value."""
    found = rows(con, name, params)  # read to the end: DuckDB keeps an unread result pending
    return found[0][0] if found else None


def rows(con: Connection, name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run one named query and return its rows as tuples (no DataFrame for a few values)."""
    return con.execute(sql(name), bind(name, params)).fetchall()
